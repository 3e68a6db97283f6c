import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../shared/config/ConfigError';
import { readAppSettings } from '../../../shared/runtime/AppSettings';
import { retryDecisionOf } from '../../../shared/util/retryDecisionOf';

test('a missing storage or Cosmos DB setting is a ConfigError naming the setting, not retryable', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/' },
      /App setting "AzureWebJobsStorage" \(connection string\) or "AzureWebJobsStorage__blobServiceUri"/,
    ],
    [
      { AzureWebJobsStorage: 'UseDevelopmentStorage=true', COSMOS_ENDPOINT: '' },
      /App setting "COSMOS_ENDPOINT" is required/,
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => readAppSettings(env),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, message);
        assert.deepEqual(retryDecisionOf(err), { retryable: false, code: 'CONFIG_INVALID' });
        return true;
      },
    );
  }
});

test('with both set, the settings are read with their defaults', () => {
  const s = readAppSettings({
    AzureWebJobsStorage__blobServiceUri: 'https://acct.blob.core.windows.net',
    COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
  });
  assert.deepEqual(s, {
    blobServiceUri: 'https://acct.blob.core.windows.net',
    cosmosEndpoint: 'https://acct.documents.azure.com:443/',
    cosmosDatabase: 'forecasting',
    cosmosContainer: 'forecasts',
  });
});
