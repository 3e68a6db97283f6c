import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compositeAvailability } from '../../../shared/cost/compositeAvailability';
import { forecastPathAvailability } from '../../../shared/cost/forecastPathAvailability';
import { loadPriceTable } from '../../../shared/cost/PriceTable';

const sla = (service: string, slaPercent: number) => ({ service, slaPercent, source: 'test' });

test('the composite is the product of the SLAs, and downtime the rest of a 730-hour month', () => {
  const c = compositeAvailability([
    sla('functions', 99.95),
    sla('storage', 99.9),
    sla('cosmos', 99.9),
    sla('event grid', 99.99),
  ]);
  // 0.9995 x 0.999 = 0.9985005; x 0.999 = 0.9975019995; x 0.9999 = 0.99740224930005
  assert.ok(Math.abs(c.compositePercent - 99.740224930005) < 1e-9);
  // (1 - 0.99740224930005) x 730 h x 60 min
  assert.ok(Math.abs(c.downtimeMinutesPerMonth - 113.7814806) < 1e-6);
});

test('one service is its own SLA; none is 100 %; a month length can be given; a bad SLA is refused', () => {
  assert.ok(Math.abs(compositeAvailability([sla('vm', 99.9)]).downtimeMinutesPerMonth - 43.8) < 1e-9);
  assert.deepEqual(compositeAvailability([]), { services: [], compositePercent: 100, downtimeMinutesPerMonth: 0 });
  assert.ok(Math.abs(compositeAvailability([sla('vm', 99.5)], 720).downtimeMinutesPerMonth - 216) < 1e-9);
  assert.throws(
    () => compositeAvailability([sla('typo', 999)]),
    /SLA of typo is 999; expected a percentage from 0 to 100/,
  );
});

test('the forecast path from the shipped SLAs: four services, a variant without the camera, and the single VM', () => {
  const a = forecastPathAvailability(loadPriceTable());
  assert.deepEqual(
    a.allServices.services.map((s) => s.service),
    [
      'Azure Functions (Flex Consumption)',
      'Blob Storage (hot, LRS)',
      'Cosmos DB (serverless, one region)',
      'Event Grid',
    ],
  );
  assert.ok(a.withoutEventGrid.compositePercent > a.allServices.compositePercent);
  assert.ok(a.alwaysOn.compositePercent < a.allServices.compositePercent);
  for (const s of a.allServices.services) assert.match(s.source, /^https:\/\//);
});
