import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BudgetConfigError } from '../../../shared/budget/BudgetError';
import { readBudgetSettings } from '../../../shared/budget/BudgetSettings';
import { redactSecrets } from '../../../shared/budget/redactSecrets';

test('no BUDGET_SCOPE (the local stack) means no budget to read', () => {
  assert.equal(readBudgetSettings({}), undefined);
  assert.equal(readBudgetSettings({ BUDGET_SCOPE: '  ', BUDGET_NAME: 'x' }), undefined);
});

test('the scope is normalized to one leading slash', () => {
  assert.deepEqual(
    readBudgetSettings({ BUDGET_SCOPE: 'subscriptions/abc/resourceGroups/rg/', BUDGET_NAME: 'forecast-monthly' }),
    {
      scope: '/subscriptions/abc/resourceGroups/rg',
      budgetName: 'forecast-monthly',
    },
  );
});

const BAD: [string, Record<string, string>, RegExp][] = [
  [
    'a scope without a name',
    { BUDGET_SCOPE: '/subscriptions/abc' },
    /"BUDGET_NAME" is required when "BUDGET_SCOPE" is set/,
  ],
  [
    'a name with a space',
    { BUDGET_SCOPE: '/subscriptions/abc', BUDGET_NAME: 'my budget' },
    /"BUDGET_NAME" is "my budget"; expected 1-63 letters/,
  ],
  [
    'a scope with a query',
    { BUDGET_SCOPE: '/subscriptions/abc?x=1', BUDGET_NAME: 'b' },
    /"BUDGET_SCOPE": budget scope "\/subscriptions\/abc\?x=1" is not a resource path/,
  ],
  ['a scope with ..', { BUDGET_SCOPE: '/subscriptions/abc/../def', BUDGET_NAME: 'b' }, /not a resource path/],
];
for (const [name, env, message] of BAD) {
  test(`BUDGET_CONFIG for ${name}, naming the setting`, () => {
    assert.throws(
      () => readBudgetSettings(env),
      (err: unknown) => err instanceof BudgetConfigError && err.code === 'BUDGET_CONFIG' && message.test(err.message),
    );
  });
}

test('redactSecrets removes bearer tokens, JWTs and token pairs, and keeps one bounded line', () => {
  const text =
    'failed\n with Authorization: Bearer abc.def-ghi and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig and {"access_token":"s3cr3t","x":1}';
  const out = redactSecrets(text);
  assert.equal(
    out,
    'failed with Authorization: Bearer [redacted] and [redacted-jwt] and {"access_token":"[redacted]","x":1}',
  );
  assert.ok(redactSecrets('x'.repeat(1000)).length <= 400);
});
