/** An irradiance station at a fixed offset from its park. */
export interface NeighborStation {
  /** Field name of its irradiance in the `neighbors` source. */
  field: string;
  /** Offset from the park, km east. */
  dxKm: number;
  /** Offset from the park, km north. */
  dyKm: number;
}

const DIAGONAL = 35 / Math.SQRT2;

/**
 * The stations around every park, all upwind of the prevailing westerly at different distances and angles, so
 * each sees the clouds at its own lead time (and the diagonal ones catch clouds when the wind veers). They are far
 * out because every observation is 20-40 minutes old when it can be used: at 8.5 m/s the air over the station
 * 25 km west reaches the park about 50 minutes later, the one 45 km west about 90 minutes later - the +20 and
 * +60 minute leads of a forecast issued half an hour after the observation.
 */
export const NEIGHBOR_STATIONS: readonly NeighborStation[] = [
  { field: 'ghi_w25', dxKm: -25, dyKm: 0 },
  { field: 'ghi_w45', dxKm: -45, dyKm: 0 },
  { field: 'ghi_nw35', dxKm: -DIAGONAL, dyKm: DIAGONAL },
  { field: 'ghi_sw35', dxKm: -DIAGONAL, dyKm: -DIAGONAL },
];
