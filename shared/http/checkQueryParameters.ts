import type { HttpRequest } from '@azure/functions';
import { asciiSafe } from './asciiSafe';
import { echoQueryText } from './echoQueryText';

/** A refused query: the message, and the parameter at fault when there is one (both printable ASCII). */
export interface QueryError {
  error: string;
  parameter?: string;
}

/** Longest query string any HTTP endpoint accepts, characters. */
export const MAX_QUERY_LENGTH = 2048;

/**
 * The query's parameters once the checks every endpoint shares have passed: not too long, each parameter one of
 * `allowed` and given at most once. `code` (the function key, which callers may send in the query) may repeat and is
 * never read or echoed. `expected` finishes the message for an unknown parameter (`expected "site", ...`).
 */
export function checkQueryParameters(
  request: HttpRequest,
  allowed: readonly string[],
  expected: string,
): URLSearchParams | QueryError {
  const url = new URL(request.url);
  if (url.search.length > MAX_QUERY_LENGTH)
    return { error: `the query string is ${url.search.length} characters long; at most ${MAX_QUERY_LENGTH}` };
  // The URL keeps repeated parameters (the host's query map may have merged them); tests may give only `query`.
  const params = url.search ? url.searchParams : request.query;
  const counts = new Map<string, number>();
  for (const name of params.keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const [name, count] of counts) {
    if (name === 'code') continue;
    if (!allowed.includes(name))
      return {
        error: `query parameter ${echoQueryText(name)} is not supported; ${expected}`,
        parameter: asciiSafe(name.slice(0, 64)),
      };
    if (count > 1) return { error: `query parameter "${name}" is given ${count} times; give it once`, parameter: name };
  }
  return params;
}
