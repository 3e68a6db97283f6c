import type { FeatureBins } from './FeatureBins';
import type { GrownTree } from './GrownTree';
import type { Tree } from './Tree';

/** The hyper-parameters that shape a single tree. */
export interface TreeGrowerSettings {
  /** Deepest split level. */
  maxDepth: number;
  /** Fewest rows per leaf. */
  minSamplesLeaf: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  /** Multiplies every leaf value, so the tree stores its shrunk contribution. */
  learningRate: number;
  /** Bins per feature slot in a histogram (the maxBins option). */
  maxBins: number;
}

/** A node waiting to be split or made a leaf; its rows are order[start, end). */
interface PendingNode {
  id: number;
  start: number;
  end: number;
  sumGrad: number;
  count: number;
  depth: number;
  /** Per feature and bin: [sum of gradients, row count]; null when the node cannot split anyway. */
  hist: Float64Array | null;
}

interface Split {
  feature: number;
  bin: number;
  leftSumGrad: number;
  leftCount: number;
}

/**
 * Grows depth-wise regression trees for squared error (hessian 1 per row) on histogram bins.
 * A child's histogram is built for the smaller child only; the larger one is its parent minus it, which
 * roughly halves the work per level. Buffers are reused across trees so boosting allocates almost nothing.
 */
export class TreeGrower {
  private readonly order: Int32Array;
  private readonly scratch: Int32Array;
  private readonly pool: Float64Array[] = [];
  private readonly histSize: number;

  constructor(
    private readonly data: FeatureBins,
    private readonly settings: TreeGrowerSettings,
  ) {
    this.order = new Int32Array(data.rows);
    this.scratch = new Int32Array(data.rows);
    this.histSize = data.cols * settings.maxBins * 2;
  }

  /** Fits one tree to the gradients of the `sample` rows (ascending), splitting only on `features`. */
  grow(grad: Float64Array, sample: Int32Array, features: Int32Array): GrownTree {
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const splitBin: number[] = [];
    const addNode = (): number => {
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push(0);
      splitBin.push(-1);
      return tree.feature.length - 1;
    };

    this.order.set(sample);
    let sumGrad = 0;
    for (let i = 0; i < sample.length; i++) sumGrad += grad[sample[i] as number] as number;
    const root: PendingNode = {
      id: addNode(),
      start: 0,
      end: sample.length,
      sumGrad,
      count: sample.length,
      depth: 0,
      hist: null,
    };
    if (this.canSplit(root.depth, root.count)) {
      root.hist = this.take();
      this.buildHistogram(root.hist, root.start, root.end, grad, features);
    }

    const { learningRate, lambda } = this.settings;
    let level: PendingNode[] = [root];
    while (level.length > 0) {
      const next: PendingNode[] = [];
      for (const node of level) {
        const split = node.hist === null ? null : this.findSplit(node, node.hist, features);
        if (split === null) {
          tree.value[node.id] = Math.fround((-node.sumGrad / (node.count + lambda)) * learningRate);
          this.release(node.hist);
          continue;
        }
        const mid = this.partition(node.start, node.end, split.feature, split.bin);
        const left: PendingNode = {
          id: addNode(),
          start: node.start,
          end: mid,
          sumGrad: split.leftSumGrad,
          count: split.leftCount,
          depth: node.depth + 1,
          hist: null,
        };
        const right: PendingNode = {
          id: addNode(),
          start: mid,
          end: node.end,
          sumGrad: node.sumGrad - split.leftSumGrad,
          count: node.count - split.leftCount,
          depth: node.depth + 1,
          hist: null,
        };
        tree.feature[node.id] = split.feature;
        tree.threshold[node.id] = this.data.edges[split.feature]?.[split.bin] as number;
        tree.left[node.id] = left.id;
        tree.right[node.id] = right.id;
        splitBin[node.id] = split.bin;
        this.childHistograms(node, left, right, grad, features);
        next.push(left, right);
      }
      level = next;
    }
    return { tree, splitBin: Int32Array.from(splitBin) };
  }

  private canSplit(depth: number, count: number): boolean {
    return depth < this.settings.maxDepth && count >= 2 * this.settings.minSamplesLeaf;
  }

  // The parent's buffer becomes the larger child's histogram, so each split allocates at most one buffer.
  private childHistograms(
    parent: PendingNode,
    left: PendingNode,
    right: PendingNode,
    grad: Float64Array,
    features: Int32Array,
  ): void {
    const parentHist = parent.hist as Float64Array;
    parent.hist = null;
    const leftNeeds = this.canSplit(left.depth, left.count);
    const rightNeeds = this.canSplit(right.depth, right.count);
    if (!leftNeeds && !rightNeeds) {
      this.release(parentHist);
      return;
    }
    const [small, large] = left.count <= right.count ? [left, right] : [right, left];
    const smallHist = this.take();
    this.buildHistogram(smallHist, small.start, small.end, grad, features);
    for (let i = 0; i < parentHist.length; i++) parentHist[i] = (parentHist[i] as number) - (smallHist[i] as number);
    small.hist = smallHist;
    large.hist = parentHist;
    if (!this.canSplit(small.depth, small.count)) {
      this.release(small.hist);
      small.hist = null;
    }
    if (!this.canSplit(large.depth, large.count)) {
      this.release(large.hist);
      large.hist = null;
    }
  }

  // The hot loop of training: one pass over the node's rows, adding each row's gradient to one bin per feature.
  private buildHistogram(
    hist: Float64Array,
    start: number,
    end: number,
    grad: Float64Array,
    features: Int32Array,
  ): void {
    hist.fill(0);
    const { bins, cols } = this.data;
    const stride = this.settings.maxBins;
    const order = this.order;
    const nf = features.length;
    if (nf === cols) {
      for (let i = start; i < end; i++) {
        const r = order[i] as number;
        const g = grad[r] as number;
        const rowBase = r * cols;
        for (let f = 0; f < cols; f++) {
          const k = (f * stride + (bins[rowBase + f] as number)) << 1;
          hist[k] = (hist[k] as number) + g;
          hist[k + 1] = (hist[k + 1] as number) + 1;
        }
      }
      return;
    }
    for (let i = start; i < end; i++) {
      const r = order[i] as number;
      const g = grad[r] as number;
      const rowBase = r * cols;
      for (let j = 0; j < nf; j++) {
        const f = features[j] as number;
        const k = (f * stride + (bins[rowBase + f] as number)) << 1;
        hist[k] = (hist[k] as number) + g;
        hist[k + 1] = (hist[k + 1] as number) + 1;
      }
    }
  }

  /** The split with the largest positive gain G_L²/(n_L+λ) + G_R²/(n_R+λ) - G²/(n+λ), or null. */
  private findSplit(node: PendingNode, hist: Float64Array, features: Int32Array): Split | null {
    const { lambda, minSamplesLeaf, maxBins } = this.settings;
    const { sumGrad, count } = node;
    const parentScore = (sumGrad * sumGrad) / (count + lambda);
    let best: Split | null = null;
    let bestGain = 0;
    for (let j = 0; j < features.length; j++) {
      const f = features[j] as number;
      const candidates = this.data.edges[f]?.length ?? 0;
      const base = f * maxBins * 2;
      let gl = 0;
      let nl = 0;
      for (let b = 0; b < candidates; b++) {
        gl += hist[base + 2 * b] as number;
        nl += hist[base + 2 * b + 1] as number;
        if (nl < minSamplesLeaf) continue;
        const nr = count - nl;
        if (nr < minSamplesLeaf) break;
        const gr = sumGrad - gl;
        const gain = (gl * gl) / (nl + lambda) + (gr * gr) / (nr + lambda) - parentScore;
        // Strictly greater: ties keep the first feature and bin, so the model does not depend on float noise order.
        if (gain > bestGain) {
          bestGain = gain;
          best = { feature: f, bin: b, leftSumGrad: gl, leftCount: nl };
        }
      }
    }
    return best;
  }

  /** Stable in-place partition of order[start, end) by bin <= splitBin; returns the first right index. */
  private partition(start: number, end: number, feature: number, splitBin: number): number {
    const { bins, cols } = this.data;
    const order = this.order;
    let l = start;
    let s = 0;
    for (let i = start; i < end; i++) {
      const r = order[i] as number;
      if ((bins[r * cols + feature] as number) <= splitBin) order[l++] = r;
      else this.scratch[s++] = r;
    }
    order.set(this.scratch.subarray(0, s), l);
    return l;
  }

  private take(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.histSize);
  }

  private release(hist: Float64Array | null): void {
    if (hist !== null) this.pool.push(hist);
  }
}
