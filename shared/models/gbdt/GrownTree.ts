import type { Tree } from './Tree';

/** A freshly grown tree plus what training needs to route binned rows through it. */
export interface GrownTree {
  readonly tree: Tree;
  /** Per node, the bin number of the split (a row goes left when its bin <= splitBin); -1 at leaves. */
  readonly splitBin: Int32Array;
}
