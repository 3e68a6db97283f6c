import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { DocumentKind } from './azurePipelinesSchema';

/** A YAML value as Azure Pipelines reads it: every scalar a string. */
export type YamlValue = string | YamlValue[] | YamlMap;
export type YamlMap = { [key: string]: YamlValue };

/** A pipeline or template file, parsed. */
export interface PipelineDocument {
  /** Absolute path. */
  file: string;
  /** Path relative to the project root, with forward slashes. */
  name: string;
  /** The document as written (compile-time expressions included). */
  raw: YamlValue;
}

/** Parses YAML the way Azure Pipelines reads it: scalars stay strings (`true`, `20` and `20.x` alike). */
export function parsePipelineYaml(text: string, origin: string): YamlValue {
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(`${origin}: ${doc.errors.map((e) => e.message).join('\n')}`);
  return (doc.toJS() ?? '') as YamlValue;
}

/** Every `.yml`/`.yaml` file under `dir`, recursively, sorted. */
export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

export function loadPipelineDocument(file: string, projectRoot: string): PipelineDocument {
  const name = relative(projectRoot, file).split('\\').join('/');
  return { file, name, raw: parsePipelineYaml(readFileSync(file, 'utf8'), name) };
}

export function isMap(value: YamlValue | undefined): value is YamlMap {
  return value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** A compile-time expression key: `${{ if ... }}`, `${{ else }}`, `${{ each ... }}`, `${{ insert }}`. */
export function isTemplateExpression(key: string): boolean {
  return key.startsWith('${{') && key.endsWith('}}');
}

/**
 * The document with compile-time expression keys hoisted into their parent, as the Azure Pipelines language server
 * does before it validates: `${{ if ... }}:` over a mapping merges that mapping into the parent mapping; in a
 * sequence, `- ${{ if ... }}:` over a sequence splices its items in, and over a mapping stands for that mapping.
 * Every branch of a conditional is kept, so all of them are validated.
 */
export function hoistTemplateExpressions(value: YamlValue): YamlValue {
  if (Array.isArray(value)) {
    const out: YamlValue[] = [];
    for (const item of value) {
      const keys = isMap(item) ? Object.keys(item) : [];
      const first = keys[0];
      if (isMap(item) && keys.length === 1 && first !== undefined && isTemplateExpression(first)) {
        const inner = item[first] as YamlValue;
        if (Array.isArray(inner)) out.push(...(hoistTemplateExpressions(inner) as YamlValue[]));
        else if (isMap(inner)) out.push(hoistTemplateExpressions(inner));
        else out.push(item);
      } else {
        out.push(hoistTemplateExpressions(item));
      }
    }
    return out;
  }
  if (isMap(value)) {
    const out: YamlMap = {};
    for (const [key, inner] of Object.entries(value)) {
      if (isTemplateExpression(key) && isMap(inner)) Object.assign(out, hoistTemplateExpressions(inner));
      else out[key] = hoistTemplateExpressions(inner);
    }
    return out;
  }
  return value;
}

/** Which sub-schema a template file is validated against: the one of its top-level list. */
export function templateKind(doc: YamlValue): DocumentKind | undefined {
  if (!isMap(doc)) return undefined;
  if ('stages' in doc) return 'stagesTemplate';
  if ('jobs' in doc) return 'jobsTemplate';
  if ('steps' in doc) return 'stepsTemplate';
  if ('variables' in doc) return 'variablesTemplate';
  return undefined;
}
