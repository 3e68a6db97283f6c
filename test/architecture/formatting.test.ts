import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../support/importGraph';

const prettier = join(PROJECT_ROOT, 'node_modules/.bin/prettier');
const config = join(PROJECT_ROOT, '.prettierrc.json');

/** Runs `prettier --check` with the project's configuration on one file holding `source`; returns the exit code. */
function check(source: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'format-'));
  try {
    const file = join(dir, 'sample.ts');
    writeFileSync(file, source);
    return spawnSync(prettier, ['--check', '--config', config, file], { encoding: 'utf8' }).status ?? -1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('formatting', () => {
  it('npm run lint checks it, after the types', () => {
    const scripts = (
      JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    assert.match(scripts['lint'] ?? '', /^tsc .*&& prettier --check .*\.$/);
    assert.match(scripts['format'] ?? '', /^prettier --write /);
  });

  it('the check refuses unformatted code and passes formatted code (120 columns, single quotes, trailing commas)', () => {
    assert.equal(check('const a = {b:1,\n  c: "x"}\n'), 1);
    assert.equal(check(`export const long = [${'1, '.repeat(60)}1];\n`), 1, 'a line past 120 columns');
    assert.equal(check("export const a = { b: 1, c: 'x' };\n"), 0);
    assert.equal(
      check(
        'export function f(\n  first: string,\n  second: string,\n  third: string,\n  fourth: string,\n  fifth: string,\n  sixth: string,\n): string {\n  return first + second + third + fourth + fifth + sixth;\n}\n',
      ),
      1,
      'fits on one line at 120',
    );
  });
});
