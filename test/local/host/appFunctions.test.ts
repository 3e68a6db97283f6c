import '../../support/testEnv';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FunctionsHost } from '../../../local/host/FunctionsHost';
import { startAzurite, type AzuriteService } from '../../../local/services/startAzurite';
import { systemClock } from '../../../shared/time/Clock';
import { PROJECT_ROOT } from '../../support/testServices';

let azurite: AzuriteService | undefined;
let host: FunctionsHost | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'app-functions-'));
after(async () => {
  await host?.stop();
  await azurite?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the local host discovers exactly the functions the app registers, with their schedules, blob paths and routes', async () => {
  azurite = await startAzurite({ dataDir, blobPort: 0 });
  const settings: Record<string, string> = {
    AzureWebJobsStorage: azurite.connectionString,
    COSMOS_ENDPOINT: 'https://127.0.0.1:9/',
    COSMOS_KEY: 'unused',
    INGEST_SITE_METER_SCHEDULE: '0 */5 * * * *',
    INGEST_NEIGHBORS_SCHEDULE: '0 */5 * * * *',
    INGEST_WEATHER_SCHEDULE: '0 */5 * * * *',
    INGEST_SKYCAM_SCHEDULE: '0 1-59/5 * * * *',
    INGEST_NWP_SCHEDULE: '0 2-59/15 * * * *',
    PREDICT_SCHEDULE: '0 */10 * * * *',
    COST_WATCH_SCHEDULE: '0 0 6 * * *',
    COMPACT_SCHEDULE: '0 30 3 * * *',
  };
  // The app reads its configuration from the environment when it registers, as it does in Azure.
  Object.assign(process.env, settings);
  host = await FunctionsHost.start({
    appRoot: PROJECT_ROOT,
    clock: systemClock,
    settings: { ...process.env },
    httpPort: 0,
  });

  const summary = host.functions
    .map((f) => ({
      name: f.name,
      trigger: f.triggerType,
      ...(f.schedule ? { schedule: f.schedule, resolved: f.resolvedSchedule } : {}),
      ...(f.path ? { path: f.path, connection: f.connection, source: f.source } : {}),
      ...(f.queueName ? { queueName: f.queueName, connection: f.connection } : {}),
      ...(f.route ? { route: f.route, methods: f.methods, authLevel: f.authLevel } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(summary, [
    { name: 'actuals', trigger: 'httpTrigger', route: 'actuals', methods: ['GET'], authLevel: 'function' },
    { name: 'compact', trigger: 'timerTrigger', schedule: '%COMPACT_SCHEDULE%', resolved: '0 30 3 * * *' },
    { name: 'cost-watch', trigger: 'timerTrigger', schedule: '%COST_WATCH_SCHEDULE%', resolved: '0 0 6 * * *' },
    { name: 'dashboard', trigger: 'httpTrigger', route: 'dashboard', methods: ['GET'], authLevel: 'anonymous' },
    {
      name: 'dashboard-actuals',
      trigger: 'httpTrigger',
      route: 'dashboard/actuals',
      methods: ['GET'],
      authLevel: 'anonymous',
    },
    {
      name: 'dashboard-assets',
      trigger: 'httpTrigger',
      route: 'dashboard/assets/{name}',
      methods: ['GET'],
      authLevel: 'anonymous',
    },
    {
      name: 'dashboard-data',
      trigger: 'httpTrigger',
      route: 'dashboard/data',
      methods: ['GET'],
      authLevel: 'anonymous',
    },
    {
      name: 'dashboard-forecast',
      trigger: 'httpTrigger',
      route: 'dashboard/forecast',
      methods: ['GET'],
      authLevel: 'anonymous',
    },
    {
      name: 'dashboard-health',
      trigger: 'httpTrigger',
      route: 'dashboard/health',
      methods: ['GET'],
      authLevel: 'anonymous',
    },
    { name: 'forecast', trigger: 'httpTrigger', route: 'forecast', methods: ['GET'], authLevel: 'function' },
    { name: 'health', trigger: 'httpTrigger', route: 'health', methods: ['GET'], authLevel: 'anonymous' },
    {
      name: 'health-details',
      trigger: 'httpTrigger',
      route: 'health/details',
      methods: ['GET'],
      authLevel: 'function',
    },
    {
      name: 'ingest-neighbors',
      trigger: 'timerTrigger',
      schedule: '%INGEST_NEIGHBORS_SCHEDULE%',
      resolved: '0 */5 * * * *',
    },
    {
      name: 'ingest-nwp',
      trigger: 'timerTrigger',
      schedule: '%INGEST_NWP_SCHEDULE%',
      resolved: '0 2-59/15 * * * *',
    },
    {
      name: 'ingest-site-meter',
      trigger: 'timerTrigger',
      schedule: '%INGEST_SITE_METER_SCHEDULE%',
      resolved: '0 */5 * * * *',
    },
    {
      name: 'ingest-skycam',
      trigger: 'timerTrigger',
      schedule: '%INGEST_SKYCAM_SCHEDULE%',
      resolved: '0 1-59/5 * * * *',
    },
    {
      name: 'ingest-weather',
      trigger: 'timerTrigger',
      schedule: '%INGEST_WEATHER_SCHEDULE%',
      resolved: '0 */5 * * * *',
    },
    { name: 'predict', trigger: 'timerTrigger', schedule: '%PREDICT_SCHEDULE%', resolved: '0 */10 * * * *' },
    { name: 'predict-shard', trigger: 'queueTrigger', queueName: 'predict-shards', connection: 'AzureWebJobsStorage' },
    {
      name: 'preprocess-image',
      trigger: 'blobTrigger',
      path: 'images/_batches/{name}',
      connection: 'AzureWebJobsStorage',
      source: 'EventGrid',
    },
  ]);
  const res = await fetch(`${host.httpUrl}/api/forecast`);
  assert.equal(res.status, 400, 'the HTTP route is served');
});
