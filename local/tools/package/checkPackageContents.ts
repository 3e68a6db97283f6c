import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { readFileSync } from 'node:fs';
import type { PackageEntry } from './collectPackageFiles';
import { PackageError } from './PackageError';

/** A glob of package.json `main` (`*` within a path segment, `**` across segments) as a regular expression. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** The entries the Functions host loads: those package.json `main` (a path or a glob) names. */
export function entryPoints(main: string | undefined, names: string[]): string[] {
  if (!main) return [];
  const pattern = globToRegExp(main.replace(/^\.\//, ''));
  return names.filter((n) => pattern.test(n));
}

/** The package name a bare module specifier loads: `@scope/name` or `name`. */
export function specifierPackage(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/**
 * The `require(...)` calls of the shipped compiled code that would fail at run time: a relative path to a file
 * not in the package (code under dist/local or dist/cli, say), or a package that is not a top-level production
 * dependency in the package (a devDependency, say). Node's built-in modules always resolve.
 */
export function unresolvedRequires(
  compiled: PackageEntry[],
  names: Set<string>,
  readText: (e: PackageEntry) => string = (e) => readFileSync(e.source as string, 'utf8'),
): string[] {
  const builtins = new Set(builtinModules);
  const problems: string[] = [];
  for (const entry of compiled) {
    for (const m of readText(entry).matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
      const spec = m[1] as string;
      if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0] as string)) continue;
      if (spec.startsWith('.')) {
        const base = posix.join(posix.dirname(entry.name), spec);
        if (![base, `${base}.js`, `${base}.json`, `${base}/index.js`].some((c) => names.has(c)))
          problems.push(`${entry.name}: require("${spec}") is not in the package`);
      } else if (!names.has(`node_modules/${specifierPackage(spec)}/package.json`)) {
        problems.push(
          `${entry.name}: require("${spec}") needs ${specifierPackage(spec)}, which is not a production dependency in the package`,
        );
      }
    }
  }
  return problems;
}

/** Fails when the package has no entry point or its code requires what it does not ship. */
export function checkPackageContents(
  entries: PackageEntry[],
  main: string | undefined,
  compiledDirs: string[],
): string[] {
  const names = new Set(entries.map((e) => e.name));
  const mains = entryPoints(main, [...names]);
  if (mains.length === 0)
    throw new PackageError('NO_ENTRY_POINT', `package.json main "${main ?? ''}" matches no file of the package`);
  const compiled = entries.filter(
    (e) => e.name.endsWith('.js') && compiledDirs.some((d) => e.name.startsWith(`${d}/`)),
  );
  const problems = unresolvedRequires(compiled, names);
  if (problems.length > 0)
    throw new PackageError('UNRESOLVED_REQUIRE', `the packaged code would fail to load:\n  ${problems.join('\n  ')}`);
  return mains;
}
