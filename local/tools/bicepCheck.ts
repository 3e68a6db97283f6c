import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseCliArgs } from '../../cli/parseCliArgs';
import { ensureBicep, findRepoRoot } from './ensureBicep';
import { paramFileEnv } from './paramFileEnv';
import { runBicep } from './runBicep';
import { type BicepDiagnostic, formatDiagnostic, isBlocking } from './sarifDiagnostics';

/** Options of {@link checkBicep}. */
export interface BicepCheckOptions {
  /** Repository root; found from this file when omitted. */
  root?: string;
  /** The folder of templates; `bicep/` under the root when omitted. */
  bicepDir?: string;
  /** Where the compiled templates go; a new temporary folder when omitted. */
  outDir?: string;
  /** Progress messages (the compiler's restore); stderr when omitted. */
  log?: (line: string) => void;
}

/** What {@link checkBicep} found. */
export interface BicepCheckResult {
  /** The .bicep and .bicepparam files checked, relative to the root. */
  files: string[];
  /** Errors and unsuppressed warnings: any one fails the check. */
  blocking: BicepDiagnostic[];
  /** Informational diagnostics. */
  notes: BicepDiagnostic[];
  /** Runs that failed without a diagnostic to show for it. */
  failures: string[];
  outDir: string;
}

/**
 * Builds and lints every template under bicep/ with the pinned compiler: `bicep build` and `bicep lint` of each
 * .bicep file, `bicep build-params` and `bicep lint` of each .bicepparam file (required environment variables get
 * placeholders). Analyzer levels come from bicep/bicepconfig.json; a warning counts unless the source suppresses it
 * with `#disable-next-line <rule> // reason`.
 */
export async function checkBicep(options: BicepCheckOptions = {}): Promise<BicepCheckResult> {
  const root = options.root ?? findRepoRoot(__dirname);
  const bicep = await ensureBicep({ root, ...(options.log ? { log: options.log } : {}) });
  const outDir = options.outDir ?? (await mkdtemp(join(tmpdir(), 'bicep-check-')));
  const bicepDir = options.bicepDir ?? join(root, 'bicep');
  const all = await filesUnder(bicepDir);
  const templates = all.filter((f) => f.endsWith('.bicep'));
  const paramFiles = all.filter((f) => f.endsWith('.bicepparam'));
  const diagnostics: BicepDiagnostic[] = [];
  const failures: string[] = [];
  const rel = (f: string): string => relative(root, f);

  const check = async (what: string, args: string[], env?: Record<string, string>): Promise<void> => {
    const run = await runBicep(bicep, args, { cwd: bicepDir, ...(env ? { env } : {}) });
    diagnostics.push(...run.diagnostics);
    if (run.code !== 0 && !run.diagnostics.some((d) => d.level === 'error')) {
      failures.push(`${what} exited with ${run.code}: ${(run.stderr || run.stdout).trim().slice(0, 2000)}`);
    }
  };

  // One process per command for all templates: the compiler's start-up is most of its time.
  if (templates.length > 0) {
    await check('bicep build', ['build', '--pattern', '**/*.bicep', '--outdir', outDir]);
    await check('bicep lint', ['lint', '--pattern', '**/*.bicep']);
  }
  for (const file of paramFiles) {
    const env = paramFileEnv(file);
    const out = join(outDir, relative(bicepDir, file).replace(/\.bicepparam$/, '.parameters.json'));
    await check(`bicep build-params ${rel(file)}`, ['build-params', file, '--outfile', out], env);
    await check(`bicep lint ${rel(file)}`, ['lint', file], env);
  }

  const unique = dedupe(diagnostics);
  return {
    files: [...templates, ...paramFiles].map(rel),
    blocking: unique.filter(isBlocking),
    notes: unique.filter((d) => !isBlocking(d)),
    failures,
    outDir,
  };
}

/** The same finding reported by build and by lint counts once. */
function dedupe(diagnostics: BicepDiagnostic[]): BicepDiagnostic[] {
  const seen = new Map<string, BicepDiagnostic>();
  for (const d of diagnostics) seen.set(`${d.file}:${d.line}:${d.column}:${d.ruleId}:${d.message}`, d);
  return [...seen.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(bicep|bicepparam)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const USAGE = `npm run bicep

  Builds and lints every template under bicep/ with the pinned Bicep compiler (restored from NuGet on first use).
  -h, --help   this text`;

async function main(): Promise<void> {
  const { values } = parseCliArgs(
    { args: process.argv.slice(2), options: { help: { type: 'boolean', short: 'h' } } },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const started = Date.now();
  const root = findRepoRoot(__dirname);
  const result = await checkBicep({ root });
  const rel = (f: string): string => relative(root, f);
  for (const d of result.blocking) console.error(formatDiagnostic(d, rel));
  for (const d of result.notes) console.log(formatDiagnostic(d, rel));
  for (const f of result.failures) console.error(f);
  const errors = result.blocking.filter((d) => d.level === 'error').length;
  const warnings = result.blocking.length - errors;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `bicep: ${result.files.length} file(s) built and linted in ${seconds} s: ${errors} error(s), ${warnings} unsuppressed warning(s); templates in ${result.outDir}`,
  );
  if (result.blocking.length > 0 || result.failures.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`bicep: ${(err as Error).message}`);
    process.exitCode = 1;
  });
}
