import type { LoadedModel, ModelRuntime } from '../../shared/models/ModelRuntime';

/** A ModelRuntime that remembers what it loaded, so a cold run can count its sessions and release them after. */
export class TrackingModelRuntime implements ModelRuntime {
  readonly loaded: LoadedModel[] = [];
  /** Bytes of every model file loaded. */
  bytes = 0;

  constructor(private readonly inner: ModelRuntime) {}

  async load(bytes: Uint8Array): Promise<LoadedModel> {
    const model = await this.inner.load(bytes);
    this.loaded.push(model);
    this.bytes += bytes.length;
    return model;
  }

  /** Frees every session loaded; the models already released are skipped. */
  async releaseAll(): Promise<void> {
    const models = this.loaded.splice(0);
    await Promise.all(models.map((m) => m.release().catch(() => undefined)));
  }
}
