import fc from 'fast-check';

/** The fixed now of the property tests. */
export const NOW = new Date('2026-06-01T12:00:00.000Z');
/** Observation slots records are drawn from: few, so duplicates and conflicts across pages are common. */
export const SLOTS = Array.from({ length: 24 }, (_, i) => new Date(NOW.getTime() - (i + 3) * 10 * 60_000));

/** A token written verbatim into a record's text (NaN, Infinity, a truncated value...). */
export class Raw {
  constructor(readonly text: string) {}
}

/** A record as generated: a tree of plain values and Raw tokens. */
export type Gen = null | boolean | number | string | Raw | Gen[] | { [key: string]: Gen };

/** Writes a generated record like a JSON encoder would, Raw tokens verbatim. */
export function toText(v: Gen): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toText).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${toText((v as Record<string, Gen>)[k] as Gen)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The same instant written in another zone: a duplicate must be recognised however it is spelled. */
function inZone(t: Date, offsetMinutes: number): string {
  if (offsetMinutes === 0) return t.toISOString();
  const local = new Date(t.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const slotArb = fc.nat(SLOTS.length - 1).map((i) => SLOTS[i] as Date);
const zoneArb = fc.constantFrom(0, 0, 60, -300, 330);

/** A valid sensor record of the test configuration's site-meter (power_kw, ghi_wm2). */
export const validSensor: fc.Arbitrary<Record<string, Gen>> = fc
  .record({
    t: slotArb,
    zone: zoneArb,
    power: fc.constantFrom(100, 100, 250.5, 0, -0.5),
    ghi: fc.constantFrom(500, 612.25),
    delay: fc.integer({ min: 20, max: 40 }),
    extra: fc.boolean(),
  })
  .map(({ t, zone, power, ghi, delay, extra }) => ({
    site: 'park-1',
    observedAt: inZone(t, zone),
    publishedAt: new Date(t.getTime() + delay * 60_000).toISOString(),
    values: { power_kw: power, ghi_wm2: ghi, ...(extra ? { ignored_field: 'x' } : {}) },
  }));

/** A valid image record; its imageUrl is filled in per record when the page is built. */
export const validImage: fc.Arbitrary<Record<string, Gen>> = fc
  .record({ t: slotArb, zone: zoneArb, delay: fc.integer({ min: 20, max: 40 }) })
  .map(({ t, zone, delay }) => ({
    site: 'park-1',
    observedAt: inZone(t, zone),
    publishedAt: new Date(t.getTime() + delay * 60_000).toISOString(),
    imageUrl: '',
  }));

/** Values a field may be replaced with: mistyped, non-finite, absurd, hostile. */
export const weirdValue: fc.Arbitrary<Gen> = fc.oneof(
  fc.constantFrom<Gen>(
    new Raw('NaN'),
    new Raw('Infinity'),
    new Raw('-Infinity'),
    new Raw('1e999'),
    null,
    true,
    '',
    '12',
    'park-1\u0000',
    'Park-1',
    ' park-1',
    'park-1; DROP TABLE observations;--',
    '{"$ne": null}',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '\u202Epark-1',
    '\ud800',
    '2026-13-45T99:99:99Z',
    '2026-02-31T10:00:00Z',
    '2026-06-01T11:00:00',
    '2099-01-01T00:00:00Z',
    '1970-01-01T00:00:00Z',
    '2026-06-01T13:00:00Z',
    '2024-01-01T00:00:00Z',
    'http://evil.test/x.png',
    '//evil.test/x.png',
    '/images/%2e%2e/secret',
    [],
    [1, 2],
    {},
  ),
  fc.jsonValue() as fc.Arbitrary<Gen>,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 1000, maxLength: 3000 }),
  fc.double(),
);

const SENSOR_PATHS = [
  ['site'],
  ['observedAt'],
  ['publishedAt'],
  ['values'],
  ['values', 'power_kw'],
  ['values', 'ghi_wm2'],
  ['__proto__'],
  ['constructor'],
];
const IMAGE_PATHS = [['site'], ['observedAt'], ['publishedAt'], ['imageUrl'], ['__proto__']];

/** A valid record with one or two fields removed or replaced by a weird value. */
export function mutated(valid: fc.Arbitrary<Record<string, Gen>>, kind: 'sensor' | 'image'): fc.Arbitrary<Gen> {
  const paths = kind === 'sensor' ? SENSOR_PATHS : IMAGE_PATHS;
  const change = fc.record({
    path: fc.constantFrom(...paths),
    op: fc.constantFrom('delete', 'replace', 'replace'),
    value: weirdValue,
  });
  return fc.tuple(valid, fc.array(change, { minLength: 1, maxLength: 2 })).map(([record, changes]) => {
    const out = structuredClone(record) as Record<string, Gen>;
    for (const { path, op, value } of changes) {
      let parent: Record<string, Gen> = out;
      for (const key of path.slice(0, -1)) {
        const child = parent[key];
        if (child === null || typeof child !== 'object' || Array.isArray(child) || child instanceof Raw) break;
        parent = child;
      }
      const key = path[path.length - 1] as string;
      if (op === 'delete') delete parent[key];
      else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  });
}

/** What a record's picture is, for image sources. */
export type ImageSpec =
  | { kind: 'good'; pool: number }
  | { kind: 'truncated'; pool: number; keep: number }
  | { kind: 'flipped'; pool: number; at: number }
  | { kind: 'empty' | 'html' | 'bmp' | 'text' | 'oversized' | 'not-found' }
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'flaky'; pool: number; failures: number };

export const imageSpec: fc.Arbitrary<ImageSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(3).map((pool) => ({ kind: 'good' as const, pool })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('truncated' as const),
      pool: fc.nat(3),
      keep: fc.double({ min: 0, max: 0.99, noNaN: true }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('flipped' as const),
      pool: fc.nat(3),
      at: fc.double({ min: 0.1, max: 0.95, noNaN: true }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<ImageSpec>(
      { kind: 'empty' },
      { kind: 'html' },
      { kind: 'bmp' },
      { kind: 'text' },
      { kind: 'oversized' },
      { kind: 'not-found' },
    ),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'random' as const, bytes })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('flaky' as const),
      pool: fc.nat(3),
      failures: fc.integer({ min: 1, max: 2 }),
    }),
  },
);

/** One generated record: its value tree and, for image sources, its picture. */
export interface RecordSpec {
  record: Gen;
  image: ImageSpec;
}

/** A page body that is not a page, and how often it is served before the provider repairs it. */
export type BrokenBody = { body: Buffer; failures: number };

export const brokenBody: fc.Arbitrary<BrokenBody> = fc.record({
  body: fc.oneof(
    fc.string({ unit: 'binary', maxLength: 120 }).map((s) => Buffer.from(`<${s}`)),
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(`{"items":[${JSON.stringify(s)}`)),
    fc
      .jsonValue()
      .map((v) => Buffer.from(JSON.stringify({ items: v === null || Array.isArray(v) ? 1 : v, next: null }))),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify([v]))),
    fc
      .constantFrom(
        '{"items":[],"next":"soon"}',
        '{"items":[],"next":17}',
        '{"items":[],"next":"1970-01-01T00:00:00Z"}',
        '{"data":[]}',
        '',
        'null',
        `{"items":[${'['.repeat(100)}]}`,
      )
      .map((s) => Buffer.from(s)),
    fc
      .uint8Array({ minLength: 1, maxLength: 80 })
      .map((b) => Buffer.concat([Buffer.from('{"items":["'), Buffer.from([0xff, 0xfe]), Buffer.from(b)])),
  ),
  // Up to the retries of one run (repaired within it), or more (the run fails and the next one gets it).
  failures: fc.integer({ min: 1, max: 8 }),
});

/** A page: its records (with in-page duplicates), or a broken body served first. */
export interface PageSpec {
  records: RecordSpec[];
  broken?: BrokenBody;
}

export function pageSpec(kind: 'sensor' | 'image'): fc.Arbitrary<PageSpec> {
  const valid = kind === 'sensor' ? validSensor : validImage;
  const record: fc.Arbitrary<RecordSpec> = fc.record({
    record: fc.oneof(
      { weight: 5, arbitrary: valid as fc.Arbitrary<Gen> },
      { weight: 4, arbitrary: mutated(valid, kind) },
      { weight: 1, arbitrary: fc.jsonValue() as fc.Arbitrary<Gen> },
    ),
    image: imageSpec,
  });
  return fc
    .record({
      records: fc.array(record, { maxLength: 8 }),
      repeats: fc.array(fc.nat(), { maxLength: 2 }),
      broken: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: brokenBody }),
    })
    .map(({ records, repeats, broken }) => ({
      records:
        records.length === 0 ? records : [...records, ...repeats.map((i) => records[i % records.length] as RecordSpec)],
      ...(broken ? { broken } : {}),
    }));
}
