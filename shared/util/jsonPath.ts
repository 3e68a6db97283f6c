/** One step of a path: a member name or an array index. */
export type PathPart = string | number;

const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/**
 * Parses a path into a JSON document: `power.values`, `data[0].rows`, `["key.with.dots"]`, optionally starting with
 * `$`; `` or `$` is the document itself. Returns the steps, or why the text is not a path.
 */
export function parseJsonPath(path: string): PathPart[] | string {
  const parts: PathPart[] = [];
  let s = path.trim();
  // `$.a.b` is how JSONPath writes a member of the root; `$` alone is the root.
  if (s.startsWith('$')) s = s.slice(s.startsWith('$.') ? 2 : 1);
  let first = true;
  while (s.length > 0) {
    if (s.startsWith('[')) {
      const index = /^\[(\d{1,9})\]/.exec(s);
      const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(s);
      if (index) {
        parts.push(Number(index[1]));
        s = s.slice(index[0].length);
      } else if (quoted) {
        parts.push(JSON.parse(quoted[1] as string) as string);
        s = s.slice(quoted[0].length);
      } else {
        return `bad path ${JSON.stringify(path)}: "[" must hold an index such as [0] or a quoted name such as ["a.b"]`;
      }
    } else {
      if (!first) {
        if (!s.startsWith('.'))
          return `bad path ${JSON.stringify(path)}: expected "." or "[" before ${JSON.stringify(s.slice(0, 20))}`;
        s = s.slice(1);
      }
      const name = NAME.exec(s);
      if (!name)
        return `bad path ${JSON.stringify(path)}: expected a member name at ${JSON.stringify(s.slice(0, 20))} (use ["..."] for other characters)`;
      parts.push(name[0]);
      s = s.slice(name[0].length);
    }
    first = false;
  }
  return parts;
}

/** A path as written back (`power.values[0]`), for messages. */
export function formatJsonPath(parts: readonly PathPart[]): string {
  return parts.reduce<string>((acc, p) => {
    if (typeof p === 'number') return `${acc}[${p}]`;
    if (!NAME.test(p) || NAME.exec(p)?.[0] !== p) return `${acc}[${JSON.stringify(p)}]`;
    return acc ? `${acc}.${p}` : p;
  }, '');
}

export type Resolved = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * The value at `parts` inside `root`. A missing member is `undefined` when only the last step is missing and
 * `allowMissingLast` is set (a record may leave a value out); otherwise the reason names where the path stopped
 * matching and what is there instead.
 */
export function resolveJsonPath(root: unknown, parts: readonly PathPart[], allowMissingLast = false): Resolved {
  let cur: unknown = root;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as PathPart;
    const here = formatJsonPath(parts.slice(0, i)) || '(the document)';
    const last = i === parts.length - 1;
    if (typeof part === 'number') {
      if (!Array.isArray(cur))
        return { ok: false, reason: `${here} is ${kindOf(cur)}, expected an array to take [${part}] of` };
      if (part >= cur.length) return { ok: false, reason: `${here} has ${cur.length} element(s), no [${part}]` };
      cur = cur[part];
      continue;
    }
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur))
      return { ok: false, reason: `${here} is ${kindOf(cur)}, expected an object with a member "${part}"` };
    if (!Object.hasOwn(cur, part)) {
      if (last && allowMissingLast) return { ok: true, value: undefined };
      const keys = Object.keys(cur);
      const shown = keys
        .slice(0, 8)
        .map((k) => JSON.stringify(k))
        .join(', ');
      return {
        ok: false,
        reason: `${here} has no member "${part}" (it has ${keys.length === 0 ? 'none' : `${shown}${keys.length > 8 ? ', ...' : ''}`})`,
      };
    }
    cur = (cur as Record<string, unknown>)[part];
  }
  return { ok: true, value: cur };
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}
