import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../../shared/config/ConfigError';
import { parseConfig } from '../../../../shared/config/loadConfig';
import { camera, csvLogger, openMeteo, rawConfig, type SourceSpec, solarEdge } from '../../ingest/httpProviderRig';

/** The problems parseConfig reports for `spec` (it must refuse it). */
function problemsOf(spec: SourceSpec): string[] {
  try {
    parseConfig(rawConfig(spec), {});
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected the configuration to be refused');
}

type Provider = Record<string, unknown>;
const se = solarEdge();
const seRequest = se['request'] as Provider;
const seResponse = se['response'] as Provider;
const withRequest = (request: Provider): Provider => ({ ...se, request: { ...seRequest, ...request } });
const withResponse = (response: Provider): Provider => ({ ...se, response: { ...seResponse, ...response } });
const meter = (provider: Provider, fields = ['power_kw']): SourceSpec => ({
  fields,
  provider,
  target: { field: 'power_kw', unit: 'kW' },
});
const om = openMeteo();
const omResponse = om['response'] as Provider;

const cases: { name: string; spec: SourceSpec; problem: RegExp }[] = [
  {
    name: 'a field without a mapping',
    spec: meter(se, ['power_kw', 'ghi_wm2']),
    problem:
      /^sources\[0\]\.provider\.response\.values: field "ghi_wm2" of source "pv" is not mapped; map every field: "power_kw", "ghi_wm2"$/,
  },
  {
    name: 'a mapping of no field',
    spec: meter(withResponse({ values: { power_kw: { path: 'value', unit: 'W' }, energy_kwh: { path: 'energy' } } })),
    problem:
      /^sources\[0\]\.provider\.response\.values\.energy_kwh: source "pv" has no field "energy_kwh"; its fields are "power_kw"$/,
  },
  {
    name: 'an unknown placeholder in the query',
    spec: meter(withRequest({ query: { startTime: '{start}', endTime: '{to}' } })),
    problem:
      /^sources\[0\]\.provider\.request\.query\.startTime: unknown placeholder \{start\}; expected \{from\}, \{to\}, \{providerSiteId\}, \{site\}, \{latitude\}, \{longitude\}$/,
  },
  {
    name: 'an unknown placeholder in the path',
    spec: meter(withRequest({ path: '/site/{siteId}/power' })),
    problem: /^sources\[0\]\.provider\.request\.path: unknown placeholder \{siteId\}/,
  },
  {
    name: 'no {from}',
    spec: meter(withRequest({ query: { startTime: '2026-01-01 00:00:00', endTime: '{to}' } })),
    problem:
      /^sources\[0\]\.provider\.request: the request never sends \{from\}: a window protocol must ask for its time window/,
  },
  {
    name: 'no {to}',
    spec: meter(withRequest({ query: { startTime: '{from}' } })),
    problem: /^sources\[0\]\.provider\.request: the request never sends \{to\}/,
  },
  {
    name: 'a window placeholder in a snapshot request',
    spec: {
      kind: 'image',
      fields: ['brightness'],
      provider: { ...camera({ from: 'fetch' }), request: { path: '/snap', query: { at: '{from}' } } },
    },
    problem:
      /^sources\[0\]\.provider\.request\.query\.at: unknown placeholder \{from\}; expected \{providerSiteId\}, \{site\}, \{latitude\}, \{longitude\}$/,
  },
  {
    name: 'snapshot on a sensor source',
    spec: { fields: ['power_kw'], provider: camera({ from: 'fetch' }) },
    problem:
      /^sources\[0\]\.provider\.protocol: "snapshot" reads pictures; source "pv" is a sensor source \(use "http-json" or "http-csv"\)$/,
  },
  {
    name: 'http-json on an image source',
    spec: { kind: 'image', fields: ['brightness'], provider: se },
    problem: /^sources\[0\]\.provider\.protocol: "http-json" reads values; source "pv" is an image source/,
  },
  {
    name: 'a unit that converts to the target unit by no factor',
    spec: { fields: ['power_kw'], provider: se, target: { field: 'power_kw', unit: 'W/m2' } },
    problem:
      /^sources\[0\]\.provider\.response\.values\.power_kw: values in "W" cannot be converted to the target unit "W\/m2" \(target\.unit\) by a factor$/,
  },
  {
    name: 'convertTo across quantities',
    spec: {
      fields: ['temp_c', 'wind_speed_ms'],
      provider: {
        ...om,
        response: {
          ...omResponse,
          values: {
            temp_c: { path: 'temperature_2m', unit: '°C', convertTo: 'K' },
            wind_speed_ms: { path: 'wind_speed_10m', unit: 'km/h', convertTo: 'm/s' },
          },
        },
      },
    },
    problem:
      /^sources\[0\]\.provider\.response\.values\.temp_c: values in "°C" cannot be converted to convertTo "K" by a factor$/,
  },
  {
    name: 'convertTo that contradicts the target unit',
    spec: meter(withResponse({ values: { power_kw: { path: 'value', unit: 'W', convertTo: 'MW' } } })),
    problem:
      /^sources\[0\]\.provider\.response\.values\.power_kw: the field is the forecast target, in "kW" \(target\.unit\); convertTo "MW" contradicts it$/,
  },
  {
    name: "convertTo without the provider's unit",
    spec: meter(withResponse({ values: { power_kw: { path: 'value', convertTo: 'kW' } } })),
    problem: /^sources\[0\]\.provider\.response\.values\.power_kw: convertTo "kW" needs the provider's own "unit"$/,
  },
  {
    name: 'a JSON path that does not parse',
    spec: meter(withResponse({ records: 'power[values' })),
    problem: /^sources\[0\]\.provider\.response\.records: bad path "power\[values": "\[" must hold an index/,
  },
  {
    name: 'both records and columns',
    spec: meter(withResponse({ columns: 'power' })),
    problem: /^sources\[0\]\.provider\.response\.records: give either "records" .* or "columns"/,
  },
  {
    name: 'an unknown time zone',
    spec: meter(withResponse({ time: { path: 'date', format: 'yyyy-MM-dd HH:mm:ss', timeZone: 'Europe/Berlinn' } })),
    problem: /^sources\[0\]\.provider\.response\.time\.timeZone: expected an IANA time zone/,
  },
  {
    name: 'a site map naming no site',
    spec: meter({ ...se, sites: { 'park-9': '1' } }),
    problem: /^sources\[0\]\.provider\.sites\.park-9: unknown site "park-9"; expected one of "park-1"$/,
  },
  {
    name: 'a CSV delimiter of two characters',
    spec: {
      fields: ['power_kw', 'ghi_wm2'],
      provider: { ...csvLogger(), response: { ...(csvLogger()['response'] as Provider), delimiter: ';;' } },
    },
    problem: /^sources\[0\]\.provider\.response\.delimiter: /,
  },
  {
    name: 'a placeholder in the endpoint',
    spec: meter({ ...se, endpoint: 'https://{providerSiteId}.solaredge.example' }),
    problem:
      /^sources\[0\]\.provider\.endpoint: "https:\/\/\{providerSiteId\}\.solaredge\.example" holds a placeholder; the endpoint is used as written/,
  },
];

describe('configuration errors name the key', () => {
  for (const c of cases) {
    test(c.name, () => {
      const problems = problemsOf(c.spec);
      assert.ok(
        problems.some((p) => c.problem.test(p)),
        `expected ${c.problem} among:\n  ${problems.join('\n  ')}`,
      );
    });
  }
});

describe('a request path that could leave the endpoint is refused', () => {
  const refused = [
    '//evil.example/x',
    '/../x',
    '/site/../x',
    '/./x',
    '/site/..',
    '/x?api_key=1',
    '/x#frag',
    'x',
    '/%2e%2e/x',
    '/%2E./x',
    '/\\evil.example',
  ];
  for (const path of refused) {
    test(JSON.stringify(path), () => {
      const spec = meter(withRequest({ path }));
      const problems = problemsOf(spec);
      assert.ok(
        problems.some((p) =>
          p.startsWith(
            `sources[0].provider.request.path: ${JSON.stringify(path)} must be a plain path under the endpoint`,
          ),
        ),
        problems.join('\n'),
      );
      const snap = problemsOf({
        kind: 'image',
        fields: ['brightness'],
        provider: { ...camera({ from: 'fetch' }), request: { path } },
      });
      assert.ok(
        snap.some((p) => p.startsWith('sources[0].provider.request.path: ')),
        snap.join('\n'),
      );
    });
  }
  const accepted = ['/site/{providerSiteId}/power', '/v1/forecast', '/a.b/c..d/...', ''];
  for (const path of accepted) {
    test(`accepted: ${JSON.stringify(path)}`, () => {
      assert.doesNotThrow(() => parseConfig(rawConfig(meter(withRequest({ path }))), {}));
    });
  }
});

test('the recorded-vendor configurations of these tests are valid', () => {
  for (const spec of [
    meter(se),
    { fields: ['power_kw', 'ghi_wm2'], provider: csvLogger() },
    { fields: ['temp_c', 'wind_speed_ms'], provider: om },
    { kind: 'image' as const, fields: ['brightness'], provider: camera({ from: 'exif', timeZone: 'Europe/Berlin' }) },
  ]) {
    assert.doesNotThrow(() => parseConfig(rawConfig(spec), {}));
  }
});
