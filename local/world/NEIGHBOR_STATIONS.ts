/** An irradiance station at a fixed offset from its park. */
export interface NeighborStation {
  /** Field name of its irradiance in the `neighbors` source. */
  field: string;
  /** Offset from the park, km east. */
  dxKm: number;
  /** Offset from the park, km north. */
  dyKm: number;
}

const DIAGONAL = 8 / Math.SQRT2;

/**
 * The stations around every park, all upwind of the prevailing westerly at different distances and angles, so
 * each sees the clouds at its own lead time (and the diagonal ones catch clouds when the wind veers).
 */
export const NEIGHBOR_STATIONS: readonly NeighborStation[] = [
  { field: 'ghi_w6', dxKm: -6, dyKm: 0 },
  { field: 'ghi_w12', dxKm: -12, dyKm: 0 },
  { field: 'ghi_nw8', dxKm: -DIAGONAL, dyKm: DIAGONAL },
  { field: 'ghi_sw8', dxKm: -DIAGONAL, dyKm: -DIAGONAL },
];
