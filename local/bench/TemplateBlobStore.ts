import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { observationContainer } from '../../shared/sources/ObservationStore';
import { emptyRecentState, type RecentEntry, serializeState } from '../../shared/sources/RecentState';
import { RecentStateStore, recentStateName } from '../../shared/sources/RecentStateStore';
import {
  BlobConflictError,
  CONTAINERS,
  type BlobContent,
  type BlobItem,
  type BlobStore,
  type DeleteOptions,
  type PutOptions,
} from '../../shared/storage/BlobStore';
import { missingSourceOf } from './missingSourceOf';

const DAY_MS = 86_400_000;

/**
 * An in-memory BlobStore in which every site has the observations one template site has in a real store (listed
 * once, names rewritten per site on every listing; the metadata still says the template's site, which the
 * ObservationStore does not read), except the source missingSourceOf takes away from it. Each source's recent
 * state is built as populateHistory stores it for the real run: the template's entries, and for every other site the
 * template's entries observed since `recentFrom`. Other blobs (the forecasts' blob copies) are kept in memory. It
 * lets the real ObservationStore and predictAll run for 10,000 sites without storing 10,000 sites' history.
 */
export class TemplateBlobStore implements BlobStore {
  private readonly written = new Map<string, BlobContent>();
  private readonly siteIndex: Map<string, number>;
  private readonly sourceIds: string[];
  private version = 0;

  private constructor(
    /** container -> source -> UTC day -> the template site's listed blobs (names without the source/site/day part). */
    private readonly template: Map<string, Map<string, Map<string, { leaf: string; item: BlobItem }[]>>>,
    config: ForecastConfig,
  ) {
    this.siteIndex = new Map(config.sites.map((s, i) => [s.id, i]));
    this.sourceIds = config.sources.map((s) => s.id);
  }

  /**
   * Lists the template site's observations observed on the UTC days of [from, to] from `blobs`, and reads its
   * entries of the sources' recent states there; `config` gives the sites served.
   */
  static async capture(
    blobs: BlobStore,
    config: ForecastConfig,
    templateSite: string,
    from: Date,
    to: Date,
    recentFrom: Date,
  ): Promise<TemplateBlobStore> {
    const states = new Map<string, string>();
    const sourceIds = config.sources.map((s) => s.id);
    for (const source of config.sources) {
      const container = observationContainer(source);
      const read = await new RecentStateStore(blobs).read(container, source.id);
      if (!read) continue;
      const entries = read.state.sites.get(templateSite) ?? [];
      const recent = entries.filter((e) => e.observedAt >= recentFrom.getTime());
      const state = emptyRecentState(source.id, read.state.coversFrom);
      // What the template's state knows before coversFrom holds for every copy of it (each site's newest dropped one).
      state.knownFrom = read.state.knownFrom;
      const gone = read.state.gone.get(templateSite);
      config.sites.forEach((s, i) => {
        if (missingSourceOf(i, sourceIds) === source.id) return;
        const list: RecentEntry[] = i === 0 ? entries : recent;
        if (list.length > 0) state.sites.set(s.id, list);
        if (gone !== undefined) state.gone.set(s.id, gone);
      });
      states.set(`${CONTAINERS.state}/${recentStateName(container, source.id)}`, serializeState(state));
    }
    const template = new Map<string, Map<string, Map<string, { leaf: string; item: BlobItem }[]>>>();
    for (const source of config.sources) {
      const container = observationContainer(source);
      const bySource = template.get(container) ?? new Map<string, Map<string, { leaf: string; item: BlobItem }[]>>();
      template.set(container, bySource);
      const byDay = new Map<string, { leaf: string; item: BlobItem }[]>();
      bySource.set(source.id, byDay);
      for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day <= to.getTime(); day += DAY_MS) {
        const dayId = new Date(day).toISOString().slice(0, 10);
        const prefix = `${source.id}/${templateSite}/${dayId}/`;
        const items: { leaf: string; item: BlobItem }[] = [];
        for await (const item of blobs.list(container, prefix))
          items.push({ leaf: item.name.slice(prefix.length), item });
        byDay.set(dayId, items);
      }
    }
    const store = new TemplateBlobStore(template, config);
    for (const [key, body] of states)
      store.written.set(key, {
        body: Buffer.from(body),
        etag: `"state-${++store.version}"`,
        contentType: 'application/json',
        metadata: {},
      });
    return store;
  }

  /** Observations the template holds, over all sources and days. */
  get templateSize(): number {
    let n = 0;
    for (const bySource of this.template.values())
      for (const byDay of bySource.values()) for (const items of byDay.values()) n += items.length;
    return n;
  }

  async *list(container: string, prefix: string): AsyncIterable<BlobItem> {
    const [source, site, day, rest] = prefix.split('/');
    const byDay = source === undefined ? undefined : this.template.get(container)?.get(source);
    if (byDay && site !== undefined && day !== undefined && rest === '') {
      const index = this.siteIndex.get(site);
      if (index === undefined || missingSourceOf(index, this.sourceIds) === source) return;
      // A literal, not a spread, and the template's metadata shared: 10,000 sites list millions of items a run.
      for (const { leaf, item } of byDay.get(day) ?? [])
        yield {
          name: `${prefix}${leaf}`,
          etag: item.etag,
          lastModified: item.lastModified,
          size: item.size,
          metadata: item.metadata,
        };
      return;
    }
    const names = [...this.written.keys()].filter((k) => k.startsWith(`${container}/${prefix}`)).sort();
    for (const key of names) {
      const b = this.written.get(key);
      if (b)
        yield {
          name: key.slice(container.length + 1),
          etag: b.etag,
          lastModified: new Date(0),
          size: b.body.length,
          metadata: b.metadata,
        };
    }
  }

  async get(container: string, name: string): Promise<BlobContent | undefined> {
    return this.written.get(`${container}/${name}`);
  }

  async put(container: string, name: string, body: Buffer | string, options: PutOptions = {}): Promise<string> {
    const key = `${container}/${name}`;
    const existing = this.written.get(key);
    if (options.ifMatch !== undefined && existing?.etag !== options.ifMatch)
      throw new BlobConflictError(container, name);
    const etag = `"${++this.version}"`;
    this.written.set(key, {
      body: Buffer.from(body),
      etag,
      contentType: options.contentType,
      metadata: { ...options.metadata },
    });
    return etag;
  }

  async putIfAbsent(
    container: string,
    name: string,
    body: Buffer | string,
    options: PutOptions = {},
  ): Promise<boolean> {
    if (this.written.has(`${container}/${name}`)) return false;
    await this.put(container, name, body, options);
    return true;
  }

  async delete(container: string, name: string, options: DeleteOptions = {}): Promise<void> {
    const written = this.written.get(`${container}/${name}`);
    if (written && options.ifMatch && written.etag !== options.ifMatch) throw new BlobConflictError(container, name);
    this.written.delete(`${container}/${name}`);
  }
}
