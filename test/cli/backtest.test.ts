import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { runBacktestCli } from '../../cli/backtest';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/backtest');

async function cli(fixture: string): Promise<{ lines: string[]; markdown: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'backtest-cli-'));
  const lines: string[] = [];
  await runBacktestCli(['--config', join(FIXTURES, fixture), '--out', dir, '--no-progress'], (l) =>
    lines.push(...l.split('\n')),
  );
  return { lines, markdown: readFileSync(join(dir, 'report.md'), 'utf8') };
}

test('npm run backtest on a solar fixture prints plain and smart persistence and every scenario skill against smart persistence', async () => {
  const { lines, markdown } = await cli('solar-backtest.json');
  const persistence = lines.find((l) => l.trimStart().startsWith('persistence '));
  const smart = lines.find((l) => l.trimStart().startsWith('smart persistence '));
  assert.match(persistence ?? '', /\+20: +\d+\.\d {3}\+40: +\d+\.\d {3}\+60: +\d+\.\d$/);
  // Its RMSE and its skill against persistence per lead.
  assert.match(smart ?? '', /\+20: +\d+\.\d \/ +-?\d\.\d{3} {3}\+40: .* {3}\+60: +\d+\.\d \/ +-?\d\.\d{3}$/);
  const heading = lines.indexOf('  skill against smart persistence per lead:');
  assert.ok(heading > 0, lines.join('\n'));
  assert.match(
    lines[heading + 1] ?? '',
    /^ {2}all sources fresh +\+20: +0\.\d{3} {3}\+40: +0\.\d{3} {3}\+60: +0\.\d{3}$/,
  );
  assert.match(markdown, /\| smart persistence \(reference\) \|/);
});

test('npm run backtest on a target that is not solar prints plain persistence only', async () => {
  const { lines, markdown } = await cli('ramp-backtest.json');
  assert.ok(lines.some((l) => l.trimStart().startsWith('persistence ')));
  assert.ok(!lines.some((l) => /smart/.test(l)), lines.join('\n'));
  assert.doesNotMatch(markdown, /smart/);
});
