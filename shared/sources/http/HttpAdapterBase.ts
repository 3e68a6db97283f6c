import type { HttpProviderConfig } from '../../config/providerSchemas';
import type { ProviderAdapter, ProviderReader, ReadPlan, StepCall } from '../ProviderAdapter';
import type { ReceivedImage } from '../ProviderClient';
import { ProviderUrlError } from '../ProviderError';
import { HttpFetcher } from './HttpFetcher';
import { authSecrets } from './requestParts';

/** What every declarative HTTP adapter knows besides its provider block. */
export interface HttpAdapterContext {
  source: string;
  /** Where the provider block is in the configuration (`sources[0].provider`), named by every mapping error. */
  configPath: string;
  fetchImpl?: typeof fetch;
  /** Plain http redirect targets on hosts that are not loopback are followed (ALLOW_HTTP_PROVIDERS=true). */
  allowHttp?: boolean;
}

/** The part the window and snapshot adapters share: the bounded fetcher with the block's secrets, and its limits. */
export abstract class HttpAdapterBase<
  P extends HttpProviderConfig,
  C extends HttpAdapterContext,
> implements ProviderAdapter {
  abstract readonly protocol: P['protocol'];
  protected readonly http: HttpFetcher;

  constructor(
    protected readonly p: P,
    protected readonly ctx: C,
  ) {
    this.http = new HttpFetcher(ctx.source, authSecrets(p.auth), ctx.fetchImpl ?? fetch, {
      allowHttp: ctx.allowHttp ?? false,
    });
  }

  get source(): string {
    return this.ctx.source;
  }

  get timeoutMs(): number {
    return this.p.timeoutMs;
  }

  get maxRequestsPerRun(): number {
    return this.p.maxRequestsPerRun;
  }

  abstract reader(plan: ReadPlan): ProviderReader;

  image(_imageUrl: string, _call: StepCall & { maxBytes: number }): Promise<ReceivedImage> {
    return Promise.reject(new ProviderUrlError(this.ctx.source, `a ${this.p.protocol} provider serves no pictures`));
  }
}
