import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One relative import: `from` imports `to` (both project-relative paths with `/`, extension kept). */
export interface ImportEdge {
  from: string;
  to: string;
  /** The specifier as written. */
  specifier: string;
}

/** The project root, seen from a compiled test file in dist/test/<folder>/. */
export const PROJECT_ROOT = resolve(__dirname, '../../..');

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm;

/** Every file under `dir` (project-relative) whose name ends with one of `extensions`, sorted. */
export function filesUnder(root: string, dir: string, extensions: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (extensions.some((e) => entry.name.endsWith(e))) out.push(toPosix(relative(root, path)));
    }
  };
  if (existsSync(join(root, dir))) walk(join(root, dir));
  return out.sort();
}

/** The relative imports of `file` (project-relative), resolved to files that exist (`.ts`, `.js`, `/index`). */
export function importsOf(root: string, file: string, extensions: readonly string[] = ['.ts']): ImportEdge[] {
  const text = readFileSync(join(root, file), 'utf8');
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1] as string;
    const base = join(dirname(join(root, file)), specifier);
    const target = [base, ...extensions.map((e) => base + e), ...extensions.map((e) => join(base, `index${e}`))].find(
      (p) => existsSync(p) && statSync(p).isFile(),
    );
    if (target) edges.push({ from: file, to: toPosix(relative(root, target)), specifier });
  }
  return edges;
}

/** Every file reachable from `entries` through relative requires of compiled JavaScript, entries included. */
export function requireClosure(root: string, entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...entries];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of importsOf(root, file, ['.js'])) if (edge.to.endsWith('.js')) stack.push(edge.to);
  }
  return seen;
}

/** Whether compiled JavaScript holds no code of its own (a file of types only compiles to the module preamble). */
export function isTypeOnlyModule(js: string): boolean {
  const rest = js
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/["']use strict["'];?/g, '')
    .replace(/Object\.defineProperty\(exports,\s*["']__esModule["'],\s*\{\s*value:\s*true\s*\}\);?/g, '');
  return rest.trim() === '';
}

/** The first folder under `shared/` that holds `file`, e.g. `features` for `shared/features/featureRow.ts`. */
export function sharedFolderOf(file: string): string | undefined {
  const parts = file.split('/');
  return parts[0] === 'shared' && parts.length > 2 ? parts[1] : undefined;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** A folder of `shared/` as the README's layer table describes it. */
export interface LayerRow {
  layer: number;
  /** The folder under shared/, without slashes, e.g. `features`. */
  folder: string;
  /** Whether the deployed app loads the folder. */
  inApp: boolean;
  /** Files or sub-folders (relative to the folder, sub-folders ending in `/`) that are the exception to `inApp`. */
  except: string[];
}

/** The heading of the README section that holds the layer table. */
export const LAYER_TABLE_HEADING = '### `shared/`, layer by layer';

/** The rows of the layer table under LAYER_TABLE_HEADING: `| layer | \`folder/\` | what it holds | in the app |`. */
export function readLayerTable(readme: string): LayerRow[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === LAYER_TABLE_HEADING);
  if (start < 0) throw new Error(`README.md has no section "${LAYER_TABLE_HEADING}"`);
  const rows: LayerRow[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 6 || !/^\d+$/.test(cells[1] as string)) continue;
    const folder = /^`([a-z]+)\/`$/.exec(cells[2] as string)?.[1];
    if (!folder)
      throw new Error(`README layer table: expected a folder like \`features/\`, got ${JSON.stringify(cells[2])}`);
    const inAppCell = cells[4] as string;
    const inApp = inAppCell.startsWith('yes') ? true : inAppCell.startsWith('no') ? false : undefined;
    if (inApp === undefined)
      throw new Error(
        `README layer table, ${folder}/: expected "yes", "yes, except ..." or "no: ...", got ${JSON.stringify(inAppCell)}`,
      );
    const except = inApp
      ? [...(inAppCell.split(/:|\(/)[0] as string).matchAll(/`([^`]+)`/g)].map((m) => m[1] as string)
      : [];
    rows.push({ layer: Number(cells[1]), folder, inApp, except });
  }
  return rows;
}

/** The imports that run from a folder to one on the same or a higher layer (imports inside a folder are free). */
export function layerViolations(edges: readonly ImportEdge[], layerOf: ReadonlyMap<string, number>): string[] {
  const problems: string[] = [];
  for (const edge of edges) {
    const from = sharedFolderOf(edge.from);
    const to = sharedFolderOf(edge.to);
    if (!from || !to || from === to) continue;
    const a = layerOf.get(from);
    const b = layerOf.get(to);
    if (a === undefined || b === undefined)
      problems.push(`${edge.from} -> ${edge.to}: a folder missing from the layer table`);
    else if (b >= a)
      problems.push(
        `${edge.from} -> ${edge.to}: ${from}/ (layer ${a}) may import only from lower layers, not ${to}/ (layer ${b})`,
      );
  }
  return problems;
}
