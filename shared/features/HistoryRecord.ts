/** One observation of a (source, site) as the dataset builder needs it; times are epoch milliseconds. */
export interface HistoryRecord {
  /** When the value was measured. */
  observedAt: number;
  /** When the system could first read it: the effective availableAt (see effectiveAvailableAt). */
  availableAt: number;
  /** Values by field name. */
  values: Record<string, number>;
}
