import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { FunctionsHost } from '../../../local/host/FunctionsHost';
import { type RunningProviders, startProviders } from '../../../local/providers/startProviders';
import { startAzurite, type AzuriteService } from '../../../local/services/startAzurite';
import { World } from '../../../local/world/World';
import type { HealthReport } from '../../../shared/health/checkHealth';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { systemClock } from '../../../shared/time/Clock';
import { PROJECT_ROOT } from '../../support/testServices';

// Own process (node --test runs each file apart): the app reads process.env when it loads, and WEATHER_KEY must be unset.
let azurite: AzuriteService | undefined;
let providers: RunningProviders | undefined;
let host: FunctionsHost | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'broken-source-'));
after(async () => {
  await host?.stop();
  await providers?.close();
  await azurite?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('one provider setting missing: the app loads, every other function runs, the source fails alone and details name it', async () => {
  azurite = await startAzurite({ dataDir, blobPort: 0 });
  const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  await Promise.all(Object.values(CONTAINERS).map((c) => blobs.getContainerClient(c).createIfNotExists()));
  providers = await startProviders({
    world: new World({ seed: 7, sites: [{ id: 'park-1', latitude: 55.68, longitude: 12.57 }] }),
    clock: systemClock,
    providers: (['site-meter', 'neighbors', 'weather', 'skycam', 'nwp'] as const).map((id) => ({
      id,
      port: 0,
      apiKey: 'test-key',
    })),
  });
  const settings: Record<string, string> = {
    AzureWebJobsStorage: azurite.connectionString,
    COSMOS_ENDPOINT: 'https://127.0.0.1:9/',
    COSMOS_KEY: 'unused',
    SITE_METER_ENDPOINT: providers.urls['site-meter'] ?? '',
    SITE_METER_KEY: 'test-key',
    NEIGHBORS_ENDPOINT: providers.urls['neighbors'] ?? '',
    NEIGHBORS_KEY: 'test-key',
    WEATHER_ENDPOINT: providers.urls['weather'] ?? '',
    SKYCAM_ENDPOINT: providers.urls['skycam'] ?? '',
    SKYCAM_KEY: 'test-key',
    NWP_ENDPOINT: providers.urls['nwp'] ?? '',
    NWP_KEY: 'test-key',
    INGEST_SITE_METER_SCHEDULE: '0 0 0 1 1 *',
    INGEST_NEIGHBORS_SCHEDULE: '0 0 0 1 1 *',
    INGEST_WEATHER_SCHEDULE: '0 0 0 1 1 *',
    INGEST_SKYCAM_SCHEDULE: '0 0 0 1 1 *',
    INGEST_NWP_SCHEDULE: '0 0 0 1 1 *',
    PREDICT_SCHEDULE: '0 0 0 1 1 *',
    COST_WATCH_SCHEDULE: '0 0 0 1 1 *',
    COMPACT_SCHEDULE: '0 0 0 1 1 *',
  };
  delete process.env['WEATHER_KEY'];
  Object.assign(process.env, settings);
  host = await FunctionsHost.start({
    appRoot: PROJECT_ROOT,
    clock: systemClock,
    settings: { ...process.env },
    httpPort: 0,
  });

  const names = host.functions.map((f) => f.name);
  for (const name of [
    'ingest-site-meter',
    'ingest-neighbors',
    'ingest-weather',
    'ingest-skycam',
    'ingest-nwp',
    'predict',
    'health',
    'health-details',
  ])
    assert.ok(names.includes(name), `${name} is registered`);

  await assert.rejects(
    host.runTimer('ingest-weather'),
    /'ingest-weather' failed: source "weather" is not configured: sources\[2\]\.provider\.auth\.value refers to the app setting "WEATHER_KEY", which is not set/,
  );
  for (const name of ['ingest-site-meter', 'ingest-neighbors', 'ingest-skycam', 'ingest-nwp'])
    await host.runTimer(name);

  const live = await fetch(`${host.httpUrl}/api/health`);
  assert.equal(live.status, 200);
  assert.equal(((await live.json()) as { status: string }).status, 'up');

  // Locally, as under Core Tools, the function key is not checked (HttpFront): details answer without one.
  const details = (await (await fetch(`${host.httpUrl}/api/health/details`)).json()) as HealthReport;
  const weather = details.sources.find((s) => s.id === 'weather');
  assert.match(weather?.notConfigured ?? '', /"WEATHER_KEY", which is not set/);
  assert.ok(details.reasons.some((r) => r.includes('WEATHER_KEY')));
  assert.match(weather?.lastIngest?.summary ?? '', /WEATHER_KEY/, 'the failed run is recorded with the reason');
  for (const id of ['site-meter', 'neighbors', 'skycam', 'nwp']) {
    const source = details.sources.find((s) => s.id === id);
    assert.equal(source?.notConfigured, undefined, id);
    assert.equal(source?.lastIngest?.ok, true, `${id} ingested: ${source?.lastIngest?.summary}`);
  }
  await host.runTimer('predict');
});
