import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  coreToolsSettings,
  ForeignSettingsFileError,
  ownsSettingsFile,
  writeCoreToolsSettings,
} from '../../../local/emulators/coreToolsSettings';
import { PROJECT_ROOT } from '../../../local/LocalStack';
import { localSettings } from '../../../local/localSettings';
import { loadConfig } from '../../../shared/config/loadConfig';
import { readAppSettings } from '../../../shared/runtime/AppSettings';
import { systemClock } from '../../../shared/time/Clock';
import { clockFromSettings } from '../../../shared/time/clockFromSettings';

const CONFIG = join(PROJECT_ROOT, 'config/solar-park.json');
const AZURITE =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';

function generated() {
  const app = localSettings({
    configPath: CONFIG,
    azuriteConnectionString: AZURITE,
    cosmosEndpoint: 'https://127.0.0.1:8081',
    cosmosKey: 'Y29zbW9z',
    providerUrls: {
      'site-meter': 'http://127.0.0.1:7101',
      neighbors: 'http://127.0.0.1:7102',
      weather: 'http://127.0.0.1:7103',
      skycam: 'http://127.0.0.1:7104',
      nwp: 'http://127.0.0.1:7105',
    },
  });
  return coreToolsSettings(app, 7071);
}

/** Every %SETTING% the configuration file and the function files refer to (what the host resolves at load). */
function referencedSettings(): Set<string> {
  const names = new Set<string>();
  const texts = [
    readFileSync(CONFIG, 'utf8'),
    ...readdirSync(join(PROJECT_ROOT, 'functions')).map((f) =>
      readFileSync(join(PROJECT_ROOT, 'functions', f), 'utf8'),
    ),
  ];
  for (const text of texts) for (const m of text.matchAll(/%([A-Za-z0-9_]+)%/g)) names.add(m[1] as string);
  return names;
}

test('the generated local.settings.json has the shape Core Tools reads, every value a string', () => {
  const s = generated();
  assert.deepEqual(Object.keys(s), ['IsEncrypted', 'Values', 'Host']);
  assert.equal(s.IsEncrypted, false);
  assert.equal(s.Values['FUNCTIONS_WORKER_RUNTIME'], 'node');
  assert.equal(s.Host.LocalHttpPort, 7071);
  for (const [k, v] of Object.entries(s.Values)) assert.equal(typeof v, 'string', k);
  const round = JSON.parse(JSON.stringify(s));
  assert.deepEqual(round, s, 'plain JSON');
});

test("the app's own settings validation accepts it: storage, Cosmos DB, every provider setting, every schedule reference, the wall clock", () => {
  const { Values } = generated();
  const app = readAppSettings(Values);
  assert.equal(app.storageConnectionString, AZURITE);
  assert.equal(app.cosmosEndpoint, 'https://127.0.0.1:8081');
  const config = loadConfig(Values, PROJECT_ROOT);
  assert.deepEqual(
    config.sources.map((s) => s.provider.endpoint),
    [
      'http://127.0.0.1:7101',
      'http://127.0.0.1:7102',
      'http://127.0.0.1:7103',
      'http://127.0.0.1:7104',
      'http://127.0.0.1:7105',
    ],
  );
  const missing = [...referencedSettings()].filter((name) => !Values[name]);
  assert.deepEqual(missing, [], 'every %SETTING% the app refers to is set');
  // Core Tools fires timers on the wall clock, so the app must not run a virtual one.
  assert.equal(clockFromSettings(Values), systemClock);
  assert.ok(!Object.keys(Values).some((k) => k.startsWith('CLOCK_')));
});

test('a local.settings.json someone else wrote is never replaced; ours is, owner-readable only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'core-tools-'));
  try {
    const file = join(dir, 'local.settings.json');
    writeFileSync(file, JSON.stringify({ IsEncrypted: false, Values: { MY_OWN: 'secret' } }));
    assert.equal(ownsSettingsFile(file), false);
    assert.throws(
      () => writeCoreToolsSettings(file, generated()),
      (err: unknown) =>
        err instanceof ForeignSettingsFileError && err.message.includes(file) && /move it aside/.test(err.message),
    );
    assert.match(readFileSync(file, 'utf8'), /MY_OWN/, 'left as it was');
    rmSync(file);
    writeCoreToolsSettings(file, generated());
    assert.equal(ownsSettingsFile(file), true);
    assert.equal(statSync(file).mode & 0o077, 0, 'not readable by others: it holds the emulators keys');
    writeCoreToolsSettings(file, coreToolsSettings({ A: 'b' }, 7072));
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).Host.LocalHttpPort, 7072, 'ours is replaced');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
