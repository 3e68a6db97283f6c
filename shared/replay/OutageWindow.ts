/** A provider is down from `from` (inclusive) to `to` (exclusive); epoch ms. */
export interface OutageWindow {
  from: number;
  to: number;
}
