import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../shared/config/loadConfig';
import { readAppSettings } from '../../shared/runtime/AppSettings';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { TimerSchedule } from '../../local/host/TimerSchedule';
import { settingPrefix } from '../../local/localSettings';
import { formatDiagnostic } from '../../local/tools/sarifDiagnostics';
import { type ArmValue, TEST_CONTEXT, UNKNOWN, parse } from './armExpression';
import { type ArmDeployment, type ArmResource, type ArmTemplate, type ResourceNode, walkDeployment } from './armWalk';
import { type CompiledInfrastructure, ENVIRONMENTS, compiledInfrastructure } from './compiledInfrastructure';

// The first run on a fresh clone restores the compiler from NuGet: allow for a slow registry.
const COMPILE_TIMEOUT_MS = 15 * 60_000;

/**
 * Types that carry no tags in ARM: modules (Bicep cannot tag the deployments it generates), role assignments,
 * a storage account's blob service and containers, Event Grid event subscriptions, budgets.
 */
const UNTAGGABLE = new Set(
  [
    'Microsoft.Resources/deployments',
    'Microsoft.Authorization/roleAssignments',
    'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments',
    'Microsoft.Storage/storageAccounts/blobServices',
    'Microsoft.Storage/storageAccounts/blobServices/containers',
    'Microsoft.EventGrid/systemTopics/eventSubscriptions',
    'Microsoft.Consumption/budgets',
  ].map((t) => t.toLowerCase()),
);

/** What an app setting value must never look like: a storage or Cosmos key, a SAS, a key fetched at deployment. */
const SECRET_PATTERNS = [/AccountKey=/i, /SharedAccessSignature/i, /SharedAccessKey/i, /[?&]sig=/i, /DefaultEndpointsProtocol=/i, /\blist\w*\(/i];

const ROLE = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  costManagementReader: '72fafb9e-0641-4937-9268-a91bfd8191a3',
  cosmosDataContributor: '00000000-0000-0000-0000-000000000002',
};

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
    for (const file of ['bicep/main.bicep', 'bicep/main.dev.bicepparam', 'bicep/main.prod.bicepparam', 'bicep/modules/budget.bicep']) {
      assert.ok(infra.check.files.includes(file), `${file} was checked`);
    }
  });

  it('compile main.bicep for a resource group with nested deployments for its modules', () => {
    assert.match(String(infra.main['$schema' as keyof ArmTemplate]), /deploymentTemplate\.json/);
    const modules = walkDeployment(infra.main).ofType('Microsoft.Resources/deployments').map((m) => m.symbol);
    for (const m of ['identity', 'storage', 'monitoring', 'cosmos', 'roles', 'functionApp', 'eventGrid', 'actionGroup', 'budget']) {
      assert.ok(modules.includes(m), `module ${m} in ${modules.join(', ')}`);
    }
  });
});

describe('templates follow the Bicep style', () => {
  it('describe every parameter as Required./Optional./Conditional., name it in lowerCamelCase and type it', () => {
    for (const t of walkDeployment(infra.main).templates) {
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
          assert.ok('properties' in type || 'additionalProperties' in type, `${where}: a user-defined type, not a bare object`);
        }
        if (type.type === 'array') assert.ok('items' in type, `${where}: a typed array, not a bare array`);
      }
    }
  });

  it('describe every output', () => {
    for (const t of walkDeployment(infra.main).templates) {
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
        for (const p of secureParams) assert.ok(!text.includes(`parameters('${p}')`), `${where} exposes the secure parameter ${p}`);
        assert.ok(!/^secure/i.test(String(o.type)), `${where} is of a secure type`);
      }
    }
  });

  it('name every resource from the resource token with a short prefix', () => {
    const names = infra.main.variables?.['names'] as Record<string, string>;
    for (const [what, expression] of Object.entries(names)) {
      assert.match(expression, /^\[format\('[a-z]{2,6}-?\{0\}', variables\('resourceToken'\)\)\]$/, `names.${what}: ${expression}`);
    }
    assert.match(String(infra.main.variables?.['resourceToken']), /uniqueString\(subscription\(\)\.id, resourceGroup\(\)\.id, parameters\('environmentName'\)\)/);
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
        const siteConfig = (d.instances(site)[0]?.properties as { siteConfig: { appSettings: { name: string; value: ArmValue }[] } }).siteConfig;
        settings = new Map(siteConfig.appSettings.map((s) => [s.name, s.value]));
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
      assert.equal(d.single('Microsoft.Consumption/budgets').resource['scope'], undefined, 'deployed at the resource group');
      const p = budget.properties as {
        category: string;
        amount: number;
        timeGrain: string;
        timePeriod: { startDate: string };
        notifications: Record<string, { enabled: boolean; operator: string; threshold: number; thresholdType: string; contactEmails: string[]; contactGroups: string[] }>;
      };
      assert.equal(p.category, 'Cost');
      assert.equal(p.amount, params['budgetAmount']);
      assert.equal(p.timeGrain, 'Monthly');
      assert.match(p.timePeriod.startDate, /^\d{4}-\d{2}-01T00:00:00Z$/, 'starts on the first of a month');

      const actionGroupId = `/subscriptions/${TEST_CONTEXT.subscriptionId}/resourceGroups/${TEST_CONTEXT.resourceGroup}/providers/Microsoft.Insights/actionGroups/${String(one('Microsoft.Insights/actionGroups').name)}`;
      const notifications = Object.values(p.notifications);
      assert.deepEqual(
        notifications.map((n) => `${n.thresholdType} ${n.threshold}`).sort(),
        ['Actual 100', 'Actual 50', 'Actual 80', 'Forecasted 100'],
      );
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
      const p = group.properties as { enabled: boolean; groupShortName: string; emailReceivers: { emailAddress: string; useCommonAlertSchema: boolean }[] };
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

    it('creates every container the app uses, and the deployment package container the app deploys from', () => {
      const containers = d.instances(d.single('Microsoft.Storage/storageAccounts/blobServices/containers'));
      const names = containers.map((c) => String(c.name).split('/').pop());
      for (const c of Object.values(CONTAINERS)) assert.ok(names.includes(c), `container ${c} in ${names.join(', ')}`);
      for (const c of containers) assert.equal((c.properties as { publicAccess: string }).publicAccess, 'None');
      const deployment = (props('Microsoft.Web/sites')['functionAppConfig'] as { deployment: { storage: { type: string; value: string; authentication: { type: string } } } }).deployment.storage;
      assert.equal(deployment.type, 'blobContainer');
      // <blob endpoint of the account, known at deployment><container>
      const packageContainer = deployment.value.replace(/^<\?>/, '');
      assert.notEqual(packageContainer, deployment.value, `${deployment.value} starts with the blob endpoint`);
      assert.ok(names.includes(packageContainer), `the deployment package container ${packageContainer} exists`);
      const functionAppModule = d.ofType('Microsoft.Resources/deployments').find((m) => m.symbol === 'functionApp');
      const blobEndpoint = (functionAppModule?.resource.properties?.['parameters'] as Record<string, { value: string }>)['blobEndpoint'];
      assert.equal(blobEndpoint?.value, "[reference('storage').outputs.blobEndpoint.value]", 'the endpoint of the storage account above');
      assert.equal(deployment.authentication.type, 'UserAssignedIdentity');
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
      const resource = (container.properties as { resource: { partitionKey: { paths: string[] }; defaultTtl: number } }).resource;
      assert.deepEqual(resource.partitionKey.paths, ['/site']);
      assert.equal(resource.defaultTtl, Number(params['forecastRetentionDays'] ?? 90) * 86_400);
    });

    it('caps daily log ingestion and sends telemetry only with the identity', () => {
      const workspace = props('Microsoft.OperationalInsights/workspaces');
      assert.equal((workspace['workspaceCapping'] as { dailyQuotaGb: number }).dailyQuotaGb, Number(params['logDailyCapMb']) / 1000);
      const insights = props('Microsoft.Insights/components');
      assert.equal(insights['DisableLocalAuth'], true);
      assert.match(String(insights['WorkspaceResourceId']), /Microsoft\.OperationalInsights\/workspaces\/log-/);
      assert.match(String(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')), /^ClientId=.+;Authorization=AAD$/);
    });

    it('runs the Function App on Flex Consumption (FC1), Node 20, as its user-assigned identity', () => {
      const plan = one('Microsoft.Web/serverfarms');
      assert.deepEqual(plan.sku, { name: 'FC1', tier: 'FlexConsumption' });
      const app = one('Microsoft.Web/sites');
      assert.equal(app.kind, 'functionapp,linux');
      assert.equal((app.properties as { httpsOnly: boolean }).httpsOnly, true);
      assert.deepEqual((app.properties as { functionAppConfig: { runtime: unknown } }).functionAppConfig.runtime, { name: 'node', version: '20' });
      const identity = app['identity'] as { type: string; userAssignedIdentities: Record<string, unknown> };
      assert.equal(identity.type, 'UserAssigned');
      const identityId = `/subscriptions/${TEST_CONTEXT.subscriptionId}/resourceGroups/${TEST_CONTEXT.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${String(one('Microsoft.ManagedIdentity/userAssignedIdentities').name)}`;
      assert.deepEqual(Object.keys(identity.userAssignedIdentities), [identityId]);
      // Flex Consumption takes the runtime from functionAppConfig and rejects these settings.
      for (const s of ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_NODE_DEFAULT_VERSION']) {
        assert.ok(!settings.has(s), `no ${s}`);
      }
    });

    it('connects by identity: AzureWebJobsStorage__* and AZURE_CLIENT_ID, no keys or connection strings with secrets', () => {
      assert.equal(settings.get('AzureWebJobsStorage__credential'), 'managedidentity');
      assert.ok(settings.has('AzureWebJobsStorage__blobServiceUri'));
      assert.ok(settings.has('AzureWebJobsStorage__clientId'));
      assert.ok(settings.has('AZURE_CLIENT_ID'));
      for (const s of ['AzureWebJobsStorage', 'COSMOS_KEY', 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING', 'APPINSIGHTS_INSTRUMENTATIONKEY']) {
        assert.ok(!settings.has(s), `no ${s}`);
      }
      const raw = JSON.stringify(site.resource);
      for (const pattern of SECRET_PATTERNS) assert.doesNotMatch(raw, pattern, `the site's template has no ${pattern}`);
      for (const [name, value] of settings) {
        if (typeof value !== 'string') continue;
        for (const pattern of SECRET_PATTERNS) assert.doesNotMatch(value, pattern, `${name}=${value}`);
      }
      // The only secrets are the providers' API keys, straight from the secure parameter.
      const keySettings = [...settings.keys()].filter((s) => /KEY|SECRET|PASSWORD/i.test(s));
      const sources = params['sources'] as { id: string }[];
      assert.deepEqual(keySettings.sort(), sources.map((s) => `${settingPrefix(s.id)}_KEY`).sort());
      for (const s of sources) assert.equal(settings.get(`${settingPrefix(s.id)}_KEY`), infra.placeholders[`${settingPrefix(s.id)}_KEY`]);
      const keysType = infra.main.definitions?.['providerKeysType'];
      assert.equal(keysType?.type, 'secureObject', 'provider keys are a secure parameter');
    });

    it('gives the app every setting it reads: its own settings check and its configuration load with them', () => {
      const env: Record<string, string> = {};
      for (const [name, value] of settings) env[name] = value === UNKNOWN || typeof value !== 'string' ? `https://known-at-deployment.example/${name}` : value;
      const app = readAppSettings(env);
      assert.equal(app.storageConnectionString, undefined, 'identity, not a connection string');
      assert.equal(app.cosmosKey, undefined, 'identity, not a Cosmos key');
      assert.equal(app.cosmosDatabase, 'forecasting');
      assert.equal(app.cosmosContainer, 'forecasts');
      const config = loadConfig(env, infra.root);
      assert.deepEqual(
        config.sources.map((s) => s.id),
        (params['sources'] as { id: string }[]).map((s) => s.id),
        'the parameter file has the configuration\'s sources',
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
      assert.equal(settings.get('BUDGET_SCOPE'), `/subscriptions/${TEST_CONTEXT.subscriptionId}/resourceGroups/${TEST_CONTEXT.resourceGroup}`);
      assert.equal(settings.get('BUDGET_NAME'), one('Microsoft.Consumption/budgets').name);
    });

    it('subscribes preprocess-image to BlobCreated events of the images container through the blob extension webhook', () => {
      const source = readFileSync(join(infra.root, 'functions', 'preprocessImage.ts'), 'utf8');
      const registered = /app\.storageBlob\('([^']+)',\s*\{\s*path:\s*'([^/']+)\//.exec(source);
      assert.ok(registered, 'functions/preprocessImage.ts registers a blob trigger');
      assert.match(source, /source:\s*'EventGrid'/);
      const [, functionName, container] = registered;

      const topic = props('Microsoft.EventGrid/systemTopics');
      assert.equal(topic['topicType'], 'Microsoft.Storage.StorageAccounts');
      assert.match(String(topic['source']), new RegExp(`/providers/Microsoft\\.Storage/storageAccounts/${String(one('Microsoft.Storage/storageAccounts').name)}$`));

      const node = d.single('Microsoft.EventGrid/systemTopics/eventSubscriptions');
      const subscription = d.instances(node)[0] as ArmResource;
      assert.equal(subscription.condition, true, `subscribed in ${envName} (SUBSCRIBE_IMAGE_EVENTS unset)`);
      const p = subscription.properties as {
        destination: { endpointType: string; properties: { endpointUrl: string } };
        filter: { includedEventTypes: string[]; subjectBeginsWith: string };
      };
      assert.equal(p.destination.endpointType, 'WebHook');
      assert.equal(p.destination.properties.endpointUrl, `https://<?>/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=<?>`);
      const rawUrl = JSON.stringify((node.resource.properties as { destination: unknown }).destination);
      assert.match(rawUrl, /listKeys\(format\('\{0\}\/host\/default', resourceId\('Microsoft\.Web\/sites'.*\)\.systemKeys\.blobs_extension/, 'the code is the blobs_extension system key');
      assert.match(rawUrl, /reference\('functionApp'\)\.defaultHostName/, 'the host is the Function App');
      assert.deepEqual(p.filter.includedEventTypes, ['Microsoft.Storage.BlobCreated']);
      assert.equal(p.filter.subjectBeginsWith, `/blobServices/default/containers/${container}/blobs/`);
    });

    it('grants the app identity its roles, each assignment named guid(scope, principal, role)', () => {
      const identityName = String(one('Microsoft.ManagedIdentity/userAssignedIdentities').name);
      const assignments = d.ofType('Microsoft.Authorization/roleAssignments').filter((r) => !('copy' in r.resource));
      const granted = new Map<string, { scope: string; principalType: string; principal: string }>();
      for (const node of assignments) {
        const name = parse(String(node.resource.name).slice(1, -1));
        assert.ok(name.kind === 'call' && name.name === 'guid' && name.args.length === 3, `${node.symbol}: name ${String(node.resource.name)}`);
        const r = d.instances(node)[0] as ArmResource;
        const p = r.properties as { roleDefinitionId: string; principalType: string; principalId: ArmValue };
        granted.set(p.roleDefinitionId.split('/').pop() as string, {
          scope: String(r['scope'] ?? 'resourceGroup'),
          principalType: p.principalType,
          principal: JSON.stringify(node.resource.properties?.['principalId']),
        });
      }
      const expected: [string, RegExp][] = [
        [ROLE.storageBlobDataOwner, /Microsoft\.Storage\/storageAccounts\//],
        [ROLE.storageQueueDataContributor, /Microsoft\.Storage\/storageAccounts\//],
        [ROLE.monitoringMetricsPublisher, /Microsoft\.Insights\/components\//],
        [ROLE.costManagementReader, /^resourceGroup$/],
      ];
      for (const [role, scope] of expected) {
        const g = granted.get(role);
        assert.ok(g, `role ${role} is assigned`);
        assert.match(g.scope, scope, `role ${role} scope`);
        assert.equal(g.principalType, 'ServicePrincipal');
        assert.match(g.principal, /appIdentity/, `role ${role} goes to the app identity`);
      }
      const cosmos = one('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
      const cp = cosmos.properties as { roleDefinitionId: string; scope: string };
      assert.match(cp.roleDefinitionId, new RegExp(`/sqlRoleDefinitions/${ROLE.cosmosDataContributor}$`));
      assert.match(cp.scope, /Microsoft\.DocumentDB\/databaseAccounts\/cosmos-/);
      assert.match(String(d.single('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments').resource.name), /guid\(/);
      const rolesTemplate = d.templates.find((t) => t.path === 'main/roles');
      assert.equal(rolesTemplate?.scope.parameter('appIdentityName'), identityName, 'the roles go to the identity the app runs as');
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
