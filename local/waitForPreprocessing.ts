import type { ForecastConfig } from '../shared/config/ForecastConfig';
import { type BlobStore, CONTAINERS } from '../shared/storage/BlobStore';

async function count(blobs: BlobStore, container: string, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of blobs.list(container, prefix)) n++;
  return n;
}

/**
 * Waits until the blob trigger has turned (nearly) every stored picture into features, so a training run sees the
 * image sources' history too. Gives up quietly after `timeoutMs`: training then works with what is there.
 */
export async function waitForPreprocessing(config: ForecastConfig, blobs: BlobStore, timeoutMs: number, onProgress?: (done: number, total: number) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let images = 0;
    let features = 0;
    for (const source of config.sources.filter((s) => s.kind === 'image')) {
      images += await count(blobs, CONTAINERS.images, `${source.id}/`);
      features += await count(blobs, CONTAINERS.features, `${source.id}/`);
    }
    onProgress?.(features, images);
    // A few pictures may arrive while we count; the timers keep adding more.
    if (features >= images - 3 || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
