import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { runBacktestCli } from '../../cli/backtest';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/backtest');
/** A number as the console shows a metric: three significant digits (0.0583, 0.325, 5.00, 12.3, 773, 1230). */
const N = String.raw`-?(?:0\.0*[1-9]\d\d|[1-9]\.\d\d|[1-9]\d\.\d|[1-9]\d\d+)`;

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
  assert.match(persistence ?? '', new RegExp(String.raw`\+20: +${N} {3}\+40: +${N} {3}\+60: +${N}$`));
  // Its RMSE and its skill against persistence per lead, with three significant digits.
  assert.match(smart ?? '', new RegExp(String.raw`\+20: +${N} \/ +${N} {3}\+40: .* {3}\+60: +${N} \/ +${N}$`));
  const heading = lines.indexOf('  skill against smart persistence per lead:');
  assert.ok(heading > 0, lines.join('\n'));
  assert.match(
    lines[heading + 1] ?? '',
    new RegExp(String.raw`^ {2}all sources fresh +\+20: +${N} {3}\+40: +${N} {3}\+60: +${N}$`),
  );
  assert.match(markdown, /\| smart persistence \(reference\) \|/);
});

test('npm run backtest on a target that is not solar prints plain persistence only', async () => {
  const { lines, markdown } = await cli('ramp-backtest.json');
  assert.ok(lines.some((l) => l.trimStart().startsWith('persistence ')));
  assert.ok(
    lines.some((l) => /^forecasts: .*forecasts\.csv \(every test slot and lead of every scenario\)$/.test(l)),
    lines.join('\n'),
  );
  assert.ok(!lines.some((l) => /smart/.test(l)), lines.join('\n'));
  assert.doesNotMatch(markdown, /smart/);
});
