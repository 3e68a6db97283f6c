import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  filesUnder,
  type ImportEdge,
  importsOf,
  layerViolations,
  PROJECT_ROOT,
  readLayerTable,
} from '../support/importGraph';

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
const rows = readLayerTable(readme);
const layerOf = new Map(rows.map((r) => [r.folder, r.layer]));
const edgesOf = (dir: string): ImportEdge[] =>
  filesUnder(PROJECT_ROOT, dir, ['.ts']).flatMap((f) => importsOf(PROJECT_ROOT, f));
const sharedEdges = edgesOf('shared');

describe('the layers of shared/ (README.md, "shared/, layer by layer")', () => {
  it('lists every folder of shared/ once, and no folder that is not there', () => {
    const folders = readdirSync(join(PROJECT_ROOT, 'shared'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    assert.deepEqual([...layerOf.keys()].sort(), folders);
    assert.equal(rows.length, folders.length, 'a folder is listed twice');
  });

  it('keeps the order the design fixes: training, predict and backtest above features; features above sources, storage and config', () => {
    const layer = (folder: string): number =>
      layerOf.get(folder) ?? assert.fail(`${folder}/ is not in the layer table`);
    for (const upper of ['training', 'predict', 'backtest', 'ingest'])
      assert.ok(layer(upper) > layer('features'), `${upper}/ must stand above features/`);
    for (const lower of ['sources', 'storage', 'config'])
      assert.ok(layer('features') > layer(lower), `features/ must stand above ${lower}/`);
    assert.equal(
      layer('training'),
      layer('predict'),
      'training/ and predict/ share a layer, so neither may import the other',
    );
  });

  it('has no import from a folder to one on its own or a higher layer', () => {
    assert.ok(sharedEdges.length > 300, `expected the imports of shared/ to be read, got ${sharedEdges.length}`);
    assert.deepEqual(layerViolations(sharedEdges, layerOf), []);
  });

  it('catches an import that runs back up, naming both files and layers', () => {
    const upward = {
      from: 'shared/features/featureRow.ts',
      to: 'shared/training/trainModels.ts',
      specifier: '../training/trainModels',
    };
    const sideways = {
      from: 'shared/predict/chooseModel.ts',
      to: 'shared/training/trainModels.ts',
      specifier: '../training/trainModels',
    };
    const inside = {
      from: 'shared/training/trainModels.ts',
      to: 'shared/training/buildDataset.ts',
      specifier: './buildDataset',
    };
    const problems = layerViolations([upward, sideways, inside], layerOf);
    assert.equal(problems.length, 2);
    assert.match(
      problems[0] as string,
      /^shared\/features\/featureRow\.ts -> shared\/training\/trainModels\.ts: features\/ \(layer 5\) may import only from lower layers, not training\/ \(layer 6\)$/,
    );
    assert.match(problems[1] as string, /predict\/ \(layer 6\) .* not training\/ \(layer 6\)/);
  });

  it('shared/ imports nothing of functions/, cli/, local/ or test/', () => {
    const outside = sharedEdges.filter((e) => !e.to.startsWith('shared/')).map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(outside, []);
  });

  it('functions/ import only shared/ and each other', () => {
    const edges = edgesOf('functions');
    assert.ok(edges.length > 30, `expected the imports of functions/ to be read, got ${edges.length}`);
    const outside = edges
      .filter((e) => !e.to.startsWith('shared/') && !e.to.startsWith('functions/'))
      .map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(outside, []);
  });
});
