/** One record of a page: its parsed value and its text exactly as the provider sent it (for quarantine). */
export interface ReceivedRecord {
  value: unknown;
  raw: string;
}

export type ParsedPageBody = { ok: true; items: ReceivedRecord[]; next: unknown } | { ok: false; reason: string };

/** Objects and arrays nested deeper than this are refused (a hostile body must not exhaust the stack). */
export const MAX_PAGE_DEPTH = 64;

/**
 * Parses a page body `{ "items": [...], "next": ... }`, keeping each item's exact text beside its value, so a bad
 * record can be quarantined byte for byte. JSON, plus the literals `NaN`, `Infinity` and `-Infinity` that some
 * encoders (Python's json.dumps) emit: a record carrying one is rejected on its own by validation instead of the
 * whole page failing to parse. Anything else that is not JSON makes the whole page unusable, with the reason.
 */
export function parsePageBody(text: string): ParsedPageBody {
  const p = new Scanner(text);
  let body: unknown;
  let items: ReceivedRecord[] | undefined;
  try {
    p.ws();
    if (p.peek() === '{') {
      body = p.object(0, (key, value, raw) => {
        if (key === 'items') items = raw;
        return value;
      });
    } else {
      body = p.value(0);
    }
    p.ws();
    if (p.i < text.length) throw p.fail('unexpected text after the JSON value');
  } catch (err) {
    if (err instanceof SyntaxError) return { ok: false, reason: `body is not JSON: ${err.message}` };
    throw err;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return {
      ok: false,
      reason: `body is ${Array.isArray(body) ? 'an array' : body === null ? 'null' : `a ${typeof body}`}, expected an object with an "items" array`,
    };
  }
  const obj = body as Record<string, unknown>;
  if (!Array.isArray(obj['items']) || items === undefined) {
    return {
      ok: false,
      reason: `body has ${'items' in obj ? `an "items" that is not an array` : 'no "items"'}, expected an object with an "items" array`,
    };
  }
  return { ok: true, items, next: obj['next'] };
}

type ItemsHook = (key: string, value: unknown, raw: ReceivedRecord[] | undefined) => unknown;

class Scanner {
  i = 0;
  constructor(private readonly s: string) {}

  peek(): string | undefined {
    return this.s[this.i];
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.i++;
    }
  }

  fail(what: string): SyntaxError {
    const at = this.s.slice(this.i, this.i + 12);
    return new SyntaxError(`${what} at offset ${this.i}${at ? ` (near ${JSON.stringify(at)})` : ' (end of body)'}`);
  }

  value(depth: number): unknown {
    this.ws();
    const c = this.peek();
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === 't') return this.word('true', true);
    if (c === 'f') return this.word('false', false);
    if (c === 'n') return this.word('null', null);
    if (c === 'N') return this.word('NaN', Number.NaN);
    if (c === 'I') return this.word('Infinity', Number.POSITIVE_INFINITY);
    if (c === '-' && this.s.startsWith('-Infinity', this.i)) return this.word('-Infinity', Number.NEGATIVE_INFINITY);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    throw this.fail(c === undefined ? 'unexpected end of body' : 'unexpected character');
  }

  /** An object; `hook` (top level only) sees each member, with the item texts when it is the `items` array. */
  object(depth: number, hook?: ItemsHook): Record<string, unknown> {
    if (depth > MAX_PAGE_DEPTH) throw this.fail(`nested deeper than ${MAX_PAGE_DEPTH} levels`);
    this.i++; // {
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.peek() === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.peek() !== '"') throw this.fail('expected a property name');
      const key = this.string();
      this.ws();
      if (this.peek() !== ':') throw this.fail('expected ":"');
      this.i++;
      let value: unknown;
      if (hook) {
        this.ws();
        if (key === 'items' && this.peek() === '[') {
          const raw: ReceivedRecord[] = [];
          value = this.array(depth + 1, raw);
          value = hook(key, value, raw);
        } else {
          value = hook(key, this.value(depth), undefined);
        }
      } else {
        value = this.value(depth);
      }
      // A "__proto__" key is data, never a prototype (JSON.parse does the same).
      if (key === '__proto__')
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === '}') return out;
      if (c !== ',') {
        this.i--;
        throw this.fail('expected "," or "}"');
      }
    }
  }

  /** An array; with `spans`, each element's exact text is kept too. */
  array(depth: number, spans?: ReceivedRecord[]): unknown[] {
    if (depth > MAX_PAGE_DEPTH) throw this.fail(`nested deeper than ${MAX_PAGE_DEPTH} levels`);
    this.i++; // [
    const out: unknown[] = [];
    this.ws();
    if (this.peek() === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      const start = this.i;
      const v = this.value(depth);
      out.push(v);
      spans?.push({ value: v, raw: this.s.slice(start, this.i) });
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === ']') return out;
      if (c !== ',') {
        this.i--;
        throw this.fail('expected "," or "]"');
      }
    }
  }

  string(): string {
    const s = this.s;
    const start = this.i;
    this.i++; // "
    let escaped = false;
    for (;;) {
      if (this.i >= s.length) {
        this.i = start;
        throw this.fail('unterminated string');
      }
      const c = s.charCodeAt(this.i);
      if (c === 0x22) break;
      if (c < 0x20) throw this.fail('control character in a string');
      if (c === 0x5c) {
        escaped = true;
        this.i += 2;
        continue;
      }
      this.i++;
    }
    this.i++;
    const text = s.slice(start, this.i);
    if (!escaped) return text.slice(1, -1);
    try {
      return JSON.parse(text) as string;
    } catch {
      this.i = start;
      throw this.fail('bad escape in a string');
    }
  }

  number(): number {
    const m = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    const found = m.exec(this.s);
    if (!found || found[0] === '-') throw this.fail('bad number');
    this.i += found[0].length;
    return Number(found[0]);
  }

  word<T>(w: string, v: T): T {
    if (!this.s.startsWith(w, this.i)) throw this.fail('unexpected word');
    this.i += w.length;
    return v;
  }
}
