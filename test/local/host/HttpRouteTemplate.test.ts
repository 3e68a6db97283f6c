import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpRouteTemplate } from '../../../local/host/HttpRouteTemplate';

const cases: { template: string; path: string; params: Record<string, string> | undefined }[] = [
  { template: 'forecast', path: '/forecast', params: {} },
  { template: 'forecast', path: '/Forecast/', params: {} },
  { template: 'forecast', path: '/forecasts', params: undefined },
  { template: 'items/{id}', path: '/items/42', params: { id: '42' } },
  { template: 'items/{id}', path: '/items', params: undefined },
  { template: 'items/{id}', path: '/items/4/2', params: undefined },
  { template: 'items/{id}/{view?}', path: '/items/42', params: { id: '42' } },
  { template: 'items/{id}/{view?}', path: '/items/42/full', params: { id: '42', view: 'full' } },
  { template: 'items/{id:int}', path: '/items/x', params: undefined },
  { template: 'items/{id:int}', path: '/items/-7', params: { id: '-7' } },
  { template: 'files/{*rest}', path: '/files/a/b/c.txt', params: { rest: 'a/b/c.txt' } },
  { template: 'files/{*rest}', path: '/files', params: {} },
  { template: 'img/{name}.{ext}', path: '/img/cat.tar.gz', params: { name: 'cat', ext: 'tar.gz' } },
  { template: 'q/{text}', path: '/q/a%20b%2Fc', params: { text: 'a b/c' } },
];

for (const c of cases) {
  test(`route "${c.template}" on ${c.path}`, () => {
    assert.deepEqual(HttpRouteTemplate.parse(c.template, 'test').match(c.path), c.params);
  });
}

test('literal segments take precedence over parameters, and catch-alls come last', () => {
  const templates = ['items/{*rest}', 'items/{id}', 'items/latest', 'items/{id:int}'].map((t) =>
    HttpRouteTemplate.parse(t, 'test'),
  );
  assert.deepEqual(
    templates.sort(HttpRouteTemplate.compare).map((t) => t.template),
    ['items/latest', 'items/{id:int}', 'items/{id}', 'items/{*rest}'],
  );
});

test('bad templates are rejected with the function named', () => {
  assert.throws(() => HttpRouteTemplate.parse('a/{*rest}/b', "function 'f'"), /function 'f'.*catch-all/);
  assert.throws(() => HttpRouteTemplate.parse('a/{id}/{id}', "function 'f'"), /repeats/);
});
