/** Where a request carries the provider's API key: vendors disagree, so each route says. */
export type KeyPlace =
  | { kind: 'header'; name: string }
  | { kind: 'query'; name: string }
  /** `Authorization: Bearer <key>`. */
  | { kind: 'bearer' };

/** What a route is asked, once the key and the behaviour's intercept have let the request through. */
export interface RouteRequest {
  /** The path's capture groups, %-decoded. */
  segments: readonly string[];
  query: URLSearchParams;
  /** The provider clock's now. */
  now: Date;
}

/** A complete answer; the handler adds content-length. */
export interface ProviderResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/**
 * One path a simulated provider serves, in one wire shape (our native one or a vendor's). The handler does what is
 * common to all (404 for unknown paths, 405, the key, the behaviour's intercept, errors); the route only answers.
 */
export interface ProviderRoute {
  /** The paths it answers; its capture groups become `segments`. */
  readonly path: RegExp;
  /** The path for people, e.g. `/stations/<siteId>/export.csv`, listed when a path is unknown. */
  readonly pattern: string;
  readonly key: KeyPlace;
  /** The answer; throws ProviderRequestError for a request it refuses. */
  respond(request: RouteRequest): ProviderResponse;
}
