import type { z } from 'zod';

/**
 * Each zod issue as `path: message (got <value>)`, the way parseConfig names a bad key: the path from the root of
 * `raw` (e.g. `sources.weather.delay.minutes`) and the offending value, so a broken file can be fixed at a glance.
 */
export function zodProblems(error: z.ZodError, raw: unknown, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const at = formatPath([...(prefix ? [prefix] : []), ...issue.path]);
    const got = valueAt(raw, issue.path);
    const text = got === undefined ? undefined : JSON.stringify(got)?.slice(0, 80);
    // A custom check's message may quote the value already; say it only where it does not.
    const shown =
      text === undefined || (issue.code === 'custom' && (typeof got === 'object' || issue.message.includes(text)))
        ? ''
        : ` (got ${text})`;
    return `${at || '(root)'}: ${issue.message}${shown}`;
  });
}

/** `sources.weather.replay.columns[1].field`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    return acc ? `${acc}.${String(part)}` : String(part);
  }, '');
}

/** The value at `path` inside `root`, or undefined where the path leaves it. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}
