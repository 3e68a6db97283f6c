import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { DataValidationCxt } from 'ajv/dist/types';

/**
 * The Azure Pipelines schema (microsoft/azure-pipelines-vscode service-schema.json) and a validator that honours
 * its two keywords of its own, which plain JSON Schema validators ignore:
 *
 * - `ignoreCase: "value" | "all"` on a string schema: its `enum` and `pattern` match case-insensitively
 *   (`task: azurecli@2`, `scriptType: BASH`).
 * - `ignoreCase: "key" | "all"` on a property schema: the property's name matches case-insensitively.
 * - `aliases: [...]` on a property schema: other names the property may be given (AzureCLI@2 takes
 *   `connectedServiceNameARM` for `azureSubscription`; AzureFunctionApp@2 takes `azureSubscription` for
 *   `connectedServiceNameARM`).
 *
 * Rather than rename keys in the data (which name is canonical depends on the task, i.e. on the anyOf branch),
 * the keywords are compiled into standard JSON Schema once: case-insensitive patterns carry a marker the regular
 * expression engine given to ajv turns into the `i` flag; a property with aliases or a case-insensitive name
 * becomes a `patternProperties` entry matching all its names; and a `required` name among them becomes
 * `requiredAnyName`, a small keyword that accepts any of the names. `firstProperty` (the key an object must start
 * with, e.g. `task` or `script`) is checked by a keyword too.
 *
 * Scalars: Azure Pipelines reads every YAML scalar as a string (the schema's own `boolean` definition is a string
 * pattern), so documents are parsed with the YAML failsafe schema and the few `type: boolean | integer | number`
 * schemas (task inputs, `continueOnError`) accept the strings those types are written as, or an expression.
 */

/** The schema file as this project finds it: `AZURE_PIPELINES_SCHEMA`, else ../shared/schemas/ beside the project. */
export function schemaPath(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['AZURE_PIPELINES_SCHEMA'];
  return fromEnv
    ? resolve(projectRoot, fromEnv)
    : resolve(projectRoot, '..', 'shared', 'schemas', 'azure-pipelines.schema.json');
}

/** The parsed schema, or undefined when the file is absent. */
export function loadSchema(path: string): SchemaNode | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as SchemaNode;
}

/** A JSON Schema node, as far as this module looks into it. */
export type SchemaNode = { [keyword: string]: unknown };

/** Prefix of a pattern that matches case-insensitively; not valid regex syntax, so it cannot pass unnoticed. */
export const CASE_INSENSITIVE = '(?i)';

/** The strings a YAML boolean is written as: the schema's own `definitions.boolean`. */
const BOOLEAN_WORDS = ['true', 'y', 'yes', 'on', 'false', 'n', 'no', 'off'];
/** A whole value that is a template expression, a macro or a runtime expression: its type is known only later. */
const EXPRESSION = String.raw`\$\{\{.*\}\}|\$\(.*\)|\$\[.*\]`;
const SCALAR_PATTERNS: Record<string, string> = {
  boolean: `${CASE_INSENSITIVE}^(?:${BOOLEAN_WORDS.join('|')}|${EXPRESSION})$`,
  integer: String.raw`^(?:[-+]?[0-9]+|${EXPRESSION})$`,
  number: String.raw`^(?:[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|${EXPRESSION})$`,
};

/** One entry of `requiredAnyName`: a required property and the pattern all its accepted names match. */
export interface RequiredName {
  name: string;
  pattern: string;
}

/** Compiles `ignoreCase`, `aliases` and non-string scalar types into standard JSON Schema (see the module doc). */
export function compileSchemaExtensions(schema: SchemaNode): SchemaNode {
  return compileNode(schema) as SchemaNode;
}

const SCHEMA_MAPS = ['definitions', 'properties', 'patternProperties'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf'];
const SCHEMA_VALUES = [
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'additionalItems',
];

function compileNode(node: unknown): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const source = node as SchemaNode;
  const out: SchemaNode = { ...source };
  for (const key of SCHEMA_MAPS) {
    const map = source[key];
    if (isSchemaNode(map)) out[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, compileNode(v)]));
  }
  for (const key of SCHEMA_LISTS) {
    const list = source[key];
    if (Array.isArray(list)) out[key] = list.map(compileNode);
  }
  for (const key of SCHEMA_VALUES) if (key in source) out[key] = compileNode(source[key]);
  if ('items' in source)
    out['items'] = Array.isArray(source['items']) ? source['items'].map(compileNode) : compileNode(source['items']);

  // Each compiled rule is a pattern plus an annotation (`expected`) that error messages quote instead of it.
  const rules: SchemaNode[] = [];
  const ignoreCase = source['ignoreCase'];
  const valueCase = ignoreCase === 'value' || ignoreCase === 'all';
  if (valueCase && typeof source['pattern'] === 'string') out['pattern'] = CASE_INSENSITIVE + source['pattern'];
  if (valueCase && Array.isArray(source['enum'])) {
    const values = source['enum'].map(String);
    rules.push({
      pattern: `${CASE_INSENSITIVE}^(?:${values.map(escapeRegExp).join('|')})$`,
      expected: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}, in any case`,
    });
    delete out['enum'];
  }
  const type = source['type'];
  if (typeof type === 'string' && type in SCALAR_PATTERNS) {
    out['type'] = 'string';
    rules.push({
      pattern: SCALAR_PATTERNS[type] as string,
      expected:
        type === 'boolean'
          ? `a boolean (${BOOLEAN_WORDS.join('/')}, any case) or an expression`
          : `an ${type} or an expression`,
    });
  }
  for (const rule of rules) {
    if (typeof out['pattern'] === 'string') out['allOf'] = [...((out['allOf'] as unknown[] | undefined) ?? []), rule];
    else Object.assign(out, rule);
  }

  if (isSchemaNode(source['properties'])) compileKeyRules(source['properties'], out);
  delete out['ignoreCase'];
  delete out['aliases'];
  return out;
}

/** Moves properties with aliases or case-insensitive names to `patternProperties`, and their `required` entries. */
function compileKeyRules(properties: SchemaNode, out: SchemaNode): void {
  const compiled = { ...(out['properties'] as SchemaNode) };
  const patternProperties = { ...((out['patternProperties'] as SchemaNode | undefined) ?? {}) };
  const required = Array.isArray(out['required']) ? [...(out['required'] as string[])] : [];
  const requiredAnyName: RequiredName[] = [];
  for (const [name, child] of Object.entries(properties)) {
    if (!isSchemaNode(child)) continue;
    const aliases = Array.isArray(child['aliases']) ? (child['aliases'] as string[]) : [];
    const keyCase = child['ignoreCase'] === 'key' || child['ignoreCase'] === 'all';
    if (aliases.length === 0 && !keyCase) continue;
    const pattern = `${keyCase ? CASE_INSENSITIVE : ''}^(?:${[name, ...aliases].map(escapeRegExp).join('|')})$`;
    patternProperties[pattern] = compiled[name];
    delete compiled[name];
    const at = required.indexOf(name);
    if (at >= 0) {
      required.splice(at, 1);
      requiredAnyName.push({ name, pattern });
    }
  }
  if (Object.keys(patternProperties).length === 0) return;
  out['properties'] = compiled;
  out['patternProperties'] = patternProperties;
  if (required.length > 0) out['required'] = required;
  else delete out['required'];
  if (requiredAnyName.length > 0) out['requiredAnyName'] = requiredAnyName;
}

function isSchemaNode(value: unknown): value is SchemaNode {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The regular-expression engine given to ajv: the CASE_INSENSITIVE marker becomes the `i` flag. */
export function schemaRegExp(pattern: string, flags: string): RegExp {
  return pattern.startsWith(CASE_INSENSITIVE)
    ? new RegExp(pattern.slice(CASE_INSENSITIVE.length), `${flags}i`)
    : new RegExp(pattern, flags);
}
schemaRegExp.code = 'schemaRegExp';

/** The sub-schemas a document is validated against: a whole pipeline, or a template of one kind. */
export type DocumentKind = 'pipeline' | 'stepsTemplate' | 'jobsTemplate' | 'stagesTemplate' | 'variablesTemplate';

/**
 * Validates parsed pipeline documents against the compiled schema.
 *
 * `definitions.task` is an anyOf of 259 task schemas, each one identified by the `task` value its own `pattern`
 * accepts; compiled whole it takes ajv most of a minute. Here the alternatives move to
 * `definitions.taskAlternatives.anyOf` and a `taskAlternatives` keyword validates a step against the alternatives whose
 * task pattern accepts its `task` value, each compiled by ajv the first time a document uses that task. It is the
 * anyOf's own verdict (an alternative whose pattern rejects the value cannot be valid), reached without compiling
 * every alternative. `definitions.task.properties.task` (the same names again, for editor suggestions) becomes a
 * plain string, so an unknown task is reported once.
 */
export class PipelineValidator {
  private readonly validators = new Map<DocumentKind, ValidateFunction>();

  /** @param schema the schema as published; its extensions are compiled unless `plain` (used to show they matter). */
  constructor(schema: SchemaNode, options: { plain?: boolean } = {}) {
    const id = 'azure-pipelines.schema.json';
    const ajv = createAjv(options);
    const compiled = options.plain ? structuredClone(schema) : compileSchemaExtensions(schema);
    const definitions = compiled['definitions'] as SchemaNode;
    const task = { ...(definitions['task'] as SchemaNode) };
    const alternatives = task['anyOf'] as SchemaNode[];
    delete task['anyOf'];
    task['taskAlternatives'] = true;
    task['properties'] = { ...(task['properties'] as SchemaNode), task: { type: 'string' } };
    definitions['task'] = task;
    // Kept as a schema of its own so each alternative has a $ref; nothing refers to the whole.
    definitions['taskAlternatives'] = { anyOf: alternatives };
    addTaskAlternatives(ajv, id, alternatives);
    ajv.addSchema({ ...compiled, $id: id });
    for (const kind of ['pipeline', 'stepsTemplate', 'jobsTemplate', 'stagesTemplate', 'variablesTemplate'] as const) {
      // The whole pipeline is the schema's root (a pipeline, or an empty file); a template is one of its definitions.
      this.validators.set(
        kind,
        ajv.compile(kind === 'pipeline' ? { $ref: id } : { $ref: `${id}#/definitions/${kind}` }),
      );
    }
  }

  /** The problems of a document of the given kind; empty when it is valid. */
  validate(document: unknown, kind: DocumentKind): string[] {
    const validate = this.validators.get(kind) as ValidateFunction;
    return validate(document) ? [] : describeErrors(validate.errors ?? []);
  }
}

/** An ajv instance for compiled schemas: their regular-expression engine and keywords (`plain`: neither). */
export function createAjv(options: { plain?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    strict: false,
    unicodeRegExp: false,
    allErrors: true,
    // Errors carry their data and schemas, which describeErrors uses to tell the meant alternative.
    verbose: true,
    code: options.plain ? {} : { regExp: schemaRegExp },
  });
  addKeywords(ajv);
  return ajv;
}

function addTaskAlternatives(ajv: Ajv, id: string, alternatives: SchemaNode[]): void {
  const patterns = alternatives.map((a) =>
    schemaRegExp(String(((a['properties'] as SchemaNode)['task'] as SchemaNode)['pattern']), ''),
  );
  const compiled = new Map<number, ValidateFunction>();
  const alternative = (n: number): ValidateFunction => {
    let v = compiled.get(n);
    if (!v) {
      v = ajv.compile({ $ref: `${id}#/definitions/taskAlternatives/anyOf/${n}` });
      compiled.set(n, v);
    }
    return v;
  };
  const taskAlternatives: KeywordValidator<boolean> = (_schema, data, _parent, cxt) => {
    const at = cxt?.instancePath ?? '';
    const name = data['task'];
    if (typeof name !== 'string') {
      taskAlternatives.errors = [
        {
          instancePath: at,
          keyword: 'required',
          message: "must have required property 'task'",
          params: { missingProperty: 'task' },
        },
      ];
      return false;
    }
    const candidates = patterns.flatMap((p, n) => (p.test(name) ? [n] : []));
    if (candidates.length === 0) {
      taskAlternatives.errors = [
        {
          instancePath: `${at}/task`,
          keyword: 'taskAlternatives',
          message: `${JSON.stringify(name)} is not a task the schema knows`,
          params: { task: name },
        },
      ];
      return false;
    }
    const errors: Partial<ErrorObject>[] = [];
    for (const n of candidates) {
      const v = alternative(n);
      if (v(data)) return true;
      // ajv rewrites a keyword's errors' data and schema path to the keyword's own: describe them while they are true.
      errors.push(
        ...(v.errors ?? []).map((e) => ({
          instancePath: at + e.instancePath,
          keyword: e.keyword,
          message: `${messageOf(e)}${describeParams(e)}`,
          params: { ...e.params, described: true },
        })),
      );
    }
    taskAlternatives.errors = errors;
    return false;
  };
  ajv.addKeyword({ keyword: 'taskAlternatives', type: 'object', errors: true, validate: taskAlternatives });
}

/** A keyword's validation function; it reports why through its `errors` property, as ajv expects. */
type KeywordValidator<S> = ((
  schema: S,
  data: Record<string, unknown>,
  parentSchema?: unknown,
  cxt?: DataValidationCxt,
) => boolean) & {
  errors?: Partial<ErrorObject>[];
};

function addKeywords(ajv: Ajv): void {
  const firstProperty: KeywordValidator<string[]> = (names, data) => {
    const first = Object.keys(data)[0];
    if (first === undefined || names.includes(first)) return true;
    firstProperty.errors = [
      {
        keyword: 'firstProperty',
        message: `must start with ${names.map((n) => `"${n}"`).join(' or ')} (starts with "${first}")`,
        params: { names, first },
      },
    ];
    return false;
  };
  const requiredAnyName: KeywordValidator<RequiredName[]> = (rules, data) => {
    const keys = Object.keys(data);
    const missing = rules.filter((r) => !keys.some((k) => schemaRegExp(r.pattern, '').test(k)));
    if (missing.length === 0) return true;
    requiredAnyName.errors = missing.map((r) => ({
      keyword: 'requiredAnyName',
      message: `must have required property '${r.name}' (or an alias of it)`,
      params: { missingProperty: r.name },
    }));
    return false;
  };
  ajv.addKeyword({
    keyword: 'firstProperty',
    type: 'object',
    schemaType: 'array',
    errors: true,
    validate: firstProperty,
  });
  ajv.addKeyword({
    keyword: 'requiredAnyName',
    type: 'object',
    schemaType: 'array',
    errors: true,
    validate: requiredAnyName,
  });
}

/**
 * A readable digest of ajv's errors. A step is an anyOf of every step kind and ~400 task schemas, so one mistake
 * yields hundreds of errors from alternatives that were never meant. An alternative with a `firstProperty` is
 * identified by that key (a task schema by its `task` name, a script step by `script`): when the document's
 * value for it does not match, or the key is absent, that alternative's errors are dropped, as the language
 * server keeps only the best match. Of the rest, the deepest errors are where the document went wrong.
 */
export function describeErrors(errors: ErrorObject[], limit = 8): string[] {
  const dropped = new Set<ErrorObject>();
  const lines: string[] = [];
  let identifiedDepth = -1;
  // Errors by the alternative they come from: `<schema path of an anyOf>/<n>/`.
  const byBranch = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    for (const m of e.schemaPath.matchAll(/\/(?:anyOf|oneOf)\/\d+\//g)) {
      const key = e.schemaPath.slice(0, (m.index ?? 0) + m[0].length);
      const list = byBranch.get(key);
      if (list) list.push(e);
      else byBranch.set(key, [e]);
    }
  }
  for (const site of errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const base = site.instancePath;
    const branches = ((site.parentSchema as SchemaNode | undefined)?.[site.keyword] as SchemaNode[] | undefined) ?? [];
    const within = (e: ErrorObject) => e.instancePath === base || e.instancePath.startsWith(`${base}/`);
    let identified = 0;
    let out = 0;
    branches.forEach((branch, n) => {
      const keys = branch['firstProperty'];
      if (!Array.isArray(keys)) return;
      identified++;
      const own = (byBranch.get(`${site.schemaPath}/${n}/`) ?? []).filter(within);
      const notMeant = own.some(
        (e) =>
          (e.keyword === 'firstProperty' && e.instancePath === base) ||
          keys.some((k) => e.instancePath === `${base}/${escapePointer(String(k))}`) ||
          ((e.keyword === 'required' || e.keyword === 'requiredAnyName') &&
            e.instancePath === base &&
            keys.includes((e.params as { missingProperty?: string }).missingProperty)),
      );
      if (notMeant) {
        out++;
        own.forEach((e) => dropped.add(e));
      }
    });
    if (identified > 0 && out === branches.length) {
      // Nothing was meant: name the identifying value that no alternative accepts (an unknown task, say).
      const data = site.data as Record<string, unknown> | undefined;
      const key = branches
        .flatMap((b) => b['firstProperty'] as string[])
        .find((k) => data && typeof data === 'object' && k in data);
      if (key !== undefined) {
        lines.push(
          `${base}/${key}: ${JSON.stringify(data?.[key])} matches none of the ${branches.length} alternatives`,
        );
        identifiedDepth = Math.max(identifiedDepth, base.split('/').length);
        errors.filter((e) => e.instancePath === `${base}/${escapePointer(key)}`).forEach((e) => dropped.add(e));
      }
    }
  }
  const kept = errors.filter((e) => !dropped.has(e) && e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  const depth = (e: ErrorObject) => (e.instancePath === '' ? 0 : e.instancePath.split('/').length);
  const deepest = Math.max(-1, ...kept.map(depth));
  // Errors shallower than an unmatched identifying value are consequences of it.
  const text = (e: ErrorObject) =>
    (e.params as { described?: boolean }).described ? (e.message ?? e.keyword) : `${messageOf(e)}${describeParams(e)}`;
  if (deepest >= identifiedDepth)
    lines.push(...kept.filter((e) => depth(e) === deepest).map((e) => `${e.instancePath || '/'}: ${text(e)}`));
  if (lines.length === 0) lines.push(...errors.map((e) => `${e.instancePath || '/'}: ${messageOf(e)}`));
  const unique = [...new Set(lines)];
  return unique.length > limit ? [...unique.slice(0, limit), `... and ${unique.length - limit} more`] : unique;
}

function messageOf(e: ErrorObject): string {
  const expected = (e.parentSchema as SchemaNode | undefined)?.['expected'];
  if (e.keyword === 'pattern' && typeof expected === 'string') return `must be ${expected}`;
  const message = e.message ?? e.keyword;
  return message.includes(CASE_INSENSITIVE) ? `${message.replace(CASE_INSENSITIVE, '')} in any case` : message;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describeParams(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (typeof p['additionalProperty'] === 'string') return ` ("${p['additionalProperty']}")`;
  if (e.keyword === 'pattern' && e.data !== undefined) return ` (got ${JSON.stringify(e.data)})`;
  return '';
}
