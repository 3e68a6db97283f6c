import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpRequest } from '@azure/functions';
import { checkQueryParameters, MAX_QUERY_LENGTH, type QueryError } from '../../../shared/http/checkQueryParameters';

const get = (query: string) =>
  new HttpRequest({ method: 'GET', url: `http://localhost:7071/api/x${query ? `?${query}` : ''}` });
const check = (query: string, allowed: readonly string[] = ['site']) =>
  checkQueryParameters(get(query), allowed, 'expected "site"');

test('accepted queries: the parameters, with "code" (the function key) allowed and repeatable everywhere', () => {
  const cases: [string, readonly string[], [string, string][]][] = [
    ['', [], []],
    ['code=k', [], [['code', 'k']]],
    [
      'code=k&code=again',
      [],
      [
        ['code', 'k'],
        ['code', 'again'],
      ],
    ],
    [
      'site=park-1&code=k',
      ['site'],
      [
        ['site', 'park-1'],
        ['code', 'k'],
      ],
    ],
  ];
  for (const [query, allowed, expected] of cases) {
    const params = check(query, allowed);
    assert.ok(params instanceof URLSearchParams, query);
    assert.deepEqual([...params], expected, query);
  }
});

test('refused queries: too long, unknown (quoted escaped, at most 64 characters) or repeated, naming the parameter', () => {
  const cases: [string, readonly string[], QueryError][] = [
    ['verbose=1', [], { error: 'query parameter "verbose" is not supported; expected "site"', parameter: 'verbose' }],
    [
      'code=k&site=park-1',
      [],
      { error: 'query parameter "site" is not supported; expected "site"', parameter: 'site' },
    ],
    ['sites=a', ['site'], { error: 'query parameter "sites" is not supported; expected "site"', parameter: 'sites' }],
    [
      'x%E2%80%AE=1',
      ['site'],
      { error: 'query parameter "x\\u202e" is not supported; expected "site"', parameter: 'x\\u202e' },
    ],
    ['a%22b=1', ['site'], { error: 'query parameter "a\\"b" is not supported; expected "site"', parameter: 'a"b' }],
    [
      `${'p'.repeat(100)}=1`,
      ['site'],
      { error: `query parameter "${'p'.repeat(64)}..." is not supported; expected "site"`, parameter: 'p'.repeat(64) },
    ],
    ['site=a&site=b', ['site'], { error: 'query parameter "site" is given 2 times; give it once', parameter: 'site' }],
    [
      `site=${'9'.repeat(MAX_QUERY_LENGTH)}`,
      ['site'],
      { error: `the query string is ${MAX_QUERY_LENGTH + 6} characters long; at most ${MAX_QUERY_LENGTH}` },
    ],
  ];
  for (const [query, allowed, expected] of cases) assert.deepEqual(check(query, allowed), expected, query.slice(0, 40));
});

test("without a URL query, the host's query map is read", () => {
  const params = checkQueryParameters(
    new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/x', query: { site: 'park-1' } }),
    ['site'],
    'expected "site"',
  );
  assert.ok(params instanceof URLSearchParams);
  assert.equal(params.get('site'), 'park-1');
  assert.deepEqual(
    checkQueryParameters(
      new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/x', query: { v: '1' } }),
      [],
      'takes no parameters',
    ),
    {
      error: 'query parameter "v" is not supported; takes no parameters',
      parameter: 'v',
    },
  );
});
