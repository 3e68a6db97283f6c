import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pinnedVersion } from '../../local/tools/ensureBicep';
import { paramFileEnv } from '../../local/tools/paramFileEnv';
import { type SchemaNode, schemaPath } from './azurePipelinesSchema';
import {
  hoistTemplateExpressions,
  isMap,
  type PipelineDocument,
  type YamlMap,
  type YamlValue,
} from './pipelineDocuments';
import { entryPipelines, followTemplates, PROJECT_ROOT, templateFiles } from './pipelineProject';
import { declaredParameters, inlineScripts, npmInvocations } from './pipelineReferences';

// The rules of STYLE.md's Pipelines section and of issue 6 that a schema cannot express.

const entries = new Map(entryPipelines().map((d) => [d.name.replace(/^pipelines\//, ''), d]));
const all = [...entries.values(), ...templateFiles()];

function entry(name: string): PipelineDocument {
  const doc = entries.get(name);
  assert.ok(doc, `pipelines/${name} is missing`);
  return doc;
}

function template(name: string): PipelineDocument {
  const doc = all.find((d) => d.name === `pipelines/templates/${name}`);
  assert.ok(doc, `pipelines/templates/${name} is missing`);
  return doc;
}

/** Every mapping in a (hoisted) document, with its JSON pointer. */
function mappings(value: YamlValue, at = ''): { at: string; map: YamlMap }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => mappings(v, `${at}/${i}`));
  if (!isMap(value)) return [];
  return [{ at, map: value }, ...Object.entries(value).flatMap(([k, v]) => mappings(v, `${at}/${k}`))];
}

function parameterDefault(doc: PipelineDocument, name: string): YamlValue | undefined {
  return declaredParameters(doc.raw).find((p) => p.name === name)?.default;
}

/** The documents an entry pipeline reaches through its templates, itself included. */
function reached(name: string): PipelineDocument[] {
  return [...followTemplates([entry(name)]).documents.values()];
}

function tasksOf(docs: PipelineDocument[]): { doc: string; at: string; task: string; step: YamlMap }[] {
  return docs.flatMap((d) =>
    mappings(hoistTemplateExpressions(d.raw))
      .filter(({ map }) => typeof map['task'] === 'string')
      .map(({ at, map }) => ({ doc: d.name, at, task: map['task'] as string, step: map })),
  );
}

describe('pipeline conventions', () => {
  test('every job and deployment job has a timeout', () => {
    const jobs = all.flatMap((d) =>
      mappings(hoistTemplateExpressions(d.raw))
        .filter(({ map }) => 'job' in map || 'deployment' in map)
        .map((j) => ({ doc: d.name, ...j })),
    );
    assert.ok(jobs.length >= 5);
    assert.deepEqual(
      jobs.filter(({ map }) => !map['timeoutInMinutes']).map(({ doc, at }) => `${doc}${at}`),
      [],
    );
  });

  test('deployment jobs are bound to the forecast-<env> environments, where approvals attach', () => {
    const deployments = all.flatMap((d) =>
      mappings(hoistTemplateExpressions(d.raw)).filter(({ map }) => 'deployment' in map),
    );
    assert.ok(deployments.length > 0, 'no deployment: job');
    for (const { map } of deployments) assert.equal(map['environment'], 'forecast-${{ parameters.environment }}');
    const stage = template('stages/deploy-environment.yml');
    assert.deepEqual(declaredParameters(stage.raw).find((p) => p.name === 'environment')?.values, ['dev', 'prod']);
  });

  test('deploy.yml: after CI on main, what-if, then dev, then prod (prod only from main)', () => {
    const deploy = entry('deploy.yml').raw as YamlMap;
    assert.equal(deploy['trigger'], 'none');
    assert.equal(deploy['pr'], 'none');
    const resource = ((deploy['resources'] as YamlMap)['pipelines'] as YamlMap[])[0] as YamlMap;
    assert.equal(resource['pipeline'], 'ci');
    assert.deepEqual(((resource['trigger'] as YamlMap)['branches'] as YamlMap)['include'], ['main']);
    const stages = deploy['stages'] as YamlMap[];
    assert.equal(stages[0]?.['stage'], 'validate');
    const whatIfs = (stages[0]?.['jobs'] as YamlMap[]).map((j) => (j['parameters'] as YamlMap)['environment']);
    assert.deepEqual(whatIfs, ['dev', 'prod']);
    const envStages = stages.slice(1).map((s) => ({ template: s['template'], params: s['parameters'] as YamlMap }));
    assert.deepEqual(
      envStages.map((s) => [s.template, s.params['environment'], s.params['dependsOn']]),
      [
        ['templates/stages/deploy-environment.yml', 'dev', ['validate']],
        ['templates/stages/deploy-environment.yml', 'prod', ['dev']],
      ],
    );
    assert.match(String(envStages[1]?.params['condition']), /refs\/heads\/main/);
  });

  test('the deploy stage previews, deploys infrastructure and app, subscribes the image events once the app answers, and smoke-tests, in that order', () => {
    const steps = mappings(hoistTemplateExpressions(template('stages/deploy-environment.yml').raw)).find(
      ({ map }) => 'deploy' in map && isMap(map['deploy']),
    )?.map['deploy'] as YamlMap;
    const order = (steps['steps'] as YamlMap[]).map((s) =>
      s['template']
        ? `${s['template']}:${(s['parameters'] as YamlMap | undefined)?.['mode'] ?? ''}`
        : Object.keys(s)[0],
    );
    assert.deepEqual(order, [
      'checkout',
      'download',
      '../steps/deploy-infra.yml:whatIf',
      '../steps/deploy-infra.yml:create',
      '../steps/deploy-app.yml:',
      '../steps/deploy-infra.yml:imageEvents',
      '../steps/smoke-test.yml:',
    ]);
    // The smoke test decides from deploy-infra create's previouslyDeployed whether to demand a forecast.
    const smoke = (steps['steps'] as YamlMap[]).at(-1) as YamlMap;
    assert.equal((smoke['parameters'] as YamlMap)['requireHealthy'], '${{ parameters.requireHealthy }}');
    assert.equal(parameterDefault(template('stages/deploy-environment.yml'), 'requireHealthy'), 'auto');
    assert.equal(parameterDefault(template('steps/smoke-test.yml'), 'requireHealthy'), 'auto');
    const smokeEnv = mappings(template('steps/smoke-test.yml').raw).find(({ map }) => 'REQUIRE_HEALTHY' in map)
      ?.map as YamlMap;
    assert.equal(smokeEnv['PREVIOUSLY_DEPLOYED'], '$(previouslyDeployed)');
    const deploy = entry('deploy.yml').raw as YamlMap;
    for (const s of (deploy['stages'] as YamlMap[]).slice(1))
      assert.ok(
        !('requireHealthy' in (s['parameters'] as YamlMap)),
        'no environment forces requireHealthy: its first deployment has no data',
      );
    // The package upload runs as an identity whose role was created minutes before on a first deployment.
    const deployApp = tasksOf([template('steps/deploy-app.yml')]).find((t) => /^AzureFunctionApp@/.test(t.task));
    assert.ok(
      Number(deployApp?.step['retryCountOnTaskFailure']) >= 1,
      'the app deployment is retried while its new role applies',
    );
  });

  test('ci.yml: pull requests and pushes to main; test results published whatever happened; the package as artifact', () => {
    const ci = entry('ci.yml').raw as YamlMap;
    assert.deepEqual(((ci['trigger'] as YamlMap)['branches'] as YamlMap)['include'], ['main']);
    assert.deepEqual(((ci['pr'] as YamlMap)['branches'] as YamlMap)['include'], ['main']);
    const tasks = tasksOf(reached('ci.yml'));
    const publish = tasks.find((t) => t.task === 'PublishTestResults@2');
    assert.equal(publish?.step['condition'], 'always()');
    assert.equal((publish?.step['inputs'] as YamlMap)['testResultsFormat'], 'JUnit');
    const texts = reached('ci.yml')
      .flatMap((d) => inlineScripts(d.raw))
      .join('\n');
    for (const script of ['lint', 'typecheck', 'package'])
      assert.ok(
        npmInvocations(texts).some((i) => i.script === script),
        `ci runs no npm run ${script}`,
      );
    assert.ok(
      npmInvocations(texts).some((i) => i.command === 'test'),
      'ci runs no npm test',
    );
    assert.match(texts, /node dist\/local\/tools\/bicepCheck\.js/);
    // The artifact CI publishes is the one deploy.yml downloads.
    const artifact = tasks.find((t) => t.task === 'PublishPipelineArtifact@1')?.step['inputs'] as YamlMap;
    assert.equal(artifact['artifact'], '${{ parameters.artifactName }}');
    assert.equal(parameterDefault(template('stages/deploy-environment.yml'), 'artifactName'), 'app');
  });

  test('node test reporters: spec to the log and JUnit to the file the publish step reads', () => {
    const step = mappings(template('steps/build-test.yml').raw).find(({ map }) => map['script'] === 'npm test')?.map;
    const options = String((step?.['env'] as YamlMap)['NODE_OPTIONS']);
    assert.match(options, /--test-reporter=spec --test-reporter-destination=stdout/);
    assert.match(options, /--test-reporter=junit --test-reporter-destination=\$\{\{ parameters\.testResultsFile \}\}/);
  });

  test('retrain.yml: weekly and manual only, trains with npm run train, never redeploys the app', () => {
    const retrain = entry('retrain.yml').raw as YamlMap;
    assert.equal(retrain['trigger'], 'none');
    assert.equal(retrain['pr'], 'none');
    const schedules = retrain['schedules'] as YamlMap[];
    assert.equal(schedules.length, 1);
    assert.match(String(schedules[0]?.['cron']), /^\S+ \S+ \* \* [0-6]$/, 'a weekly cron: one day of the week');
    const docs = reached('retrain.yml');
    assert.deepEqual(
      tasksOf(docs).filter((t) => /^AzureFunctionApp/i.test(t.task)),
      [],
    );
    const scripts =
      docs.flatMap((d) => inlineScripts(d.raw)).join('\n') +
      readFileSync(join(PROJECT_ROOT, 'pipelines/scripts/retrain.sh'), 'utf8');
    assert.ok(npmInvocations(scripts).some((i) => i.script === 'train'));
    assert.match(scripts, /AzureWebJobsStorage__blobServiceUri/);
    assert.match(scripts, /task\.uploadsummary/);
  });

  test('tool versions are pinned and agree with the project', () => {
    const engines = (
      JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    const node = String(parameterDefault(template('steps/install-node.yml'), 'nodeVersion'));
    assert.equal(node, '22.x', 'the Node.js the app runs on in Azure (bicep functionAppConfig.runtime)');
    assert.equal(engines, '>=20');
    const functionApp = readFileSync(join(PROJECT_ROOT, 'bicep/modules/functionApp.bicep'), 'utf8');
    assert.match(functionApp, /param nodeVersion string = '22'/);
    // CI tests on both Node versions engines allows and the platform offers.
    const testJob = mappings(entry('ci.yml').raw).find(({ map }) => map['job'] === 'test')?.map as YamlMap;
    const matrix = (testJob['strategy'] as YamlMap)['matrix'] as YamlMap;
    assert.deepEqual(
      Object.values(matrix)
        .map((m) => (m as YamlMap)['nodeVersion'])
        .sort(),
      ['20.x', '22.x'],
    );
    const install = (testJob['steps'] as YamlMap[]).find(
      (st) => st['template'] === 'templates/steps/install-node.yml',
    ) as YamlMap;
    assert.equal((install['parameters'] as YamlMap)['nodeVersion'], '$(nodeVersion)');
    const bicep = parameterDefault(template('steps/deploy-infra.yml'), 'bicepVersion');
    assert.equal(bicep, pinnedVersion(join(PROJECT_ROOT, 'local/tools/bicep/bicep.csproj')));
    for (const d of all)
      for (const { at, map } of mappings(d.raw)) {
        if (isMap(map['pool']))
          assert.doesNotMatch(String(map['pool']['vmImage']), /latest/, `${d.name}${at}: pin the agent image`);
      }
  });

  test('every secret the .bicepparam files read is mapped into the infrastructure step', () => {
    const secrets = parameterDefault(template('steps/deploy-infra.yml'), 'secretVariables');
    assert.ok(Array.isArray(secrets));
    for (const env of ['dev', 'prod']) {
      const vars = (
        entries.size > 0 ? all.find((d) => d.name === `pipelines/variables/${env}.yml`)?.raw : undefined
      ) as YamlMap;
      const paramFile = (vars['variables'] as YamlMap[]).find((v) => v['name'] === 'bicepParamFile')?.[
        'value'
      ] as string;
      assert.ok(existsSync(join(PROJECT_ROOT, paramFile)), `${env}: ${paramFile} does not exist`);
      const required = Object.keys(paramFileEnv(join(PROJECT_ROOT, paramFile), {}));
      assert.deepEqual(
        required.filter((name) => !secrets.includes(name)),
        [],
        `${paramFile} reads secrets the pipeline does not pass`,
      );
      assert.ok((vars['variables'] as YamlMap[]).some((v) => v['group'] === `forecast-${env}-secrets`));
    }
  });

  test('the infrastructure step maps only secrets a .bicepparam file needs, and the variables files name each', () => {
    const secrets = parameterDefault(template('steps/deploy-infra.yml'), 'secretVariables') as string[];
    const required = new Set(
      ['dev', 'prod'].flatMap((env) =>
        Object.keys(paramFileEnv(join(PROJECT_ROOT, `bicep/main.${env}.bicepparam`), {})),
      ),
    );
    // Each listed secret must be in every environment's variable group, or the step fails: so none may be stale.
    assert.deepEqual(
      secrets.filter((name) => !required.has(name)),
      [],
      'secrets the pipeline requires but no parameter file reads',
    );
    for (const env of ['dev', 'prod']) {
      const text = readFileSync(join(PROJECT_ROOT, `pipelines/variables/${env}.yml`), 'utf8');
      for (const name of secrets)
        assert.ok(text.includes(name), `pipelines/variables/${env}.yml names the secret variable ${name}`);
      assert.match(text, /providerSecrets/, `pipelines/variables/${env}.yml says where other provider secrets go`);
    }
  });

  test('no task is deprecated or older than the newest major version the schema knows', (t) => {
    const schema = schemaPath(PROJECT_ROOT);
    if (!existsSync(schema))
      return t.skip(
        `Azure Pipelines schema not found at ${schema} (set AZURE_PIPELINES_SCHEMA): task versions not checked`,
      );
    const branches = (
      JSON.parse(readFileSync(schema, 'utf8')) as { definitions: { task: { anyOf: SchemaNode[] } } }
    ).definitions.task.anyOf.map((b) => ({
      name: String(((b['properties'] as SchemaNode)['task'] as SchemaNode)['pattern']).replace(/^\^|\$$/g, ''),
      deprecated: typeof b['deprecationMessage'] === 'string',
    }));
    const problems: string[] = [];
    for (const { doc, task } of tasksOf(all)) {
      const [name, major] = task.split('@') as [string, string];
      const same = branches.filter((b) => b.name.toLowerCase() === task.toLowerCase());
      if (same.length === 0 || same.every((b) => b.deprecated))
        problems.push(`${doc}: ${task} is deprecated or unknown`);
      const newest = Math.max(
        ...branches
          .filter((b) => b.name.toLowerCase().startsWith(`${name.toLowerCase()}@`) && !b.deprecated)
          .map((b) => Number(b.name.split('@')[1])),
      );
      if (Number(major) < newest) problems.push(`${doc}: ${task} is older than ${name}@${newest}`);
    }
    assert.deepEqual(problems, []);
  });
});
