/** Sources whose providers deliver numeric values. */
export type SensorSourceId = 'site-meter' | 'neighbors' | 'weather';

/** Every source the simulated world can serve. */
export type WorldSourceId = SensorSourceId | 'skycam';

/** The source ids, in the order the configuration lists them. */
export const WORLD_SOURCE_IDS: readonly WorldSourceId[] = ['site-meter', 'neighbors', 'weather', 'skycam'];
