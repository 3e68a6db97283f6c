import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../cli/cliSettings';

/** Every npm script that runs one of our command-line entry points: `tsc -p . && node dist/<file>.js`. */
function cliScripts(): { script: string; entry: string; args: string[] }[] {
  const { scripts } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const out: { script: string; entry: string; args: string[] }[] = [];
  for (const [script, command] of Object.entries(scripts)) {
    const m = /^tsc -p \. && node (dist\/\S+\.js)$/.exec(command);
    if (!m) continue;
    const entry = m[1] as string;
    // Commands with sub-commands answer at both levels.
    if (script === 'provider')
      out.push(
        { script, entry, args: [] },
        { script, entry, args: ['try'] },
        { script, entry, args: ['serve-example'] },
      );
    else out.push({ script, entry, args: [] });
  }
  return out;
}

// No stack, no settings: a CLI must answer these before it needs anything.
const ENV = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NODE_OPTIONS: '' };

function run(entry: string, args: string[]) {
  return spawnSync(process.execPath, [join(PROJECT_ROOT, entry), ...args], {
    cwd: PROJECT_ROOT,
    env: ENV,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

test('the CLI scripts are found (start, train, models, provider, cost, backtest, the benches, package, bicep)', () => {
  const names = new Set(cliScripts().map((c) => c.script));
  for (const s of [
    'start',
    'train',
    'models',
    'provider',
    'cost',
    'backtest',
    'bench',
    'bench:fallback',
    'package',
    'bicep',
  ])
    assert.ok(names.has(s), s);
});

for (const { script, entry, args } of cliScripts()) {
  const name = [script, ...args].join(' ');
  test(
    `npm run ${name}: --help prints the usage and succeeds; an unknown option prints the usage and fails`,
    { skip: !existsSync(join(PROJECT_ROOT, entry)) && `${entry} not built` },
    () => {
      const help = run(entry, [...args, '--help']);
      assert.equal(help.status, 0, `--help exit status; stderr: ${help.stderr}`);
      const usage = help.stdout + help.stderr;
      assert.match(
        usage,
        new RegExp(`npm (run ${script.replace(':', '\\:')}|start)\\b`),
        `--help names the command: ${usage.slice(0, 200)}`,
      );
      assert.match(usage, /--[a-z]|<command>/, 'the usage lists the options');

      const bad = run(entry, [...args, '--no-such-option']);
      assert.notEqual(bad.status, 0, `an unknown option fails; stdout: ${bad.stdout.slice(0, 300)}`);
      assert.equal(bad.signal, null, 'it answers at once, not after a timeout');
      assert.match(bad.stderr, /--no-such-option/, `the error names the option: ${bad.stderr.slice(0, 300)}`);
      assert.match(
        bad.stderr,
        new RegExp(`npm (run ${script.replace(':', '\\:')}|start)\\b`),
        `the usage follows: ${bad.stderr.slice(0, 300)}`,
      );
    },
  );
}
