/** Sources whose providers deliver numeric values. */
export type SensorSourceId = 'site-meter' | 'neighbors' | 'weather';

/** Sources whose providers deliver runs of a forecast (values per validTime, keyed `<field>@+<minutes>`). */
export type ForecastSourceId = 'nwp';

/** Every source the simulated world can serve. */
export type WorldSourceId = SensorSourceId | 'skycam' | ForecastSourceId;

/** The source ids, in the order the configuration lists them. */
export const WORLD_SOURCE_IDS: readonly WorldSourceId[] = ['site-meter', 'neighbors', 'weather', 'skycam', 'nwp'];

/** The configuration kind the world serves each source as. */
export function worldSourceKind(id: WorldSourceId): 'sensor' | 'image' | 'forecast' {
  return id === 'skycam' ? 'image' : id === 'nwp' ? 'forecast' : 'sensor';
}
