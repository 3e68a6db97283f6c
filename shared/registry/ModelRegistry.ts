import { createHash } from 'node:crypto';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import type { ChampionPointer, ModelCard } from './ModelCard';
import { RegistryError } from './RegistryError';

const CHAMPION = 'champion.json';
const versionPrefix = (version: string): string => `versions/${version}/`;

/**
 * Models as data: each version an immutable folder in the models container (ONNX files + card.json), and a
 * champion pointer that says which serves. Promotion and rollback only move the pointer (ETag-guarded), so the
 * prediction function picks the change up on its next run, with no redeploy.
 */
export class ModelRegistry {
  constructor(
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
  ) {}

  /** A new version id: sortable time plus a short content hash. */
  static versionId(at: Date, content: string): string {
    const stamp = at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    return `${stamp}-${createHash('sha256').update(content).digest('hex').slice(0, 8)}`;
  }

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** Writes the files, then the card (a version without a card is not listed). Never overwrites. */
  async publish(card: ModelCard, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
    if (await this.card(card.version))
      throw new RegistryError('VERSION_EXISTS', `model version "${card.version}" already exists`);
    for (const [name, bytes] of files) {
      await this.blobs.putIfAbsent(CONTAINERS.models, `${versionPrefix(card.version)}${name}`, Buffer.from(bytes), {
        contentType: 'application/octet-stream',
      });
    }
    const created = await this.blobs.putIfAbsent(
      CONTAINERS.models,
      `${versionPrefix(card.version)}card.json`,
      JSON.stringify(card, null, 2),
      { contentType: 'application/json' },
    );
    if (!created) throw new RegistryError('VERSION_EXISTS', `model version "${card.version}" already exists`);
  }

  /** Every version with a card, oldest first. */
  async versions(): Promise<ModelCard[]> {
    const cards: ModelCard[] = [];
    for await (const item of this.blobs.list(CONTAINERS.models, 'versions/')) {
      if (!item.name.endsWith('/card.json')) continue;
      const version = item.name.slice('versions/'.length, -'/card.json'.length);
      const card = await this.card(version);
      if (card) cards.push(card);
    }
    return cards.sort((a, b) => a.version.localeCompare(b.version));
  }

  async card(version: string): Promise<ModelCard | undefined> {
    const blob = await this.blobs.get(CONTAINERS.models, `${versionPrefix(version)}card.json`);
    return blob ? (JSON.parse(blob.body.toString('utf8')) as ModelCard) : undefined;
  }

  /** The bytes of one model of a version, checked against the hash in its card. */
  async modelBytes(card: ModelCard, modelId: string): Promise<Uint8Array> {
    const model = card.models.find((m) => m.id === modelId);
    if (!model) throw new RegistryError('UNKNOWN_VERSION', `version "${card.version}" has no model "${modelId}"`);
    const blob = await this.blobs.get(CONTAINERS.models, `${versionPrefix(card.version)}${model.file}`);
    if (!blob) throw new RegistryError('CORRUPT_MODEL', `version "${card.version}" is missing ${model.file}`);
    if (ModelRegistry.sha256(blob.body) !== model.sha256) {
      throw new RegistryError(
        'CORRUPT_MODEL',
        `version "${card.version}" file ${model.file} does not match its sha256 in the card`,
      );
    }
    return blob.body;
  }

  /** The champion pointer and its ETag, or undefined before the first promotion. */
  async champion(): Promise<{ pointer: ChampionPointer; etag: string } | undefined> {
    const blob = await this.blobs.get(CONTAINERS.models, CHAMPION);
    return blob ? { pointer: JSON.parse(blob.body.toString('utf8')) as ChampionPointer, etag: blob.etag } : undefined;
  }

  /** Makes `version` the champion; the previous one goes to the history. */
  async promote(version: string, reason: string): Promise<ChampionPointer> {
    if (!(await this.card(version)))
      throw new RegistryError('UNKNOWN_VERSION', `no model version "${version}"; see \`npm run models -- list\``);
    const current = await this.champion();
    const now = this.clock.now().toISOString();
    const history = current
      ? [
          ...current.pointer.history,
          { version: current.pointer.version, promotedAt: current.pointer.promotedAt, reason: current.pointer.reason },
        ]
      : [];
    const pointer: ChampionPointer = { version, promotedAt: now, reason, history };
    await this.writePointer(pointer, current?.etag);
    return pointer;
  }

  /** Moves the pointer back to the previous champion. */
  async rollback(): Promise<ChampionPointer> {
    const current = await this.champion();
    const previous = current?.pointer.history.at(-1);
    if (!current || !previous)
      throw new RegistryError('NO_PREVIOUS_CHAMPION', 'there is no previous champion to roll back to');
    const pointer: ChampionPointer = {
      version: previous.version,
      promotedAt: this.clock.now().toISOString(),
      reason: `rollback from ${current.pointer.version}`,
      history: current.pointer.history.slice(0, -1),
    };
    await this.writePointer(pointer, current.etag);
    return pointer;
  }

  private async writePointer(pointer: ChampionPointer, etag: string | undefined): Promise<void> {
    const body = JSON.stringify(pointer, null, 2);
    if (etag === undefined) {
      const created = await this.blobs.putIfAbsent(CONTAINERS.models, CHAMPION, body, {
        contentType: 'application/json',
      });
      if (!created)
        throw new RegistryError('VERSION_EXISTS', 'another process promoted a model at the same time; try again');
      return;
    }
    await this.blobs.put(CONTAINERS.models, CHAMPION, body, { contentType: 'application/json', ifMatch: etag });
  }
}
