import type { FetchRunSpec, RunSpec, WindowProviderConfig } from '../../config/providerSchemas';
import { TimestampParser } from '../../time/TimestampParser';
import { describeValue } from '../../time/parseIsoTime';
import { formatJsonPath, parseJsonPath, resolveJsonPath } from '../../util/jsonPath';
import { MAX_RUN_OFFSET_MINUTES, runValueKey } from '../forecastRun';
import type { AdapterRecord, ProviderReader, ProviderStep, ReadPlan, StepCall } from '../ProviderAdapter';
import { requestUrl, type SiteRef, siteValues } from './requestParts';
import { responseText as responseTextOf } from './responseText';
import { WindowAdapter, type WindowAdapterContext } from './WindowAdapter';

const MINUTE_MS = 60_000;

/**
 * The runAt of a run read at `fetchMs` when the provider does not say (`run.from: "fetch"`): the newest multiple
 * of `everyHours` (UTC, from midnight) at or before the fetch time minus `availableAfterMinutes`, i.e. the newest
 * run that should be published by then.
 */
export function fetchRunAt(fetchMs: number, run: Pick<FetchRunSpec, 'everyHours' | 'availableAfterMinutes'>): number {
  const cycleMs = Math.round(run.everyHours * 60) * MINUTE_MS;
  return Math.floor((fetchMs - run.availableAfterMinutes * MINUTE_MS) / cycleMs) * cycleMs;
}

/** The run of one site as a fetch builds it: its values keyed `<field>@+<minutes after runAt>`. */
interface RunBuild {
  values: Record<string, number>;
  /** The row each key came from (for the conflict of a repeated validTime). */
  steps: number;
}

/**
 * A forecast source read through `http-json` or `http-csv`: each run asks for the forecast now, one request per
 * site when the request names it (else one for all sites), and turns each answer into one run per site: observedAt
 * = the run's runAt (from the response, or from the fetch schedule), the rows' times its validTimes, values keyed
 * `<field>@+<minutes after runAt>` in the configured units. Rows before runAt are left out (a provider that also
 * answers the current hour's past steps), as are steps beyond MAX_RUN_OFFSET_MINUTES; a null leaves out only its
 * own field's step. A re-fetch of the same run has the same runAt, so it maps to the same stored record (a
 * duplicate; a revision of it conflicts and is kept in quarantine, the first stored stays).
 */
export class RunAdapter extends WindowAdapter {
  private readonly run: RunSpec;

  constructor(p: WindowProviderConfig, ctx: WindowAdapterContext) {
    super(p, ctx);
    // The configuration check requires `run` on a forecast source.
    if (!p.response.run) throw new RangeError(`${ctx.configPath}.response.run is required for a forecast source`);
    this.run = p.response.run;
  }

  override reader(plan: ReadPlan): ProviderReader {
    const sites: (SiteRef | undefined)[] = this.perSite
      ? this.ctx.sites.filter((s) => !plan.sites || plan.sites.includes(s.id))
      : [undefined];
    let index = 0;
    return {
      next: async (call: StepCall): Promise<ProviderStep> => {
        if (index >= sites.length)
          return { request: 'nothing to ask: no site', records: [], withoutValue: 0, done: true, bytes: 0 };
        const step = await this.fetchRun(sites[index], call);
        index++;
        step.done = index >= sites.length;
        // The watermark says when the forecast was last read (a dry run's window moves nothing).
        if (step.done && !plan.window) step.watermark = call.now.toISOString();
        return step;
      },
    };
  }

  private async fetchRun(site: SiteRef | undefined, call: StepCall): Promise<ProviderStep> {
    const p = this.p;
    const url = requestUrl(this.ctx.source, p.endpoint, p.request, siteValues(site, p.sites), p.auth);
    let request = `GET ${url.pathname} now${site ? ` (site ${site.id})` : ''}`;
    const { body, bad } = await this.getBody(url, request, call);
    // Decoded once: the rows, the run's time (from the response) and the raw record all read this text.
    const text = responseTextOf(body.bytes, body.contentType, p.protocol === 'http-json' ? 'JSON' : 'CSV');
    if (!text.ok) throw bad(text.reason);
    const mapped = this.mapText(text.text, site?.id ?? this.onlySite, true);
    if (!mapped.ok) throw bad(mapped.reason);
    const runAt = this.runAtOf(text.text, call.now);
    if (typeof runAt === 'string') throw bad(runAt);
    const grouped = groupRun(mapped.records, runAt);
    const runAtIso = new Date(runAt).toISOString();
    const records: AdapterRecord[] = [...grouped.rejected];
    for (const [runSite, run] of grouped.runs)
      records.push({ value: { site: runSite, observedAt: runAtIso, values: run.values }, raw: text.text });
    const steps = [...grouped.runs.values()].reduce((n, r) => n + r.steps, 0);
    request += `: run ${runAtIso}, ${steps} step(s)`;
    if (grouped.beforeRunAt > 0) request += `, ${grouped.beforeRunAt} row(s) before runAt left out`;
    if (grouped.beyond > 0) request += `, ${grouped.beyond} row(s) beyond ${MAX_RUN_OFFSET_MINUTES} min left out`;
    return {
      request,
      records,
      withoutValue: mapped.skipped,
      done: false,
      bytes: body.bytes.length,
      // The same run fetched again (every ingest run until the next one is out) is a duplicate.
      rereads: true,
    };
  }

  /** The run's runAt (epoch ms, to the whole minute) or why the response does not say it. */
  private runAtOf(text: string, now: Date): number | string {
    const run = this.run;
    if (run.from === 'fetch') return fetchRunAt(now.getTime(), run);
    const key = `${this.ctx.configPath}.response.run`;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return `the body is not JSON: ${(err as Error).message}`;
    }
    const parts = parseJsonPath(run.path);
    if (typeof parts === 'string') return `${key}.path: ${parts}`;
    const at = resolveJsonPath(doc, parts);
    if (!at.ok) return `${key}.path ${JSON.stringify(run.path)} does not match the response: ${at.reason}`;
    const v = at.value;
    if (typeof v !== 'string' && typeof v !== 'number')
      return `${key}: ${describeValue(v)} at ${formatJsonPath(parts)} is not a time (the run's runAt)`;
    const t = new TimestampParser(run.timeZone, run.format).parse(String(v));
    if (!t.ok) return `${key}: ${t.reason} (at ${formatJsonPath(parts)})`;
    return Math.floor(t.ms / MINUTE_MS) * MINUTE_MS;
  }
}

/**
 * The rows of one answer grouped into one run per site: each row's values keyed by minutes after `runAt` (rounded
 * to the minute). Rows before runAt or beyond the longest offset are left out and counted; a row repeating a
 * validTime with another value is rejected (the first stays); rows the mapping rejected pass through.
 */
export function groupRun(
  rows: readonly AdapterRecord[],
  runAt: number,
): { runs: Map<string, RunBuild>; rejected: AdapterRecord[]; beforeRunAt: number; beyond: number } {
  const runs = new Map<string, RunBuild>();
  const rejected: AdapterRecord[] = [];
  let beforeRunAt = 0;
  let beyond = 0;
  for (const row of rows) {
    if (row.rejected !== undefined) {
      rejected.push(row);
      continue;
    }
    const item = row.value as { site: string; observedAt: string; values: Record<string, number> };
    const offsetMs = Date.parse(item.observedAt) - runAt;
    if (offsetMs < 0) {
      beforeRunAt++;
      continue;
    }
    const offset = Math.round(offsetMs / MINUTE_MS);
    if (offset > MAX_RUN_OFFSET_MINUTES) {
      beyond++;
      continue;
    }
    let run = runs.get(item.site);
    if (!run) {
      run = { values: {}, steps: 0 };
      runs.set(item.site, run);
    }
    let conflict: string | undefined;
    let added = false;
    for (const [field, v] of Object.entries(item.values)) {
      const key = runValueKey(field, offset);
      const had = run.values[key];
      if (had === undefined) {
        run.values[key] = v;
        added = true;
      } else if (had !== v)
        conflict ??= `repeats validTime ${item.observedAt} of the run with another "${field}": ${v} here, ${had} in the row before`;
    }
    if (added) run.steps++;
    if (conflict) rejected.push({ ...row, rejected: conflict });
  }
  for (const [site, run] of runs) if (Object.keys(run.values).length === 0) runs.delete(site);
  return { runs, rejected, beforeRunAt, beyond };
}
