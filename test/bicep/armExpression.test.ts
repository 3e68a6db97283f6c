import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArmFailure, type ArmValue, type ExpressionScope, UNKNOWN, evaluate } from './armExpression';
import { walkDeployment } from './armWalk';

function scope(parameters: Record<string, ArmValue> = {}, variables: Record<string, ArmValue> = {}): ExpressionScope {
  const s: ExpressionScope = {
    parameter: (n) => parameters[n] ?? UNKNOWN,
    variable: (n) => evaluate(variables[n], s),
    reference: () => UNKNOWN,
  };
  return s;
}

describe('evaluate (ARM expressions)', () => {
  const cases: [string, ArmValue, ExpressionScope][] = [
    ["[format('st{0}', parameters('x'))]", 'stabc', scope({ x: 'abc' })],
    ["[toUpper(replace(parameters('id'), '-', '_'))]", 'SITE_METER', scope({ id: 'site-meter' })],
    ["[createObject('a', 1, 'b', createArray(true(), null()))]", { a: 1, b: [true, null] }, scope()],
    ["[union(parameters('t'), createObject('k', 'v'))]", { x: 'y', k: 'v' }, scope({ t: { x: 'y' } })],
    ["[coalesce(tryGet(parameters('s'), 'schedule'), 'default')]", 'default', scope({ s: { id: 'a' } })],
    [
      "[flatten(map(parameters('xs'), lambda('x', createArray(lambdaVariables('x'), mul(lambdaVariables('x'), 10)))))]",
      [1, 10, 2, 20],
      scope({ xs: [1, 2] }),
    ],
    [
      "[toObject(parameters('xs'), lambda('x', format('k{0}', lambdaVariables('x'))), lambda('x', lambdaVariables('x')))]",
      { k1: 1, k2: 2 },
      scope({ xs: [1, 2] }),
    ],
    [
      "[json(format('{0}.{1}', div(parameters('mb'), 1000), padLeft(mod(parameters('mb'), 1000), 3, '0')))]",
      0.25,
      scope({ mb: 250 }),
    ],
    [
      "[format('https://{0}/x?code={1}', reference('app').defaultHostName, listKeys('id', '2024-01-01').k)]",
      'https://<?>/x?code=<?>',
      scope(),
    ],
    ["[variables('names').storage]", 'st1', scope({}, { names: { storage: "[format('st{0}', 1)]" } })],
    ["[if(equals(parameters('d'), null()), null(), mul(parameters('d'), 86400))]", 172800, scope({ d: 2 })],
    ['[[not an expression]', '[not an expression]', scope()],
    ["[format('it''s {0}', 'ok')]", "it's ok", scope()],
    [
      "[items(parameters('o'))]",
      [
        { key: 'A', value: 1 },
        { key: 'B', value: 2 },
      ],
      scope({ o: { B: 2, A: 1 } }),
    ],
    ["[startsWith('site_meter_x', 'SITE_METER_')]", true, scope()],
    [
      "[createArray(contains('ABC', 'b'), contains(createArray('x'), 'x'), contains(createObject('k', 1), 'K'))]",
      [false, true, true],
      scope(),
    ],
    ["[createArray(indexOf(createArray('A', 'B', 'B'), 'B'), indexOf('abc', 'C'))]", [1, 2], scope()],
    [
      "[map(range(0, length('ab_')), lambda('i', substring('ab_', lambdaVariables('i'), 1)))]",
      ['a', 'b', '_'],
      scope(),
    ],
    ["[join(createArray('a', 'b'), '; ')]", 'a; b', scope()],
    ["[if(true(), 'ok', fail('not evaluated'))]", 'ok', scope()],
  ];
  for (const [expression, expected, s] of cases) {
    it(expression, () => assert.deepEqual(evaluate(expression, s), expected));
  }

  it('raises fail() as an ArmFailure with its message', () => {
    assert.throws(
      () => evaluate("[if(false(), 'ok', fail(format('bad {0}', 'name')))]", scope()),
      (e: unknown) => e instanceof ArmFailure && e.message === 'bad name',
    );
  });

  it('expands property copy loops', () => {
    const value = {
      copy: [
        {
          name: 'receivers',
          count: "[length(parameters('e'))]",
          input: { email: "[parameters('e')[copyIndex('receivers')]]" },
        },
      ],
      enabled: true,
    };
    assert.deepEqual(evaluate(value, scope({ e: ['a@x', 'b@x'] })), {
      receivers: [{ email: 'a@x' }, { email: 'b@x' }],
      enabled: true,
    });
  });
});

describe('walkDeployment', () => {
  it('follows parameters into nested deployments and module outputs back out', () => {
    const template = {
      parameters: { env: { type: 'string' }, extra: { type: 'object', defaultValue: {} } },
      variables: { tags: "[union(parameters('extra'), createObject('azd-env-name', parameters('env')))]" },
      resources: {
        child: {
          type: 'Microsoft.Resources/deployments',
          name: 'child',
          properties: {
            parameters: {
              tags: { value: "[variables('tags')]" },
              name: { value: "[format('x-{0}', parameters('env'))]" },
            },
            template: {
              parameters: { tags: { type: 'object' }, name: { type: 'string' } },
              resources: {
                thing: { type: 'Microsoft.Foo/bars', name: "[parameters('name')]", tags: "[parameters('tags')]" },
              },
              outputs: { id: { type: 'string', value: "[resourceId('Microsoft.Foo/bars', parameters('name'))]" } },
            },
          },
        },
        user: {
          type: 'Microsoft.Foo/users',
          name: 'u',
          properties: { target: "[reference('child').outputs.id.value]" },
        },
      },
    };
    const d = walkDeployment(template, { env: 'dev' });
    const thing = d.instances(d.single('Microsoft.Foo/bars'))[0];
    assert.deepEqual(thing?.tags, { 'azd-env-name': 'dev' });
    assert.equal(thing?.name, 'x-dev');
    const user = d.instances(d.single('Microsoft.Foo/users'))[0];
    assert.match(String((user?.properties as { target: string }).target), /\/providers\/Microsoft\.Foo\/bars\/x-dev$/);
    assert.deepEqual(
      d.templates.map((t) => t.path),
      ['main', 'main/child'],
    );
  });
});
