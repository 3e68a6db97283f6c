import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BicepToolError } from '../../local/tools/BicepToolError';
import { checkBicep } from '../../local/tools/bicepCheck';
import { ensureBicep, findRepoRoot, pinnedVersion } from '../../local/tools/ensureBicep';
import { paramFileEnv } from '../../local/tools/paramFileEnv';
import { runBicep } from '../../local/tools/runBicep';
import { sarifDiagnostics } from '../../local/tools/sarifDiagnostics';

// The first run on a fresh clone restores the compiler from NuGet: allow for a slow registry.
const RESTORE_TIMEOUT_MS = 15 * 60_000;
const root = findRepoRoot(__dirname);
let bicep: string;
let scratch: string;

before(
  async () => {
    bicep = await ensureBicep();
    scratch = mkdtempSync(join(tmpdir(), 'bicep-tools-test-'));
  },
  { timeout: RESTORE_TIMEOUT_MS },
);
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('ensureBicep', () => {
  it('returns the executable compiler of the version pinned in local/tools/bicep/bicep.csproj', async () => {
    const version = pinnedVersion(join(root, 'local', 'tools', 'bicep', 'bicep.csproj'));
    assert.match(version, /^\d+\.\d+\.\d+$/);
    assert.ok(bicep.startsWith(join(root, '.tools')), `${bicep} is inside the git-ignored .tools/`);
    assert.match(
      execFileSync(bicep, ['--version'], { encoding: 'utf8' }),
      new RegExp(`Bicep CLI version ${version.replace(/\./g, '\\.')} `),
    );
    assert.equal(await ensureBicep(), bicep, 'a second call finds it without restoring');
  });

  it('says clearly that dotnet is missing when the compiler must be restored without it', async () => {
    const fakeRoot = join(scratch, 'no-dotnet');
    mkdirSync(join(fakeRoot, 'local', 'tools', 'bicep'), { recursive: true });
    copyFileSync(
      join(root, 'local', 'tools', 'bicep', 'bicep.csproj'),
      join(fakeRoot, 'local', 'tools', 'bicep', 'bicep.csproj'),
    );
    const path = process.env['PATH'];
    process.env['PATH'] = join(scratch, 'empty-bin');
    try {
      await assert.rejects(ensureBicep({ root: fakeRoot, log: () => undefined }), (err: unknown) => {
        assert.ok(err instanceof BicepToolError);
        assert.equal(err.code, 'DOTNET_MISSING');
        assert.match(err.message, /"dotnet"\) is not on PATH/);
        return true;
      });
    } finally {
      process.env['PATH'] = path;
    }
  });
});

describe('bicepCheck', () => {
  it(
    'fails on an unsuppressed warning and passes when it is suppressed with a reason',
    { timeout: RESTORE_TIMEOUT_MS },
    async () => {
      const dir = join(scratch, 'templates');
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(root, 'bicep', 'bicepconfig.json'), join(dir, 'bicepconfig.json'));
      // no-unused-params warns by default; use-user-defined-types only because bicepconfig.json turns it on.
      writeFileSync(
        join(dir, 'unused.bicep'),
        "@description('Required. Never used.')\nparam unused string\n@description('Required. Untyped.')\nparam bare object\noutput bareAgain object = bare\n",
      );
      const failing = await checkBicep({ root, bicepDir: dir, outDir: join(scratch, 'out1'), log: () => undefined });
      assert.deepEqual(
        failing.blocking.map((d) => `${d.level} ${d.ruleId} line ${d.line}`),
        [
          'warning no-unused-params line 2',
          'warning use-user-defined-types line 4',
          'warning use-user-defined-types line 5',
        ],
      );

      writeFileSync(
        join(dir, 'unused.bicep'),
        "@description('Required. Never used.')\n#disable-next-line no-unused-params // kept for the interface of the test\nparam unused string\n",
      );
      const passing = await checkBicep({ root, bicepDir: dir, outDir: join(scratch, 'out2'), log: () => undefined });
      assert.deepEqual(passing.blocking, []);
      assert.deepEqual(passing.failures, []);
    },
  );

  it('reports a compile error with its file and line', { timeout: RESTORE_TIMEOUT_MS }, async () => {
    const dir = join(scratch, 'broken');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(root, 'bicep', 'bicepconfig.json'), join(dir, 'bicepconfig.json'));
    writeFileSync(join(dir, 'broken.bicep'), "output x string = 'a' +\n");
    const result = await checkBicep({ root, bicepDir: dir, outDir: join(scratch, 'out3'), log: () => undefined });
    const errors = result.blocking.filter((d) => d.level === 'error');
    assert.ok(errors.length > 0, 'an error is reported');
    assert.ok(
      errors.every((d) => d.file === join(dir, 'broken.bicep') && d.line >= 1 && /^BCP\d+$/.test(d.ruleId)),
      JSON.stringify(errors),
    );
  });
});

describe('parameter files', () => {
  it(
    'refuse to build without the provider keys from the environment, naming the missing variable',
    { timeout: RESTORE_TIMEOUT_MS },
    async () => {
      const file = join(root, 'bicep', 'main.dev.bicepparam');
      const required = Object.keys(paramFileEnv(file, {}));
      assert.deepEqual(required.sort(), ['NEIGHBORS_KEY', 'NWP_KEY', 'SITE_METER_KEY', 'SKYCAM_KEY', 'WEATHER_KEY']);
      const withoutKeys = Object.fromEntries(Object.entries(process.env).filter(([k]) => !required.includes(k)));
      const saved = { ...process.env };
      process.env = withoutKeys;
      try {
        const run = await runBicep(bicep, ['build-params', file, '--stdout'], { cwd: root });
        assert.equal(run.code, 1);
        const missing = run.diagnostics.filter((d) => d.ruleId === 'BCP427').map((d) => d.message);
        assert.ok(
          missing.some((m) => m.includes('"SITE_METER_KEY"')),
          missing.join('\n'),
        );
      } finally {
        process.env = saved;
      }
    },
  );
});

describe('sarifDiagnostics', () => {
  it('reads back-to-back SARIF logs and skips other output', () => {
    const log = (level: string | undefined, rule: string): string =>
      JSON.stringify({
        runs: [
          {
            results: [
              {
                ruleId: rule,
                ...(level ? { level } : {}),
                message: { text: `msg {x} "q" [https://aka.ms/x]` },
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: 'file:///t/a.bicep' },
                      region: { startLine: 3, charOffset: 4 },
                    },
                  },
                ],
              },
            ],
          },
        ],
      });
    const text = `Building...\n${log('error', 'BCP001')}${log(undefined, 'no-unused-vars')}\n{"not": "sarif"}`;
    assert.deepEqual(sarifDiagnostics(text), [
      { file: '/t/a.bicep', line: 3, column: 5, level: 'error', ruleId: 'BCP001', message: 'msg {x} "q"' },
      { file: '/t/a.bicep', line: 3, column: 5, level: 'warning', ruleId: 'no-unused-vars', message: 'msg {x} "q"' },
    ]);
  });
});
