import { mergeEntries, type RecentEntry } from './RecentState';
import type { RecentStateStore } from './RecentStateStore';

/**
 * What one ingest run stored (and the duplicates it met), gathered across its pages and merged into the source's
 * state in one write per container when the run moves its watermark or ends: a window read of many sites (a request
 * and a page per site) writes the state once, not once per site. Entries not yet flushed when a run fails are read
 * again by its retry (the watermark did not move past them) and merged then.
 */
export class RecentBatch {
  private readonly pending = new Map<string, Map<string, RecentEntry[]>>();

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

  /** Entries waiting for the next flush. */
  get size(): number {
    let n = 0;
    for (const bySite of this.pending.values()) for (const list of bySite.values()) n += list.length;
    return n;
  }

  /** Merges every waiting entry into its container's state (one ETag-guarded write each), as of `now`. */
  async flush(now: number): Promise<void> {
    for (const [container, bySite] of this.pending) {
      await this.store.update(container, this.source, this.sites, now, (state) => {
        let added = 0;
        for (const [site, list] of bySite) added += mergeEntries(state, site, list);
        return added > 0;
      });
      this.pending.delete(container);
    }
  }
}
