import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `<package version>+<commit>`: the pipeline's commit (BUILD_SOURCEVERSION), else git's, else the version alone. */
export function codeVersion(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  let commit = env['BUILD_SOURCEVERSION'];
  if (!commit) {
    try {
      commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      commit = undefined;
    }
  }
  return commit ? `${pkg.version ?? '0.0.0'}+${commit.slice(0, 12)}` : (pkg.version ?? '0.0.0');
}
