import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/**
 * A minimal zip reader, enough to check a package: the End of Central Directory record (and its ZIP64 form), the
 * central directory's entries, and each entry's data (stored or deflated), verified against its CRC-32.
 */

/** One file of a zip, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Unix permission bits, when the zip was made on Unix. */
  mode: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** A zip file read into memory. */
export class ZipFile {
  readonly entries: ZipEntry[];

  constructor(private readonly data: Buffer) {
    this.entries = readCentralDirectory(data);
  }

  static open(path: string): ZipFile {
    return new ZipFile(readFileSync(path));
  }

  /** The entry's content, inflated and checked against its CRC-32. */
  read(entry: ZipEntry): Buffer {
    const at = entry.localHeaderOffset;
    if (this.data.readUInt32LE(at) !== LOCAL_HEADER) throw new Error(`${entry.name}: no local file header at ${at}`);
    const start = at + 30 + this.data.readUInt16LE(at + 26) + this.data.readUInt16LE(at + 28);
    const raw = this.data.subarray(start, start + entry.compressedSize);
    const content = entry.method === 0 ? Buffer.from(raw) : entry.method === 8 ? inflateRawSync(raw) : undefined;
    if (!content) throw new Error(`${entry.name}: compression method ${entry.method} is not supported`);
    if (content.length !== entry.size || crc32(content) !== entry.crc32)
      throw new Error(`${entry.name}: size or CRC-32 does not match the central directory`);
    return content;
  }

  /** The first `length` bytes of an entry (the whole entry is inflated: deflate has no random access). */
  head(entry: ZipEntry, length: number): Buffer {
    return this.read(entry).subarray(0, length);
  }
}

function readCentralDirectory(data: Buffer): ZipEntry[] {
  const eocd = findEocd(data);
  let count = data.readUInt16LE(eocd + 10);
  let offset = data.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (data.readUInt32LE(locator) !== ZIP64_EOCD_LOCATOR)
      throw new Error('ZIP64 values without a ZIP64 end of central directory locator');
    const record = Number(data.readBigUInt64LE(locator + 8));
    if (data.readUInt32LE(record) !== ZIP64_EOCD) throw new Error('no ZIP64 end of central directory record');
    count = Number(data.readBigUInt64LE(record + 32));
    offset = Number(data.readBigUInt64LE(record + 48));
  }
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (data.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error(`entry ${i}: no central directory header at ${at}`);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      name: data.toString('utf8', at + 46, at + 46 + nameLength),
      method: data.readUInt16LE(at + 10),
      crc32: data.readUInt32LE(at + 16),
      compressedSize: data.readUInt32LE(at + 20),
      size: data.readUInt32LE(at + 24),
      mode: (data.readUInt32LE(at + 38) >>> 16) & 0o7777,
      localHeaderOffset: data.readUInt32LE(at + 42),
    };
    readZip64Extra(data.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The End of Central Directory record: the last 22+ bytes, after which only its comment (<= 64 KiB) may follow. */
function findEocd(data: Buffer): number {
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 0xffff); at--) {
    if (data.readUInt32LE(at) === EOCD) return at;
  }
  throw new Error('not a zip file: no end of central directory record');
}

/** ZIP64 extra field (id 1): the 64-bit values of the fields set to 0xFFFFFFFF, in this order. */
function readZip64Extra(extra: Buffer, entry: ZipEntry): void {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    if (id === 1) {
      let p = at + 4;
      const next = () => {
        const v = Number(extra.readBigUInt64LE(p));
        p += 8;
        return v;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
    }
    at += 4 + size;
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
