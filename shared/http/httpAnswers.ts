import type { HttpResponseInit } from '@azure/functions';
import { asciiSafe } from './asciiSafe';
import type { QueryError } from './checkQueryParameters';

/** Seconds a client is told to wait (Retry-After) before asking an unavailable store again. */
export const DEFAULT_RETRY_AFTER_SECONDS = 30;

// The JSON error answers every HTTP endpoint gives: `{ error }` (and the parameter at fault for a 400), printable
// ASCII only, no internals; the details go to the function log, not to the caller.

/** 400: the refused query, naming the parameter at fault when there is one. */
export function badRequest(problem: QueryError): HttpResponseInit {
  return {
    status: 400,
    jsonBody: {
      error: asciiSafe(problem.error),
      ...(problem.parameter !== undefined ? { parameter: asciiSafe(problem.parameter) } : {}),
    },
  };
}

/** 404: there is nothing (yet) at what the query names. */
export function notFound(error: string): HttpResponseInit {
  return { status: 404, jsonBody: { error } };
}

/** 503 with Retry-After: `<what> is unavailable; try again shortly` (a store that does not answer, which passes). */
export function unavailable(what: string, retryAfterSeconds: number = DEFAULT_RETRY_AFTER_SECONDS): HttpResponseInit {
  return {
    status: 503,
    jsonBody: { error: `${what} is unavailable; try again shortly` },
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}

/** 500: `internal error while <doing>`, for a failure nobody expected (its details are for the log only). */
export function internalError(doing: string): HttpResponseInit {
  return { status: 500, jsonBody: { error: `internal error while ${doing}` } };
}
