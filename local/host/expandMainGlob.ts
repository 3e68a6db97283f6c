import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { HostError } from './HostError';

/**
 * The files named by `package.json` `main`, as the worker loads them: a path whose last segment may hold `*`
 * (`dist/functions/*.js`). Matches are sorted so registration order does not depend on the file system.
 */
export function expandMainGlob(appRoot: string, main: string): string[] {
  const full = path.resolve(appRoot, main);
  const dir = path.dirname(full);
  const pattern = path.basename(full);
  if (/[*?{}[\]]/.test(dir) || /[?{}[\]]/.test(pattern)) {
    throw new HostError('UNSUPPORTED', `package.json main "${main}": only "*" in the last path segment is supported`);
  }
  if (!pattern.includes('*')) {
    if (!existsSync(full) && !existsSync(`${full}.js`)) {
      throw new HostError('APP_LOAD_FAILED', `package.json main "${main}" does not exist under ${appRoot}`);
    }
    return [full];
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HostError(
      'APP_LOAD_FAILED',
      `package.json main "${main}": folder ${dir} does not exist (build the app first?)`,
    );
  }
  const matcher = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('[^/]*')}$`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && matcher.test(entry.name))
    .map((entry) => path.join(dir, entry.name))
    .sort();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
