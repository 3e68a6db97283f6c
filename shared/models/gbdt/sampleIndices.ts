/**
 * Draws `k` of the indices 0..n-1 without replacement, in ascending order (Knuth's selection sampling).
 * Ascending rows keep the histogram loop walking memory forward, and one pass needs no shuffle buffer.
 */
export function sampleIndices(n: number, k: number, random: () => number): Int32Array {
  const out = new Int32Array(k);
  let chosen = 0;
  for (let i = 0; i < n && chosen < k; i++) {
    if ((n - i) * random() < k - chosen) out[chosen++] = i;
  }
  return out;
}
