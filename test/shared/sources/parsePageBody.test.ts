import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_PAGE_DEPTH, parsePageBody } from '../../../shared/sources/parsePageBody';

test('each item keeps its exact text beside its value', () => {
  const text =
    '{ "items": [ {"site":"park-1", "v": 1.50}, [1,2] ,"x\\u0041",\n null ], "next": "2026-06-01T10:00:00Z" }';
  const r = parsePageBody(text);
  assert.ok(r.ok);
  assert.deepEqual(
    r.items.map((i) => i.raw),
    ['{"site":"park-1", "v": 1.50}', '[1,2]', '"x\\u0041"', 'null'],
  );
  assert.deepEqual(
    r.items.map((i) => i.value),
    [{ site: 'park-1', v: 1.5 }, [1, 2], 'xA', null],
  );
  assert.equal(r.next, '2026-06-01T10:00:00Z');
});

test('NaN, Infinity and -Infinity (as Python writes them) parse, so only their record is rejected later', () => {
  const r = parsePageBody('{"items":[{"v":NaN},{"v":Infinity},{"v":-Infinity},{"v":1e999}],"next":null}');
  assert.ok(r.ok);
  assert.deepEqual(
    r.items.map((i) => (i.value as { v: number }).v),
    [Number.NaN, Infinity, -Infinity, Infinity],
  );
});

test('it agrees with JSON.parse on any JSON (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue()), fc.option(fc.string()), (items, next) => {
      const text = JSON.stringify({ items, next });
      const r = parsePageBody(text);
      assert.ok(r.ok);
      assert.deepEqual(
        r.items.map((i) => i.value),
        JSON.parse(text).items,
      );
      assert.deepEqual(
        r.items.map((i) => JSON.parse(i.raw)),
        JSON.parse(text).items,
      );
    }),
    { numRuns: 300 },
  );
});

test('a "__proto__" key is data, not a prototype', () => {
  const r = parsePageBody('{"items":[{"__proto__":{"polluted":true},"site":"park-1"}]}');
  assert.ok(r.ok);
  const item = r.items[0]?.value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(item), Object.prototype);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.deepEqual(Object.keys(item), ['__proto__', 'site']);
});

const broken: [string, string, RegExp][] = [
  ['empty body', '', /not JSON: unexpected end of body/],
  ['HTML error page', '<html><body>502 Bad Gateway</body></html>', /not JSON: unexpected character at offset 0/],
  ['truncated', '{"items":[{"site":"park-1"', /not JSON/],
  ['trailing garbage', '{"items":[]} and more', /unexpected text after the JSON value/],
  ['single quotes', "{'items':[]}", /expected a property name/],
  ['trailing comma', '{"items":[1,]}', /not JSON/],
  ['leading zero', '{"items":[01]}', /not JSON/],
  ['raw control character in a string', '{"items":["a\u0001b"]}', /control character/],
  ['bad escape', '{"items":["\\x41"]}', /bad escape/],
  ['no items', '{"data":[],"next":null}', /no "items"/],
  ['items not an array', '{"items":{"0":{}}}', /"items" that is not an array/],
  ['an array body', '[{"site":"park-1"}]', /body is an array/],
  ['a string body', '"hello"', /body is a string/],
  ['null body', 'null', /body is null/],
  [
    'nested too deep',
    `{"items":[${'['.repeat(MAX_PAGE_DEPTH + 5)}${']'.repeat(MAX_PAGE_DEPTH + 5)}]}`,
    /nested deeper than 64/,
  ],
];
for (const [name, text, reason] of broken) {
  test(`a body that is not a page is refused with the reason: ${name}`, () => {
    const r = parsePageBody(text);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', reason);
  });
}

test('hostile nesting far beyond the stack is refused, not crashed on', () => {
  const r = parsePageBody(`{"items":[${'['.repeat(200_000)}`);
  assert.equal(r.ok, false);
});
