import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type FakeRule, fakeAccessToken, runScript } from './fakeCli';

// pipelines/scripts/*.sh run as in an AzureCLI@2 step, with fake az, curl, npm and sleep on PATH that record their
// calls and answer with JSON shaped as the real CLI's (az rest returns the ARM body; --query/--output tsv answers are
// given already queried, as the CLI would print them).

const SUB = '3f2b1c9e-0d4a-4b8e-9c7f-5a6d1e2f3b4c';
const RG = 'rg-stay-up-forecasting-dev';
const RG_ID = `/subscriptions/${SUB}/resourceGroups/${RG}`;
const OID = '6a1d2c3b-4e5f-4a7b-8c9d-0e1f2a3b4c5d';
const TOKEN = fakeAccessToken({
  oid: OID,
  appid: 'f0e1d2c3-b4a5-4968-8776-655443322110',
  tid: '11111111-2222-4333-8444-555555555555',
});

const ROLE_IDS = {
  blobContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  blobOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  queueContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  metricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  costReader: '72fafb9e-0641-4937-9268-a91bfd8191a3',
};
const RBAC_ADMIN = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168';

// Contributor's and Role Based Access Control Administrator's permissions, as GET .../Microsoft.Authorization/permissions lists them.
const CONTRIBUTOR = {
  actions: ['*'],
  notActions: [
    'Microsoft.Authorization/*/Delete',
    'Microsoft.Authorization/*/Write',
    'Microsoft.Authorization/elevateAccess/Action',
    'Microsoft.Blueprint/blueprintAssignments/write',
    'Microsoft.Blueprint/blueprintAssignments/delete',
    'Microsoft.Compute/galleries/share/action',
  ],
  dataActions: [],
  notDataActions: [],
};
const RBAC_ADMIN_PERMISSIONS = {
  actions: [
    'Microsoft.Authorization/roleAssignments/write',
    'Microsoft.Authorization/roleAssignments/delete',
    '*/read',
    'Microsoft.Support/*',
  ],
  notActions: [],
  dataActions: [],
  notDataActions: [],
};

/** The condition bicep/README.md documents, for the given role definition ids. */
function constrainRoles(ids: string[]): string {
  const list = ids.join(', ');
  return `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${list}})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${list}}))`;
}

function roleAssignment(roleId: string, condition?: string): object {
  return {
    id: `${RG_ID}/providers/Microsoft.Authorization/roleAssignments/0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a`,
    name: '0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a',
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`,
      principalId: OID,
      principalType: 'ServicePrincipal',
      scope: RG_ID,
      ...(condition ? { condition, conditionVersion: '2.0' } : { condition: null, conditionVersion: null }),
    },
  };
}

const OUTPUTS = {
  resourceGroupName: { type: 'String', value: RG },
  functionAppName: { type: 'String', value: 'func-abcdefghijklm' },
  functionAppUrl: { type: 'String', value: 'https://func-abcdefghijklm.azurewebsites.net' },
  storageAccountName: { type: 'String', value: 'stabcdefghijklm' },
  blobServiceUri: { type: 'String', value: 'https://stabcdefghijklm.blob.core.windows.net/' },
  budgetName: { type: 'String', value: 'budget-abcdefghijklm' },
  systemTopicName: { type: 'String', value: 'evgt-abcdefghijklm' },
  deadLetterContainerName: { type: 'String', value: 'deadletter' },
};

const ENV = {
  RESOURCE_GROUP: RG,
  ENVIRONMENT_NAME: 'dev',
  BICEP_PARAM_FILE: 'bicep/main.dev.bicepparam',
  BICEP_VERSION: '0.49.2',
  SECRET_NAMES: 'SITE_METER_KEY',
  SITE_METER_KEY: 'site-meter-key-7f3a',
  ATTEMPTS: '3',
  DELAY_SECONDS: '0',
};

const az = (match: RegExp, answer: Omit<FakeRule, 'command' | 'match'> = {}): FakeRule => ({
  command: 'az',
  match,
  ...answer,
});
const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** The answers every whatIf/create run needs; `previous` is the state of the environment's deployment. */
function environment(options: {
  previous?: 'Succeeded' | 'Failed' | 'none';
  budgetStart?: string;
  permissions?: object[];
  assignments?: object[];
  user?: boolean;
}): FakeRule[] {
  const previous = options.previous ?? 'Succeeded';
  const notFound = {
    exitCode: 3,
    stderr: "ERROR: (DeploymentNotFound) Deployment 'forecast-dev' could not be found.\n",
  };
  return [
    az(/^bicep (install|version)/, { stdout: 'Bicep CLI version 0.49.2 (1a2b3c4d5e)\n' }),
    az(/^group show --name rg-stay-up-forecasting-dev/),
    az(/^account show --query id --output tsv$/, { stdout: `${SUB}\n` }),
    az(/^account show --query user\.type --output tsv$/, { stdout: options.user ? 'user\n' : 'servicePrincipal\n' }),
    az(/^cloud show --query endpoints\.resourceManager --output tsv$/, { stdout: 'https://management.azure.com/\n' }),
    az(/^account get-access-token --query accessToken --output tsv$/, { stdout: `${TOKEN}\n` }),
    az(
      /^rest --method get --url https:\/\/management\.azure\.com\/subscriptions\/3f2b1c9e-0d4a-4b8e-9c7f-5a6d1e2f3b4c\/resourceGroups\/rg-stay-up-forecasting-dev\/providers\/Microsoft\.Authorization\/permissions\?api-version=/,
      { stdout: json({ value: options.permissions ?? [CONTRIBUTOR, RBAC_ADMIN_PERMISSIONS] }) },
    ),
    az(/Microsoft\.Authorization\/roleAssignments\?api-version=.*principalId%20eq%20'6a1d2c3b/, {
      stdout: json({
        value: options.assignments ?? [
          roleAssignment('b24988ac-6180-42a0-ab88-20f7382dd24c'),
          roleAssignment(RBAC_ADMIN, constrainRoles(Object.values(ROLE_IDS))),
        ],
      }),
    }),
    // A new environment's deployment exists only once create has run.
    ...(previous === 'none'
      ? [az(/^deployment group show .*--query properties\.outputs/, { ...notFound, times: 1 })]
      : []),
    az(/^deployment group show .*--query properties\.outputs/, { stdout: json(OUTPUTS) }),
    az(
      /^deployment group show .*--query properties\.provisioningState/,
      previous === 'none' ? notFound : { stdout: `${previous}\n` },
    ),
    az(
      /Microsoft\.Consumption\/budgets\/budget-abcdefghijklm\?api-version=.*--query properties\.timePeriod\.startDate --output tsv/,
      {
        stdout: options.budgetStart ? `${options.budgetStart}\n` : '',
        ...(options.budgetStart ? {} : { exitCode: 3, stderr: 'ERROR: Not Found({"error":{"code":"NotFound"}})\n' }),
      },
    ),
    az(/Microsoft\.Consumption\/budgets\?api-version=/, { stdout: json({ value: [] }) }),
    az(/^deployment group (create|what-if)/),
  ];
}

const RECORD = ['BUDGET_START_DATE', 'PIPELINE_PRINCIPAL_ID', 'SITE_METER_KEY'];

describe('deploy-infra.sh create', () => {
  test("in a later month, passes the existing budget's start date (the Budgets API refuses a new one) and the pipeline's principal", () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['create'],
      env: ENV,
      rules: environment({ budgetStart: '2026-10-01T00:00:00Z' }),
      record: RECORD,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const create = run.calls.find(
      (c) => c.command === 'az' && c.args.slice(0, 3).join(' ') === 'deployment group create',
    );
    assert.ok(create, 'the deployment ran');
    assert.equal(create.env['BUDGET_START_DATE'], '2026-10-01', "the existing budget's start, as yyyy-MM-01");
    assert.equal(create.env['PIPELINE_PRINCIPAL_ID'], OID, 'the signed-in principal gets its data role');
    assert.ok(create.args.includes('bicep/main.dev.bicepparam'));
    assert.match(run.stdout, /##vso\[task\.setvariable variable=functionAppName\]func-abcdefghijklm/);
    assert.match(run.stdout, /##vso\[task\.setvariable variable=previouslyDeployed\]true/);
    assert.doesNotMatch(
      run.stdout + run.stderr,
      new RegExp(TOKEN.split('.')[1] as string),
      'the token is never printed',
    );
  });

  test('for a new environment, leaves the start to main.bicep (this month) and says it was not deployed before', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['create'],
      env: ENV,
      rules: environment({ previous: 'none' }),
      record: RECORD,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const create = run.calls.find((c) => c.args.slice(0, 3).join(' ') === 'deployment group create');
    assert.equal(create?.env['BUDGET_START_DATE'], '');
    assert.match(run.stdout, /budget start: the first of this month \(new budget\)/);
    assert.match(run.stdout, /##vso\[task\.setvariable variable=previouslyDeployed\]false/);
  });

  test('after a failed first deployment, still counts as a first deployment', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['create'],
      env: ENV,
      rules: environment({ previous: 'Failed' }),
      record: RECORD,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /##vso\[task\.setvariable variable=previouslyDeployed\]false/);
  });

  test('signed in as a person (by hand), gives no pipeline principal a role, and says how to get one', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['create'],
      env: ENV,
      rules: environment({ user: true }),
      record: RECORD,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const create = run.calls.find((c) => c.args.slice(0, 3).join(' ') === 'deployment group create');
    assert.equal(create?.env['PIPELINE_PRINCIPAL_ID'], '');
    assert.match(run.stdout, /signed in as a user: no pipelinePrincipalId \(add yourself to operators/);
  });

  test('whatIf previews with the same budget start, and changes nothing', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['whatIf'],
      env: ENV,
      rules: environment({ budgetStart: '2026-10-01T00:00:00Z' }),
      record: RECORD,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const whatIf = run.calls.find((c) => c.args.slice(0, 3).join(' ') === 'deployment group what-if');
    assert.equal(whatIf?.env['BUDGET_START_DATE'], '2026-10-01');
    assert.deepEqual(
      run.lines('az').filter((l) => /^deployment group create/.test(l)),
      [],
    );
  });

  test('with Contributor only, stops before deploying and names the missing permission and the principal', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['create'],
      env: ENV,
      rules: environment({
        permissions: [CONTRIBUTOR],
        assignments: [roleAssignment('b24988ac-6180-42a0-ab88-20f7382dd24c')],
      }),
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      /##vso\[task\.logissue type=error\]the service connection's principal 6a1d2c3b-4e5f-4a7b-8c9d-0e1f2a3b4c5d may not Microsoft\.Authorization\/roleAssignments\/write on resource group rg-stay-up-forecasting-dev/,
    );
    assert.match(run.stdout, /Role Based Access Control Administrator/);
    assert.deepEqual(
      run.lines('az').filter((l) => /^deployment group (create|what-if)/.test(l)),
      [],
      'nothing was deployed',
    );
  });

  test('with Reader only, names every action it lacks', () => {
    const reader = { actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] };
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['create'],
      env: ENV,
      rules: environment({ permissions: [reader], assignments: [] }),
    });
    assert.equal(run.status, 1);
    for (const action of [
      'Microsoft.Resources/deployments/write',
      'Microsoft.Web/sites/write',
      'Microsoft.Consumption/budgets/write',
      'Microsoft.Authorization/roleAssignments/write',
    ]) {
      assert.ok(run.stdout.includes(action), `names ${action}: ${run.stdout}`);
    }
  });

  test('with a role-assigning condition that leaves out a role the template assigns, names that role before deploying', () => {
    const allowed = [
      ROLE_IDS.blobContributor,
      ROLE_IDS.blobOwner,
      ROLE_IDS.queueContributor,
      ROLE_IDS.metricsPublisher,
    ];
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['create'],
      env: ENV,
      rules: environment({
        assignments: [
          roleAssignment('b24988ac-6180-42a0-ab88-20f7382dd24c'),
          roleAssignment(RBAC_ADMIN, constrainRoles(allowed)),
        ],
      }),
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      new RegExp(`does not allow the role definition id\\(s\\) ${ROLE_IDS.costReader}, which bicep/main.bicep assigns`),
    );
    assert.deepEqual(
      run.lines('az').filter((l) => /^deployment group create/.test(l)),
      [],
    );
  });

  test('with the role-assigning grant coming through a group (only the permissions list shows its condition), still checks the condition', () => {
    const conditional = {
      ...RBAC_ADMIN_PERMISSIONS,
      condition: constrainRoles([ROLE_IDS.blobContributor]),
      conditionVersion: '2.0',
    };
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['create'],
      env: ENV,
      rules: environment({ permissions: [CONTRIBUTOR, conditional], assignments: [] }),
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      new RegExp(
        `does not allow the role definition id\\(s\\) ${ROLE_IDS.blobOwner} ${ROLE_IDS.queueContributor} ${ROLE_IDS.metricsPublisher} ${ROLE_IDS.costReader},`,
      ),
    );
  });

  test('with Owner (no condition), passes the check', () => {
    const owner = { actions: ['*'], notActions: [], dataActions: [], notDataActions: [] };
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['create'],
      env: ENV,
      rules: environment({
        permissions: [owner],
        assignments: [roleAssignment('8e3af657-a8ff-443c-a75c-2fe8c4bcb635')],
      }),
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  test('refuses a secret variable that is not set, naming it', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['create'],
      env: { ...ENV, SITE_METER_KEY: '$(SITE_METER_KEY)' },
      rules: environment({}),
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /the secret variable SITE_METER_KEY is not set \(variable group forecast-dev-secrets\)/);
  });
});

describe('deploy-infra.sh imageEvents', () => {
  const outputs = az(/^deployment group show .*--query properties\.outputs/, { stdout: json(OUTPUTS) });
  const health = (code: string, times?: number): FakeRule => ({
    command: 'curl',
    match: /\/api\/health$/,
    stdout: code,
    ...(times ? { times } : {}),
  });
  const keys = (names: string[], times?: number): FakeRule =>
    az(/^functionapp keys list .*--name func-abcdefghijklm/, {
      stdout: names.map((n) => `${n}\n`).join(''),
      ...(times ? { times } : {}),
    });

  test('waits for the app to answer and list its blobs_extension key, then deploys imageEvents.bicep with retries', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['imageEvents'],
      env: ENV,
      rules: [
        outputs,
        health('000', 1),
        health('502', 1),
        health('503'),
        keys([], 1),
        keys(['durabletask_extension', 'blobs_extension']),
        az(/^bicep install/),
        az(/^deployment group create/, {
          exitCode: 1,
          stderr:
            'ERROR: {"code":"BadRequest","message":"Operation returned an invalid status code \'ServiceUnavailable\'"}\n',
          times: 1,
        }),
        az(/^deployment group create/),
      ],
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const order = run.calls
      .filter((c) => c.command !== 'sleep')
      .map((c) => (c.command === 'curl' ? 'health' : c.args.slice(0, 3).join(' ')));
    assert.deepEqual(order, [
      'deployment group show',
      'health',
      'health',
      'health',
      'functionapp keys list',
      'functionapp keys list',
      'bicep install --version',
      'deployment group create',
      'deployment group create',
    ]);
    const create = run.lines('az').filter((l) => l.startsWith('deployment group create'));
    assert.match(
      create[1] as string,
      /--name forecast-dev-image-events --template-file bicep\/imageEvents\.bicep --parameters systemTopicName=evgt-abcdefghijklm storageAccountName=stabcdefghijklm functionAppName=func-abcdefghijklm deadLetterContainerName=deadletter/,
    );
    assert.match(
      run.stdout,
      /##vso\[task\.logissue type=warning\]deploying the image events subscription failed \(attempt 1\/3\)/,
    );
    assert.match(run.stdout, /image events subscription deployed \(dead letters in container deadletter\)/);
  });

  test('fails naming the app when the host never answers, without deploying', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['imageEvents'],
      env: ENV,
      rules: [outputs, health('000')],
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /func-abcdefghijklm did not answer GET \/api\/health after 3 attempts \(last HTTP 000\)/);
    assert.deepEqual(
      run.lines('az').filter((l) => l.startsWith('deployment group create')),
      [],
    );
  });

  test('fails naming the app when it never has a blobs_extension key', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['imageEvents'],
      env: ENV,
      rules: [outputs, health('200'), keys(['default'])],
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /the app func-abcdefghijklm has no blobs_extension key after its code was deployed/);
  });

  test('before any deployment of the environment, says to run create first', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', {
      args: ['imageEvents'],
      env: ENV,
      rules: [
        az(/^deployment group show/, {
          exitCode: 3,
          stderr: "ERROR: (DeploymentNotFound) Deployment 'forecast-dev' could not be found.\n",
        }),
      ],
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      /no deployment forecast-dev in rg-stay-up-forecasting-dev: run deploy-infra\.sh create first/,
    );
  });

  test('answers an unknown mode with its usage', () => {
    const run = runScript('pipelines/scripts/deploy-infra.sh', { args: ['deploy'], env: ENV, rules: [] });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /usage: deploy-infra\.sh whatIf\|create\|imageEvents/);
  });
});

describe('smoke-test.sh decides from the first deployment whether to demand a forecast', () => {
  const SMOKE_ENV = {
    RESOURCE_GROUP: RG,
    FUNCTION_APP_NAME: 'func-abcdefghijklm',
    FUNCTION_APP_URL: 'https://func-abcdefghijklm.azurewebsites.net',
    SMOKE_TEST_SITE: 'park-1',
    ATTEMPTS: '2',
    DELAY_SECONDS: '0',
  };
  const noDataYet: FakeRule[] = [
    {
      command: 'curl',
      match: /\/api\/health$/,
      stdout: '200',
      body: JSON.stringify({ status: 'up', since: '2026-12-03T20:00:00.000Z', checkedAt: '2026-12-03T20:05:00.000Z' }),
    },
    {
      command: 'curl',
      match: /\/api\/health\/details$/,
      stdout: '503',
      body: JSON.stringify({
        status: 'unavailable',
        canForecast: false,
        reasons: ['no model and no fresh source yet'],
        services: { blobStorage: { ok: true }, cosmosDb: { ok: true } },
      }),
    },
    {
      command: 'curl',
      match: /\/api\/forecast\?site=park-1$/,
      stdout: '404',
      body: JSON.stringify({ error: 'no forecast yet for site park-1' }),
    },
    az(/^functionapp function keys list .*--function-name health-details/, { stdout: 'details-function-key\n' }),
    az(/^functionapp function keys list .*--function-name forecast/, { stdout: 'forecast-function-key\n' }),
  ];

  test('first deployment (auto, not deployed before): a running app with answering stores passes', () => {
    const run = runScript('pipelines/scripts/smoke-test.sh', {
      env: { ...SMOKE_ENV, REQUIRE_HEALTHY: 'auto', PREVIOUSLY_DEPLOYED: 'false' },
      rules: noDataYet,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /the first deployment of this environment/);
    assert.match(run.stdout, /smoke test passed/);
    assert.doesNotMatch(run.stdout, /forecast-function-key/, 'the key is never printed');
  });

  test('a later deployment (auto, deployed before): no forecast fails', () => {
    const run = runScript('pipelines/scripts/smoke-test.sh', {
      env: { ...SMOKE_ENV, REQUIRE_HEALTHY: 'auto', PREVIOUSLY_DEPLOYED: 'True' },
      rules: noDataYet,
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /a later deployment of this environment: the app must be healthy and forecast/);
    assert.match(run.stdout, /GET \/api\/health\/details did not pass after 2 attempts \(last HTTP 503\)/);
  });

  test('by hand (REQUIRE_HEALTHY and PREVIOUSLY_DEPLOYED unset): treated as a first deployment, and says so', () => {
    const run = runScript('pipelines/scripts/smoke-test.sh', { env: SMOKE_ENV, rules: noDataYet });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /PREVIOUSLY_DEPLOYED is not set \(a run by hand\): treated as a first deployment; set REQUIRE_HEALTHY=true to demand a forecast/,
    );
  });

  test("auto without the deployment's answer, or a value that is none of true/false/auto, fails naming the value", () => {
    let run = runScript('pipelines/scripts/smoke-test.sh', {
      env: { ...SMOKE_ENV, REQUIRE_HEALTHY: 'auto', PREVIOUSLY_DEPLOYED: '$(previouslyDeployed)' },
      rules: noDataYet,
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      /REQUIRE_HEALTHY=auto needs PREVIOUSLY_DEPLOYED true or false .*not "\$\(previouslyDeployed\)"/,
    );
    run = runScript('pipelines/scripts/smoke-test.sh', {
      env: { ...SMOKE_ENV, REQUIRE_HEALTHY: 'yes' },
      rules: noDataYet,
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /REQUIRE_HEALTHY is "yes"; expected true, false or auto/);
  });
});

describe('retrain.sh', () => {
  const KEYS = {
    SITE_METER_KEY: 'sm-key-1a2b3c',
    NEIGHBORS_KEY: 'nb-key-4d5e6f',
    WEATHER_KEY: 'wx-key-7a8b9c',
    SKYCAM_KEY: 'sc-key-0d1e2f',
    NWP_KEY: 'nwp-key-3a4b5c',
  };
  const settings = [
    { name: 'FORECAST_CONFIG', value: 'config/solar-park.json', slotSetting: false },
    ...['SITE_METER', 'NEIGHBORS', 'WEATHER', 'SKYCAM', 'NWP'].map((p) => ({
      name: `${p}_ENDPOINT`,
      value: `https://${p.toLowerCase()}.provider.example.com/`,
      slotSetting: false,
    })),
    ...Object.entries(KEYS).map(([name, value]) => ({ name, value, slotSetting: false })),
  ];
  const rules = (train: Omit<FakeRule, 'command' | 'match'>): FakeRule[] => [
    az(/^deployment group show .*--query properties\.outputs/, { stdout: json(OUTPUTS) }),
    az(/^functionapp config appsettings list .*--name func-abcdefghijklm/, { stdout: json(settings) }),
    az(/^account get-access-token/, { stdout: `${TOKEN}\n` }),
    { command: 'npm', match: /^run train/, ...train },
    { command: 'npm', match: /^run models -- list/, stdout: 'no model versions yet; run `npm run train`\n' },
  ];
  const RETRAIN_ENV = { RESOURCE_GROUP: RG, ENVIRONMENT_NAME: 'dev', HISTORY_DAYS: '14' };

  test("marks every provider key secret before anything runs, and gives train the app's settings", () => {
    const report = reportFolder('secret');
    const run = runScript('pipelines/scripts/retrain.sh', {
      env: { ...RETRAIN_ENV, REPORT_FOLDER: report },
      rules: rules({ stdout: 'promoted: v20261203-0301 (beats the champion and persistence at every lead)\n' }),
      record: Object.keys(KEYS),
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const lines = run.stdout.split('\n');
    for (const [name, value] of Object.entries(KEYS)) {
      const secretAt = lines.indexOf(`##vso[task.setsecret]${value}`);
      assert.ok(secretAt >= 0, `${name} is registered as a secret`);
      assert.equal(
        lines.findIndex((l) => l.includes(value)),
        secretAt,
        `${name} appears nowhere before it is masked`,
      );
    }
    assert.ok(!lines.some((l) => /task\.setsecret\]https:/.test(l)), 'endpoints are not secrets');
    const train = run.calls.find((c) => c.command === 'npm' && c.args[1] === 'train');
    assert.deepEqual(train?.args, ['run', 'train', '--', '--days', '14']);
    for (const [name, value] of Object.entries(KEYS)) assert.equal(train?.env[name], value);
    assert.match(run.stdout, /##vso\[task\.setvariable variable=outcome;isOutput=true\]promoted/);
    rmSync(report, { recursive: true, force: true });
  });

  test('when Blob Storage refuses train (403 AuthorizationPermissionMismatch), says which role is missing, for whom and where', () => {
    const report = reportFolder('403');
    const refused = [
      'training on 14 days of stabcdefghijklm',
      'RestError: This request is not authorized to perform this operation using this permission.',
      "  code: 'AuthorizationPermissionMismatch',",
      '  statusCode: 403,',
    ].join('\n');
    const run = runScript('pipelines/scripts/retrain.sh', {
      env: { ...RETRAIN_ENV, REPORT_FOLDER: report },
      rules: rules({ stdout: `${refused}\n`, exitCode: 1 }),
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stdout,
      new RegExp(
        `##vso\\[task\\.logissue type=error\\]npm run train was refused by Blob Storage \\(403\\): the service connection's principal ${OID} has no data role on storage account stabcdefghijklm\\. It needs Storage Blob Data Contributor on the app's containers`,
      ),
    );
    assert.match(run.stdout, /pipelinePrincipalId/);
    assert.match(run.stdout, /##vso\[task\.setvariable variable=outcome;isOutput=true\]failed/);
    rmSync(report, { recursive: true, force: true });
  });

  test('any other train failure keeps the plain message', () => {
    const report = reportFolder('other');
    const run = runScript('pipelines/scripts/retrain.sh', {
      env: { ...RETRAIN_ENV, REPORT_FOLDER: report },
      rules: rules({ stdout: 'not enough history: 2 days, need 7\n', exitCode: 1 }),
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /npm run train failed \(exit 1\); see train\.log in the artifact/);
    assert.doesNotMatch(run.stdout, /Storage Blob Data Contributor/);
    rmSync(report, { recursive: true, force: true });
  });
});

/** Where retrain.sh writes its report (outside the fake's temporary folder, which is gone when the run returns). */
function reportFolder(what: string): string {
  return join(tmpdir(), `retrain-test-${process.pid}-${what}`);
}
