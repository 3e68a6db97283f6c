import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  compileSchemaExtensions,
  createAjv,
  type DocumentKind,
  type PipelineValidator,
  type SchemaNode,
} from './azurePipelinesSchema';
import {
  hoistTemplateExpressions,
  loadPipelineDocument,
  parsePipelineYaml,
  templateKind,
  type YamlValue,
} from './pipelineDocuments';
import { declaredParameters, instantiateParameters } from './pipelineReferences';
import { entryPipelines, FIXTURES_DIR, PROJECT_ROOT, schemaSetup, templateFiles } from './pipelineProject';

// Every pipeline YAML in pipelines/ is validated against the Azure Pipelines schema, with its `ignoreCase` and
// `aliases` keywords honoured (see azurePipelinesSchema.ts). Entry pipelines are validated as whole pipelines.
// Template files are fragments: each is validated against the schema's definition for its kind (stepsTemplate,
// jobsTemplate, stagesTemplate, variablesTemplate: `parameters:` plus the one list), chosen by its top-level list,
// which pipelineReferences.test.ts checks against where the template is used. Each document is validated as Azure
// DevOps would see one expansion of it: `${{ parameters.X }}` replaced by a value X may take, and compile-time
// expression keys (`${{ if }}`, `${{ each }}`) hoisted, as the Azure Pipelines language server does.

const { path: schemaFile, validator, plainValidator } = schemaSetup();
const missing = `Azure Pipelines schema not found at ${schemaFile} (set AZURE_PIPELINES_SCHEMA to its path): pipeline YAML not validated`;

/** A document as validated: its parameters instantiated, compile-time expression keys hoisted. */
function prepared(raw: YamlValue): YamlValue {
  return hoistTemplateExpressions(instantiateParameters(raw, declaredParameters(raw)));
}

function problemsOf(v: PipelineValidator, file: string, kind: DocumentKind): string[] {
  return v.validate(prepared(loadPipelineDocument(file, PROJECT_ROOT).raw), kind);
}

describe('pipeline YAML against the Azure Pipelines schema', () => {
  test('the schema file is there', (t) => {
    if (!validator) t.skip(missing);
  });

  for (const doc of entryPipelines()) {
    test(`${doc.name} is a valid pipeline`, (t) => {
      if (!validator) return t.skip(missing);
      const problems = validator.validate(prepared(doc.raw), 'pipeline');
      assert.deepEqual(problems, [], `${doc.name}:\n  ${problems.join('\n  ')}`);
    });
  }

  for (const doc of templateFiles()) {
    test(`${doc.name} is a valid template`, (t) => {
      const kind = templateKind(doc.raw);
      assert.ok(kind, `${doc.name} has none of the lists a template defines (steps, jobs, stages, variables)`);
      if (!validator) return t.skip(missing);
      const problems = validator.validate(prepared(doc.raw), kind);
      assert.deepEqual(problems, [], `${doc.name} (${kind}):\n  ${problems.join('\n  ')}`);
    });
  }
});

describe('the validator catches what Azure DevOps rejects', () => {
  const broken: { file: string; kind: DocumentKind; mentions: RegExp }[] = [
    { file: 'invalid-misspelt-key.yml', kind: 'pipeline', mentions: /jobz/ },
    { file: 'invalid-unknown-input.yml', kind: 'pipeline', mentions: /inlineScrip\b/ },
    { file: 'invalid-missing-input.yml', kind: 'pipeline', mentions: /azureSubscription/ },
    { file: 'invalid-enum-value.yml', kind: 'pipeline', mentions: /\/steps\/0\/inputs\/scriptType/ },
    { file: 'invalid-steps-template.yml', kind: 'stepsTemplate', mentions: /scirpt/ },
  ];
  for (const { file, kind, mentions } of broken) {
    test(`${file} fails, naming the problem`, (t) => {
      if (!validator) return t.skip(missing);
      const problems = problemsOf(validator, join(FIXTURES_DIR, file), kind);
      assert.notDeepEqual(problems, [], `${file} passed validation`);
      assert.match(problems.join('\n'), mentions);
    });
  }

  test('task input aliases and case-insensitive names and values pass, and only because they are resolved', (t) => {
    if (!validator || !plainValidator) return t.skip(missing);
    const file = join(FIXTURES_DIR, 'valid-aliases-and-case.yml');
    const problems = problemsOf(validator, file, 'pipeline');
    assert.deepEqual(problems, [], problems.join('\n'));
    // A plain JSON Schema validation of the same file fails: the handling is what makes it pass.
    assert.notDeepEqual(problemsOf(plainValidator(), file, 'pipeline'), []);
  });

  const cases: { name: string; yaml: string; valid: boolean }[] = [
    { name: 'a minimal pipeline', yaml: 'steps:\n  - script: echo hi\n', valid: true },
    { name: 'an empty file', yaml: '', valid: true },
    {
      name: 'a task name in another case',
      yaml: 'steps:\n  - task: publishpipelineartifact@1\n    inputs:\n      targetPath: a\n',
      valid: true,
    },
    { name: 'an unknown task', yaml: 'steps:\n  - task: NoSuchTask@1\n', valid: false },
    {
      name: 'a boolean input spelt as a YAML boolean',
      yaml: 'steps:\n  - task: PublishTestResults@2\n    inputs:\n      testResultsFiles: a.xml\n      mergeTestResults: On\n',
      valid: true,
    },
    {
      name: 'a boolean input that is not one',
      yaml: 'steps:\n  - task: PublishTestResults@2\n    inputs:\n      testResultsFiles: a.xml\n      mergeTestResults: maybe\n',
      valid: false,
    },
    {
      name: 'an integer input given as an expression',
      yaml: 'steps:\n  - task: PublishPipelineArtifact@1\n    timeoutInMinutes: ${{ parameters.t }}\n    inputs:\n      targetPath: a\n',
      valid: true,
    },
    {
      name: 'a task whose first key is not task',
      yaml: 'steps:\n  - displayName: x\n    task: PublishPipelineArtifact@1\n',
      valid: false,
    },
    {
      name: 'an alias of another task',
      yaml: 'steps:\n  - task: AzureCLI@2\n    inputs:\n      azureSubscription: c\n      scriptType: bash\n      appName: x\n',
      valid: false,
    },
    {
      name: 'a conditional step (hoisted)',
      yaml: 'steps:\n  - ${{ if true }}:\n    - script: echo a\n  - ${{ else }}:\n    - scirpt: echo b\n',
      valid: false,
    },
  ];
  for (const c of cases) {
    test(`${c.name} is ${c.valid ? 'valid' : 'invalid'}`, (t) => {
      if (!validator) return t.skip(missing);
      const problems = validator.validate(prepared(parsePipelineYaml(c.yaml, c.name)), 'pipeline');
      if (c.valid) assert.deepEqual(problems, []);
      else assert.notDeepEqual(problems, []);
    });
  }
});

describe('the schema keywords, on a small schema', () => {
  // A task-like object: one input with an alias and a case-insensitive name, one case-insensitive enum, a boolean.
  const toy: SchemaNode = {
    type: 'object',
    firstProperty: ['name'],
    properties: {
      name: { type: 'string', ignoreCase: 'value', pattern: '^Thing@1$' },
      inputs: {
        type: 'object',
        properties: {
          connection: { type: 'string', ignoreCase: 'key', aliases: ['serviceConnection'] },
          mode: { ignoreCase: 'all', enum: ['fast', 'Thorough'] },
          verbose: { type: 'boolean', ignoreCase: 'key' },
          exact: { type: 'string' },
        },
        additionalProperties: false,
        required: ['connection'],
      },
    },
    additionalProperties: false,
  };
  const validate = createAjv().compile(compileSchemaExtensions(toy));
  const plain = createAjv({ plain: true }).compile(toy);
  const cases: { name: string; data: unknown; valid: boolean; plainValid: boolean }[] = [
    {
      name: 'canonical names',
      data: { name: 'Thing@1', inputs: { connection: 'c', mode: 'fast', verbose: 'true' } },
      valid: true,
      plainValid: false,
    },
    { name: 'an alias', data: { name: 'Thing@1', inputs: { serviceConnection: 'c' } }, valid: true, plainValid: false },
    {
      name: 'an alias in another case',
      data: { name: 'Thing@1', inputs: { SERVICECONNECTION: 'c' } },
      valid: true,
      plainValid: false,
    },
    {
      name: 'key, enum value and pattern in other cases',
      data: { name: 'thing@1', inputs: { Connection: 'c', MODE: 'THOROUGH', Verbose: 'Yes' } },
      valid: true,
      plainValid: false,
    },
    {
      name: 'a case-sensitive key in another case',
      data: { name: 'Thing@1', inputs: { connection: 'c', Exact: 'x' } },
      valid: false,
      plainValid: false,
    },
    {
      name: 'the required input missing',
      data: { name: 'Thing@1', inputs: { mode: 'fast' } },
      valid: false,
      plainValid: false,
    },
    {
      name: 'an enum value that is not one',
      data: { name: 'Thing@1', inputs: { connection: 'c', mode: 'slow' } },
      valid: false,
      plainValid: false,
    },
    {
      name: 'a boolean that is not one',
      data: { name: 'Thing@1', inputs: { connection: 'c', verbose: 'sometimes' } },
      valid: false,
      plainValid: false,
    },
    {
      name: 'a boolean given as an expression',
      data: { name: 'Thing@1', inputs: { connection: 'c', verbose: '${{ parameters.v }}' } },
      valid: true,
      plainValid: false,
    },
    {
      name: 'another first key',
      data: { inputs: { connection: 'c' }, name: 'Thing@1' },
      valid: false,
      plainValid: false,
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.valid ? 'valid' : 'invalid'}`, () => {
      assert.equal(validate(c.data), c.valid, JSON.stringify(validate.errors));
      assert.equal(plain(c.data), c.plainValid);
    });
  }
});
