import '../support/testEnv';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Script } from 'node:vm';
import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import { makeDashboardAssetHandler, makeDashboardHandler } from '../../functions/dashboard';
import { DASHBOARD_CSP } from '../../shared/dashboard/dashboardHeaders';
import type { DashboardClientConfig } from '../../shared/dashboard/dashboardPage';
import { DASHBOARD_SCRIPT } from '../../shared/dashboard/dashboardScript';
import { FixedClock } from '../support/fixedClock';
import { testConfig, testServices } from '../support/testServices';

const config = testConfig();
config.sites.push({ id: 'park-2', name: 'North <field> & "co"', latitude: 56, longitude: 10 });
const services = testServices(new FixedClock(new Date('2026-06-01T12:00:00Z')), config);
const page = makeDashboardHandler(() => services);
const assets = makeDashboardAssetHandler();
const context = () => new InvocationContext({ functionName: 'dashboard' });
const open = (query: string, path = '/api/dashboard') =>
  page(new HttpRequest({ method: 'GET', url: `http://localhost:7071${path}${query ? `?${query}` : ''}` }), context());
const asset = (name: string) =>
  assets(
    new HttpRequest({
      method: 'GET',
      url: `http://localhost:7071/api/dashboard/assets/${encodeURIComponent(name)}`,
      params: { name },
    }),
    context(),
  );

const header = (res: HttpResponseInit, name: string) => (res.headers as Record<string, string>)[name];
const text = (res: HttpResponseInit) => (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : String(res.body));

function clientConfig(html: string): DashboardClientConfig {
  const m = /<script id="dashboard-config" type="application\/json">([^<]*)<\/script>/.exec(html);
  assert.ok(m, 'the page carries its configuration in a JSON data block');
  return JSON.parse(m[1] ?? '') as DashboardClientConfig;
}

test('the page: 200 HTML with a strict CSP, no inline code, the sites to choose from and the configuration', async () => {
  const res = await open('');
  assert.equal(res.status, 200);
  assert.equal(header(res, 'content-type'), 'text/html; charset=utf-8');
  assert.equal(header(res, 'content-security-policy'), DASHBOARD_CSP);
  assert.match(DASHBOARD_CSP, /default-src 'none'/);
  assert.match(DASHBOARD_CSP, /script-src 'self'(;|$)/);
  assert.match(DASHBOARD_CSP, /style-src 'self'(;|$)/);
  assert.match(DASHBOARD_CSP, /connect-src 'self'(;|$)/);
  assert.match(DASHBOARD_CSP, /frame-ancestors 'none'/);
  assert.doesNotMatch(DASHBOARD_CSP, /unsafe|https?:|\*/);
  assert.equal(header(res, 'x-content-type-options'), 'nosniff');
  assert.equal(header(res, 'referrer-policy'), 'no-referrer');
  const html = text(res);
  // Every script is either loaded from the app or a data block; no inline handlers or styles.
  for (const tag of html.match(/<script[^>]*>/g) ?? [])
    assert.match(tag, /src="\/api\/dashboard\/assets\/[\w.]+"|type="application\/json"/, tag);
  assert.doesNotMatch(html, /\son[a-z]+=|style=|<style|https?:\/\/(?!localhost)/i);
  assert.match(html, /<option value="park-1" selected>/);
  assert.match(
    html,
    /<option value="park-2">North &lt;field&gt; &amp; &quot;co&quot; \(park-2\)<\/option>/,
    'site names are escaped',
  );
  const client = clientConfig(html);
  assert.equal(client.apiBase, '/api/');
  assert.equal(client.site, 'park-1');
  assert.equal(client.hours, 12);
  assert.deepEqual(client.leads, [20, 40, 60]);
  assert.deepEqual(client.target, { source: 'site-meter', field: 'power_kw', unit: 'kW' });
  assert.deepEqual(
    client.sources.map((s) => s.id),
    ['site-meter', 'neighbors', 'weather', 'skycam', 'nwp'],
  );
  assert.equal(client.sites[1]?.name, 'North <field> & "co"', 'the JSON block round-trips');
  assert.doesNotMatch(html, /"North <field>/, 'no raw markup in the JSON block');
});

test('site and window are chosen by parameters; the function key is accepted and never written into the page', async () => {
  const res = await open('site=park-2&hours=72&code=secret-function-key-1');
  assert.equal(res.status, 200);
  const html = text(res);
  assert.match(html, /<option value="park-2" selected>/);
  assert.match(html, /<option value="72" selected>last 3 days<\/option>/);
  assert.deepEqual([clientConfig(html).site, clientConfig(html).hours], ['park-2', 72]);
  assert.doesNotMatch(html, /secret-function-key/);
});

test('the asset and API paths follow the route prefix, also with a trailing slash', async () => {
  const client = clientConfig(text(await open('', '/api/dashboard/')));
  assert.equal(client.apiBase, '/api/');
  assert.match(text(await open('', '/custom/dashboard')), /src="\/custom\/dashboard\/assets\/dashboard\.js"/);
});

test('bad parameters: a 400 page naming the parameter, the bad value escaped, with the same headers', async () => {
  const cases: [string, RegExp][] = [
    [
      'site=nowhere',
      /query parameter &quot;site&quot; is &quot;nowhere&quot;, not a configured site; expected one of &quot;park-1&quot;, &quot;park-2&quot;/,
    ],
    ['site=', /query parameter &quot;site&quot; is empty/],
    [
      'site=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      /&quot;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;, not a configured site/,
    ],
    ['hours=5', /query parameter &quot;hours&quot; is &quot;5&quot;; expected one of 3, 6, 12, 24, 72/],
    ['hours=12.0', /&quot;hours&quot; is &quot;12.0&quot;/],
    ['hours=012', /&quot;hours&quot; is &quot;012&quot;/],
    ['hours=1e1', /&quot;hours&quot; is &quot;1e1&quot;/],
    ['site=park-1&site=park-2', /query parameter &quot;site&quot; is given 2 times/],
    [
      'view=all',
      /query parameter &quot;view&quot; is not supported; expected &quot;site&quot; and &quot;hours&quot;, both optional/,
    ],
    [`x=${'y'.repeat(3000)}`, /the query string is \d+ characters long; at most 2048/],
  ];
  for (const [query, message] of cases) {
    const res = await open(query);
    assert.equal(res.status, 400, query.slice(0, 40));
    assert.equal(header(res, 'content-type'), 'text/html; charset=utf-8');
    assert.equal(header(res, 'content-security-policy'), DASHBOARD_CSP);
    const html = text(res);
    assert.match(html, message, query.slice(0, 40));
    assert.doesNotMatch(html, /<script/);
  }
});

test('assets: the page script and stylesheet and uPlot, with their types; the script is valid JavaScript', async () => {
  const expected: [string, string][] = [
    ['dashboard.js', 'text/javascript; charset=utf-8'],
    ['dashboard.css', 'text/css; charset=utf-8'],
    ['uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
    ['uPlot.min.css', 'text/css; charset=utf-8'],
  ];
  for (const [name, type] of expected) {
    const res = await asset(name);
    assert.equal(res.status, 200, name);
    assert.equal(header(res, 'content-type'), type, name);
    assert.equal(header(res, 'x-content-type-options'), 'nosniff');
    assert.ok(text(res).length > 1000, `${name} has content`);
  }
  assert.equal(
    text(await asset('uPlot.iife.min.js')),
    readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
  );
  const script = text(await asset('dashboard.js'));
  assert.doesNotThrow(() => new Script(script, { filename: 'dashboard.js' }));
});

test('assets: any other name is a 404 that reads nothing from disk', async () => {
  for (const name of [
    '',
    'index.html',
    'Dashboard.js',
    'dashboard.js ',
    '../package.json',
    '..\\host.json',
    '%2e%2e%2fpackage.json',
    'uPlot.cjs.js',
    '/etc/passwd',
    'dashboard.js\u0000',
  ]) {
    const res = await asset(name);
    assert.equal(res.status, 404, JSON.stringify(name));
    assert.equal(text(res), 'no such dashboard asset\n');
  }
});

test('the script reads the dashboard routes same-origin and sends no key, whatever the address carries', () => {
  assert.match(DASHBOARD_SCRIPT, /const dataBase = cfg\.apiBase \+ 'dashboard\/';/);
  assert.doesNotMatch(DASHBOARD_SCRIPT, /set\('code'/, 'no key is added to a request');
  assert.match(DASHBOARD_SCRIPT, /q\.delete\('code'\)/, 'a key in an old bookmark is dropped from the address');
  assert.match(DASHBOARD_SCRIPT, /credentials: 'same-origin'/);
});
