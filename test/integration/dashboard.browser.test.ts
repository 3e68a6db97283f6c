import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { LocalStack } from '../../local/LocalStack';
import type { Forecast } from '../../shared/forecast/Forecast';
import { ScaledClock } from '../../shared/time/ScaledClock';
import { PROJECT_ROOT } from '../support/testServices';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: the dashboard browser test needs it (apt-get install chromium)`;
// A 10-minute issue slot every 2.5 s, which the stack keeps up with on a busy machine (as the data-path test does).
const SPEED = 240;
const VIRTUAL_START = new Date('2026-06-21T08:00:00Z');
const MIN_FORECASTS = 18;
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');
const KEY = 'dashboard-test-key';

let stack: LocalStack | undefined;
let browser: Browser | undefined;
let dataDir: string | undefined;

before(
  async () => {
    if (skip) return;
    dataDir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    const clock = new ScaledClock({ virtualStart: VIRTUAL_START, realStartMs: Date.now(), speed: SPEED });
    stack = await LocalStack.start({
      dataDir,
      clock: clock.options,
      backfillDays: 1,
      ports: { http: 0, azurite: 0, cosmos: 0, providers: [] },
    });
    const since = clock.now();
    const deadline = Date.now() + 120_000;
    for (;;) {
      const issued = await stack.services.forecasts.range('park-1', since, clock.now()).catch(() => []);
      if (issued.length >= MIN_FORECASTS) break;
      if (Date.now() > deadline)
        throw new Error(`only ${issued.length} forecasts issued after 120 s; expected ${MIN_FORECASTS}`);
      await sleep(1_000);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-background-networking'],
    });
  },
  { timeout: 240_000 },
);

after(async () => {
  await browser?.close();
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A page that records console errors (CSP violations among them), script errors and every request's URL. */
async function openPage(query: string): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  assert.ok(browser && stack);
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(`${stack.httpUrl}/api/dashboard${query}`);
  return { page, problems, requests };
}

/** Waits until the page has refreshed since it had made `refreshes` and is ready again. */
async function waitFor(page: Page, refreshes: number): Promise<void> {
  // (waitForFunction would evaluate a string in the page, which the page's CSP rightly refuses.)
  const deadline = Date.now() + 30_000;
  while (!(
    Number(await page.locator('body').getAttribute('data-refreshes')) > refreshes &&
    (await page.locator('body').getAttribute('data-state')) === 'ready'
  )) {
    assert.ok(Date.now() < deadline, 'the page refreshed');
    await sleep(100);
  }
}

/** Non-blank pixels of every canvas inside `selector` (uPlot draws series on a transparent canvas). */
async function inkedPixels(page: Page, selector: string): Promise<number[]> {
  const script = `Array.from(document.querySelectorAll(${JSON.stringify(`${selector} canvas`)})).map((c) => {
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
    return n;
  })`;
  return (await page.evaluate(script)) as number[];
}

test(
  'the dashboard draws forecasts against actuals per lead, input freshness, the model and its sources',
  { skip, timeout: 120_000 },
  async () => {
    assert.ok(stack);
    const { page, problems, requests } = await openPage(`?site=park-1&hours=6&code=${KEY}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    const latest = (await (await fetch(`${stack.httpUrl}/api/forecast?site=park-1`)).json()) as Forecast;
    assert.equal(latest.model.kind, 'smart-persistence', 'no model is trained in this run (the target is solar)');

    // One chart per lead, each with forecasts and actuals, drawn.
    const leads = page.locator('figure[data-chart="lead"]');
    assert.equal(await leads.count(), 3);
    for (let i = 0; i < 3; i++) {
      const fig = leads.nth(i);
      const forecastPoints = Number(await fig.getAttribute('data-forecast-points'));
      const actualPoints = Number(await fig.getAttribute('data-actual-points'));
      assert.ok(
        forecastPoints >= MIN_FORECASTS - 2,
        `lead ${await fig.getAttribute('data-lead')}: ${forecastPoints} forecasts`,
      );
      assert.ok(actualPoints >= 30, `lead ${await fig.getAttribute('data-lead')}: ${actualPoints} actuals`);
      assert.match(
        (await fig.locator('.score').textContent()) ?? '',
        /MAE [\d,.]+ kW . RMSE [\d,.]+ kW . skill -?[\d.]+ vs persistence, -?[\d.]+ vs smart persistence . n = \d+/,
      );
      // Smart persistence serves this run, so it is its own reference: a skill against it of exactly zero.
      const skill = await fig.getAttribute('data-smart-skill');
      assert.ok(
        skill !== null && skill !== '' && Math.abs(Number(skill)) < 0.001,
        `lead ${await fig.getAttribute('data-lead')}: skill vs smart persistence ${skill}`,
      );
      assert.notEqual(await fig.getAttribute('data-skill'), '', 'and a skill against plain persistence');
    }
    const leadInk = await inkedPixels(page, '#lead-charts');
    assert.ok(
      leadInk.length >= 3 && leadInk.filter((n) => n > 2_000).length >= 3,
      `lead charts drawn (inked pixels ${leadInk.join(', ')})`,
    );
    assert.match((await page.locator('#lead-charts .u-legend').first().textContent()) ?? '', /actual.*forecast/s);

    // Freshness: every source has an age at the issue times, and its line is drawn.
    const freshness = JSON.parse(
      (await page.locator('#freshness-chart').getAttribute('data-series-points')) ?? '{}',
    ) as Record<string, number>;
    for (const source of ['site-meter', 'neighbors', 'weather', 'skycam', 'nwp'])
      assert.ok((freshness[source] ?? 0) >= MIN_FORECASTS - 2, `${source}: ${freshness[source]} ages`);
    assert.ok(
      (await inkedPixels(page, '#freshness-chart')).some((n) => n > 2_000),
      'freshness chart drawn',
    );
    assert.equal(
      await page.locator('#freshness-chart').getAttribute('data-axes'),
      'issue time (UTC) | input age at issue time (min)',
    );
    assert.equal(
      await leads.first().getAttribute('data-axes'),
      'valid time (UTC) | power_kw (kW)',
      'labelled axes with units',
    );

    // The serving model and its sources, named as the latest forecast names them; every source in the table.
    assert.equal(await page.locator('#card-model').getAttribute('data-model-id'), latest.model.id);
    assert.equal((await page.locator('[data-testid="model-id"]').textContent())?.trim(), latest.model.id);
    const used = (await page.locator('[data-testid="sources-used"] li').allTextContents()).map((t) => t.trim());
    assert.deepEqual(used, latest.model.sources);
    for (const source of ['site-meter', 'neighbors', 'weather', 'skycam', 'nwp'])
      assert.equal(await page.locator(`#sources-table tr[data-source="${source}"]`).count(), 1, source);
    assert.ok((await page.locator(`#model-timeline li[data-model="${latest.model.id}"]`).count()) === 1);
    assert.match((await page.locator('#card-budget').textContent()) ?? '', /not-configured|unknown|ok|alerting/);
    assert.match((await page.locator('#card-health').textContent()) ?? '', /ok|degraded|down/);
    assert.match((await page.locator('#card-latest').textContent()) ?? '', /\+20 min[\d,.]+ kW/);

    // The data comes from the dashboard's own route without any key: a key in an old bookmark is never sent and is
    // dropped from the address; nothing leaves the app's origin. One call per refresh, none to the older routes.
    const api = requests.filter((u) => /\/api\/dashboard\/data\?/.test(u));
    assert.ok(api.length >= 1, `${api.length} API requests`);
    assert.equal(api.length, Number(await page.locator('body').getAttribute('data-refreshes')), 'one call per refresh');
    assert.deepEqual(
      requests.filter((u) => /\/api\/(dashboard\/)?(forecast|actuals|health)\b/.test(u)),
      [],
      'no call of the per-kind routes',
    );
    for (const u of requests.filter((r) => !/\/api\/dashboard\?/.test(r)))
      assert.ok(!u.includes(KEY), `no key in ${u}`);
    assert.equal(new URL(page.url()).searchParams.get('code'), null, 'the key is gone from the address');
    for (const u of requests) assert.ok(u.startsWith(stack.httpUrl), `only the app is contacted: ${u}`);
    assert.deepEqual(problems, [], 'no console errors, CSP violations or script errors');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    // A refresh is exactly one call, which sends the cursor of the last answer and gets back only what is newer (a
    // delta) or nothing (304), never the whole window again.
    const calls = requests.length;
    const refreshes = Number(await page.locator('body').getAttribute('data-refreshes'));
    const answered = page.waitForResponse((r) => /\/api\/dashboard\/data\?/.test(r.url()));
    await page.click('#refresh');
    const answer = await answered;
    await waitFor(page, refreshes);
    const made = requests.slice(calls);
    assert.equal(made.length, 1, `one call: ${made.join(', ')}`);
    assert.match(made[0] ?? '', /\/api\/dashboard\/data\?site=park-1&hours=6&since=[^&]+$/);
    const mode = answer.status() === 304 ? '304' : ((await answer.json()) as { mode: string }).mode;
    assert.ok(['304', 'delta'].includes(mode), `the refresh got ${mode}`);
    assert.equal(Number(await page.locator('body').getAttribute('data-refreshes')), refreshes + 1);
    assert.equal(
      await page.locator('#card-model').getAttribute('data-model-id'),
      ((await (await fetch(`${stack.httpUrl}/api/forecast?site=park-1`)).json()) as Forecast).model.id,
    );
    assert.deepEqual(problems, [], 'no console errors after the refresh');

    // Choosing another window refreshes in place, in the address too.
    const before = Number(await page.locator('body').getAttribute('data-refreshes'));
    await page.selectOption('#hours', '24');
    await waitFor(page, before);
    const address = new URL(page.url());
    assert.deepEqual([address.searchParams.get('hours'), address.searchParams.get('code')], ['24', null]);
    await page.close();
  },
);

test('no data yet and failing API calls are shown as such', { skip, timeout: 60_000 }, async () => {
  assert.ok(browser && stack);
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  // As a fresh deployment answers (no forecast, nothing observed, no summary from predict yet); then the same route
  // refusing an expired sign-in.
  let calls = 0;
  await page.route(/\/api\/dashboard\/data\?/, (route) =>
    ++calls === 1
      ? route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            site: 'park-1',
            mode: 'window',
            hours: 12,
            now: new Date().toISOString(),
            cursor: `${new Date(0).toISOString()}~00000000`,
            asOf: null,
            latest: null,
            forecasts: [],
            actuals: [],
            health: null,
            problems: [],
          }),
        })
      : route.fulfill({ status: 401, body: '' }),
  );
  await page.goto(`${stack.httpUrl}/api/dashboard?site=park-1`);
  await page.waitForSelector('body[data-state="error"]', { timeout: 30_000 });
  assert.match((await page.locator('#errors').textContent()) ?? '', /no health facts yet/);
  assert.match((await page.locator('#card-model').textContent()) ?? '', /No forecast yet for park-1/);
  for (const selector of ['figure[data-lead="20"] .empty', '#freshness-chart .empty', '#model-timeline .empty']) {
    assert.match((await page.locator(selector).textContent()) ?? '', /No data yet/, selector);
  }
  assert.equal(await page.locator('#lead-charts canvas').count(), 0);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-no-data.png'), fullPage: true });
  await page.click('#refresh');
  const deadline = Date.now() + 30_000;
  while (!/401/.test((await page.locator('#errors').textContent()) ?? '')) {
    assert.ok(Date.now() < deadline, 'the 401 is shown');
    await sleep(100);
  }
  assert.match(
    (await page.locator('#errors').textContent()) ?? '',
    /GET \/api\/dashboard\/data: 401, not signed in \(or the sign-in expired\): reload the page to sign in/,
  );
  assert.match((await page.locator('#card-model').textContent()) ?? '', /No forecast yet for park-1/);
  await page.close();
});
