import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { hoistTemplateExpressions, isMap, parsePipelineYaml, templateKind, type YamlValue } from './pipelineDocuments';
import { entryPipelines, followTemplates, PIPELINES_DIR, PROJECT_ROOT, templateFiles } from './pipelineProject';
import {
  declaredParameters,
  expandTemplatePath,
  inlineScripts,
  nodeEntryPoints,
  NPM_BUILTINS,
  npmInvocations,
  resolveScriptPath,
  resolveTemplatePath,
  scriptFiles,
  type TemplateContext,
  templateReferences,
} from './pipelineReferences';

const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  scripts?: Record<string, string>;
};
const scripts = packageJson.scripts ?? {};
const graph = followTemplates(entryPipelines());
const documents = [...graph.documents.values()];

/** The template kind a reference in each context must name. */
const KIND_FOR: Record<TemplateContext, string> = {
  steps: 'stepsTemplate',
  jobs: 'jobsTemplate',
  stages: 'stagesTemplate',
  variables: 'variablesTemplate',
  extends: 'pipeline',
};

/** Every command text the pipelines run: inline scripts, and the script files tasks run. */
function commandTexts(): { origin: string; text: string }[] {
  const out: { origin: string; text: string }[] = [];
  for (const doc of documents) {
    for (const text of inlineScripts(doc.raw)) out.push({ origin: doc.name, text });
    for (const path of scriptFiles(doc.raw)) {
      const file = resolveScriptPath(path, PROJECT_ROOT);
      if (existsSync(file)) out.push({ origin: relative(PROJECT_ROOT, file), text: readFileSync(file, 'utf8') });
    }
  }
  return out;
}

describe('template references', () => {
  test('every template: reference resolves to a file, recursively from the entry pipelines', () => {
    assert.ok(graph.edges.length > 0, 'no template references found');
    assert.deepEqual(graph.problems, []);
  });

  test('every template is used in the kind of list it defines', () => {
    const wrong = graph.edges
      .filter((e) => templateKind(graph.documents.get(e.file)?.raw ?? '') !== KIND_FOR[e.ref.context])
      .map(
        (e) =>
          `${e.from.name}${e.ref.at}: ${e.ref.context} refers to ${relative(PROJECT_ROOT, e.file)}, a ${templateKind(graph.documents.get(e.file)?.raw ?? '') ?? 'non-template'}`,
      );
    assert.deepEqual(wrong, []);
  });

  test('every reference passes only declared parameters, every required one, and allowed values', () => {
    const problems: string[] = [];
    for (const e of graph.edges) {
      const target = graph.documents.get(e.file);
      const declared = declaredParameters(target?.raw ?? '');
      const where = `${e.from.name}${e.ref.at} -> ${relative(PROJECT_ROOT, e.file)}`;
      for (const [name, value] of Object.entries(e.ref.parameters)) {
        const p = declared.find((d) => d.name === name);
        if (!p) problems.push(`${where}: passes "${name}", which the template does not declare`);
        else if (typeof value === 'string' && !value.includes('${{') && p.values && !p.values.includes(value))
          problems.push(`${where}: ${name}=${value} is not one of ${p.values.join(', ')}`);
        else if (
          typeof value === 'string' &&
          !value.includes('${{') &&
          p.type === 'boolean' &&
          !/^(true|false)$/i.test(value)
        )
          problems.push(`${where}: ${name}=${value} is not a boolean`);
        else if (
          typeof value === 'string' &&
          !value.includes('${{') &&
          !value.includes('$(') &&
          p.type === 'number' &&
          !Number.isFinite(Number(value))
        )
          problems.push(`${where}: ${name}=${value} is not a number`);
      }
      for (const p of declared)
        if (p.default === undefined && !(p.name in e.ref.parameters))
          problems.push(`${where}: required parameter "${p.name}" is not passed`);
    }
    assert.deepEqual(problems, []);
  });

  test('every template file under pipelines/ is used by an entry pipeline', () => {
    const unused = templateFiles()
      .filter((t) => !graph.documents.has(t.file))
      .map((t) => t.name);
    assert.deepEqual(unused, []);
  });
});

describe('commands the pipelines run', () => {
  const texts = commandTexts();

  test('every npm script a pipeline runs is in package.json', () => {
    const invocations = texts.flatMap(({ origin, text }) => npmInvocations(text).map((i) => ({ origin, ...i })));
    assert.ok(
      invocations.some((i) => i.command === 'ci'),
      'no pipeline runs npm ci',
    );
    const missing = invocations
      .filter((i) =>
        i.command === 'run'
          ? !(i.script && i.script in scripts)
          : !NPM_BUILTINS.has(i.command) && !(i.command in scripts),
      )
      .map(
        (i) =>
          `${i.origin}: \`${i.line}\` needs ${i.command === 'run' ? `the script "${i.script}"` : `"${i.command}"`} in package.json scripts`,
      );
    assert.deepEqual(missing, []);
  });

  test('every compiled entry point a pipeline runs with node has its TypeScript source', () => {
    const entries = texts.flatMap(({ origin, text }) => nodeEntryPoints(text).map((path) => ({ origin, path })));
    const missing = entries
      .filter(({ path }) => !existsSync(join(PROJECT_ROOT, path.replace(/^dist\//, '').replace(/\.js$/, '.ts'))))
      .map(
        ({ origin, path }) =>
          `${origin}: runs ${path}, but ${path.replace(/^dist\//, '').replace(/\.js$/, '.ts')} does not exist`,
      );
    assert.deepEqual(missing, []);
  });

  test('every script file a task runs exists and is valid bash', () => {
    const paths = documents.flatMap((d) => scriptFiles(d.raw).map((path) => ({ origin: d.name, path })));
    assert.ok(paths.length > 0);
    for (const { origin, path } of paths) {
      const file = resolveScriptPath(path, PROJECT_ROOT);
      assert.ok(existsSync(file), `${origin}: script ${path} does not exist`);
      assert.ok(file.startsWith(PIPELINES_DIR), `${origin}: script ${path} is outside pipelines/`);
      if (file.endsWith('.sh')) execFileSync('bash', ['-n', file]);
    }
  });
});

describe('reference helpers', () => {
  const npmCases: { text: string; expected: string[] }[] = [
    { text: 'npm ci --no-audit --no-fund', expected: ['ci'] },
    { text: 'npm test', expected: ['test'] },
    { text: 'npm run package', expected: ['run:package'] },
    { text: 'npm run-script lint && npm --prefix app run train -- --days 7', expected: ['run:lint', 'run:train'] },
    { text: 'npm ci\nnpm run models -- list', expected: ['ci', 'run:models'] },
    { text: 'npx tsc -p . && pnpm run x', expected: [] },
  ];
  for (const c of npmCases) {
    test(`npm commands of ${JSON.stringify(c.text)}`, () => {
      assert.deepEqual(
        npmInvocations(c.text).map((i) => (i.command === 'run' ? `run:${i.script}` : i.command)),
        c.expected,
      );
    });
  }

  test('node entry points', () => {
    assert.deepEqual(
      nodeEntryPoints(
        'npm run build\nnode dist/local/tools/bicepCheck.js --x\nnode --enable-source-maps dist/cli/train.js',
      ),
      ['dist/local/tools/bicepCheck.js', 'dist/cli/train.js'],
    );
  });

  test('template paths expand over the declared values of a parameter, and resolve like Azure DevOps', () => {
    const declared = declaredParameters(
      parsePipelineYaml(
        'parameters:\n  - name: env\n    type: string\n    values: [dev, prod]\n  - name: free\n    type: string\n',
        't',
      ),
    );
    assert.deepEqual(expandTemplatePath('../vars/${{ parameters.env }}.yml', declared), [
      '../vars/dev.yml',
      '../vars/prod.yml',
    ]);
    assert.throws(() => expandTemplatePath('${{ parameters.free }}.yml', declared), /declares no values/);
    assert.equal(
      resolveTemplatePath('../steps/a.yml', '/repo/pipelines/templates/jobs/j.yml', '/repo'),
      '/repo/pipelines/templates/steps/a.yml',
    );
    assert.equal(
      resolveTemplatePath('/pipelines/x.yml', '/repo/pipelines/templates/jobs/j.yml', '/repo'),
      '/repo/pipelines/x.yml',
    );
    assert.equal(resolveTemplatePath('steps/a.yml@templates', '/repo/pipelines/ci.yml', '/repo'), undefined);
  });

  test('template references know the list they stand in, through conditionals', () => {
    const doc: YamlValue = hoistTemplateExpressions(
      parsePipelineYaml(
        'stages:\n  - stage: a\n    variables:\n      - template: v.yml\n    jobs:\n      - job: j\n        steps:\n          - ${{ if true }}:\n            - template: s.yml\n',
        't',
      ),
    );
    assert.ok(isMap(doc));
    assert.deepEqual(
      templateReferences(doc).map((r) => `${r.context}:${r.path}`),
      ['variables:v.yml', 'steps:s.yml'],
    );
  });
});
