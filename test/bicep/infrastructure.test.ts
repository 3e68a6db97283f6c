import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, parseConfig } from '../../shared/config/loadConfig';
import { readAppSettings } from '../../shared/runtime/AppSettings';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { QUEUES, poisonQueueOf } from '../../shared/storage/MessageQueue';
import { TimerSchedule } from '../../local/host/TimerSchedule';
import { settingPrefix } from '../../local/localSettings';
import { formatDiagnostic } from '../../local/tools/sarifDiagnostics';
import { ArmFailure, type ArmValue, TEST_CONTEXT, UNKNOWN, parse } from './armExpression';
import { type ArmDeployment, type ArmResource, type ArmTemplate, type ResourceNode, walkDeployment } from './armWalk';
import { type CompiledInfrastructure, ENVIRONMENTS, compiledInfrastructure } from './compiledInfrastructure';

// The first run on a fresh clone restores the compiler from NuGet: allow for a slow registry.
const COMPILE_TIMEOUT_MS = 15 * 60_000;

/**
 * Types that carry no tags in ARM: modules (Bicep cannot tag the deployments it generates), role assignments,
 * a storage account's blob service and containers, Event Grid event subscriptions, budgets, a site's config (authsettingsV2).
 */
const UNTAGGABLE = new Set(
  [
    'Microsoft.Resources/deployments',
    'Microsoft.Authorization/roleAssignments',
    'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments',
    'Microsoft.Storage/storageAccounts/blobServices',
    'Microsoft.Storage/storageAccounts/blobServices/containers',
    'Microsoft.Storage/storageAccounts/queueServices',
    'Microsoft.Storage/storageAccounts/queueServices/queues',
    'Microsoft.EventGrid/systemTopics/eventSubscriptions',
    'Microsoft.Consumption/budgets',
    'Microsoft.Web/sites/config',
  ].map((t) => t.toLowerCase()),
);

/** What an app setting value must never look like: a storage or Cosmos key, a SAS, a key fetched at deployment. */
const SECRET_PATTERNS = [
  /AccountKey=/i,
  /SharedAccessSignature/i,
  /SharedAccessKey/i,
  /[?&]sig=/i,
  /DefaultEndpointsProtocol=/i,
  /\blist\w*\(/i,
];

const ROLE = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  costManagementReader: '72fafb9e-0641-4937-9268-a91bfd8191a3',
  cosmosDataContributor: '00000000-0000-0000-0000-000000000002',
};

/** The Function App's app settings as deployed; throws ArmFailure where the deployment would fail. */
function appSettingsOf(d: ArmDeployment): Map<string, ArmValue> {
  const site = d.instances(d.single('Microsoft.Web/sites'))[0] as ArmResource;
  const { appSettings } = (site.properties as { siteConfig: { appSettings: { name: string; value: ArmValue }[] } })
    .siteConfig;
  return new Map(appSettings.map((s) => [s.name, s.value]));
}

let infra: CompiledInfrastructure;

before(
  async () => {
    infra = await compiledInfrastructure();
  },
  { timeout: COMPILE_TIMEOUT_MS },
);
after(() => {
  if (infra) rmSync(infra.check.outDir, { recursive: true, force: true });
});

describe('bicep build and lint', () => {
  it('build every template and both parameter files with no error and no unsuppressed warning', () => {
    const shown = [...infra.check.blocking.map((d) => formatDiagnostic(d)), ...infra.check.failures];
    assert.deepEqual(shown, [], `the Bicep compiler or linter reported:\n${shown.join('\n')}`);
    for (const file of [
      'bicep/main.bicep',
      'bicep/main.dev.bicepparam',
      'bicep/main.prod.bicepparam',
      'bicep/modules/budget.bicep',
    ]) {
      assert.ok(infra.check.files.includes(file), `${file} was checked`);
    }
  });

  it('compile main.bicep for a resource group with nested deployments for its modules', () => {
    assert.match(String(infra.main['$schema' as keyof ArmTemplate]), /deploymentTemplate\.json/);
    const modules = walkDeployment(infra.main)
      .ofType('Microsoft.Resources/deployments')
      .map((m) => m.symbol);
    for (const m of [
      'identity',
      'deploymentIdentity',
      'storage',
      'monitoring',
      'cosmos',
      'systemTopic',
      'roles',
      'functionApp',
      'actionGroup',
      'budget',
    ]) {
      assert.ok(modules.includes(m), `module ${m} in ${modules.join(', ')}`);
    }
    // The Event Grid subscription is deployed on its own once the code runs (deploy-infra.sh imageEvents).
    assert.ok(!modules.includes('eventGrid'), 'main.bicep has no Event Grid subscription');
    assert.deepEqual(
      walkDeployment(infra.imageEvents)
        .ofType('Microsoft.Resources/deployments')
        .map((m) => m.resource.name),
      ['eventGrid'],
    );
  });
});

describe('templates follow the Bicep style', () => {
  it('describe every parameter as Required./Optional./Conditional., name it in lowerCamelCase and type it', () => {
    for (const t of [...walkDeployment(infra.main).templates, ...walkDeployment(infra.imageEvents).templates]) {
      for (const [name, p] of Object.entries(t.template.parameters ?? {})) {
        const where = `${t.path} parameter ${name}`;
        assert.match(name, /^[a-z][A-Za-z0-9]*$/, `${where}: lowerCamelCase`);
        const description = p.metadata?.description ?? '';
        assert.match(description, /^(Required|Optional|Conditional)\. \S/, `${where}: description "${description}"`);
        const hasDefault = 'defaultValue' in p || p['nullable'] === true;
        if (description.startsWith('Required.')) assert.ok(!hasDefault, `${where}: Required but has a default`);
        if (description.startsWith('Optional.')) assert.ok(hasDefault, `${where}: Optional but has no default`);
        const type = p.$ref ? t.template.definitions?.[p.$ref.replace('#/definitions/', '')] : p;
        assert.ok(type, `${where}: its type ${p.$ref} is defined`);
        if (type.type === 'object' || type.type === 'secureObject') {
          assert.ok(
            'properties' in type || 'additionalProperties' in type,
            `${where}: a user-defined type, not a bare object`,
          );
        }
        if (type.type === 'array') assert.ok('items' in type, `${where}: a typed array, not a bare array`);
      }
    }
  });

  it('describe every output', () => {
    for (const t of [...walkDeployment(infra.main).templates, ...walkDeployment(infra.imageEvents).templates]) {
      for (const [name, o] of Object.entries(t.template.outputs ?? {})) {
        assert.ok((o.metadata?.description ?? '').length > 0, `${t.path} output ${name} has a description`);
      }
    }
  });

  it('keep every secret out of every output', () => {
    for (const t of walkDeployment(infra.main).templates) {
      const secureParams = Object.entries(t.template.parameters ?? {})
        .filter(([, p]) => {
          const type = p.$ref ? t.template.definitions?.[p.$ref.replace('#/definitions/', '')] : p;
          return /^secure/i.test(String(type?.type));
        })
        .map(([name]) => name);
      for (const [name, o] of Object.entries(t.template.outputs ?? {})) {
        const where = `${t.path} output ${name}`;
        const text = JSON.stringify(o.value);
        assert.doesNotMatch(text, /\blist\w*\(/i, `${where} calls a list*() function: ${text}`);
        assert.doesNotMatch(name, /key|secret|password|connectionString|sas/i, `${where}: the name suggests a secret`);
        assert.doesNotMatch(text, /ConnectionString|primaryMasterKey|\.keys\b|systemKeys/i, `${where}: ${text}`);
        for (const p of secureParams)
          assert.ok(!text.includes(`parameters('${p}')`), `${where} exposes the secure parameter ${p}`);
        assert.ok(!/^secure/i.test(String(o.type)), `${where} is of a secure type`);
      }
    }
  });

  it('name every resource from the resource token with a short prefix', () => {
    const names = infra.main.variables?.['names'] as Record<string, string>;
    for (const [what, expression] of Object.entries(names)) {
      assert.match(
        expression,
        /^\[format\('[a-z]{2,6}-?\{0\}', variables\('resourceToken'\)\)\]$/,
        `names.${what}: ${expression}`,
      );
    }
    assert.match(
      String(infra.main.variables?.['resourceToken']),
      /uniqueString\(subscription\(\)\.id, resourceGroup\(\)\.id, parameters\('environmentName'\)\)/,
    );
  });
});

for (const envName of ENVIRONMENTS) {
  describe(`the ${envName} deployment`, () => {
    let d: ArmDeployment;
    let params: Record<string, ArmValue>;
    let settings: Map<string, ArmValue>;
    let site: ResourceNode;

    const one = (type: string): ArmResource => d.instances(d.single(type))[0] as ArmResource;
    const props = (type: string): Record<string, ArmValue> => one(type).properties as Record<string, ArmValue>;

    before(
      async () => {
        infra = await compiledInfrastructure();
        params = infra.parameters[envName];
        d = walkDeployment(infra.main, params);
        site = d.single('Microsoft.Web/sites');
        settings = appSettingsOf(d);
      },
      { timeout: COMPILE_TIMEOUT_MS },
    );

    it('has the environment name, and a budget, log cap and contacts of its own', () => {
      assert.equal(params['environmentName'], envName);
      const other = infra.parameters[envName === 'dev' ? 'prod' : 'dev'];
      for (const p of ['budgetAmount', 'logDailyCapMb', 'contactEmails']) {
        assert.ok(p in params, `${p} is set`);
        assert.notDeepEqual(params[p], other[p], `${p} differs between dev and prod`);
      }
    });

    it('declares a monthly budget on the resource group with actual 50/80/100 % and forecasted 100 % notifications to the emails and the action group', () => {
      const budget = one('Microsoft.Consumption/budgets');
      assert.equal(
        d.single('Microsoft.Consumption/budgets').resource['scope'],
        undefined,
        'deployed at the resource group',
      );
      const p = budget.properties as {
        category: string;
        amount: number;
        timeGrain: string;
        timePeriod: { startDate: string };
        notifications: Record<
          string,
          {
            enabled: boolean;
            operator: string;
            threshold: number;
            thresholdType: string;
            contactEmails: string[];
            contactGroups: string[];
          }
        >;
      };
      assert.equal(p.category, 'Cost');
      assert.equal(p.amount, params['budgetAmount']);
      assert.equal(p.timeGrain, 'Monthly');
      assert.match(p.timePeriod.startDate, /^\d{4}-\d{2}-01T00:00:00Z$/, 'starts on the first of a month');

      const actionGroupId = `/subscriptions/${TEST_CONTEXT.subscriptionId}/resourceGroups/${TEST_CONTEXT.resourceGroup}/providers/Microsoft.Insights/actionGroups/${String(one('Microsoft.Insights/actionGroups').name)}`;
      const notifications = Object.values(p.notifications);
      assert.deepEqual(notifications.map((n) => `${n.thresholdType} ${n.threshold}`).sort(), [
        'Actual 100',
        'Actual 50',
        'Actual 80',
        'Forecasted 100',
      ]);
      for (const n of notifications) {
        const what = `${n.thresholdType} ${n.threshold} %`;
        assert.equal(n.enabled, true, `${what} enabled`);
        assert.equal(n.operator, 'GreaterThanOrEqualTo', `${what} operator`);
        assert.deepEqual(n.contactEmails, params['contactEmails'], `${what} emails`);
        assert.deepEqual(n.contactGroups, [actionGroupId], `${what} action group`);
      }
    });

    it('sends the action group to every contact email', () => {
      const group = one('Microsoft.Insights/actionGroups');
      assert.equal(group.location, 'global');
      const p = group.properties as {
        enabled: boolean;
        groupShortName: string;
        emailReceivers: { emailAddress: string; useCommonAlertSchema: boolean }[];
      };
      assert.equal(p.enabled, true);
      assert.ok(p.groupShortName.length <= 12, `short name "${p.groupShortName}" fits in 12 characters`);
      assert.deepEqual(
        p.emailReceivers.map((r) => r.emailAddress),
        params['contactEmails'],
      );
    });

    it('keeps storage identity-only: no shared key, HTTPS only, TLS 1.2, no public blobs', () => {
      const p = props('Microsoft.Storage/storageAccounts');
      assert.equal(p['allowSharedKeyAccess'], false);
      assert.equal(p['supportsHttpsTrafficOnly'], true);
      assert.equal(p['minimumTlsVersion'], 'TLS1_2');
      assert.equal(p['allowBlobPublicAccess'], false);
    });

    it("creates predict's shard queue and its poison queue in the same storage account, which the app identity may use", () => {
      const queues = d.instances(d.single('Microsoft.Storage/storageAccounts/queueServices/queues'));
      const names = queues.map((q) => String(q.name).split('/').pop()).sort();
      assert.deepEqual(names, [QUEUES.predictShards, poisonQueueOf(QUEUES.predictShards)].sort());
      const app = grantsOf(d).filter((g) => /'appIdentity'/.test(g.principal));
      assert.ok(
        app.some((g) => g.role === ROLE.storageQueueDataContributor && g.container === undefined),
        'Storage Queue Data Contributor on the account: the queue trigger reads, hides and deletes messages',
      );
      assert.ok(
        appSettingsOf(d).has('AzureWebJobsStorage__queueServiceUri'),
        'the queue trigger and the coordinator connect by identity',
      );
    });

    it("creates every container the app uses, the host's, the dead letters', and the deployment package container the app deploys from", () => {
      const containers = d.instances(d.single('Microsoft.Storage/storageAccounts/blobServices/containers'));
      const names = containers.map((c) => String(c.name).split('/').pop());
      for (const c of [...Object.values(CONTAINERS), 'azure-webjobs-hosts', 'azure-webjobs-secrets', 'deadletter'])
        assert.ok(names.includes(c), `container ${c} in ${names.join(', ')}`);
      for (const c of containers) assert.equal((c.properties as { publicAccess: string }).publicAccess, 'None');
      const deployment = (
        props('Microsoft.Web/sites')['functionAppConfig'] as {
          deployment: { storage: { type: string; value: string; authentication: { type: string } } };
        }
      ).deployment.storage;
      assert.equal(deployment.type, 'blobContainer');
      // <blob endpoint of the account, known at deployment><container>
      const packageContainer = deployment.value.replace(/^<\?>/, '');
      assert.notEqual(packageContainer, deployment.value, `${deployment.value} starts with the blob endpoint`);
      assert.ok(names.includes(packageContainer), `the deployment package container ${packageContainer} exists`);
      const functionAppModule = d.ofType('Microsoft.Resources/deployments').find((m) => m.symbol === 'functionApp');
      const blobEndpoint = (
        functionAppModule?.resource.properties?.['parameters'] as Record<string, { value: string }>
      )['blobEndpoint'];
      assert.equal(
        blobEndpoint?.value,
        "[reference('storage').outputs.blobEndpoint.value]",
        'the endpoint of the storage account above',
      );
      assert.equal(deployment.authentication.type, 'UserAssignedIdentity');
      const deployIdentity = (deployment.authentication as unknown as { userAssignedIdentityResourceId: string })
        .userAssignedIdentityResourceId;
      assert.match(
        deployIdentity,
        /userAssignedIdentities\/idpkg-/,
        "the package is read with the deployment identity, not the app's",
      );
    });

    it('runs Cosmos DB serverless with local auth off, forecasts partitioned by /site with a TTL', () => {
      const account = props('Microsoft.DocumentDB/databaseAccounts');
      assert.deepEqual(account['capabilities'], [{ name: 'EnableServerless' }]);
      assert.equal(account['disableLocalAuth'], true);
      assert.equal(account['disableKeyBasedMetadataWriteAccess'], true);
      const database = one('Microsoft.DocumentDB/databaseAccounts/sqlDatabases');
      assert.equal(String(database.name).split('/').pop(), 'forecasting');
      const container = one('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
      assert.equal(String(container.name).split('/').pop(), 'forecasts');
      const resource = (container.properties as { resource: { partitionKey: { paths: string[] }; defaultTtl: number } })
        .resource;
      assert.deepEqual(resource.partitionKey.paths, ['/site']);
      assert.equal(resource.defaultTtl, Number(params['forecastRetentionDays'] ?? 90) * 86_400);
    });

    it('caps daily log ingestion and sends telemetry only with the identity', () => {
      const workspace = props('Microsoft.OperationalInsights/workspaces');
      assert.equal(
        (workspace['workspaceCapping'] as { dailyQuotaGb: number }).dailyQuotaGb,
        Number(params['logDailyCapMb']) / 1000,
      );
      const insights = props('Microsoft.Insights/components');
      assert.equal(insights['DisableLocalAuth'], true);
      assert.match(String(insights['WorkspaceResourceId']), /Microsoft\.OperationalInsights\/workspaces\/log-/);
      assert.match(
        String(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')),
        /^ClientId=.+;Authorization=AAD$/,
      );
    });

    it('runs the Function App on Flex Consumption (FC1), Node 22, as its user-assigned identity, at most 40 instances', () => {
      const plan = one('Microsoft.Web/serverfarms');
      assert.deepEqual(plan.sku, { name: 'FC1', tier: 'FlexConsumption' });
      const app = one('Microsoft.Web/sites');
      assert.equal(app.kind, 'functionapp,linux');
      assert.equal((app.properties as { httpsOnly: boolean }).httpsOnly, true);
      const config = (
        app.properties as {
          functionAppConfig: { runtime: unknown; scaleAndConcurrency: { maximumInstanceCount: number } };
        }
      ).functionAppConfig;
      assert.deepEqual(config.runtime, { name: 'node', version: '22' });
      assert.equal(config.scaleAndConcurrency.maximumInstanceCount, 40, 'the lowest cap Flex Consumption accepts');
      const identity = app['identity'] as { type: string; userAssignedIdentities: Record<string, unknown> };
      assert.equal(identity.type, 'UserAssigned');
      const identityIds = ['identity', 'deploymentIdentity'].map((m) => {
        const name = d.templates.find((t) => t.path === `main/${m}`)?.scope.parameter('name');
        return `/subscriptions/${TEST_CONTEXT.subscriptionId}/resourceGroups/${TEST_CONTEXT.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${String(name)}`;
      });
      assert.deepEqual(Object.keys(identity.userAssignedIdentities), identityIds);
      const clientId = settings.get('AZURE_CLIENT_ID');
      assert.equal(
        settings.get('AzureWebJobsStorage__clientId'),
        clientId,
        'the host and the app use the same identity',
      );
      // Flex Consumption takes the runtime from functionAppConfig and rejects these settings.
      for (const s of [
        'FUNCTIONS_WORKER_RUNTIME',
        'FUNCTIONS_EXTENSION_VERSION',
        'WEBSITE_RUN_FROM_PACKAGE',
        'WEBSITE_NODE_DEFAULT_VERSION',
      ]) {
        assert.ok(!settings.has(s), `no ${s}`);
      }
    });

    it('connects by identity: AzureWebJobsStorage__* and AZURE_CLIENT_ID, no keys or connection strings with secrets', () => {
      assert.equal(settings.get('AzureWebJobsStorage__credential'), 'managedidentity');
      assert.ok(settings.has('AzureWebJobsStorage__blobServiceUri'));
      assert.ok(settings.has('AzureWebJobsStorage__clientId'));
      assert.ok(settings.has('AZURE_CLIENT_ID'));
      for (const s of [
        'AzureWebJobsStorage',
        'COSMOS_KEY',
        'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
        'APPINSIGHTS_INSTRUMENTATIONKEY',
      ]) {
        assert.ok(!settings.has(s), `no ${s}`);
      }
      const raw = JSON.stringify(site.resource);
      for (const pattern of SECRET_PATTERNS) assert.doesNotMatch(raw, pattern, `the site's template has no ${pattern}`);
      for (const [name, value] of settings) {
        if (typeof value !== 'string') continue;
        for (const pattern of SECRET_PATTERNS) assert.doesNotMatch(value, pattern, `${name}=${value}`);
      }
      // The only secrets are the providers' API keys and other secrets, straight from the secure parameters.
      const keySettings = [...settings.keys()].filter((s) => /KEY|SECRET|PASSWORD|TOKEN/i.test(s));
      const sources = params['sources'] as { id: string }[];
      const secrets = (params['providerSecrets'] ?? {}) as Record<string, string>;
      assert.deepEqual(
        keySettings.sort(),
        [...sources.map((s) => `${settingPrefix(s.id)}_KEY`), ...Object.keys(secrets)].sort(),
      );
      for (const s of sources)
        assert.equal(settings.get(`${settingPrefix(s.id)}_KEY`), infra.placeholders[`${settingPrefix(s.id)}_KEY`]);
      for (const [name, value] of Object.entries(secrets))
        assert.equal(settings.get(name), value, `${name} from providerSecrets`);
      for (const type of ['providerKeysType', 'providerSecretsType']) {
        assert.equal(infra.main.definitions?.[type]?.type, 'secureObject', `${type} is a secure type`);
      }
    });

    it('gives the app every setting it reads: its own settings check and its configuration load with them', () => {
      const env = asEnvironment(settings);
      const app = readAppSettings(env);
      assert.equal(app.storageConnectionString, undefined, 'identity, not a connection string');
      assert.equal(app.cosmosKey, undefined, 'identity, not a Cosmos key');
      assert.equal(app.cosmosDatabase, 'forecasting');
      assert.equal(app.cosmosContainer, 'forecasts');
      const config = loadConfig(env, infra.root);
      assert.deepEqual(
        config.sources.map((s) => s.id),
        (params['sources'] as { id: string }[]).map((s) => s.id),
        "the parameter file has the configuration's sources",
      );
      // Schedules stay %NAME% references the host resolves: each must exist and be a valid NCRONTAB expression.
      const configText = readFileSync(join(infra.root, String(settings.get('FORECAST_CONFIG'))), 'utf8');
      for (const [, name] of configText.matchAll(/%([A-Za-z0-9_]+)%/g)) {
        assert.ok(settings.has(name as string), `app setting ${name}, referenced by the configuration`);
      }
      for (const [name, value] of settings) {
        if (name.endsWith('_SCHEDULE')) TimerSchedule.parse(String(value), name);
      }
      assert.ok(settings.has('COST_WATCH_SCHEDULE'));
      assert.ok(settings.has('COMPACT_SCHEDULE'));
      assert.equal(
        settings.get('BUDGET_SCOPE'),
        `/subscriptions/${TEST_CONTEXT.subscriptionId}/resourceGroups/${TEST_CONTEXT.resourceGroup}`,
      );
      assert.equal(settings.get('BUDGET_NAME'), one('Microsoft.Consumption/budgets').name);
    });

    it('subscribes preprocess-image to BlobCreated events of the manifests in the images container through the blob extension webhook, dead-lettering what it cannot deliver', () => {
      const source = readFileSync(join(infra.root, 'functions', 'preprocessImage.ts'), 'utf8');
      const registered = /app\.storageBlob\('([^']+)',\s*\{\s*path:\s*'([^/']+)\/([^{']*)\{/.exec(source);
      assert.ok(registered, 'functions/preprocessImage.ts registers a blob trigger');
      assert.match(source, /source:\s*'EventGrid'/);
      const [, functionName, container, namePrefix] = registered;

      const topic = one('Microsoft.EventGrid/systemTopics');
      assert.equal((topic.properties as Record<string, unknown>)['topicType'], 'Microsoft.Storage.StorageAccounts');
      const storageName = String(one('Microsoft.Storage/storageAccounts').name);
      assert.match(
        String((topic.properties as Record<string, unknown>)['source']),
        new RegExp(`/providers/Microsoft\\.Storage/storageAccounts/${storageName}$`),
      );
      assert.deepEqual(
        topic['identity'],
        { type: 'SystemAssigned' },
        'the topic writes dead letters as its own identity',
      );

      // bicep/imageEvents.bicep, deployed with main.bicep's outputs (deploy-infra.sh imageEvents).
      const ev = walkDeployment(infra.imageEvents, imageEventsParameters(d));
      const eventGridModule = ev.templates.find((t) => t.deployment?.name === 'eventGrid');
      assert.equal(
        eventGridModule?.scope.parameter('systemTopicName'),
        topic.name,
        'the subscription is on the topic main.bicep creates',
      );
      const node = ev.single('Microsoft.EventGrid/systemTopics/eventSubscriptions');
      const subscription = ev.instances(node)[0] as ArmResource;
      assert.equal(subscription.condition, undefined, 'always deployed by imageEvents.bicep');
      const p = subscription.properties as {
        destination: { endpointType: string; properties: { endpointUrl: string } };
        filter: { includedEventTypes: string[]; subjectBeginsWith: string };
        retryPolicy: { maxDeliveryAttempts: number; eventTimeToLiveInMinutes: number };
        deadLetterWithResourceIdentity: {
          identity: { type: string };
          deadLetterDestination: {
            endpointType: string;
            properties: { resourceId: string; blobContainerName: string };
          };
        };
      };
      assert.equal(p.destination.endpointType, 'WebHook');
      assert.equal(
        p.destination.properties.endpointUrl,
        `https://<?>/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=<?>`,
      );
      const rawUrl = JSON.stringify((node.resource.properties as { destination: unknown }).destination);
      assert.match(
        rawUrl,
        /listKeys\(format\('\{0\}\/host\/default', resourceId\('Microsoft\.Web\/sites'.*\)\.systemKeys\.blobs_extension/,
        'the code is the blobs_extension system key',
      );
      assert.match(
        rawUrl,
        /reference\(resourceId\('Microsoft\.Web\/sites', parameters\('functionAppName'\)\)/,
        'the host is the Function App',
      );
      assert.equal(eventGridModule?.scope.parameter('functionAppName'), one('Microsoft.Web/sites').name);
      assert.deepEqual(p.filter.includedEventTypes, ['Microsoft.Storage.BlobCreated']);
      // Only the trigger path's blobs (the manifests of ingest pages, one execution per page), not every picture.
      assert.equal(namePrefix, '_batches/');
      assert.equal(p.filter.subjectBeginsWith, `/blobServices/default/containers/${container}/blobs/${namePrefix}`);

      // What Event Grid gives up on goes to the dead-letter container, written with the topic's identity.
      assert.ok(p.retryPolicy.maxDeliveryAttempts >= 1 && p.retryPolicy.eventTimeToLiveInMinutes <= 1440);
      const dl = p.deadLetterWithResourceIdentity;
      assert.equal(dl.identity.type, 'SystemAssigned');
      assert.equal(dl.deadLetterDestination.endpointType, 'StorageBlob');
      assert.match(
        dl.deadLetterDestination.properties.resourceId,
        new RegExp(`/providers/Microsoft\\.Storage/storageAccounts/${storageName}$`),
      );
      const containers = d
        .instances(d.single('Microsoft.Storage/storageAccounts/blobServices/containers'))
        .map((c) => String(c.name).split('/').pop());
      assert.ok(
        containers.includes(dl.deadLetterDestination.properties.blobContainerName),
        `the dead-letter container ${dl.deadLetterDestination.properties.blobContainerName} exists`,
      );
      const writer = grantsOf(d).filter(
        (g) => g.container === dl.deadLetterDestination.properties.blobContainerName && /systemTopic/.test(g.principal),
      );
      assert.deepEqual(
        writer.map((g) => g.role),
        [ROLE.storageBlobDataContributor],
        "the topic's identity may write the dead letters (Storage Blob Data Contributor)",
      );
    });

    it('grants the app identity its roles, blob roles scoped to its containers and never the deployment package, each named guid(scope, principal, role)', () => {
      const grants = grantsOf(d);
      for (const g of grants) assert.ok(g.guidName, `${g.symbol}: named guid(scope, principal, role)`);
      const app = grants.filter((g) => /'appIdentity'/.test(g.principal));
      const describe = (list: Grant[]): string[] => list.map((g) => `${g.role} ${g.container ?? g.scope}`).sort();
      assert.deepEqual(
        describe(app.filter((g) => g.container !== undefined)),
        [
          ...Object.values(CONTAINERS).map((c) => `${ROLE.storageBlobDataContributor} ${c}`),
          ...['azure-webjobs-hosts', 'azure-webjobs-secrets'].map((c) => `${ROLE.storageBlobDataOwner} ${c}`),
        ].sort(),
        "Contributor on the data containers, Owner on the host's own",
      );
      const expected: [string, RegExp][] = [
        [ROLE.storageQueueDataContributor, /Microsoft\.Storage\/storageAccounts\/[^/]+$/],
        [ROLE.monitoringMetricsPublisher, /Microsoft\.Insights\/components\//],
        [ROLE.costManagementReader, /^resourceGroup$/],
      ];
      assert.deepEqual(
        describe(app.filter((g) => g.container === undefined))
          .map((x) => x.split(' ')[0])
          .sort(),
        expected.map(([r]) => r).sort(),
        'no blob role on the whole account',
      );
      for (const [role, scope] of expected) {
        const g = app.find((x) => x.role === role);
        assert.ok(g, `role ${role} is assigned`);
        assert.match(g.scope, scope, `role ${role} scope`);
        assert.equal(g.principalType, 'ServicePrincipal');
      }
      // Only the deployment identity reaches the package container.
      const packageGrants = grants.filter((g) => g.container === 'app-package');
      assert.deepEqual(
        packageGrants.map((g) => [g.role, /'deploymentIdentity'/.test(g.principal)]),
        [[ROLE.storageBlobDataContributor, true]],
      );
      assert.deepEqual(
        grants.filter((g) => /'deploymentIdentity'/.test(g.principal)).length,
        1,
        'the deployment identity has no other role',
      );

      const cosmos = one('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
      const cp = cosmos.properties as { roleDefinitionId: string; scope: string };
      assert.match(cp.roleDefinitionId, new RegExp(`/sqlRoleDefinitions/${ROLE.cosmosDataContributor}$`));
      assert.match(cp.scope, /Microsoft\.DocumentDB\/databaseAccounts\/cosmos-/);
      assert.match(
        String(d.single('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments').resource.name),
        /guid\(/,
      );
      const rolesTemplate = d.templates.find((t) => t.path === 'main/roles');
      const identityName = d.templates.find((t) => t.path === 'main/identity')?.scope.parameter('name');
      assert.equal(
        rolesTemplate?.scope.parameter('appIdentityName'),
        identityName,
        'the roles go to the identity the app runs as',
      );
      assert.deepEqual(
        grants.filter((g) => !/'(appIdentity|deploymentIdentity|systemTopic)'/.test(g.principal)),
        [],
        'no pipeline or operator roles unless asked for',
      );
    });

    it('tags every resource that takes tags with azd-env-name and workload', () => {
      let checked = 0;
      for (const node of d.resources) {
        if (UNTAGGABLE.has(node.resource.type.toLowerCase())) continue;
        for (const r of d.instances(node)) {
          const tags = r.tags as Record<string, string> | undefined;
          const where = `${node.owner.path}/${node.symbol} (${node.resource.type})`;
          assert.ok(tags && typeof tags === 'object', `${where} has tags`);
          assert.equal(tags['azd-env-name'], envName, `${where} azd-env-name`);
          assert.ok((tags['workload'] ?? '').length > 0, `${where} workload`);
          checked++;
        }
      }
      assert.ok(checked >= 10, `${checked} tagged resources`);
    });
  });
}

/** A value a test can find wherever it goes. */
const marker = (what: string): string => `marker-${what}-7f3a9c`;

/** The app settings as a process environment: values known only at deployment become URL-shaped stand-ins. */
function asEnvironment(settings: Map<string, ArmValue>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of settings)
    env[name] = value === UNKNOWN || typeof value !== 'string' ? `https://known-at-deployment.example/${name}` : value;
  return env;
}

interface SourceParameter {
  id: string;
  endpoint: string;
  settings?: Record<string, string>;
}

/** Sources added to the dev parameters, `settings` of sources by id, and `providerSecrets`. */
interface ProviderChange {
  sources?: string[];
  settings?: Record<string, Record<string, string>>;
  secrets?: Record<string, string>;
}

describe('provider settings and secrets', () => {
  const SECRET = marker('secret');

  before(
    async () => {
      infra = await compiledInfrastructure();
    },
    { timeout: COMPILE_TIMEOUT_MS },
  );

  const variant = (change: ProviderChange): Record<string, ArmValue> => {
    const base = infra.parameters.dev;
    const added = change.sources ?? [];
    const sources = [
      ...(base['sources'] as SourceParameter[]),
      ...added.map((id) => ({ id, endpoint: `https://${id}.provider.example.com/` })),
    ];
    return {
      ...base,
      sources: sources.map((s) => ({ ...s, ...(change.settings?.[s.id] ? { settings: change.settings[s.id] } : {}) })),
      providerKeys: {
        ...(base['providerKeys'] as Record<string, string>),
        ...Object.fromEntries(added.map((id) => [id, marker(`${id}-key`)])),
      },
      providerSecrets: change.secrets ?? {},
    };
  };
  const settingsFor = (change: ProviderChange): Map<string, ArmValue> =>
    appSettingsOf(walkDeployment(infra.main, variant(change)));

  it("sets each source's settings and each provider secret as an app setting, which the configuration resolves", () => {
    const settings = settingsFor({
      settings: {
        'site-meter': { SITE_METER_PROVIDER_SITE_ID: '123456' },
        neighbors: { NEIGHBORS_USERNAME: 'viewer' },
      },
      secrets: { NEIGHBORS_PASSWORD: SECRET },
    });
    assert.equal(settings.get('SITE_METER_PROVIDER_SITE_ID'), '123456');
    assert.equal(settings.get('NEIGHBORS_USERNAME'), 'viewer');
    assert.equal(settings.get('NEIGHBORS_PASSWORD'), SECRET);

    // The shipped configuration, with site-meter's own id of the first site and Basic authentication for neighbors.
    type RawConfig = { sites: { id: string }[]; sources: { id: string; provider: Record<string, unknown> }[] };
    const raw = JSON.parse(readFileSync(join(infra.root, 'config', 'solar-park.json'), 'utf8')) as RawConfig;
    const provider = (id: string): Record<string, unknown> => {
      const p = raw.sources.find((s) => s.id === id)?.provider;
      assert.ok(
        p && /^http-/.test(String(p['protocol'])),
        `config/solar-park.json reads ${id} over http-json or http-csv`,
      );
      return p;
    };
    const site = raw.sites[0]?.id as string;
    provider('site-meter')['sites'] = { [site]: '%SITE_METER_PROVIDER_SITE_ID%' };
    provider('neighbors')['auth'] = {
      kind: 'basic',
      username: '%NEIGHBORS_USERNAME%',
      password: '%NEIGHBORS_PASSWORD%',
    };
    const config = parseConfig(raw, asEnvironment(settings));
    const resolved = (id: string): Record<string, unknown> =>
      config.sources.find((s) => s.id === id)?.provider as unknown as Record<string, unknown>;
    assert.deepEqual(resolved('site-meter')['sites'], { [site]: '123456' });
    assert.deepEqual(resolved('neighbors')['auth'], { kind: 'basic', username: 'viewer', password: SECRET });
  });

  it('takes secrets only from secure parameters, and puts them in no resource, output or setting but their own', () => {
    const params = variant({
      settings: { skycam: { SKYCAM_USERNAME: 'viewer' } },
      secrets: { SKYCAM_PASSWORD: SECRET },
    });
    const expected = new Map<string, string>([[SECRET, 'SKYCAM_PASSWORD']]);
    for (const [id, key] of Object.entries(params['providerKeys'] as Record<string, string>))
      expected.set(key, `${settingPrefix(id)}_KEY`);
    const leaks = (value: ArmValue): string[] =>
      [...expected.keys()].filter((secret) => JSON.stringify(value)?.includes(secret));
    const d = walkDeployment(infra.main, params);
    const secureType = (t: (typeof d.templates)[number], name: string): boolean => {
      const p = t.template.parameters?.[name];
      const type = p?.$ref ? t.template.definitions?.[p.$ref.replace('#/definitions/', '')] : p;
      return /^secure/i.test(String(type?.type));
    };

    for (const t of d.templates) {
      for (const name of ['providerKeys', 'providerSecrets']) {
        if (t.template.parameters?.[name]) assert.ok(secureType(t, name), `${t.path} parameter ${name} is secure`);
      }
      for (const [name, o] of Object.entries(t.template.outputs ?? {}))
        assert.deepEqual(leaks(d.evaluate(o.value, t)), [], `${t.path} output ${name}`);
    }
    for (const node of d.resources) {
      const where = `${node.owner.path}/${node.symbol}`;
      if (node.resource.type.toLowerCase() === 'microsoft.resources/deployments') {
        // A module receives a secret only as a parameter of a secure type (its template is checked on its own).
        const child = d.templates.find((t) => t.deployment === node.resource);
        const passed = d.evaluate(node.resource.properties?.['parameters'], node.owner) as Record<
          string,
          { value: ArmValue }
        >;
        for (const [name, p] of Object.entries(passed)) {
          if (leaks(p.value).length > 0)
            assert.ok(
              child && secureType(child, name),
              `${where} passes a secret to its parameter ${name}, which is not secure`,
            );
        }
        continue;
      }
      for (const r of d.instances(node)) {
        if (node.resource.type.toLowerCase() !== 'microsoft.web/sites') {
          assert.deepEqual(leaks(r), [], where);
          continue;
        }
        const { appSettings } = (r.properties as { siteConfig: { appSettings: { name: string; value: ArmValue }[] } })
          .siteConfig;
        for (const s of appSettings) {
          const found = leaks(s.value);
          assert.deepEqual(
            found.map((v) => expected.get(v)),
            found.length > 0 ? [s.name] : [],
            `app setting ${s.name}`,
          );
        }
        assert.deepEqual(
          leaks({ ...r, properties: { ...(r.properties as object), siteConfig: {} } }),
          [],
          `${where} outside its app settings`,
        );
      }
    }
    const settings = appSettingsOf(d);
    for (const [secret, name] of expected) assert.equal(settings.get(name), secret, name);
    assert.equal(settings.get('SKYCAM_USERNAME'), 'viewer');
  });

  const rejected: [string, ProviderChange, RegExp][] = [
    [
      "a setting without its source's prefix",
      { settings: { skycam: { USERNAME: 'viewer' } } },
      /sources\[skycam\]\.settings: USERNAME is not named SKYCAM_<NAME>/,
    ],
    [
      "a setting with another source's prefix",
      { settings: { skycam: { WEATHER_STATION: '7' } } },
      /WEATHER_STATION is not named SKYCAM_<NAME>/,
    ],
    [
      'a setting named just the prefix',
      { settings: { skycam: { SKYCAM_: 'x' } } },
      /SKYCAM_ is not named SKYCAM_<NAME>/,
    ],
    [
      'a setting in lower case',
      { settings: { skycam: { Skycam_User: 'viewer' } } },
      /Skycam_User has characters other than A-Z, 0-9 and _/,
    ],
    [
      'a setting with a dash',
      { settings: { skycam: { 'SKYCAM_USER-NAME': 'viewer' } } },
      /SKYCAM_USER-NAME has characters other than/,
    ],
    [
      'a setting that looks like a secret',
      { settings: { skycam: { SKYCAM_PASSWORD: SECRET } } },
      /SKYCAM_PASSWORD looks like a secret .*: set it in providerSecrets/,
    ],
    [
      "a setting that replaces its source's endpoint",
      { settings: { skycam: { SKYCAM_ENDPOINT: 'https://elsewhere.example.com/' } } },
      /SKYCAM_ENDPOINT is set twice/,
    ],
    ['a secret that replaces a provider key', { secrets: { SKYCAM_KEY: SECRET } }, /SKYCAM_KEY is set twice/],
    [
      'a secret of no source',
      { secrets: { AZURE_CLIENT_SECRET: SECRET } },
      /providerSecrets: AZURE_CLIENT_SECRET is not named SITE_METER_<NAME> or .*SKYCAM_<NAME>/,
    ],
    [
      'a name both a setting and a secret',
      { settings: { skycam: { SKYCAM_USERNAME: 'viewer' } }, secrets: { SKYCAM_USERNAME: SECRET } },
      /SKYCAM_USERNAME is set twice/,
    ],
    [
      "a source whose prefix reaches another source's settings",
      { sources: ['site'], settings: { site: { SITE_METER_ENDPOINT: 'https://elsewhere.example.com/' } } },
      /SITE_METER_ENDPOINT is set twice/,
    ],
    [
      "a source whose prefix reaches the app's own settings",
      { sources: ['cosmos'], settings: { cosmos: { COSMOS_DATABASE: 'other' } } },
      /COSMOS_DATABASE starts with one of .*which the platform and the app use/,
    ],
    ["a source whose own settings are the app's", { sources: ['cosmos'] }, /COSMOS_ENDPOINT is set twice/],
    [
      "a source whose prefix reaches the platform's settings",
      { sources: ['website'], settings: { website: { WEBSITE_RUN_FROM_PACKAGE: '1' } } },
      /WEBSITE_RUN_FROM_PACKAGE starts with one of/,
    ],
  ];
  for (const [what, change, message] of rejected) {
    it(`fails the deployment on ${what}, naming the setting but no value`, () => {
      assert.throws(
        () => settingsFor(change),
        (e: unknown) =>
          e instanceof ArmFailure &&
          e.message.startsWith('Invalid provider app settings: ') &&
          message.test(e.message) &&
          !e.message.includes(SECRET),
      );
    });
  }

  it('lets no provider setting or secret take a name the app, another source or the platform uses', () => {
    const own = [...settingsFor({}).keys()];
    assert.ok(own.includes('FORECAST_CONFIG') && own.includes('SKYCAM_KEY'), "the app's and the sources' own settings");
    const platform = [
      'AzureWebJobsStorage',
      'AzureWebJobsFeatureFlags',
      'AZURE_CLIENT_SECRET',
      'AZURE_TENANT_ID',
      'WEBSITE_RUN_FROM_PACKAGE',
      'FUNCTIONS_WORKER_RUNTIME',
      'FUNCTIONS_EXTENSION_VERSION',
      'APPINSIGHTS_INSTRUMENTATIONKEY',
      'SCM_DO_BUILD_DURING_DEPLOYMENT',
    ];
    const existing = (infra.parameters.dev['sources'] as SourceParameter[]).map((s) => s.id);
    for (const name of [...own, ...platform]) {
      // A source named after the setting's first word, so that its prefix alone would let the name through.
      const id = (name.split('_')[0] as string).toLowerCase();
      const sources = existing.includes(id) ? [] : [id];
      for (const [as, change] of [
        ['a setting', { sources, settings: { [id]: { [name]: 'x' } } }],
        ['a secret', { sources, secrets: { [name]: SECRET } }],
      ] as const) {
        const namesIt = (e: unknown): boolean =>
          e instanceof ArmFailure && e.message.toUpperCase().includes(name.toUpperCase());
        assert.throws(() => settingsFor(change), namesIt, `${name} as ${as} of a source ${id}`);
      }
    }
  });
});

/** One Azure role assignment as deployed. */
interface Grant {
  symbol: string;
  role: string;
  scope: string;
  /** The blob container it is scoped to, if any. */
  container?: string;
  principalType: string;
  /** The principalId expression as compiled (names the identity it comes from). */
  principal: string;
  /** The principalId as evaluated (known for parameters, unknown for identities created by the deployment). */
  principalId: ArmValue;
  guidName: boolean;
}

/** Every role assignment of a deployment, loops expanded. */
function grantsOf(d: ArmDeployment): Grant[] {
  return d.ofType('Microsoft.Authorization/roleAssignments').flatMap((node) => {
    const name = parse(String(node.resource.name).slice(1, -1));
    const guidName = name.kind === 'call' && name.name === 'guid' && name.args.length === 3;
    return d.instances(node).map((r) => {
      const p = r.properties as { roleDefinitionId: string; principalType: string; principalId: ArmValue };
      const scope = String(r['scope'] ?? 'resourceGroup');
      const container = /\/containers\/([^/]+)$/.exec(scope)?.[1];
      return {
        symbol: node.symbol,
        role: p.roleDefinitionId.split('/').pop() as string,
        scope,
        ...(container ? { container } : {}),
        principalType: p.principalType,
        principal: JSON.stringify(node.resource.properties?.['principalId']),
        principalId: p.principalId,
        guidName,
      };
    });
  });
}

/** imageEvents.bicep's parameters, from main.bicep's outputs as deploy-infra.sh passes them. */
function imageEventsParameters(d: ArmDeployment): Record<string, ArmValue> {
  const root = d.templates[0] as (typeof d.templates)[number];
  const out = (name: string): ArmValue => d.evaluate(root.template.outputs?.[name]?.value, root);
  return {
    systemTopicName: out('systemTopicName'),
    storageAccountName: out('storageAccountName'),
    functionAppName: out('functionAppName'),
    deadLetterContainerName: out('deadLetterContainerName'),
  };
}

describe('ready for a first real deployment', () => {
  before(
    async () => {
      infra = await compiledInfrastructure();
    },
    { timeout: COMPILE_TIMEOUT_MS },
  );

  const budgetOf = (params: Record<string, ArmValue>): { startDate: string; output: ArmValue } => {
    const d = walkDeployment(infra.main, params);
    const budget = d.instances(d.single('Microsoft.Consumption/budgets'))[0] as ArmResource;
    const root = d.templates[0] as (typeof d.templates)[number];
    return {
      startDate: (budget.properties as { timePeriod: { startDate: string } }).timePeriod.startDate,
      output: d.evaluate(root.template.outputs?.['budgetStartDate']?.value, root),
    };
  };

  it('starts a new budget on the first of the current month', () => {
    assert.equal(
      infra.parameters.dev['budgetStartDate'],
      '',
      'the parameter files leave it empty unless BUDGET_START_DATE is set',
    );
    const now = new Date();
    const first = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01`;
    assert.deepEqual(budgetOf(infra.parameters.dev), { startDate: `${first}T00:00:00Z`, output: first });
  });

  it('keeps the start date of an existing budget in a later month (the Budgets API refuses to change it)', () => {
    for (const env of ENVIRONMENTS) {
      const text = readFileSync(join(infra.root, 'bicep', `main.${env}.bicepparam`), 'utf8');
      assert.match(
        text,
        /param budgetStartDate = readEnvironmentVariable\('BUDGET_START_DATE', ''\)/,
        `main.${env}.bicepparam reads the start deploy-infra.sh found`,
      );
    }
    assert.deepEqual(budgetOf({ ...infra.parameters.prod, budgetStartDate: '2025-11-01' }), {
      startDate: '2025-11-01T00:00:00Z',
      output: '2025-11-01',
    });
  });

  for (const bad of ['2025-11-15', '2025-11', '11/01/2025']) {
    it(`refuses a budget start of "${bad}", naming it and what was expected`, () => {
      assert.throws(
        () => budgetOf({ ...infra.parameters.dev, budgetStartDate: bad }),
        (e: unknown) =>
          e instanceof ArmFailure && e.message.includes(`"${bad}"`) && e.message.includes('expected yyyy-MM-01'),
      );
    });
  }

  it("gives the pipeline's principal Storage Blob Data Contributor on the app's containers and the dead letters, not the package", () => {
    const pipeline = '0b5e2c1d-7a3f-4e9b-8c6d-2f1a9e8b7c6d';
    const operator = '1c6f3d2e-8b4a-4f0c-9d7e-3a2b0f9c8d7e';
    const d = walkDeployment(infra.main, {
      ...infra.parameters.dev,
      pipelinePrincipalId: pipeline,
      operators: [{ principalId: operator, principalType: 'Group' }],
    });
    const grants = grantsOf(d);
    for (const [who, type] of [
      [pipeline, 'ServicePrincipal'],
      [operator, 'Group'],
    ] as const) {
      const mine = grants.filter((g) => g.principalId === who);
      assert.deepEqual(
        mine.map((g) => g.container).sort(),
        [...Object.values(CONTAINERS), 'deadletter'].sort(),
        `${who}: the data and the dead letters`,
      );
      for (const g of mine) {
        assert.equal(g.role, ROLE.storageBlobDataContributor);
        assert.equal(g.principalType, type);
        assert.ok(g.guidName);
      }
    }
  });

  it("documents every role the deployment assigns: the service connection's condition in bicep/README.md and the check in deploy-infra.sh", () => {
    const d = walkDeployment(infra.main, {
      ...infra.parameters.dev,
      pipelinePrincipalId: '0b5e2c1d-7a3f-4e9b-8c6d-2f1a9e8b7c6d',
    });
    const assigned = [...new Set(grantsOf(d).map((g) => g.role))].sort();
    const root = d.templates[0] as (typeof d.templates)[number];
    assert.deepEqual(
      [...(d.evaluate(root.template.outputs?.['assignedRoleDefinitionIds']?.value, root) as string[])].sort(),
      assigned,
      'the output lists them',
    );
    const readme = readFileSync(join(infra.root, 'bicep', 'README.md'), 'utf8');
    const condition = /```text\n(\(\(!\(ActionMatches[\s\S]*?)\n```/.exec(readme)?.[1] ?? '';
    assert.ok(
      condition.length > 0,
      'bicep/README.md shows the condition of the Role Based Access Control Administrator assignment',
    );
    assert.deepEqual(
      [...new Set(condition.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g))].sort(),
      assigned,
      'the condition allows exactly these roles',
    );
    const script = readFileSync(join(infra.root, 'pipelines', 'scripts', 'deploy-infra.sh'), 'utf8');
    const listed = /^assigned_roles="([^"]*)"/m.exec(script)?.[1]?.split(/\s+/).filter(Boolean).sort();
    assert.deepEqual(listed, assigned, 'deploy-infra.sh checks the same roles');
  });
});

describe('first deployment checklist', () => {
  before(
    async () => {
      infra = await compiledInfrastructure();
    },
    { timeout: COMPILE_TIMEOUT_MS },
  );

  it('names every resource provider the templates deploy to, to register before the first deployment', () => {
    const readme = readFileSync(join(infra.root, 'bicep', 'README.md'), 'utf8');
    const line =
      /for ns in ([^;]+); do az provider\s+register/.exec(readme.replace(/\n\s*/g, ' '))?.[1]?.split(/\s+/) ?? [];
    assert.ok(line.length > 0, 'bicep/README.md has the az provider register loop');
    const namespaces = new Set<string>();
    for (const template of [infra.main, infra.imageEvents]) {
      for (const r of walkDeployment(template, infra.parameters.dev).resources)
        namespaces.add(r.resource.type.split('/')[0] as string);
    }
    // Always registered in every subscription.
    for (const ns of ['Microsoft.Resources', 'Microsoft.Authorization']) namespaces.delete(ns);
    assert.deepEqual(
      [...namespaces].filter((ns) => !line.includes(ns)),
      [],
      `providers missing from the checklist (it has ${line.join(', ')})`,
    );
  });
});

describe('the dashboard behind sign-in, the API behind its keys', () => {
  before(
    async () => {
      infra = await compiledInfrastructure();
    },
    { timeout: COMPILE_TIMEOUT_MS },
  );

  const authOf = (params: Record<string, ArmValue>) => {
    const d = walkDeployment(infra.main, params);
    const auth = d.instances(d.single('Microsoft.Web/sites/config'))[0] as ArmResource;
    return { name: auth.name, p: auth.properties as Record<string, Record<string, unknown>> };
  };

  it('with an app registration: sign-in required except on the keyed API routes, liveness and the Event Grid webhook; no secret', () => {
    const clientId = '3f2e1d0c-9b8a-4766-a554-433221100fed';
    const { name, p } = authOf({
      ...infra.parameters.dev,
      dashboardAuthClientId: clientId,
      dashboardAllowedPrincipalIds: ['0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'],
    });
    assert.match(String(name), /\/authsettingsV2$/);
    assert.deepEqual(p['platform'], { enabled: true, runtimeVersion: '~1' });
    const g = p['globalValidation'] as Record<string, unknown>;
    assert.equal(g['requireAuthentication'], true);
    assert.equal(g['unauthenticatedClientAction'], 'RedirectToLoginPage');
    assert.deepEqual(g['excludedPaths'], [
      '/api/health',
      '/api/health/details',
      '/api/forecast',
      '/api/actuals',
      '/runtime/webhooks/blobs',
    ]);
    for (const path of g['excludedPaths'] as string[])
      assert.doesNotMatch(path, /^\/api\/dashboard/, 'the dashboard and its data are never excluded');
    const aad = (p['identityProviders'] as Record<string, Record<string, unknown>>)['azureActiveDirectory'] as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(aad['enabled'], true);
    assert.equal(aad['registration']?.['clientId'], clientId);
    // environment().authentication.loginEndpoint and the tenant are only known at deployment.
    assert.match(String(aad['registration']?.['openIdIssuer']), /\/v2\.0$/);
    assert.equal(aad['registration']?.['clientSecretSettingName'], undefined, 'no client secret in an app setting');
    assert.deepEqual(
      (aad['validation']?.['defaultAuthorizationPolicy'] as { allowedPrincipals: unknown }).allowedPrincipals,
      { identities: ['0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'] },
    );
  });

  it('without one, the dashboard is closed (401), never open', () => {
    const { p } = authOf(infra.parameters.dev);
    const g = p['globalValidation'] as Record<string, unknown>;
    assert.equal(g['requireAuthentication'], true);
    assert.equal(g['unauthenticatedClientAction'], 'Return401');
    assert.equal(
      (
        (p['identityProviders'] as Record<string, Record<string, unknown>>)['azureActiveDirectory'] as Record<
          string,
          unknown
        >
      )['enabled'],
      false,
    );
  });
});
