/** When the input a row used was observed and became available (epoch ms, NaN when none), one entry per row. */
export interface InputAudit {
  observedAt: Float64Array;
  availableAt: Float64Array;
}

/**
 * Training examples in issueTime order, built only from what was available at each issueTime. Row r is
 * X[r*F .. r*F+F) with F = featureNames.length, and Y[r*L .. r*L+L) with L = leadsMinutes.length.
 */
export interface Dataset {
  featureNames: string[];
  /** The target forecast: Y holds its observed values at validTime = issueTime + lead. */
  target: { source: string; field: string };
  leadsMinutes: number[];
  /** Epoch ms, ascending, one per row. */
  issueTimes: number[];
  X: Float32Array;
  Y: Float32Array;
  /** Per row, the newest target value available at issueTime (the persistence forecast); NaN when none was. */
  persistence: Float32Array;
  /**
   * For a solar target, per row and lead (N×L like Y), smart persistence of that same newest value (the clear-sky
   * index carried forward, shared/solar/smartPersistence); NaN when there was none. Absent for other targets.
   */
  smartPersistence?: Float32Array;
  /** Per source of the spec, the input each row used. */
  used: Record<string, InputAudit>;
  /** The target observation each row's persistence value came from. */
  persistenceUsed: InputAudit;
  /**
   * Issue slots without a row, each counted once under its first reason: `missing-input:<source>` (nothing
   * available), `stale-input:<source>` (older than its staleness limit, when one is given), `missing-value:<feature>`
   * (the newest available record lacks it), `missing-target:+<lead>`.
   */
  dropped: Record<string, number>;
  /** Issue slots considered: rows + all dropped. */
  slots: number;
}
