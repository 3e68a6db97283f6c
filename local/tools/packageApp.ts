import { relative, resolve } from 'node:path';
import { buildPackage, type PackageReport } from './package/buildPackage';
import { parseCliArgs } from '../../cli/parseCliArgs';
import { DEFAULT_PACKAGE_OPTIONS } from './package/PackageOptions';

const USAGE = `npm run package [-- --out <zip>]

Builds the Azure Functions (Flex Consumption, linux-x64) deployment zip from the compiled code: dist/functions and
dist/shared, host.json, config/, package.json and the production dependencies with only linux-x64 native binaries.

  --out <zip>   where to write it, relative to the project root (default ${DEFAULT_PACKAGE_OPTIONS.outFile})`;

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The report as printed: size and file count first, then what was left out by reason. */
export function describeReport(report: PackageReport, root: string): string[] {
  const byReason = new Map<string, { files: number; bytes: number }>();
  for (const d of report.dropped) {
    const r = byReason.get(d.reason) ?? { files: 0, bytes: 0 };
    r.files++;
    r.bytes += d.bytes;
    byReason.set(d.reason, r);
  }
  return [
    `${relative(root, report.zipFile)}: ${mb(report.bytes)}, ${report.files} files (${mb(report.uncompressedBytes)} uncompressed), ${report.packages} production packages`,
    `  entry points: ${report.entryPoints.length} files for package.json main`,
    ...[...byReason].map(([reason, r]) => `  left out: ${r.files} files, ${mb(r.bytes)} (${reason})`),
  ];
}

async function main(): Promise<void> {
  const { values } = parseCliArgs(
    { options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // This file runs as dist/local/tools/packageApp.js.
  const root = resolve(__dirname, '../../..');
  const report = await buildPackage({
    ...DEFAULT_PACKAGE_OPTIONS,
    root,
    ...(values.out ? { outFile: values.out } : {}),
  });
  for (const line of describeReport(report, root)) console.log(line);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
