import { describeConversionFailure, fieldConversion } from '../units/fieldConversion';
import { parseJsonPath } from '../util/jsonPath';
import { placeholdersIn } from '../util/urlTemplate';
import { PLACEHOLDERS, requestNamesSite, SITE_PLACEHOLDERS, type ProviderConfig } from './providerSchemas';

/** A problem with one source's provider block: the path below `provider` and the message. */
export interface ProviderProblem {
  path: (string | number)[];
  message: string;
}

interface SourceLike {
  id: string;
  kind: 'sensor' | 'image' | 'forecast';
  fields: string[];
  provider: ProviderConfig;
}

interface ConfigLike {
  sites: { id: string }[];
  target: { source: string; field: string; unit: string };
}

/**
 * The checks of a provider block that need the rest of the configuration: the protocol fits the source's kind,
 * every field is mapped (and nothing else), units convert, paths parse, placeholders are known, the request cannot
 * leave the endpoint's host, and every site can be told apart.
 */
export function checkProvider(source: SourceLike, config: ConfigLike): ProviderProblem[] {
  const p = source.provider;
  const problems: ProviderProblem[] = [];
  const add = (path: (string | number)[], message: string): void => {
    problems.push({ path, message });
  };
  if (p.protocol === 'native') return problems;
  if (p.protocol === 'snapshot' && source.kind !== 'image')
    add(
      ['protocol'],
      `"snapshot" reads pictures; source "${source.id}" is a ${source.kind} source (use "http-json" or "http-csv")`,
    );
  if (p.protocol !== 'snapshot' && source.kind === 'image')
    add(
      ['protocol'],
      `"${p.protocol}" reads values; source "${source.id}" is an image source (use "snapshot" or "native")`,
    );

  const siteIds = new Set(config.sites.map((s) => s.id));
  for (const site of Object.keys(p.sites)) {
    if (!siteIds.has(site))
      add(['sites', site], `unknown site "${site}"; expected one of ${[...siteIds].map((s) => `"${s}"`).join(', ')}`);
  }

  // The endpoint is not a template: nothing a request fills in may reach the scheme, host or port.
  if (/[{}]/.test(p.endpoint))
    add(
      ['endpoint'],
      `${JSON.stringify(p.endpoint)} holds a placeholder; the endpoint is used as written (put placeholders in "request.path" or "request.query")`,
    );
  // A forecast source asks for the forecast now: one request per site (or one for all) each run, no time window.
  const forecast = source.kind === 'forecast';
  const allowed: readonly string[] = p.protocol === 'snapshot' || forecast ? SITE_PLACEHOLDERS : PLACEHOLDERS;
  const used = new Set<string>();
  const checkTemplate = (path: (string | number)[], text: string): void => {
    for (const name of placeholdersIn(text)) {
      used.add(name);
      if (forecast && (name === 'from' || name === 'to'))
        add(
          path,
          `{${name}} is a time window's placeholder; forecast source "${source.id}" asks for the forecast now, once per run (use the provider's horizon parameter, e.g. Open-Meteo's "forecast_hours")`,
        );
      else if (!allowed.includes(name))
        add(path, `unknown placeholder {${name}}; expected ${allowed.map((a) => `{${a}}`).join(', ')}`);
    }
  };
  const { path, query } = p.request;
  checkTemplate(['request', 'path'], path);
  if (path !== '' && (!path.startsWith('/') || path.startsWith('//') || /[?#\\]|(^|\/)\.\.?(\/|$)|%2e/i.test(path))) {
    add(
      ['request', 'path'],
      `${JSON.stringify(path)} must be a plain path under the endpoint: start with "/", no "//" at the start, no "." or ".." segments, no "?" or "#" (put parameters in "query")`,
    );
  }
  for (const [name, value] of Object.entries(query)) checkTemplate(['request', 'query', name], value);
  if (p.protocol !== 'snapshot' && !forecast) {
    for (const t of ['from', 'to'] as const) {
      if (!used.has(t))
        add(
          ['request'],
          `the request never sends {${t}}: a window protocol must ask for its time window (put {from} and {to} in "path" or "query")`,
        );
    }
  }
  const perSite = requestNamesSite(p.request);
  // A forecast run asks every site again from the first: sites beyond the request limit would never be read.
  if (forecast && perSite && config.sites.length > p.maxRequestsPerRun)
    add(
      ['maxRequestsPerRun'],
      `forecast source "${source.id}" asks once per site each run, but ${config.sites.length} sites are configured and maxRequestsPerRun is ${p.maxRequestsPerRun}: raise it to at least ${config.sites.length}`,
    );
  const siteMapped = p.protocol !== 'snapshot' && p.response.site !== undefined;
  if (!perSite && !siteMapped && config.sites.length > 1) {
    add(
      ['request'],
      `${config.sites.length} sites are configured, but neither the request names the site ({providerSiteId}, {latitude}, ...)${p.protocol === 'snapshot' ? '' : ' nor the response maps it ("response.site")'}: the values could not be told apart`,
    );
  }
  if (p.protocol === 'snapshot') return problems;

  const r = p.response;
  if (forecast && r.run === undefined)
    add(
      ['response', 'run'],
      `forecast source "${source.id}" needs "run": where each fetched run's runAt comes from, { "from": "response", "path": "<JSON path>", "format": "iso" } or { "from": "fetch", "everyHours": <hours>, "availableAfterMinutes": <minutes> }`,
    );
  if (!forecast && r.run !== undefined)
    add(
      ['response', 'run'],
      `"run" is for forecast sources; source "${source.id}" is a ${source.kind} source (remove "run", or make the source "kind": "forecast")`,
    );
  if (forecast && p.protocol === 'http-json' && p.response.publishedAt !== undefined)
    add(
      ['response', 'publishedAt'],
      `forecast source "${source.id}" takes no "publishedAt": a run is available when ingestion first stores it, and its runAt comes from "run"`,
    );
  if (p.protocol === 'http-json' && p.response.run?.from === 'response') {
    const parsed = parseJsonOrColumn(p.protocol, p.response.run.path);
    if (parsed) add(['response', 'run', 'path'], parsed);
  }
  if (p.protocol === 'http-json') {
    for (const [key, value] of [
      ['records', p.response.records],
      ['columns', p.response.columns],
      ['site', p.response.site],
    ] as const) {
      if (value === undefined) continue;
      const parsed = parseJsonOrColumn(p.protocol, value);
      if (parsed) add(['response', key], parsed);
    }
    for (const [key, spec] of [
      ['time', r.time],
      ['publishedAt', p.response.publishedAt],
    ] as const) {
      if (!spec) continue;
      const parsed = parseJsonOrColumn(p.protocol, spec.path);
      if (parsed) add(['response', key, 'path'], parsed);
    }
  }
  for (const field of source.fields) {
    if (!Object.hasOwn(r.values, field))
      add(
        ['response', 'values'],
        `field "${field}" of source "${source.id}" is not mapped; map every field: ${source.fields.map((f) => `"${f}"`).join(', ')}`,
      );
  }
  for (const [field, mapping] of Object.entries(r.values)) {
    if (!source.fields.includes(field)) {
      add(
        ['response', 'values', field],
        `source "${source.id}" has no field "${field}"; its fields are ${source.fields.map((f) => `"${f}"`).join(', ')}`,
      );
      continue;
    }
    const parsed = parseJsonOrColumn(p.protocol, mapping.path);
    if (parsed) add(['response', 'values', field, 'path'], parsed);
    const isTarget = config.target.source === source.id && config.target.field === field;
    const conversion = fieldConversion(mapping, isTarget ? config.target.unit : undefined);
    if (!conversion.ok) add(['response', 'values', field], describeConversionFailure(conversion));
  }
  return problems;
}

/** Why a JSON path does not parse (CSV columns are header names: anything goes), or undefined. */
function parseJsonOrColumn(protocol: 'http-json' | 'http-csv', path: string): string | undefined {
  if (protocol === 'http-csv') return undefined;
  const parsed = parseJsonPath(path);
  return typeof parsed === 'string' ? parsed : undefined;
}
