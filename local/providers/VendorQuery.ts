import { ProviderRequestError } from './ProviderRequestError';

/** The longest time window a vendor-shaped endpoint answers, as real APIs cap their queries. */
export const MAX_WINDOW_MS = 7 * 86_400_000;

/** The query of a vendor-shaped request: each parameter at most once, every refusal a 400 naming it. */
export class VendorQuery {
  constructor(private readonly params: URLSearchParams) {}

  /** The parameter's value, undefined when absent. */
  optional(name: string): string | undefined {
    const all = this.params.getAll(name);
    if (all.length > 1)
      throw new ProviderRequestError(
        400,
        'BAD_PARAMETER',
        `bad parameter "${name}": given ${all.length} times, expected at most once`,
        name,
      );
    return all[0];
  }

  /** The parameter's value; `expected` describes it for the 400 when it is missing. */
  required(name: string, expected: string): string {
    const v = this.optional(name);
    if (v === undefined)
      throw new ProviderRequestError(400, 'BAD_PARAMETER', `missing parameter "${name}": expected ${expected}`, name);
    return v;
  }

  /** A 400 for the parameter's value. */
  bad(name: string, expected: string): ProviderRequestError {
    const got = this.params.get(name);
    return new ProviderRequestError(
      400,
      'BAD_PARAMETER',
      `bad parameter "${name}": expected ${expected}, got ${JSON.stringify(got ?? '')}`,
      name,
    );
  }

  /** Refuses a window that ends before it starts or spans more than MAX_WINDOW_MS (naming its end). */
  checkWindow(fromName: string, fromMs: number, toName: string, toMs: number): void {
    if (toMs < fromMs)
      throw this.bad(toName, `a time not before "${fromName}" (${JSON.stringify(this.params.get(fromName) ?? '')})`);
    if (toMs - fromMs > MAX_WINDOW_MS)
      throw this.bad(
        toName,
        `a time at most 7 days after "${fromName}" (${JSON.stringify(this.params.get(fromName) ?? '')})`,
      );
  }
}
