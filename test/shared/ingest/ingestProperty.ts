/** The harness of the ingestion property tests (one test file per source kind, so they run in parallel). */
import assert from 'node:assert/strict';
import { nativeProvider } from '../../support/nativeProvider';
import { NativeAdapter } from '../../../shared/sources/NativeAdapter';
import fc from 'fast-check';
import { type IngestResult, ingestSource } from '../../../shared/ingest/ingestSource';
import { observationBlobName } from '../../../shared/sources/ObservationStore';
import { storedRecords } from '../../support/storedObservations';
import { IMAGE_TYPES } from '../../../shared/util/detectImageType';
import { ProviderClient } from '../../../shared/sources/ProviderClient';
import { ProviderError } from '../../../shared/sources/ProviderError';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { FakeTimer } from '../../support/FakeTimer';
import { FixedClock } from '../../support/fixedClock';
import { noisyPng } from '../../support/images';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { scriptedFetch } from '../../support/scriptedFetch';
import { testConfig } from '../../support/testServices';
import {
  type Gen,
  type ImageSpec,
  NOW,
  type PageSpec,
  pageSpec,
  Raw,
  type RecordSpec,
  toText,
} from './payloadArbitraries';
import { storedPictures } from '../../support/storedPictures';

/** Runs of the property per source kind (INGEST_PROPERTY_RUNS overrides): 100 runs of 100 payloads = 10,000. */
export const RUNS = Number(process.env['INGEST_PROPERTY_RUNS'] ?? 100);
/** Payloads (pages) fed through ingestion in one run. */
export const PAGES_PER_RUN = 100;
const MAX_IMAGE_BYTES = 4_000;
const T0 = NOW.getTime() - 86_400_000;
const cursor = (i: number) => new Date(T0 + i * 1000).toISOString();

let pictures: Buffer[] = [];
async function pool(): Promise<Buffer[]> {
  if (pictures.length === 0) {
    const png = await noisyPng(16, 7);
    const sharp = (await import('sharp')).default;
    pictures = [
      png,
      await noisyPng(8, 3),
      await sharp(await noisyPng(24, 5))
        .jpeg()
        .toBuffer(),
      await sharp(png).png({ compressionLevel: 0 }).toBuffer(),
      await sharp(png).gif().toBuffer(),
      await sharp(png).webp({ lossless: true }).toBuffer(),
    ];
  }
  return pictures;
}

/** The bytes (or failure) the fake provider answers for a picture. */
function imageAnswer(spec: ImageSpec, pics: Buffer[], attempt: number): Response {
  const pic = (i: number) => pics[i % pics.length] as Buffer;
  const bytes = (b: Buffer | Uint8Array, type = 'image/png') => new Response(b, { headers: { 'content-type': type } });
  switch (spec.kind) {
    case 'good':
      return bytes(pic(spec.pool));
    case 'truncated':
      return bytes(pic(spec.pool).subarray(0, Math.floor(pic(spec.pool).length * spec.keep)));
    case 'flipped': {
      const b = Buffer.from(pic(spec.pool));
      const at = Math.floor(b.length * spec.at);
      b[at] = (b[at] as number) ^ 0xff;
      return bytes(b);
    }
    case 'empty':
      return bytes(Buffer.alloc(0));
    case 'html':
      return bytes(Buffer.from('<!doctype html><title>502</title>'), 'text/html');
    case 'bmp':
      // A picture format the decoder does not read.
      return bytes(Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(52)]), 'image/bmp');
    case 'text':
      return bytes(Buffer.from('temporarily unavailable'), 'text/plain');
    case 'oversized':
      return bytes(Buffer.concat([pic(0), Buffer.alloc(MAX_IMAGE_BYTES)]));
    case 'not-found':
      return new Response('{"error":"gone"}', { status: 404 });
    case 'random':
      return bytes(spec.bytes, 'application/octet-stream');
    case 'flaky':
      return attempt <= spec.failures ? new Response('{"error":"busy"}', { status: 503 }) : bytes(pic(spec.pool));
  }
}

/** Feeds one scenario of pages through ingestion, run after run until caught up, and checks every promise. */
export async function scenario(kind: 'sensor' | 'image', pages: PageSpec[]): Promise<number> {
  const config = testConfig();
  const source = config.sources.find((s) => s.id === (kind === 'sensor' ? 'site-meter' : 'skycam'));
  assert.ok(source);
  source.maxImageBytes = MAX_IMAGE_BYTES;
  const pics = await pool();
  const blobs = new MemoryBlobStore();
  const clock = new FixedClock(NOW);
  const timer = new FakeTimer();

  // Each record's text; image records get a URL of their own (shared by their in-page repeats).
  const urls = new Map<RecordSpec, string>();
  const specByUrl = new Map<string, ImageSpec>();
  const texts = pages.map((p) =>
    p.records.map((r) => {
      const rec = r.record;
      if (kind === 'image' && isObject(rec) && rec['imageUrl'] === '') {
        const url = urls.get(r) ?? `/images/park-1/r${urls.size}.png`;
        urls.set(r, url);
        specByUrl.set(url, r.image);
        return toText({ ...rec, imageUrl: url });
      }
      return toText(rec);
    }),
  );
  const attempts = new Map<number, number>();
  const imageAttempts = new Map<string, number>();
  const served = new Array<number>(pages.length).fill(0);
  const brokenServed: Buffer[] = [];
  const f = scriptedFetch((url) => {
    if (url.pathname === '/observations') {
      const i = (Date.parse(url.searchParams.get('since') ?? '') - T0) / 1000;
      const page = Number.isInteger(i) ? pages[i] : undefined;
      if (!page) return new Response('{"items":[],"next":null}');
      attempts.set(i, (attempts.get(i) ?? 0) + 1);
      if (page.broken && (attempts.get(i) as number) <= page.broken.failures) {
        brokenServed.push(page.broken.body);
        return new Response(page.broken.body);
      }
      served[i] = (served[i] ?? 0) + 1;
      return new Response(
        `{"items":[${(texts[i] as string[]).join(',')}],"next":${i + 1 < pages.length ? JSON.stringify(cursor(i + 1)) : 'null'}}`,
      );
    }
    const path = safeDecode(url.pathname);
    const spec = specByUrl.get(path);
    if (!spec) return new Response('{"error":"no such image"}', { status: 404 });
    imageAttempts.set(path, (imageAttempts.get(path) ?? 0) + 1);
    return imageAnswer(spec, pics, imageAttempts.get(path) as number);
  });
  const provider = new NativeAdapter(
    new ProviderClient(source.id, { ...nativeProvider(source.provider), endpoint: 'http://provider.test' }, f, clock),
  );

  // What each run committed: its last progress report (a run that fails later keeps the pages it stored before).
  const results: IngestResult[] = [];
  let caughtUp = false;
  for (let run = 0; run < 200 && !caughtUp; run++) {
    let progress: IngestResult | undefined;
    try {
      const r = await ingestSource(
        source,
        new Set(['park-1']),
        { blobs, clock, provider, timer, random: () => 0.5 },
        {
          initialSince: new Date(T0),
          breaker: { failureThreshold: 1_000_000 },
          onPage: (p) => {
            progress = { ...p };
          },
        },
      );
      assert.deepEqual(r, progress ?? r, 'the result is the last progress report');
      caughtUp = r.caughtUp;
    } catch (err) {
      // The one documented escape: a retryable provider failure (a page that stayed broken through a run's retries).
      assert.ok(err instanceof ProviderError && err.canRetry(), `unexpected ${String(err)}`);
    }
    if (progress) results.push(progress);
  }
  assert.ok(caughtUp, 'ingestion catches up');

  // Counts add up, in every run and overall; every page was read exactly once; each stored record is one blob.
  for (const r of results) assert.equal(r.received, r.stored + r.duplicates + r.quarantined, JSON.stringify(r));
  assert.deepEqual(
    served,
    pages.map(() => 1),
    'no page skipped, none read twice',
  );
  const total = (k: 'received' | 'stored' | 'duplicates' | 'quarantined') => results.reduce((s, r) => s + r[k], 0);
  assert.equal(
    total('received'),
    texts.reduce((s, t) => s + t.length, 0),
    'every record received',
  );
  // Sensor records in both layouts (one blob each before the state exists, then batches), every copy; pictures.
  const records = kind === 'sensor' ? await storedRecords(blobs, CONTAINERS.raw) : [];
  const byName = new Map(records.map((o) => [observationBlobName(o.source, o.site, o.observedAt), o]));
  const storedNames = (): string[] =>
    kind === 'sensor' ? records.map((o) => observationBlobName(o.source, o.site, o.observedAt)) : storedPictures(blobs);
  assert.equal(
    storedNames().length,
    total('stored'),
    `one record stored per stored outcome: ${JSON.stringify(results.map((r) => [r.received, r.stored, r.duplicates, r.quarantined]))}`,
  );

  // Quarantine: every entry has a reason and its bytes; every broken body served is there whole.
  const kept = new Set<string>();
  for (const name of blobs.names(CONTAINERS.quarantine).filter((n) => n.endsWith('.json'))) {
    const entry = JSON.parse((await blobs.get(CONTAINERS.quarantine, name))?.body.toString() ?? '{}') as {
      reason?: unknown;
      bytes?: string;
      recordText?: string;
    };
    assert.ok(typeof entry.reason === 'string' && entry.reason.length > 0, `${name} has a reason`);
    if (entry.recordText !== undefined) kept.add(entry.recordText);
    const bin = entry.bytes ? await blobs.get(CONTAINERS.quarantine, entry.bytes) : undefined;
    if (bin) kept.add(bin.body.toString('latin1'));
  }
  for (const body of brokenServed)
    assert.ok(kept.has(body.toString('latin1')), `broken page kept: ${body.toString('latin1').slice(0, 80)}`);

  // Every record is stored (with exactly its values) or quarantined byte for byte.
  const stored = new Set(storedNames());
  pages.forEach((page, i) =>
    page.records.forEach((r, j) => {
      const text = (texts[i] as string[])[j] as string;
      if (kept.has(Buffer.from(text, 'utf8').toString('latin1')) || kept.has(text)) return;
      const rec = r.record;
      assert.ok(
        isObject(rec) && typeof rec['site'] === 'string' && typeof rec['observedAt'] === 'string',
        `neither stored nor quarantined: ${text.slice(0, 200)}`,
      );
      const observedAt = new Date(rec['observedAt'] as string).toISOString();
      const name = (ext: string) => observationBlobName(source.id, rec['site'] as string, observedAt, ext);
      if (kind === 'image') {
        assert.ok(
          IMAGE_TYPES.some((t) => stored.has(name(t))),
          `image record neither stored nor quarantined: ${text}`,
        );
        return;
      }
      assert.ok(stored.has(name('json')), `record neither stored nor quarantined: ${text.slice(0, 200)}`);
      const body = byName.get(name('json')) ?? assert.fail(`no record ${name('json')}`);
      const values = rec['values'] as Record<string, Gen>;
      // === on purpose: -0 is written as 0.
      for (const field of source.fields)
        assert.ok(body.values[field] === values[field], `stored values of ${text}: ${JSON.stringify(body)}`);
    }),
  );

  // Nothing stored twice: one blob per (site, observedAt), whatever its spelling or picture type.
  const keys = storedNames().map((n) => n.replace(/\.(json|png|jpeg|gif|webp|tiff)$/, ''));
  assert.equal(new Set(keys).size, keys.length);
  return results.length;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function isObject(v: Gen): v is { [key: string]: Gen } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Raw);
}

/**
 * The property: RUNS x PAGES_PER_RUN random and mutated payloads of `kind` through ingestion, RUNS scenarios of
 * PAGES_PER_RUN pages each (fed run after run until caught up). Returns how many ingest runs it took.
 */
export async function checkIngestProperty(kind: 'sensor' | 'image'): Promise<number> {
  let runs = 0;
  const failures: string[] = [];
  const result = await fc.check(
    fc.asyncProperty(
      fc.array(pageSpec(kind), { minLength: PAGES_PER_RUN, maxLength: PAGES_PER_RUN }),
      async (pages) => {
        try {
          runs += await scenario(kind, pages);
        } catch (err) {
          failures.push(err instanceof Error ? err.message : String(err));
          throw err;
        }
      },
    ),
    { numRuns: RUNS },
  );
  // The shrunk counterexample and the message of its failure (fast-check's own report omits the latter).
  assert.ok(!result.failed, `${fc.defaultReportMessage(result) ?? ''}\n${failures.at(-1) ?? ''}`);
  return runs;
}
