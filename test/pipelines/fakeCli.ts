import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './pipelineProject';

/**
 * A canned answer of a fake command: the first rule whose `command` matches and whose `match` is found in the
 * command line (its arguments joined by spaces) answers. `times` limits how often a rule answers (then the next
 * matching rule does), so a test can script "fails twice, then succeeds".
 */
export interface FakeRule {
  command: 'az' | 'curl' | 'npm' | 'sleep';
  match?: RegExp;
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** curl only: written to the file named by --output. */
  body?: string;
  times?: number;
}

/** One call a fake command received. */
export interface FakeCall {
  command: string;
  args: string[];
  /** The environment variables the test asked to record, as the command saw them. */
  env: Record<string, string | undefined>;
}

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: FakeCall[];
  /** Calls of one command, as command lines. */
  lines(command: FakeCall['command']): string[];
}

export interface RunScriptOptions {
  /** Arguments of the script. */
  args?: string[];
  env?: Record<string, string>;
  rules: FakeRule[];
  /** Environment variables each fake command records. */
  record?: string[];
  /** Working directory (the project root by default, as the pipeline steps run them). */
  cwd?: string;
}

// The fake: finds the rule, records the call, answers. Rules are JSON with regex sources.
const FAKE = `
const fs = require('node:fs');
const [command, ...args] = process.argv.slice(2);
const rulesFile = process.env.FAKE_CLI_RULES;
const state = JSON.parse(fs.readFileSync(rulesFile, 'utf8'));
const line = args.join(' ');
const env = {};
for (const name of (process.env.FAKE_CLI_RECORD || '').split(' ').filter(Boolean)) env[name] = process.env[name];
fs.appendFileSync(process.env.FAKE_CLI_LOG, JSON.stringify({ command, args, env }) + '\\n');
const rule = state.rules.find((r) => r.command === command && (r.times === undefined || r.times > 0) && (r.match === undefined || new RegExp(r.match, r.flags).test(line)));
if (!rule) {
  if (command === 'sleep') process.exit(0);
  process.stderr.write('fake ' + command + ': no canned answer for: ' + line + '\\n');
  process.exit(97);
}
if (rule.times !== undefined) { rule.times--; fs.writeFileSync(rulesFile, JSON.stringify(state)); }
if (command === 'curl' && rule.body !== undefined) {
  const i = args.indexOf('--output');
  if (i >= 0 && args[i + 1] !== '/dev/null') fs.writeFileSync(args[i + 1], rule.body);
}
if (rule.stdout) process.stdout.write(rule.stdout);
if (rule.stderr) process.stderr.write(rule.stderr);
process.exit(rule.exitCode || 0);
`;

/** Runs a pipeline script with fake az, curl, npm and sleep first on PATH; records every call they receive. */
export function runScript(script: string, options: RunScriptOptions): ScriptRun {
  const dir = mkdtempSync(join(tmpdir(), 'fake-cli-'));
  try {
    const bin = join(dir, 'bin');
    spawnSync('mkdir', ['-p', bin]);
    writeFileSync(join(dir, 'fake.js'), FAKE);
    for (const command of ['az', 'curl', 'npm', 'sleep']) {
      const shim = join(bin, command);
      writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(dir, 'fake.js')}" ${command} "$@"\n`);
      chmodSync(shim, 0o755);
    }
    const rules = options.rules.map((r) => ({ ...r, match: r.match?.source, flags: r.match?.flags }));
    writeFileSync(join(dir, 'rules.json'), JSON.stringify({ rules }));
    const log = join(dir, 'calls.jsonl');
    writeFileSync(log, '');
    const run = spawnSync('bash', [join(PROJECT_ROOT, script), ...(options.args ?? [])], {
      cwd: options.cwd ?? PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: `${bin}:${process.env['PATH'] ?? ''}`,
        HOME: dir,
        TMPDIR: dir,
        FAKE_CLI_RULES: join(dir, 'rules.json'),
        FAKE_CLI_LOG: log,
        FAKE_CLI_RECORD: (options.record ?? []).join(' '),
        ...options.env,
      },
    });
    const calls = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FakeCall);
    return {
      status: run.status,
      stdout: run.stdout,
      stderr: run.stderr,
      calls,
      lines: (command) => calls.filter((c) => c.command === command).map((c) => c.args.join(' ')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A token shaped like the one `az account get-access-token` returns (header.payload.signature, base64url). */
export function fakeAccessToken(claims: Record<string, string>): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part({ aud: 'https://management.azure.com/', ...claims })}.c2lnbmF0dXJl`;
}
