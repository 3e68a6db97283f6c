import type { ForecastConfig, SourceConfig } from '../config/ForecastConfig';
import { DEFAULT_IMAGE_FEATURE_OPTIONS } from '../features/imageFeatures';
import type { ProviderAdapter, ReadPlan } from '../sources/ProviderAdapter';
import { ProviderError } from '../sources/ProviderError';
import { inspectImage } from '../features/inspectImage';
import { validateItem } from './validateItem';
import { createHash } from 'node:crypto';

/** What the dry run found, record by record, as it happens. */
export type DryRunEvent =
  | { kind: 'request'; request: string; records: number; withoutValue: number; bytes: number }
  | { kind: 'observation'; source: string; site: string; observedAt: string; values: Record<string, number> }
  | {
      kind: 'picture';
      source: string;
      site: string;
      observedAt: string;
      image: { type: string; bytes: number; width: number; height: number; sha256: string };
    }
  | { kind: 'rejected'; request: string; reason: string; record: string };

/** A dry run's outcome. */
export interface DryRunSummary {
  source: string;
  protocol: string;
  requests: number;
  observations: number;
  rejected: number;
  withoutValue: number;
  /** The failed fetch that ended the run, if one did. */
  failure?: { code: string; message: string; retryable: boolean };
}

/**
 * One run of a source's adapter as ingestion makes it, storing nothing: every request of the plan (one page for the
 * native protocol), every record through the same validation (and, for pictures, the same inspection) as
 * `ingestSource`, reported as events. This is how a mapping is checked before anything is deployed.
 */
export async function dryRun(
  source: SourceConfig,
  config: ForecastConfig,
  adapter: ProviderAdapter,
  plan: ReadPlan,
  onEvent: (e: DryRunEvent) => void,
): Promise<DryRunSummary> {
  const siteIds = new Set(config.sites.map((s) => s.id));
  const summary: DryRunSummary = {
    source: source.id,
    protocol: adapter.protocol,
    requests: 0,
    observations: 0,
    rejected: 0,
    withoutValue: 0,
  };
  const reader = adapter.reader(plan);
  const onlySites = plan.sites ? new Set(plan.sites) : undefined;
  try {
    for (;;) {
      const step = await reader.next({ timeoutMs: adapter.timeoutMs, now: plan.now });
      summary.requests++;
      summary.withoutValue += step.withoutValue;
      onEvent({
        kind: 'request',
        request: step.request,
        records: step.records.length,
        withoutValue: step.withoutValue,
        bytes: step.bytes,
      });
      for (const record of step.records) {
        const reject = (reason: string): void => {
          summary.rejected++;
          onEvent({ kind: 'rejected', request: step.request, reason, record: record.raw.slice(0, 300) });
        };
        if (record.rejected !== undefined) {
          reject(record.rejected);
          continue;
        }
        const checked = validateItem(record.value, source, siteIds, plan.now);
        if (!checked.ok) {
          reject(checked.reason);
          continue;
        }
        const item = checked.item;
        if (onlySites && !onlySites.has(item.site)) continue;
        if (source.kind !== 'image') {
          summary.observations++;
          onEvent({
            kind: 'observation',
            source: source.id,
            site: item.site,
            observedAt: item.observedAt,
            values: item.values ?? {},
          });
          continue;
        }
        const image =
          record.image ??
          (await adapter.image(item.imageUrl ?? '', {
            maxBytes: source.maxImageBytes,
            timeoutMs: adapter.timeoutMs,
            now: plan.now,
          }));
        const inspected = inspectImage(
          image.bytes,
          { maxBytes: source.maxImageBytes, maxPixels: DEFAULT_IMAGE_FEATURE_OPTIONS.maxPixels },
          image.contentType,
        );
        if (!inspected.ok) {
          reject(inspected.reason);
          continue;
        }
        summary.observations++;
        const sha256 = record.image?.sha256 ?? createHash('sha256').update(image.bytes).digest('hex');
        onEvent({
          kind: 'picture',
          source: source.id,
          site: item.site,
          observedAt: item.observedAt,
          image: {
            type: inspected.type,
            bytes: image.bytes.length,
            width: inspected.width,
            height: inspected.height,
            sha256,
          },
        });
      }
      // The native protocol pages on; one page shows the mapping as well as a hundred.
      if (step.done || adapter.protocol === 'native' || summary.requests >= adapter.maxRequestsPerRun) break;
    }
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    summary.requests++;
    summary.failure = { code: err.code, message: err.message, retryable: err.canRetry() };
  }
  return summary;
}
