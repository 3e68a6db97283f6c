import { requestNamesSite, type WindowProviderConfig } from '../../config/providerSchemas';
import type { ProviderReader, ProviderStep, ReadPlan, StepCall } from '../ProviderAdapter';
import { ProviderPageError } from '../ProviderError';
import { formatTime, unambiguousStart } from './formatTime';
import { HttpAdapterBase, type HttpAdapterContext } from './HttpAdapterBase';
import type { FetchedBody } from './HttpFetcher';
import { mapCsvBody } from './mapCsvBody';
import { type MappedBody, mapJsonBody } from './mapJsonBody';
import { credentialQuery, requestHeaders, requestUrl, type SiteRef, siteValues } from './requestParts';
import { responseText as responseTextOf } from './responseText';
import { RowMapper } from './RowMapper';

/** What a WindowAdapter knows besides its provider block. */
export interface WindowAdapterContext extends HttpAdapterContext {
  sites: readonly SiteRef[];
  /** The forecast target, when this source carries it (its field converts to the target unit). */
  target?: { field: string; unit: string } | undefined;
}

/** One request of a run: a window, and the site when the request names it. */
interface Slot {
  from: number;
  to: number;
  site: SiteRef | undefined;
  /** The last request of its window: once stored, the watermark moves to the window's end. */
  closesWindow: boolean;
}

const MINUTE_MS = 60_000;

/**
 * A provider that answers "give me from..to" (`http-json`, `http-csv`). Each run asks for the span from the
 * watermark minus the overlap up to now (so values published late are picked up; those already stored are
 * duplicates), split into windows of at most `maxWindowMinutes` after an outage, one request per window (and site,
 * when the request names the site). The watermark is the end of the last window stored. Real providers rarely say
 * when a value was published, so availableAt is when ingestion first saw it.
 */
export class WindowAdapter extends HttpAdapterBase<WindowProviderConfig, WindowAdapterContext> {
  readonly protocol: 'http-json' | 'http-csv';
  protected readonly perSite: boolean;
  /** Our site id by the provider's (`provider.sites`, else the same id). */
  protected readonly siteByProviderId: ReadonlyMap<string, string>;
  /** The site every row is for when neither the request nor the response names one (one site configured). */
  protected readonly onlySite: string | undefined;

  constructor(p: WindowProviderConfig, ctx: WindowAdapterContext) {
    super(p, ctx);
    this.protocol = p.protocol;
    this.perSite = requestNamesSite(p.request);
    this.siteByProviderId = new Map(ctx.sites.map((s) => [p.sites[s.id] ?? s.id, s.id]));
    this.onlySite = !this.perSite && p.response.site === undefined ? ctx.sites[0]?.id : undefined;
  }

  reader(plan: ReadPlan): ProviderReader {
    const slots = this.slots(plan);
    const hold = this.holdsWatermark(plan);
    let index = 0;
    return {
      next: async (call: StepCall): Promise<ProviderStep> => {
        const slot = slots[index];
        if (!slot)
          return {
            request: 'nothing to ask: the watermark is at now',
            records: [],
            withoutValue: 0,
            done: true,
            bytes: 0,
          };
        const step = await this.fetch(slot, call);
        index++;
        step.done = index >= slots.length;
        if (slot.closesWindow && !plan.window && !hold) step.watermark = new Date(slot.to).toISOString();
        return step;
      },
    };
  }

  /**
   * Whether this run keeps the watermark where it is: within the overlap after the provider last failed, while the
   * span from the watermark still fits one window (a provider failing on and off must not stall the reads).
   */
  private holdsWatermark(plan: ReadPlan): boolean {
    if (plan.lastFailureAt === undefined || plan.watermark === undefined) return false;
    const overlapMs = this.p.window.overlapMinutes * MINUTE_MS;
    const now = plan.now.getTime();
    return (
      now - plan.lastFailureAt.getTime() < overlapMs &&
      now - Date.parse(plan.watermark) + overlapMs <= this.p.window.maxWindowMinutes * MINUTE_MS
    );
  }

  /** The requests of a run, window by window. */
  private slots(plan: ReadPlan): Slot[] {
    const overlapMs = this.p.window.overlapMinutes * MINUTE_MS;
    const from = plan.window
      ? plan.window.from.getTime()
      : plan.watermark !== undefined
        ? Date.parse(plan.watermark) - overlapMs
        : plan.initialSince.getTime();
    const to = plan.window ? plan.window.to.getTime() : plan.now.getTime();
    const sites = this.perSite ? this.ctx.sites.filter((s) => !plan.sites || plan.sites.includes(s.id)) : [undefined];
    const maxMs = this.p.window.maxWindowMinutes * MINUTE_MS;
    const slots: Slot[] = [];
    for (let start = from; start < to; start += maxMs) {
      const end = Math.min(start + maxMs, to);
      sites.forEach((site, i) => slots.push({ from: start, to: end, site, closesWindow: i === sites.length - 1 }));
    }
    return slots;
  }

  private async fetch(slot: Slot, call: StepCall): Promise<ProviderStep> {
    const p = this.p;
    const values = {
      ...siteValues(slot.site, p.sites),
      from: formatTime(unambiguousStart(slot.from, p.request.from), p.request.from),
      to: formatTime(slot.to, p.request.to),
    };
    const url = requestUrl(this.ctx.source, p.endpoint, p.request, values, p.auth);
    const span = `${new Date(slot.from).toISOString()}..${new Date(slot.to).toISOString()}`;
    const request = `GET ${url.pathname} ${span}${slot.site ? ` (site ${slot.site.id})` : ''}`;
    const { body, bad } = await this.getBody(url, request, call);
    const mapped = this.map(body.bytes, body.contentType, slot.site?.id ?? this.onlySite);
    if (!mapped.ok) throw bad(mapped.reason);
    return {
      request,
      records: mapped.records,
      withoutValue: mapped.skipped,
      done: false,
      bytes: body.bytes.length,
      rereads: true,
    };
  }

  /**
   * GETs `url` from the endpoint's origin only (a redirect elsewhere is refused by HttpFetcher), with the source's
   * auth and headers, and refuses a body larger than maxResponseBytes. `bad` turns a reason into the error naming
   * the request and keeping the body for quarantine.
   */
  protected async getBody(
    url: URL,
    request: string,
    call: StepCall,
  ): Promise<{ body: FetchedBody; bad: (reason: string) => ProviderPageError }> {
    const p = this.p;
    const accept = p.protocol === 'http-json' ? 'application/json' : 'text/csv, text/plain';
    const body = await this.http.get(url, {
      headers: requestHeaders(p.auth, p.headers, accept),
      credentialQuery: credentialQuery(p.auth),
      crossOrigin: 'refuse',
      timeoutMs: call.timeoutMs,
      maxBytes: p.maxResponseBytes,
      now: call.now,
    });
    const bad = (reason: string): ProviderPageError => {
      const why = this.http.redact(reason);
      return new ProviderPageError(
        this.ctx.source,
        `${request} answered a body that cannot be read: ${why}`,
        body.bytes,
        body.contentType,
        why,
      );
    };
    if (body.truncated)
      throw bad(
        `the body is larger than maxResponseBytes ${p.maxResponseBytes} (${this.ctx.configPath}.maxResponseBytes)`,
      );
    return { body, bad };
  }

  /**
   * Maps a body's rows to items for `site` (undefined: each row's site from `response.site`). `partialRows`: a null
   * leaves only that field out of the row (a forecast run's step), counted in `skipped` per field.
   */
  protected map(bytes: Buffer, contentType: string, site: string | undefined, partialRows = false): MappedBody {
    const text = responseTextOf(bytes, contentType, this.p.protocol === 'http-json' ? 'JSON' : 'CSV');
    return text.ok ? this.mapText(text.text, site, partialRows) : text;
  }

  /** `map` of a body already decoded to text. */
  protected mapText(text: string, site: string | undefined, partialRows = false): MappedBody {
    const p = this.p;
    const mapper = new RowMapper(
      {
        configPath: this.ctx.configPath,
        time: p.response.time,
        publishedAt: p.protocol === 'http-json' ? p.response.publishedAt : undefined,
        values: p.response.values,
        site: p.response.site,
        nulls: p.response.nulls,
        target: this.ctx.target,
        partialRows,
        ...(p.protocol === 'http-csv' ? { missingValues: p.response.missingValues } : {}),
      },
      site,
      (id) => this.siteByProviderId.get(id),
    );
    if (p.protocol === 'http-json')
      return mapJsonBody(
        text,
        { configPath: this.ctx.configPath, records: p.response.records, columns: p.response.columns },
        mapper,
        p.response.time.path,
      );
    return mapCsvBody(text, p.response, this.ctx.configPath, mapper);
  }
}
