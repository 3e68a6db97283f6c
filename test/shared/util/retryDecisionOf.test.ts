import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRetryDecision, type RetryDecision } from '../../../shared/util/RetryDecision';
import { retryDecisionOf, UNCLASSIFIED } from '../../../shared/util/retryDecisionOf';

/** A minimal implementation of the contract, as a plain object. */
function decision(code: string, retry: boolean, wait?: () => number | undefined): RetryDecision {
  return { code, canRetry: () => retry, ...(wait ? { retryAfter: wait } : {}) };
}

test('an error that implements RetryDecision answers for itself, with its wait only when it is retryable', () => {
  class Throttled extends Error implements RetryDecision {
    readonly code = 'THROTTLED';
    canRetry(): boolean {
      return true;
    }
    retryAfter(): number | undefined {
      return 1000;
    }
  }
  assert.deepEqual(retryDecisionOf(new Throttled('slow down')), {
    retryable: true,
    code: 'THROTTLED',
    retryAfterMs: 1000,
  });
  assert.deepEqual(retryDecisionOf(decision('DOWN', true)), { retryable: true, code: 'DOWN' });
  assert.deepEqual(retryDecisionOf(decision('DOWN', true, () => undefined)), { retryable: true, code: 'DOWN' });
  assert.deepEqual(retryDecisionOf(decision('REFUSED', false)), { retryable: false, code: 'REFUSED' });
  assert.deepEqual(
    retryDecisionOf(decision('REFUSED', false, () => 5000)),
    { retryable: false, code: 'REFUSED' },
    'waiting does not help a refusal',
  );
});

test('a wait that is not a finite, non-negative number of milliseconds is left out', () => {
  for (const wait of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
    assert.deepEqual(
      retryDecisionOf(decision('DOWN', true, () => wait)),
      { retryable: true, code: 'DOWN' },
      String(wait),
    );
  }
  assert.deepEqual(retryDecisionOf(decision('DOWN', true, () => 0)), {
    retryable: true,
    code: 'DOWN',
    retryAfterMs: 0,
  });
});

test('anything else is not retryable, code UNCLASSIFIED: a plain Error, a bug, a foreign SDK error, a non-Error throw', () => {
  const cases: [string, unknown][] = [
    ['a plain Error', new Error('boom')],
    ['a TypeError from a bug', new TypeError("Cannot read properties of undefined (reading 'site')")],
    ['a Cosmos DB ErrorResponse (numeric code, no canRetry)', Object.assign(new Error('Forbidden'), { code: 403 })],
    [
      'a Node system error (string code, no canRetry)',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['a canRetry without a code', Object.assign(new Error('half'), { canRetry: () => true })],
    ['a retryAfter that is not a method', { code: 'X', canRetry: () => true, retryAfter: 1000 }],
    ['a string', 'it broke'],
    ['a number', 42],
    ['undefined', undefined],
    ['null', null],
  ];
  for (const [name, err] of cases) {
    assert.equal(isRetryDecision(err), false, name);
    assert.deepEqual(retryDecisionOf(err), { retryable: false, code: UNCLASSIFIED }, name);
  }
});

test('an error whose canRetry throws is not retryable and keeps its code; the helper never throws', () => {
  const broken = {
    code: 'BROKEN',
    canRetry(): boolean {
      throw new Error('bug in canRetry');
    },
  };
  assert.deepEqual(retryDecisionOf(broken), { retryable: false, code: 'BROKEN' });
});

test('canRetry answering anything but true is not retryable', () => {
  const odd = { code: 'ODD', canRetry: () => 'yes' as unknown as boolean };
  assert.deepEqual(retryDecisionOf(odd), { retryable: false, code: 'ODD' });
});
