import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultScheduleError } from '../../../local/providers/FaultScheduleError';
import { ProviderRequestError } from '../../../local/providers/ProviderRequestError';
import { OpenMeteoRequestError } from '../../../local/examples/OpenMeteoRequestError';
import { HostError } from '../../../local/host/HostError';
import { ServiceError } from '../../../local/services/ServiceError';
import { BicepToolError } from '../../../local/tools/BicepToolError';
import { UnknownSiteError } from '../../../local/world/UnknownSiteError';
import {
  BudgetAuthError,
  BudgetConfigError,
  BudgetNotFoundError,
  BudgetThrottledError,
  BudgetUnavailableError,
} from '../../../shared/budget/BudgetError';
import { ConfigError } from '../../../shared/config/ConfigError';
import { SourceNotConfiguredError } from '../../../shared/config/SourceNotConfiguredError';
import { FeatureSpecError } from '../../../shared/features/FeatureSpecError';
import { ImageRejectedError } from '../../../shared/features/imageFeatures';
import { ForecastStoreRefusedError, ForecastStoreUnavailableError } from '../../../shared/forecast/ForecastStore';
import { WatermarkConflictError } from '../../../shared/ingest/WatermarkConflictError';
import { ExportError } from '../../../shared/models/gbdt/ExportError';
import { TrainingError } from '../../../shared/models/gbdt/TrainingError';
import { MetricsError } from '../../../shared/models/metrics/MetricsError';
import { ModelError } from '../../../shared/models/ModelError';
import { OnnxBuildError } from '../../../shared/models/onnx/OnnxBuildError';
import { PredictionInvariantError } from '../../../shared/predict/PredictionError';
import { RegistryError } from '../../../shared/registry/RegistryError';
import { ReplayError } from '../../../shared/replay/ReplayError';
import {
  ProviderHttpError,
  ProviderPageError,
  ProviderRedirectError,
  ProviderTimeoutError,
  ProviderUnreachableError,
  ProviderUrlError,
} from '../../../shared/sources/ProviderError';
import { BlobConflictError, StorageRefusedError, StorageUnavailableError } from '../../../shared/storage/BlobStore';
import { TrainingDataError } from '../../../shared/training/TrainingDataError';
import { isRetryDecision } from '../../../shared/util/RetryDecision';
import { retryDecisionOf, type RetryVerdict } from '../../../shared/util/retryDecisionOf';

/** Every error class of the app, one instance each, and what the retry contract says about it. */
const TABLE: [Error, RetryVerdict][] = [
  [new ConfigError('bad'), { retryable: false, code: 'CONFIG_INVALID' }],
  [
    new SourceNotConfiguredError('weather', [{ setting: 'WEATHER_KEY', path: 'sources[2].provider.apiKey' }]),
    { retryable: false, code: 'SOURCE_NOT_CONFIGURED' },
  ],
  [new BudgetAuthError('no token'), { retryable: false, code: 'BUDGET_AUTH' }],
  [new BudgetNotFoundError('/subscriptions/x', 'b', ''), { retryable: false, code: 'BUDGET_NOT_FOUND' }],
  [
    new BudgetThrottledError('slow down', 120_000),
    { retryable: true, code: 'BUDGET_THROTTLED', retryAfterMs: 120_000 },
  ],
  [new BudgetUnavailableError('down', 503), { retryable: true, code: 'BUDGET_UNAVAILABLE' }],
  [new BudgetUnavailableError('refused', 400), { retryable: false, code: 'BUDGET_UNAVAILABLE' }],
  [new BudgetConfigError('no scope'), { retryable: false, code: 'BUDGET_CONFIG' }],
  [new FeatureSpecError('UNKNOWN_ID', 'x'), { retryable: false, code: 'UNKNOWN_ID' }],
  [new ImageRejectedError('empty'), { retryable: false, code: 'IMAGE_REJECTED' }],
  [new ForecastStoreUnavailableError('down'), { retryable: true, code: 'FORECAST_STORE_UNAVAILABLE' }],
  [
    new ForecastStoreUnavailableError('throttled', undefined, 1000),
    { retryable: true, code: 'FORECAST_STORE_UNAVAILABLE', retryAfterMs: 1000 },
  ],
  [
    new ForecastStoreRefusedError('write a forecast', 403, 'refused'),
    { retryable: false, code: 'FORECAST_STORE_REFUSED' },
  ],
  [new WatermarkConflictError('weather'), { retryable: true, code: 'WATERMARK_CONFLICT' }],
  [new ExportError('NO_LEADS', 'x'), { retryable: false, code: 'NO_LEADS' }],
  [new TrainingError('INVALID_SHAPE', 'x'), { retryable: false, code: 'INVALID_SHAPE' }],
  [new MetricsError('LENGTH_MISMATCH', 'x'), { retryable: false, code: 'LENGTH_MISMATCH' }],
  [new ModelError('INVALID_MODEL_BYTES', 'x'), { retryable: false, code: 'INVALID_MODEL_BYTES' }],
  [new OnnxBuildError('EMPTY_GRAPH', 'x'), { retryable: false, code: 'EMPTY_GRAPH' }],
  [new PredictionInvariantError('x'), { retryable: false, code: 'PREDICTION_INVARIANT' }],
  [new RegistryError('CORRUPT_MODEL', 'x'), { retryable: false, code: 'CORRUPT_MODEL' }],
  [new ReplayError('BAD_ROW', 'x'), { retryable: false, code: 'BAD_ROW' }],
  [new ProviderUnreachableError('weather', 'refused'), { retryable: true, code: 'PROVIDER_UNREACHABLE' }],
  [new ProviderTimeoutError('weather', 'no answer'), { retryable: true, code: 'PROVIDER_TIMEOUT' }],
  [
    new ProviderHttpError('weather', 'HTTP 429', 429, 30_000),
    { retryable: true, code: 'PROVIDER_HTTP', retryAfterMs: 30_000 },
  ],
  [new ProviderHttpError('weather', 'HTTP 401', 401), { retryable: false, code: 'PROVIDER_HTTP' }],
  [
    new ProviderPageError('weather', 'not a page', Buffer.from('x'), 'text/plain', 'not JSON'),
    { retryable: true, code: 'PROVIDER_BAD_PAGE' },
  ],
  [new ProviderUrlError('weather', 'outside'), { retryable: false, code: 'PROVIDER_BAD_URL' }],
  [new ProviderRedirectError('weather', 'elsewhere'), { retryable: false, code: 'PROVIDER_REDIRECT' }],
  [new BlobConflictError('state', 'x.json'), { retryable: true, code: 'BLOB_CONFLICT' }],
  [new StorageUnavailableError('down'), { retryable: true, code: 'STORAGE_UNAVAILABLE' }],
  [
    new StorageRefusedError('read raw/x', 403, 'AuthorizationPermissionMismatch', 'refused'),
    { retryable: false, code: 'STORAGE_REFUSED' },
  ],
  [new TrainingDataError('MISSING_HISTORY', 'x'), { retryable: false, code: 'MISSING_HISTORY' }],
  [new FaultScheduleError('bad', []), { retryable: false, code: 'INVALID_FAULT_SCHEDULE' }],
  [new ProviderRequestError(401, 'UNAUTHORIZED', 'no key'), { retryable: false, code: 'UNAUTHORIZED' }],
  [new OpenMeteoRequestError(400, 'bad'), { retryable: false, code: 'BAD_PARAMETER' }],
  [new OpenMeteoRequestError(405, 'Method Not Allowed'), { retryable: false, code: 'METHOD_NOT_ALLOWED' }],
  [new HostError('INVOCATION_FAILED', 'x'), { retryable: true, code: 'INVOCATION_FAILED' }],
  [new HostError('BAD_SCHEDULE', 'x'), { retryable: false, code: 'BAD_SCHEDULE' }],
  [new ServiceError('START_TIMEOUT', 'x'), { retryable: true, code: 'START_TIMEOUT' }],
  [new ServiceError('PORT_IN_USE', 'x'), { retryable: false, code: 'PORT_IN_USE' }],
  [new BicepToolError('BICEP_FAILED', 'x'), { retryable: false, code: 'BICEP_FAILED' }],
  [new UnknownSiteError('nowhere', ['park-1']), { retryable: false, code: 'UNKNOWN_SITE' }],
];

test('every error class implements RetryDecision with a stable upper snake case code, and says what the table says', () => {
  for (const [err, expected] of TABLE) {
    assert.ok(isRetryDecision(err), err.name);
    assert.match(err.name, /Error$/);
    assert.match((err as Error & { code: string }).code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, err.name);
    assert.deepEqual(retryDecisionOf(err), expected, `${err.name} ${expected.code}`);
  }
});
