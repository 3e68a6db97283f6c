import type { GbdtValidationSet } from './GbdtValidationSet';
import type { Tree } from './Tree';
import { treeLeaf } from './treeLeaf';

/** Tracks the validation MSE after each tree and remembers the best prefix of trees. */
export class EarlyStopping {
  private readonly prediction: Float64Array;
  private bestMse: number;
  bestTreeCount = 0;

  constructor(
    private readonly set: GbdtValidationSet,
    private readonly cols: number,
    baseScore: number,
    private readonly patience: number,
  ) {
    this.prediction = new Float64Array(set.rows).fill(baseScore);
    this.bestMse = this.mse();
  }

  shouldStop(tree: Tree, treeCount: number): boolean {
    for (let r = 0; r < this.set.rows; r++) {
      const leaf = treeLeaf(tree, this.set.X, r * this.cols);
      this.prediction[r] = (this.prediction[r] as number) + (tree.value[leaf] as number);
    }
    const mse = this.mse();
    if (mse < this.bestMse) {
      this.bestMse = mse;
      this.bestTreeCount = treeCount;
    }
    return treeCount - this.bestTreeCount >= this.patience;
  }

  private mse(): number {
    let sum = 0;
    for (let r = 0; r < this.set.rows; r++) {
      const e = (this.prediction[r] as number) - (this.set.y[r] as number);
      sum += e * e;
    }
    return sum / this.set.rows;
  }
}
