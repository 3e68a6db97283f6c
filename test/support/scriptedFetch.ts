/** One request the fake provider saw. */
export interface SeenRequest {
  url: URL;
  headers: Record<string, string>;
}

/** How the fake provider answers: a Response, or a thrown error (a network failure). */
export type FetchScript = (url: URL, seen: SeenRequest) => Response | Promise<Response>;

/** A `fetch` for ProviderClient that answers from `script` and records every request. */
export function scriptedFetch(script: FetchScript): typeof fetch & { seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const request = { url, headers };
    seen.push(request);
    return script(url, request);
  };
  return Object.assign(fake as typeof fetch, { seen });
}

/** A JSON answer. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A network failure as undici reports it. */
export function networkError(code = 'ECONNREFUSED'): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code }) });
}
