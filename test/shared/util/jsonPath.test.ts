import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatJsonPath, type PathPart, parseJsonPath, resolveJsonPath } from '../../../shared/util/jsonPath';

describe('parseJsonPath', () => {
  const parsed: [string, PathPart[]][] = [
    ['', []],
    ['$', []],
    ['  $  ', []],
    ['power', ['power']],
    ['power.values', ['power', 'values']],
    ['$.power.values', ['power', 'values']],
    ['data[0].rows', ['data', 0, 'rows']],
    ['[0]', [0]],
    ['[0][1]', [0, 1]],
    ['["key.with.dots"]', ['key.with.dots']],
    ['a["b c"].d', ['a', 'b c', 'd']],
    ['["quote \\" inside"]', ['quote " inside']],
    ['minutely_15', ['minutely_15']],
    ['$[0].x', [0, 'x']],
    ['$.', []],
  ];
  for (const [text, parts] of parsed) {
    test(`${JSON.stringify(text)} -> ${JSON.stringify(parts)}`, () => assert.deepEqual(parseJsonPath(text), parts));
  }
  const refused: [string, RegExp][] = [
    ['power[values', /bad path "power\[values": "\[" must hold an index such as \[0\] or a quoted name/],
    ['a[-1]', /"\[" must hold an index/],
    ["a['b']", /"\[" must hold an index/],
    ['a..b', /expected a member name at "\.b"/],
    ['a.', /expected a member name at ""/],
    ['.a', /expected a member name at "\.a"/],
    ['a b', /expected "\." or "\[" before " b"/],
    ['1abc', /expected a member name at "1abc"/],
    ['$..a', /expected a member name at "\.a"/],
  ];
  for (const [text, reason] of refused) {
    test(`refused: ${JSON.stringify(text)}`, () => {
      const r = parseJsonPath(text);
      assert.equal(typeof r, 'string', `parsed as ${JSON.stringify(r)}`);
      assert.match(r as string, reason);
    });
  }
});

describe('formatJsonPath writes a path back', () => {
  const cases: [PathPart[], string][] = [
    [[], ''],
    [['power', 'values', 3], 'power.values[3]'],
    [['a.b', 'c'], '["a.b"].c'],
    [[0, 'x'], '[0].x'],
  ];
  for (const [parts, text] of cases) {
    test(text || '(empty)', () => {
      assert.equal(formatJsonPath(parts), text);
      assert.deepEqual(parseJsonPath(text), parts, 'round-trips');
    });
  }
});

describe('resolveJsonPath', () => {
  const doc = {
    power: {
      unit: 'W',
      values: [
        { date: '2026-06-01 12:00:00', value: 10 },
        { date: '2026-06-01 12:15:00', value: null },
      ],
    },
    'a.b': 1,
  };
  const found: [PathPart[], unknown][] = [
    [[], doc],
    [['power', 'unit'], 'W'],
    [['power', 'values', 1, 'value'], null],
    [['power', 'values', 0, 'date'], '2026-06-01 12:00:00'],
    [['a.b'], 1],
  ];
  for (const [parts, value] of found) {
    test(`finds ${formatJsonPath(parts) || '(the document)'}`, () =>
      assert.deepEqual(resolveJsonPath(doc, parts), { ok: true, value }));
  }
  const missing: [PathPart[], boolean, string][] = [
    [['power', 'vals'], false, 'power has no member "vals" (it has "unit", "values")'],
    [['energy'], false, '(the document) has no member "energy" (it has "power", "a.b")'],
    [['power', 'values', 2], false, 'power.values has 2 element(s), no [2]'],
    [['power', 'unit', 'x'], false, 'power.unit is a string, expected an object with a member "x"'],
    [['power', 0], false, 'power is an object, expected an array to take [0] of'],
    [
      ['power', 'values', 1, 'value', 'x'],
      false,
      'power.values[1].value is null, expected an object with a member "x"',
    ],
    [['power', 'values', 'x'], false, 'power.values is an array, expected an object with a member "x"'],
    [['power', 'vals', 'x'], true, 'power has no member "vals" (it has "unit", "values")'],
  ];
  for (const [parts, allowMissingLast, reason] of missing) {
    test(`reports where ${formatJsonPath(parts)} stops matching${allowMissingLast ? ' (a missing last member allowed)' : ''}`, () => {
      assert.deepEqual(resolveJsonPath(doc, parts, allowMissingLast), { ok: false, reason });
    });
  }
  test('a missing last member is undefined when allowed (a record may leave a value out)', () => {
    assert.deepEqual(resolveJsonPath(doc, ['power', 'values', 0, 'irradiance'], true), { ok: true, value: undefined });
    assert.equal(resolveJsonPath(doc, ['power', 'values', 0, 'irradiance']).ok, false);
  });
  test('an object with many members lists the first eight', () => {
    const wide = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    assert.deepEqual(resolveJsonPath(wide, ['x']), {
      ok: false,
      reason: '(the document) has no member "x" (it has "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", ...)',
    });
    assert.deepEqual(resolveJsonPath({}, ['x']), {
      ok: false,
      reason: '(the document) has no member "x" (it has none)',
    });
  });
  test('inherited members are not members', () => {
    assert.equal(resolveJsonPath({}, ['constructor']).ok, false);
    assert.equal(resolveJsonPath({}, ['__proto__']).ok, false);
  });
});
