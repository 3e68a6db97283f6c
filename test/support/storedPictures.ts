import { isPictureBatchName } from '../../shared/features/PictureBatch';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import type { MemoryBlobStore } from './MemoryBlobStore';

/** The pictures in images/, without the manifests of the pages that stored them (images/_batches/). */
export function storedPictures(blobs: MemoryBlobStore): string[] {
  return blobs.names(CONTAINERS.images).filter((n) => !isPictureBatchName(n));
}

/** The manifests in images/_batches/. */
export function storedBatches(blobs: MemoryBlobStore): string[] {
  return blobs.names(CONTAINERS.images).filter(isPictureBatchName);
}
