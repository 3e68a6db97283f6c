import { ConsumptionManagementClient, type ConsumptionManagementClientOptionalParams } from '@azure/arm-consumption';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { systemClock, type Clock } from '../time/Clock';
import {
  BudgetAuthError,
  BudgetError,
  BudgetNotFoundError,
  BudgetThrottledError,
  BudgetUnavailableError,
} from './BudgetError';
import type { BudgetReader } from './BudgetReader';
import type { BudgetState } from './BudgetState';
import { normalizeBudgetScope } from './normalizeBudgetScope';
import { redactSecrets } from './redactSecrets';
import { toBudgetState } from './toBudgetState';

type PipelinePolicy = Parameters<ConsumptionManagementClient['pipeline']['addPolicy']>[0];
type PipelineResponse = Awaited<ReturnType<PipelinePolicy['sendRequest']>>;

export interface ConsumptionBudgetReaderOptions {
  /** Azure Resource Manager endpoint (another cloud's, or a local test server's). */
  endpoint: string;
  /** Retries inside one read for throttled (429 with Retry-After) and transient failures, by the SDK's own policy. */
  maxRetries: number;
  /** A Retry-After (on 429 or 503) longer than this is not waited out inside the run: the read fails at once. */
  maxRetryAfterMs: number;
  /** HTTPS agent for the client; tests pass one that trusts their self-signed certificate. */
  agent?: ConsumptionManagementClientOptionalParams['agent'];
  /** Stamps `readAt`. */
  clock: Clock;
}

export const DEFAULT_CONSUMPTION_BUDGET_READER_OPTIONS: ConsumptionBudgetReaderOptions = {
  endpoint: 'https://management.azure.com',
  maxRetries: 2,
  maxRetryAfterMs: 20_000,
  clock: systemClock,
};

// The budget operations take the full scope; the client's subscriptionId is only used by operations not called here.
const UNUSED_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';

/** Reads budgets with `@azure/arm-consumption` (Budgets - Get) and maps every failure to a typed BudgetError. */
export class ConsumptionBudgetReader implements BudgetReader {
  private readonly client: ConsumptionManagementClient;
  private readonly options: ConsumptionBudgetReaderOptions;

  /** `credential`: in Azure a `DefaultAzureCredential` (the app's managed identity). Its tokens are never logged. */
  constructor(credential: TokenCredential, options: Partial<ConsumptionBudgetReaderOptions> = {}) {
    this.options = { ...DEFAULT_CONSUMPTION_BUDGET_READER_OPTIONS, ...options };
    const endpoint = this.options.endpoint.replace(/\/+$/, '');
    this.client = new ConsumptionManagementClient(authErrorsTyped(credential), UNUSED_SUBSCRIPTION_ID, {
      $host: endpoint,
      endpoint,
      retryOptions: { maxRetries: this.options.maxRetries },
      ...(this.options.agent ? { agent: this.options.agent } : {}),
    });
    // Inside the retry loop: sees every attempt's answer before the SDK decides to wait for it.
    this.client.pipeline.addPolicy(retryAfterCap(this.options.maxRetryAfterMs), { afterPhase: 'Retry' });
  }

  async read(scope: string, budgetName: string): Promise<BudgetState> {
    const path = normalizeBudgetScope(scope);
    try {
      const budget = await this.client.budgets.get(path, budgetName);
      return toBudgetState(budget, `/${path}`, budgetName, this.options.clock.now());
    } catch (err) {
      throw toBudgetError(err, `/${path}`, budgetName);
    }
  }
}

/** A credential whose failures (an expired CLI login, no managed identity) surface as BUDGET_AUTH. */
function authErrorsTyped(credential: TokenCredential): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      let token: AccessToken | null;
      try {
        token = await credential.getToken(scopes, options);
      } catch (err) {
        const name = err instanceof Error ? err.name : 'Error';
        throw new BudgetAuthError(
          `the credential could not get a token for Azure Resource Manager (${name}): ${redactSecrets(messageOf(err))}`,
          undefined,
          err,
        );
      }
      if (!token) throw new BudgetAuthError('the credential returned no token for Azure Resource Manager');
      return token;
    },
  };
}

function retryAfterCap(maxRetryAfterMs: number): PipelinePolicy {
  return {
    name: 'budgetRetryAfterCap',
    async sendRequest(request, next) {
      const response = await next(request);
      const wait = response.status === 429 || response.status === 503 ? retryAfterMs(response) : undefined;
      if (wait === undefined || wait <= maxRetryAfterMs) return response;
      const after = `asks to retry after ${Math.ceil(wait / 1000)} s${armDetail(response.bodyAsText)}`;
      if (response.status === 503)
        throw new BudgetUnavailableError(`the Consumption API is unavailable (HTTP 503) and ${after}`, 503);
      throw new BudgetThrottledError(`the Consumption API throttled the read and ${after}`, wait);
    },
  };
}

/** Maps what the SDK threw to a BudgetError with a stable code; the API's own error code and message are kept. */
export function toBudgetError(err: unknown, scope: string, budgetName: string): BudgetError {
  if (err instanceof BudgetError) return err;
  const status = statusOf(err);
  const detail = redactSecrets(describeArmError(err));
  if (status === 401 || status === 403) {
    const why =
      status === 401
        ? 'the token was refused'
        : 'the identity may not read budgets at this scope (it needs e.g. Cost Management Reader)';
    return new BudgetAuthError(
      `the Consumption API answered HTTP ${status} for budget "${budgetName}" at "${scope}": ${why}: ${detail}`,
      status,
      err,
    );
  }
  if (status === 404) return new BudgetNotFoundError(scope, budgetName, detail, status, err);
  if (status === 429) {
    const response = (err as { response?: PipelineResponse }).response;
    const wait = response ? retryAfterMs(response) : undefined;
    return new BudgetThrottledError(
      `the Consumption API throttled the read${wait !== undefined ? ` and asks to retry after ${Math.ceil(wait / 1000)} s` : ''}: ${detail}`,
      wait,
      status,
      err,
    );
  }
  return new BudgetUnavailableError(
    `reading budget "${budgetName}" at "${scope}" failed${status !== undefined ? ` with HTTP ${status}` : ''}: ${detail}`,
    status,
    err,
  );
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** `Code: message` from the `{ error: { code, message } }` body the SDK attached, else the error's own message. */
function describeArmError(err: unknown): string {
  const body = (err as { details?: { error?: { code?: unknown; message?: unknown } } }).details?.error;
  const code = typeof body?.code === 'string' ? body.code : (err as { code?: unknown }).code;
  const message = typeof body?.message === 'string' ? body.message : messageOf(err);
  return typeof code === 'string' && code !== '' && !message.startsWith(code) ? `${code}: ${message}` : message;
}

function armDetail(bodyText: string | null | undefined): string {
  if (!bodyText) return '';
  try {
    const body = JSON.parse(bodyText) as { error?: { code?: string; message?: string } };
    return body.error ? `: ${redactSecrets(`${body.error.code ?? ''}: ${body.error.message ?? ''}`)}` : '';
  } catch {
    return '';
  }
}

/** Retry-After in milliseconds: seconds or an HTTP date; also the `retry-after-ms` headers Azure services send. */
function retryAfterMs(response: PipelineResponse): number | undefined {
  for (const header of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(response.headers.get(header));
    if (response.headers.get(header) !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = response.headers.get('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
