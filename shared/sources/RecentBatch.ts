import type { Observation } from './Observation';
import { isDayBlob } from './compactedDays';
import { batchFolder, parseBatch } from './observationBatches';
import { mergeEntries, type RecentEntry, recentEntryOf } from './RecentState';
import type { RecentStateStore } from './RecentStateStore';
import { storeObservations } from './storeObservations';

/** A new record after a flush: the observation as stored, and whether this flush wrote it. */
export interface SettledRecord {
  observation: Observation;
  written: boolean;
}

/** The key of a new record in flush's result. */
export function settledKey(container: string, site: string, observedAt: string): string {
  return `${container}|${site}|${observedAt}`;
}

/**
 * What one ingest run stored (and the duplicates it met), gathered across its pages and merged into the source's
 * state in one write per container when the run moves its watermark or ends: a window read of many sites (a request
 * and a page per site) writes the state once, not once per site. New records (addNew) are written then too, as one
 * batch blob per container (storeObservations) just before the merge. Entries not yet flushed when a run fails are
 * read again by its retry (the watermark did not move past them) and merged then; a batch written before the failure
 * is found by the retry under the same name and keeps its availableAt.
 */
export class RecentBatch {
  private readonly pending = new Map<string, Map<string, RecentEntry[]>>();
  /** New records to write, by container and `site|observedAt`. */
  private readonly fresh = new Map<string, Map<string, Observation>>();
  /** Day folders of batches this run has checked for unmerged ones (a later flush of the run finds none new). */
  private readonly checked = new Set<string>();

  constructor(
    readonly store: RecentStateStore,
    private readonly source: string,
    private readonly sites: Iterable<string>,
  ) {}

  add(container: string, site: string, entry: RecentEntry): void {
    let bySite = this.pending.get(container);
    if (!bySite) {
      bySite = new Map();
      this.pending.set(container, bySite);
    }
    bySite.set(site, [...(bySite.get(site) ?? []), entry]);
  }

  /** A new record (the state covers its time and does not hold it): written in the next flush's batch, then merged. */
  addNew(container: string, observation: Observation): void {
    let byKey = this.fresh.get(container);
    if (!byKey) {
      byKey = new Map();
      this.fresh.set(container, byKey);
    }
    const key = `${observation.site}|${observation.observedAt}`;
    if (!byKey.has(key)) byKey.set(key, observation);
  }

  /** The new record of (site, observedAt) waiting for the next flush, if any: a later page's repeat is its duplicate. */
  newAt(container: string, site: string, observedAt: string): Observation | undefined {
    return this.fresh.get(container)?.get(`${site}|${observedAt}`);
  }

  /** Entries and new records waiting for the next flush. */
  get size(): number {
    let n = 0;
    for (const bySite of this.pending.values()) for (const list of bySite.values()) n += list.length;
    for (const byKey of this.fresh.values()) n += byKey.size;
    return n;
  }

  /**
   * Writes the new records of each container as one batch (a blob per observed day), then merges them and every
   * waiting entry into its container's state (one ETag-guarded write each), as of `now`. A batch of those days the
   * state does not name (a run that wrote it and failed before its merge) is merged first, and its records are not
   * written again: a retry that meets more records than the failed run still stores each once, with its first
   * availableAt. That costs one listing of the day's batches per run (and day) that writes one. Returns what became of
   * each new record (settledKey).
   */
  async flush(now: number): Promise<Map<string, SettledRecord>> {
    const settled = new Map<string, SettledRecord>();
    for (const container of new Set([...this.pending.keys(), ...this.fresh.keys()])) {
      const bySite = new Map(this.pending.get(container) ?? []);
      const fresh = [...(this.fresh.get(container)?.values() ?? [])];
      const batches: string[] = [];
      if (fresh.length > 0) {
        const orphans = await this.unmerged(container, fresh);
        const held = new Set(orphans.observations.map((o) => `${o.site}|${o.observedAt}`));
        const left = fresh.filter((o) => !held.has(`${o.site}|${o.observedAt}`));
        const stored = left.length > 0 ? await storeObservations(this.store.blobs, container, left) : undefined;
        batches.push(...orphans.names, ...(stored?.names ?? []));
        for (const o of [...orphans.observations, ...(stored?.observations ?? [])])
          bySite.set(o.site, [...(bySite.get(o.site) ?? []), recentEntryOf(o)]);
        // What became of each new record: written now, or found stored (an orphan batch's, or this batch written
        // before under the same name), with the first availableAt.
        const given = new Set(left);
        for (const o of orphans.observations)
          settled.set(settledKey(container, o.site, o.observedAt), { observation: o, written: false });
        for (const o of stored?.observations ?? [])
          settled.set(settledKey(container, o.site, o.observedAt), { observation: o, written: given.has(o) });
      }
      await this.store.update(container, this.source, this.sites, now, (state) => {
        let added = 0;
        for (const [site, list] of bySite) added += mergeEntries(state, site, list);
        for (const name of batches) {
          state.batches ??= new Set();
          if (!state.batches.has(name)) {
            state.batches.add(name);
            added++;
          }
        }
        return added > 0;
      });
      this.pending.delete(container);
      this.fresh.delete(container);
    }
    return settled;
  }

  /** The batches of the fresh records' days that the state does not name, and what they hold. */
  private async unmerged(
    container: string,
    fresh: readonly Observation[],
  ): Promise<{ names: string[]; observations: Observation[] }> {
    const read = await this.store.readKept(container, this.source);
    if (!read) return { names: [], observations: [] };
    const merged = read.state.batches ?? new Set<string>();
    const names: string[] = [];
    const observations: Observation[] = [];
    for (const day of new Set(fresh.map((o) => o.observedAt.slice(0, 10)))) {
      const folder = `${container}/${batchFolder(this.source, day)}`;
      if (this.checked.has(folder)) continue;
      this.checked.add(folder);
      for await (const item of this.store.blobs.list(container, batchFolder(this.source, day))) {
        // A compacted day holds batches already stored, not one a failed run left unmerged.
        if (merged.has(item.name) || isDayBlob(item.name)) continue;
        const blob = await this.store.blobs.get(container, item.name);
        const parsed = blob ? parseBatch(blob.body.toString('utf8'), `${container}/${item.name}`) : undefined;
        if (!parsed || typeof parsed === 'string') continue;
        names.push(item.name);
        observations.push(...parsed.observations);
      }
    }
    return { names, observations };
  }
}
