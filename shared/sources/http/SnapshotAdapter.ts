import { createHash } from 'node:crypto';
import type { SnapshotProviderConfig } from '../../config/providerSchemas';
import { ACCEPTED_IMAGE_TYPES, describeBytes, detectImageType } from '../../util/detectImageType';
import type { AdapterRecord, ProviderReader, ProviderStep, ReadPlan, StepCall } from '../ProviderAdapter';
import type { ReceivedImage } from '../ProviderClient';
import { ProviderPageError, ProviderUrlError } from '../ProviderError';
import { HttpAdapterBase, type HttpAdapterContext } from './HttpAdapterBase';
import { credentialQuery, requestHeaders, requestUrl, type SiteRef, siteValues } from './requestParts';
import { snapshotObservedAt } from './snapshotObservedAt';

/** What a SnapshotAdapter knows besides its provider block. */
export interface SnapshotAdapterContext extends HttpAdapterContext {
  sites: readonly SiteRef[];
  /** Largest accepted picture (the source's maxImageBytes). */
  maxImageBytes: number;
}

/**
 * A camera URL that returns the current picture (`snapshot`): one request per site and run. The picture goes to
 * ingestion with its SHA-256, so the same picture fetched twice is stored once; its observedAt comes from a header,
 * its EXIF time or the fetch time. An answer that is not a picture at all (an HTML login or error page sent with
 * 200) is a failed fetch, kept in quarantine; a picture that is broken or too large is quarantined by ingestion.
 */
export class SnapshotAdapter extends HttpAdapterBase<SnapshotProviderConfig, SnapshotAdapterContext> {
  readonly protocol = 'snapshot';

  reader(plan: ReadPlan): ProviderReader {
    const sites = this.ctx.sites.filter((s) => !plan.sites || plan.sites.includes(s.id));
    let index = 0;
    return {
      next: async (call: StepCall): Promise<ProviderStep> => {
        const site = sites[index];
        if (!site) return { request: 'no site to ask for', records: [], withoutValue: 0, done: true, bytes: 0 };
        const step = await this.fetch(site, call);
        index++;
        step.done = index >= sites.length;
        if (step.done) step.watermark = call.now.toISOString();
        return step;
      },
    };
  }

  override image(): Promise<ReceivedImage> {
    return Promise.reject(
      new ProviderUrlError(this.ctx.source, 'a snapshot provider delivers its pictures with each answer'),
    );
  }

  private async fetch(site: SiteRef, call: StepCall): Promise<ProviderStep> {
    const p = this.p;
    const url = requestUrl(this.ctx.source, p.endpoint, p.request, siteValues(site, p.sites), p.auth);
    const request = `GET ${url.pathname} (site ${site.id})`;
    // A camera service may hand the picture to a CDN or a signed storage URL: followed, without any credential.
    const body = await this.http.get(url, {
      headers: requestHeaders(p.auth, p.headers, 'image/jpeg, image/png'),
      credentialQuery: credentialQuery(p.auth),
      crossOrigin: 'without-credentials',
      timeoutMs: call.timeoutMs,
      maxBytes: this.ctx.maxImageBytes,
      now: call.now,
    });
    // Bytes decide, not the declared type: an HTML page sent as image/jpeg is no picture either.
    const notPicture =
      detectImageType(body.bytes) === undefined &&
      (!/^image\//i.test(body.contentType) || describeBytes(body.bytes) === 'an HTML page');
    if (body.bytes.length === 0 || notPicture) {
      const why =
        body.bytes.length === 0
          ? 'the body is empty, expected a picture'
          : `the body is ${describeBytes(body.bytes)} (content-type ${JSON.stringify(body.contentType)}), expected a picture (${ACCEPTED_IMAGE_TYPES})`;
      throw new ProviderPageError(
        this.ctx.source,
        `${request} answered no picture: ${why}`,
        body.bytes,
        body.contentType,
        why,
      );
    }
    const sha256 = createHash('sha256').update(body.bytes).digest('hex');
    const observed = await snapshotObservedAt(p.observedAt, body.headers, body.bytes, call.now);
    const raw = JSON.stringify({ request, contentType: body.contentType, bytes: body.bytes.length, sha256 });
    const image = { bytes: body.bytes, contentType: body.contentType, oversized: body.truncated, sha256 };
    const record: AdapterRecord =
      typeof observed === 'string'
        ? {
            value: { site: site.id, imageUrl: url.pathname },
            raw,
            image,
            rejected: `${this.ctx.configPath}.observedAt.from is ${JSON.stringify(p.observedAt.from)}, but ${observed}`,
          }
        : { value: { site: site.id, observedAt: observed.toISOString(), imageUrl: url.pathname }, raw, image };
    return { request, records: [record], withoutValue: 0, done: false, bytes: body.bytes.length };
  }
}
