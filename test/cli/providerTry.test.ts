import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { LOCAL_SETTINGS_FILE } from '../../cli/cliSettings';
import { runProviderTry } from '../../cli/provider';
import { startExample } from '../../local/examples/serveExample';
import type { RunningExample } from '../../local/examples/RunningExample';
import { FixedClock } from '../support/fixedClock';

const ROOT = join(__dirname, '../../..');
const NOW = '2026-06-15T14:07:00Z';
const clock = new FixedClock(new Date(NOW));
const servers: Record<string, RunningExample> = {};
let dir: string;

/** The settings the examples' configurations refer to, pointing at their test servers; the clock the servers share. */
function settings(): Record<string, string> {
  return {
    PV_ENDPOINT: servers['solaredge']?.url ?? '',
    PV_KEY: 'EXAMPLEKEY0123456789ABCDEFGHIJKL',
    PV_SITE_ID: '1',
    WEATHER_ENDPOINT: servers['open-meteo']?.url ?? '',
    SKYCAM_ENDPOINT: servers['ip-camera']?.url ?? '',
    SKYCAM_USERNAME: 'viewer',
    SKYCAM_KEY: 'example',
    CLOCK_SPEED: '1',
    CLOCK_VIRTUAL_START: NOW,
    CLOCK_REAL_START: String(Date.now()),
  };
}

async function tryIt(
  args: string[],
  env: Record<string, string> = settings(),
): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runProviderTry(args, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'provider-try-'));
  for (const name of ['solaredge', 'open-meteo', 'ip-camera'] as const)
    servers[name] = await startExample(name, { clock });
});

after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

test('solaredge example: power in kW at the right instants, nights skipped, nothing rejected', async () => {
  const r = await tryIt([
    '--config',
    join(ROOT, 'config/examples/solaredge.json'),
    '--source',
    'pv',
    '--from',
    '2026-06-15T00:00:00Z',
    '--to',
    '2026-06-15T12:00:00Z',
  ]);
  assert.equal(r.status, 0, r.err.join('\n'));
  const lines = r.out.map(
    (l) => JSON.parse(l) as { source: string; site: string; observedAt: string; values: { power_kw: number } },
  );
  assert.ok(lines.length >= 30, `${lines.length} observations`);
  for (const l of lines) {
    assert.deepEqual(Object.keys(l), ['source', 'site', 'observedAt', 'values']);
    assert.equal(l.source, 'pv');
    assert.equal(l.site, 'rooftop-1');
    assert.ok(l.values.power_kw >= 0 && l.values.power_kw <= 10, `${l.values.power_kw} kW from a 10 kWp site`);
  }
  // Berlin is UTC+2 in June: the quarter written "2026-06-15 12:00:00" is 10:00Z.
  assert.ok(lines.some((l) => l.observedAt === '2026-06-15T10:00:00.000Z'));
  assert.match(
    r.err.at(-1) ?? '',
    /summary: source "pv" \(http-json\): 1 request\(s\), \d+ observation\(s\), 0 rejected, \d+ without a value; nothing stored/,
  );
});

test('open-meteo example: column-oriented JSON, km/h converted to m/s', async () => {
  const r = await tryIt([
    '--config',
    join(ROOT, 'config/examples/open-meteo.json'),
    '--source',
    'weather',
    '--from',
    '2026-06-15T06:00:00Z',
    '--to',
    '2026-06-15T12:00:00Z',
  ]);
  assert.equal(r.status, 0, r.err.join('\n'));
  const lines = r.out.map((l) => JSON.parse(l) as { observedAt: string; values: Record<string, number> });
  assert.equal(lines.length, 25, 'every quarter hour of six hours, both ends included');
  assert.equal(lines[0]?.observedAt, '2026-06-15T06:00:00.000Z');
  for (const l of lines) {
    assert.deepEqual(Object.keys(l.values).sort(), ['cloud_pct', 'ghi_wm2', 'temp_c', 'wind_speed_ms']);
    assert.ok((l.values['wind_speed_ms'] ?? -1) >= 0 && (l.values['wind_speed_ms'] ?? 99) < 40);
  }
});

test('open-meteo example, forecast source: one run, runAt from the 3-hourly schedule, 48 quarter-hour steps', async () => {
  const r = await tryIt(['--config', join(ROOT, 'config/examples/open-meteo.json'), '--source', 'weather-forecast']);
  assert.equal(r.status, 0, r.err.join('\n'));
  assert.equal(r.out.length, 1, 'one run for the one site');
  const run = JSON.parse(r.out[0] ?? '{}') as {
    source: string;
    site: string;
    runAt: string;
    steps: number;
    validFrom: string;
    validTo: string;
    values: Record<string, number>;
  };
  assert.deepEqual(Object.keys(run), ['source', 'site', 'runAt', 'steps', 'validFrom', 'validTo', 'values']);
  assert.equal(run.source, 'weather-forecast');
  assert.equal(run.site, 'rooftop-1');
  // 14:07 minus the 120 minutes a run takes to be published is 12:07: the newest 3-hourly run is 12:00.
  assert.equal(run.runAt, '2026-06-15T12:00:00.000Z');
  // Open-Meteo counts forecast_minutely_15 from the current quarter hour (14:00).
  assert.equal(run.steps, 48);
  assert.equal(run.validFrom, '2026-06-15T14:00:00.000Z');
  assert.equal(run.validTo, '2026-06-16T01:45:00.000Z');
  assert.equal(Object.keys(run.values).length, 96, 'two fields at 48 steps');
  assert.ok((run.values['ghi_wm2@+120'] ?? 0) > 100, 'the sun is up at 14:00Z in Berlin in June');
  assert.ok(Object.keys(run.values).every((k) => /^(ghi_wm2|cloud_pct)@\+\d+$/.test(k)));
  assert.match(
    r.err[0] ?? '',
    /^GET \/v1\/forecast now \(site rooftop-1\): run 2026-06-15T12:00:00.000Z, 48 step\(s\): 1 record\(s\)/,
  );
  assert.match(
    r.err.at(-1) ?? '',
    /summary: source "weather-forecast" \(http-json\): 1 request\(s\), 1 observation\(s\), 0 rejected/,
  );
});

test('a forecast source takes no --from/--to: it asks for the forecast now', async () => {
  const r = await tryIt([
    '--config',
    join(ROOT, 'config/examples/open-meteo.json'),
    '--source',
    'weather-forecast',
    '--from',
    '2026-06-15T06:00:00Z',
    '--to',
    '2026-06-15T12:00:00Z',
  ]);
  assert.equal(r.status, 2);
  assert.match(
    r.err[0] ?? '',
    /^--from and --to do not apply to forecast source "weather-forecast": it asks for the forecast now/,
  );
});

test('ip-camera example: one JPEG snapshot per site, with its size and content hash', async () => {
  const r = await tryIt(['--config', join(ROOT, 'config/examples/ip-camera.json'), '--source', 'skycam']);
  assert.equal(r.status, 0, r.err.join('\n'));
  assert.equal(r.out.length, 1);
  const pic = JSON.parse(r.out[0] ?? '{}') as {
    observedAt: string;
    image: { type: string; width: number; height: number; sha256: string };
  };
  assert.equal(pic.image.type, 'jpeg');
  assert.deepEqual([pic.image.width, pic.image.height], [640, 480]);
  assert.match(pic.image.sha256, /^[0-9a-f]{64}$/);
  const lag = Date.parse(pic.observedAt) - Date.parse(NOW);
  assert.ok(lag >= 0 && lag < 60_000, `observedAt ${pic.observedAt} is the fetch time on the CLI's clock`);
});

test('a broken mapping names the configuration key and the response path that did not match', async () => {
  const config = JSON.parse(readFileSync(join(ROOT, 'config/examples/solaredge.json'), 'utf8')) as {
    sources: { provider: { response: { records: string; values: Record<string, { path: string }> } } }[];
  };
  const pv = config.sources[0];
  assert.ok(pv);
  pv.provider.response.values['power_kw'] = { path: 'val' };
  const file = join(dir, 'wrong-value-path.json');
  writeFileSync(file, JSON.stringify(config));
  const r = await tryIt([
    '--config',
    file,
    '--source',
    'pv',
    '--from',
    '2026-06-15T08:00:00Z',
    '--to',
    '2026-06-15T10:00:00Z',
  ]);
  assert.equal(r.status, 1);
  assert.equal(r.out.length, 0);
  assert.match(
    r.err.join('\n'),
    /sources\[0\]\.provider\.response\.values\.power_kw\.path "val" matches no record of power\.values \(the first record has "date", "value"\)/,
  );

  pv.provider.response.values['power_kw'] = { path: 'value' };
  pv.provider.response.records = 'power.data';
  writeFileSync(file, JSON.stringify(config));
  const r2 = await tryIt([
    '--config',
    file,
    '--source',
    'pv',
    '--from',
    '2026-06-15T08:00:00Z',
    '--to',
    '2026-06-15T10:00:00Z',
  ]);
  assert.equal(r2.status, 1);
  assert.match(
    r2.err.join('\n'),
    /sources\[0\]\.provider\.response\.records "power\.data" does not match the response: power has no member "data" \(it has .*"values"/,
  );
});

test('a configuration error names the key; usage errors list what there is', async () => {
  const config = JSON.parse(readFileSync(join(ROOT, 'config/examples/solaredge.json'), 'utf8')) as {
    sources: { provider: { request: { path: string } } }[];
  };
  (config.sources[0] as { provider: { request: { path: string } } }).provider.request.path = '/site/{siteId}/power';
  const file = join(dir, 'bad-placeholder.json');
  writeFileSync(file, JSON.stringify(config));
  const r = await tryIt(['--config', file, '--source', 'pv']);
  assert.equal(r.status, 1);
  assert.match(r.err.join('\n'), /sources\[0\]\.provider\.request\.path: unknown placeholder \{siteId\}/);
  const u = await tryIt(['--config', join(ROOT, 'config/examples/solaredge.json'), '--source', 'nope']);
  assert.equal(u.status, 2);
  assert.match(u.err.join('\n'), /--source "nope" is not in the configuration; it has "pv"/);
});

test(
  'without --config and with no local stack running: one line that says to start it, not every missing setting',
  { skip: existsSync(LOCAL_SETTINGS_FILE) && 'a local stack is running here' },
  async () => {
    const r = await tryIt(['--source', 'site-meter'], { PATH: process.env['PATH'] ?? '' });
    assert.equal(r.status, 1);
    assert.equal(r.err.length, 1, r.err.join('\n'));
    assert.match(
      r.err[0] ?? '',
      /local stack, which is not running: start it with `npm start`, or give --config <file>/,
    );
  },
);

test('npm run provider -- try: observations on stdout, the rest on stderr, exit status', async () => {
  const run = promisify(execFile);
  const env = { ...process.env, ...settings() };
  const { stdout, stderr } = await run(
    process.execPath,
    [
      join(ROOT, 'dist/cli/provider.js'),
      'try',
      '--config',
      'config/examples/open-meteo.json',
      '--source',
      'weather',
      '--from',
      '2026-06-15T06:00:00Z',
      '--to',
      '2026-06-15T07:00:00Z',
    ],
    { cwd: ROOT, env },
  );
  assert.equal(stdout.trim().split('\n').length, 5);
  for (const line of stdout.trim().split('\n'))
    assert.equal((JSON.parse(line) as { source: string }).source, 'weather');
  assert.match(stderr, /^summary: .* 5 observation\(s\)/m);
});
