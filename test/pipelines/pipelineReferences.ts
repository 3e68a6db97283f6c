import { dirname, resolve } from 'node:path';
import { isMap, type YamlMap, type YamlValue } from './pipelineDocuments';

/** Where a `template:` reference stands, which decides what kind of template it must name. */
export type TemplateContext = 'steps' | 'jobs' | 'stages' | 'variables' | 'extends';

/** A `template:` reference found in a document. */
export interface TemplateReference {
  /** The path as written, e.g. `../steps/deploy-infra.yml` or `../../variables/${{ parameters.environment }}.yml`. */
  path: string;
  context: TemplateContext;
  /** The parameters the reference passes. */
  parameters: YamlMap;
  /** JSON pointer of the reference in its document. */
  at: string;
}

/** A parameter a template or pipeline declares. */
export interface DeclaredParameter {
  name: string;
  type: string;
  default?: YamlValue;
  values?: string[];
}

const LIST_CONTEXTS: Record<string, TemplateContext> = {
  steps: 'steps',
  jobs: 'jobs',
  stages: 'stages',
  variables: 'variables',
};

/** Every `template:` reference of a (hoisted) document, with the list it stands in. */
export function templateReferences(doc: YamlValue): TemplateReference[] {
  const found: TemplateReference[] = [];
  const visit = (value: YamlValue, at: string, listKey: string | undefined): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const context = listKey === undefined ? undefined : LIST_CONTEXTS[listKey];
        if (context && isMap(item) && typeof item['template'] === 'string') {
          found.push({
            path: item['template'],
            context,
            parameters: isMap(item['parameters']) ? item['parameters'] : {},
            at: `${at}/${i}`,
          });
        }
        visit(item, `${at}/${i}`, undefined);
      });
      return;
    }
    if (!isMap(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'extends' && isMap(inner) && typeof inner['template'] === 'string') {
        found.push({
          path: inner['template'],
          context: 'extends',
          parameters: isMap(inner['parameters']) ? inner['parameters'] : {},
          at: `${at}/extends`,
        });
      }
      visit(inner, `${at}/${key}`, key);
    }
  };
  visit(doc, '', undefined);
  return found;
}

/** The `parameters:` a document declares (the list form; the legacy mapping form declares untyped defaults). */
export function declaredParameters(doc: YamlValue): DeclaredParameter[] {
  if (!isMap(doc)) return [];
  const params = doc['parameters'];
  if (Array.isArray(params)) {
    return params.filter(isMap).map((p) => ({
      name: String(p['name']),
      type: typeof p['type'] === 'string' ? p['type'] : 'string',
      ...('default' in p ? { default: p['default'] as YamlValue } : {}),
      ...(Array.isArray(p['values']) ? { values: p['values'].map(String) } : {}),
    }));
  }
  if (isMap(params))
    return Object.entries(params).map(([name, value]) => ({ name, type: 'legacyObject', default: value }));
  return [];
}

/**
 * The document as one instantiation of it: each `${{ parameters.X }}` replaced by a value X may take (the first of
 * its `values:`, else its default), the way Azure DevOps expands a template before it checks the result. A value
 * that is the expression alone takes the value whole (a list default stays a list); inside a longer string, a
 * scalar value is spliced in. Parameters without such a value, and other expressions, stay as written.
 */
export function instantiateParameters(doc: YamlValue, declared: DeclaredParameter[]): YamlValue {
  const sample = new Map<string, YamlValue>();
  for (const p of declared) {
    const value = p.values?.[0] ?? p.default;
    if (value !== undefined) sample.set(p.name, value);
  }
  const whole = /^\$\{\{\s*parameters\.([A-Za-z0-9_]+)\s*\}\}$/;
  const substitute = (value: YamlValue): YamlValue => {
    if (typeof value === 'string') {
      const only = whole.exec(value);
      if (only && sample.has(only[1] as string)) return sample.get(only[1] as string) as YamlValue;
      return value.replace(PARAMETER_EXPRESSION, (expr, name: string) => {
        const v = sample.get(name);
        return typeof v === 'string' ? v : expr;
      });
    }
    if (Array.isArray(value)) return value.map(substitute);
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'parameters' && value === doc ? v : substitute(v)]),
    );
  };
  return substitute(doc);
}

const PARAMETER_EXPRESSION = /\$\{\{\s*parameters\.([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * The concrete paths a template path stands for. A `${{ parameters.X }}` in it is expanded with every value the
 * referencing document allows for X (its `values:` list); a path whose expression cannot be enumerated that way is
 * an error, since nothing could check that it resolves.
 */
export function expandTemplatePath(path: string, declared: DeclaredParameter[]): string[] {
  const names = [...new Set([...path.matchAll(PARAMETER_EXPRESSION)].map((m) => m[1] as string))];
  let paths = [path];
  for (const name of names) {
    const param = declared.find((p) => p.name === name);
    if (!param?.values) {
      throw new Error(
        `template path "${path}" uses parameters.${name}, which declares no values: list to check it against`,
      );
    }
    const expr = new RegExp(String.raw`\$\{\{\s*parameters\.${name}\s*\}\}`, 'g');
    paths = paths.flatMap((p) => (param.values as string[]).map((v) => p.replace(expr, v)));
  }
  if (paths.some((p) => p.includes('${{') || p.includes('$(')))
    throw new Error(`template path "${path}" has an expression that cannot be resolved statically`);
  return paths;
}

/**
 * The file a template path names, as Azure DevOps resolves it: relative to the referencing file, or to the
 * repository root when it starts with `/`. A `path@repository` names another repository: undefined.
 */
export function resolveTemplatePath(path: string, fromFile: string, repoRoot: string): string | undefined {
  if (path.includes('@')) return undefined;
  return path.startsWith('/') ? resolve(repoRoot, `.${path}`) : resolve(dirname(fromFile), path);
}

/** Keys whose string value is a shell or PowerShell script. */
const SCRIPT_KEYS = new Set(['script', 'bash', 'pwsh', 'powershell', 'inlineScript']);

/** The inline scripts of a document (script/bash/pwsh steps and tasks' inlineScript inputs). */
export function inlineScripts(doc: YamlValue): string[] {
  const out: string[] = [];
  const visit = (value: YamlValue): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isMap(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (SCRIPT_KEYS.has(key) && typeof inner === 'string') out.push(inner);
        else visit(inner);
      }
    }
  };
  visit(doc);
  return out;
}

/** The script files tasks run (`scriptPath` / `filePath` inputs), as written. */
export function scriptFiles(doc: YamlValue): string[] {
  const out: string[] = [];
  const visit = (value: YamlValue): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isMap(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if ((key === 'scriptPath' || key === 'filePath') && typeof inner === 'string') out.push(inner);
        else visit(inner);
      }
    }
  };
  visit(doc);
  return out;
}

/** A script path with the predefined variables that name the checkout replaced by the repository root. */
export function resolveScriptPath(path: string, repoRoot: string): string {
  const replaced = path.replace(
    /^\$\((Build\.SourcesDirectory|System\.DefaultWorkingDirectory|Build\.Repository\.LocalPath)\)\/?/,
    '',
  );
  return resolve(repoRoot, replaced);
}

/** One `npm ...` command of a script. */
export interface NpmInvocation {
  /** The npm command: `run`, `ci`, `test`, ... (aliases resolved: `run-script` is `run`, `t` is `test`). */
  command: string;
  /** For `npm run <script>`, the script's name. */
  script?: string;
  /** The command line as found. */
  line: string;
}

/** Commands npm runs without a package.json script. */
export const NPM_BUILTINS = new Set([
  'ci',
  'install',
  'i',
  'uninstall',
  'update',
  'prune',
  'dedupe',
  'ls',
  'list',
  'config',
  'cache',
  'pack',
  'publish',
  'version',
  'view',
  'exec',
  'explain',
  'outdated',
  'audit',
  'doctor',
  'root',
  'prefix',
  'bin',
  'help',
  'rebuild',
  'query',
]);
/** Commands npm runs as the package.json script of the same name. */
export const NPM_SCRIPT_COMMANDS: Record<string, string> = {
  test: 'test',
  t: 'test',
  tst: 'test',
  start: 'start',
  stop: 'stop',
  restart: 'restart',
};

/** Every `npm` command in a script's text (skipping npm's own options between `npm` and the command). */
export function npmInvocations(text: string): NpmInvocation[] {
  const out: NpmInvocation[] = [];
  for (const match of text.matchAll(/(?:^|[\s;&|(`"'])npm((?:[ \t]+[^\s;&|)`"']+)+)/gm)) {
    const tokens = (match[1] as string).trim().split(/\s+/);
    const words = tokens.filter((t, i) => !t.startsWith('-') && !(i > 0 && isOptionWithValue(tokens[i - 1] as string)));
    const first = words[0];
    if (first === undefined) continue;
    const line = `npm ${tokens.join(' ')}`;
    if (first === 'run' || first === 'run-script' || first === 'rum' || first === 'urn')
      out.push({ command: 'run', script: words[1] ?? '', line });
    else out.push({ command: NPM_SCRIPT_COMMANDS[first] ?? first, line });
  }
  return out;
}

function isOptionWithValue(token: string): boolean {
  return token === '--prefix' || token === '-C' || token === '--workspace' || token === '-w';
}

/** The compiled entry points scripts run with node (`node dist/x/y.js`), relative to the project root. */
export function nodeEntryPoints(text: string): string[] {
  return [...text.matchAll(/(?:^|[\s;&|(])node[ \t]+(?:--?\S+[ \t]+)*(dist\/\S+\.js)\b/gm)].map((m) => m[1] as string);
}
