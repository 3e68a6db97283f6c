import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlobPathPattern } from '../../../local/host/BlobPathPattern';

const cases: {
  path: string;
  container: string;
  prefix: string;
  blob: string;
  parts: Record<string, string> | undefined;
}[] = [
  { path: 'images/{name}', container: 'images', prefix: '', blob: 'a/b/cat.png', parts: { name: 'a/b/cat.png' } },
  { path: 'images/{name}.png', container: 'images', prefix: '', blob: 'cat.png', parts: { name: 'cat' } },
  { path: 'images/{name}.png', container: 'images', prefix: '', blob: 'cat.jpg', parts: undefined },
  {
    path: 'raw/{source}/{day}.json',
    container: 'raw',
    prefix: '',
    blob: 'wind/2024-01-01.json',
    parts: { source: 'wind', day: '2024-01-01' },
  },
  { path: 'raw/in/{name}', container: 'raw', prefix: 'in/', blob: 'in/x', parts: { name: 'x' } },
  { path: 'raw/in/{name}', container: 'raw', prefix: 'in/', blob: 'out/x', parts: undefined },
  { path: 'images', container: 'images', prefix: '', blob: 'any/thing', parts: {} },
];

for (const c of cases) {
  test(`"${c.path}" on "${c.blob}"`, () => {
    const pattern = BlobPathPattern.parse(c.path, 'test');
    assert.equal(pattern.container, c.container);
    assert.equal(pattern.prefix, c.prefix);
    assert.deepEqual(pattern.match(c.blob), c.parts);
  });
}

test('a bad container name or parameter is rejected with the function named', () => {
  assert.throws(() => BlobPathPattern.parse('Images/{name}', "function 'f'"), /function 'f'.*container/);
  assert.throws(() => BlobPathPattern.parse('images/{na-me}', "function 'f'"), /bad parameter/);
});
