import type { ProviderAdapter, ProviderReader, ProviderStep, ReadPlan, StepCall } from './ProviderAdapter';
import type { ProviderClient, ReceivedImage } from './ProviderClient';

/** The native wire format (ProviderApi.ts) as a ProviderAdapter: pages by publishedAt from the watermark. */
export class NativeAdapter implements ProviderAdapter {
  readonly protocol = 'native';
  /** Pages follow `next` until the provider has nothing more; the run's page limit bounds them. */
  readonly maxRequestsPerRun = Number.POSITIVE_INFINITY;

  constructor(private readonly client: ProviderClient) {}

  get source(): string {
    return this.client.source;
  }

  get timeoutMs(): number {
    return this.client.timeoutMs;
  }

  reader(plan: ReadPlan): ProviderReader {
    let since = plan.window?.from ?? (plan.watermark !== undefined ? new Date(plan.watermark) : plan.initialSince);
    return {
      next: async (call: StepCall): Promise<ProviderStep> => {
        const page = await this.client.page(since, call);
        const request = `GET /observations since ${since.toISOString()}`;
        const step: ProviderStep = {
          request,
          records: page.items,
          withoutValue: 0,
          done: page.next === null,
          bytes: page.bytes,
        };
        if (page.next !== null) {
          step.watermark = page.next;
          since = new Date(page.next);
        }
        return step;
      },
    };
  }

  image(imageUrl: string, call: StepCall & { maxBytes: number }): Promise<ReceivedImage> {
    return this.client.image(imageUrl, call);
  }
}
