import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  filesUnder,
  isTypeOnlyModule,
  PROJECT_ROOT,
  readLayerTable,
  requireClosure,
  sharedFolderOf,
} from '../support/importGraph';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const rows = readLayerTable(readme);
// What the deployed app loads: everything the compiled functions require, transitively.
const loaded = requireClosure(PROJECT_ROOT, filesUnder(PROJECT_ROOT, 'dist/functions', ['.js']));
const compiledShared = filesUnder(PROJECT_ROOT, 'dist/shared', ['.js']).filter(
  (f) => !isTypeOnlyModule(readFileSync(join(PROJECT_ROOT, f), 'utf8')),
);

/** `shared/<folder>/<rest>.ts` of a compiled file. */
const sourceOf = (js: string): string => js.replace(/^dist\//, '').replace(/\.js$/, '.ts');

describe('what the deployed app loads (README.md, the "in the app" column)', () => {
  it('follows the compiled functions into shared/', () => {
    assert.ok(loaded.size > 100, `expected the functions' closure to be read, got ${loaded.size} files`);
    assert.ok(loaded.has('dist/shared/predict/predictAll.js'));
    assert.ok(!loaded.has('dist/shared/training/trainModels.js'));
  });

  it('matches the table, folder by folder and for every exception it names', () => {
    const wrong: string[] = [];
    for (const js of compiledShared) {
      const source = sourceOf(js);
      const folder = sharedFolderOf(source) as string;
      const row = rows.find((r) => r.folder === folder);
      if (!row) {
        wrong.push(`${source}: its folder is not in the table`);
        continue;
      }
      const rest = source.slice(`shared/${folder}/`.length);
      const excepted = row.except.some((e) => (e.endsWith('/') ? rest.startsWith(e) : rest === e));
      const expected = row.inApp !== excepted;
      const actual = loaded.has(js);
      if (expected !== actual)
        wrong.push(
          `${source}: the table says ${expected ? 'loaded by the app' : 'offline'}, but it is ${actual ? 'loaded' : 'not loaded'}`,
        );
    }
    assert.deepEqual(wrong, []);
  });

  it('names no exception that is not there', () => {
    const sources = new Set(compiledShared.map(sourceOf));
    const missing = rows.flatMap((r) =>
      r.except
        .filter((e) => ![...sources].some((s) => s.startsWith(`shared/${r.folder}/${e}`)))
        .map((e) => `${r.folder}/${e}`),
    );
    assert.deepEqual(missing, []);
  });

  it('loads nothing of local/, cli/ or test/', () => {
    const foreign = [...loaded].filter((f) => !f.startsWith('dist/functions/') && !f.startsWith('dist/shared/'));
    assert.deepEqual(foreign, []);
  });
});
