import { type CompositeAvailability, compositeAvailability } from './compositeAvailability';
import type { PriceTable } from './PriceTable';

/** The composite availability of the forecast path, of its variant without the camera, and of the always-on VM. */
export interface ForecastPathAvailability {
  /** Functions, Blob Storage, Cosmos DB and Event Grid: everything a forecast with every source needs. */
  allServices: CompositeAvailability;
  /** Without Event Grid, which only brings the camera: the system still forecasts from the other sources (promise 2). */
  withoutEventGrid: CompositeAvailability;
  /** One VM serving everything. */
  alwaysOn: CompositeAvailability;
}

export function forecastPathAvailability(prices: PriceTable): ForecastPathAvailability {
  const s = prices.sla;
  const cite = (key: string): string => prices.sources[key]?.url ?? key;
  const functions = {
    service: 'Azure Functions (Flex Consumption)',
    slaPercent: s.functionsFlexConsumption.value,
    source: cite(s.functionsFlexConsumption.source),
  };
  const storage = {
    service: 'Blob Storage (hot, LRS)',
    slaPercent: s.storageLrsHot.value,
    source: cite(s.storageLrsHot.source),
  };
  const cosmos = {
    service: 'Cosmos DB (serverless, one region)',
    slaPercent: s.cosmosDbServerlessSingleRegion.value,
    source: cite(s.cosmosDbServerlessSingleRegion.source),
  };
  const eventGrid = { service: 'Event Grid', slaPercent: s.eventGrid.value, source: cite(s.eventGrid.source) };
  const vm = {
    service: `${prices.alwaysOn.vmSize} VM, single instance, Standard SSD`,
    slaPercent: s.singleVmStandardSsd.value,
    source: cite(s.singleVmStandardSsd.source),
  };
  return {
    allServices: compositeAvailability([functions, storage, cosmos, eventGrid], prices.hoursPerMonth),
    withoutEventGrid: compositeAvailability([functions, storage, cosmos], prices.hoursPerMonth),
    alwaysOn: compositeAvailability([vm], prices.hoursPerMonth),
  };
}
