import type { GbdtModel } from './GbdtModel';
import { TrainingError } from './TrainingError';
import type { Tree } from './Tree';

const TREE_ARRAYS: readonly (keyof Tree)[] = ['feature', 'threshold', 'left', 'right', 'value'];

/**
 * Checks a model that may come from JSON before it is predicted with or exported: a bad child index would
 * loop or read out of bounds, and a threshold that is not a float32 would split differently in ONNX.
 */
export function checkGbdtModel(model: GbdtModel, label = 'model'): void {
  const { featureCount, baseScore, trees } = model;
  if (!Number.isSafeInteger(featureCount) || featureCount < 1) {
    throw new TrainingError('INVALID_MODEL', `${label}: featureCount must be a positive integer, got ${featureCount}`);
  }
  if (!Number.isFinite(baseScore)) throw new TrainingError('INVALID_MODEL', `${label}: baseScore is ${baseScore}`);
  trees.forEach((tree, t) => {
    const n = tree.feature.length;
    const where = `${label}: tree ${t}`;
    if (n === 0) throw new TrainingError('INVALID_MODEL', `${where} has no nodes`);
    for (const name of TREE_ARRAYS) {
      const array: unknown = tree[name];
      if (!Array.isArray(array) || array.length !== n) {
        throw new TrainingError('INVALID_MODEL', `${where}: "${name}" must be an array of ${n} numbers`);
      }
    }
    for (let i = 0; i < n; i++) {
      const left = tree.left[i] as number;
      const right = tree.right[i] as number;
      const value = tree.value[i] as number;
      if (!Number.isFinite(value) || Math.fround(value) !== value) {
        throw new TrainingError('INVALID_MODEL', `${where}, node ${i}: value ${value} is not a finite float32`);
      }
      if (left === -1 && right === -1) continue;
      // Children after their parent rule out cycles, so prediction always reaches a leaf.
      if (!isNodeAfter(left, i, n) || !isNodeAfter(right, i, n)) {
        const message = `${where}, node ${i}: children ${left}, ${right} are not nodes after it`;
        throw new TrainingError('INVALID_MODEL', message);
      }
      const feature = tree.feature[i] as number;
      if (!Number.isSafeInteger(feature) || feature < 0 || feature >= featureCount) {
        const message = `${where}, node ${i}: feature ${feature} is not in [0, ${featureCount})`;
        throw new TrainingError('INVALID_MODEL', message);
      }
      const threshold = tree.threshold[i] as number;
      if (!Number.isFinite(threshold) || Math.fround(threshold) !== threshold) {
        const message = `${where}, node ${i}: threshold ${threshold} is not a finite float32`;
        throw new TrainingError('INVALID_MODEL', message);
      }
    }
  });
}

function isNodeAfter(child: number, parent: number, nodes: number): boolean {
  return Number.isSafeInteger(child) && child > parent && child < nodes;
}
