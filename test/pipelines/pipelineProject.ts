import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadSchema, PipelineValidator, schemaPath } from './azurePipelinesSchema';
import { hoistTemplateExpressions, loadPipelineDocument, type PipelineDocument, yamlFiles } from './pipelineDocuments';
import {
  declaredParameters,
  expandTemplatePath,
  resolveTemplatePath,
  type TemplateReference,
  templateReferences,
} from './pipelineReferences';

/** The project root (this file runs from dist/test/pipelines/). */
export const PROJECT_ROOT = resolve(__dirname, '../../..');
export const PIPELINES_DIR = join(PROJECT_ROOT, 'pipelines');
export const FIXTURES_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'pipelines');

/** Entry pipelines: the YAML files directly in pipelines/. Everything below it is a template. */
export function entryPipelines(): PipelineDocument[] {
  return yamlFiles(PIPELINES_DIR)
    .filter((f) => resolve(f, '..') === PIPELINES_DIR)
    .map((f) => loadPipelineDocument(f, PROJECT_ROOT));
}

/** Template files: every YAML file in a folder under pipelines/. */
export function templateFiles(): PipelineDocument[] {
  return yamlFiles(PIPELINES_DIR)
    .filter((f) => resolve(f, '..') !== PIPELINES_DIR)
    .map((f) => loadPipelineDocument(f, PROJECT_ROOT));
}

/** The schema's path, and validators when the file is there. */
export interface SchemaSetup {
  path: string;
  validator?: PipelineValidator;
  /** A validator that ignores the schema's own keywords (to show they matter); compiled when first asked for. */
  plainValidator?: () => PipelineValidator;
}

let setup: SchemaSetup | undefined;

/** Loads and compiles the schema once per process (1.6 MB of JSON). */
export function schemaSetup(): SchemaSetup {
  if (setup) return setup;
  const path = schemaPath(PROJECT_ROOT);
  const schema = existsSync(path) ? loadSchema(path) : undefined;
  if (!schema) return (setup = { path });
  let plain: PipelineValidator | undefined;
  setup = {
    path,
    validator: new PipelineValidator(schema),
    plainValidator: () => (plain ??= new PipelineValidator(schema, { plain: true })),
  };
  return setup;
}

/** A `template:` reference followed to its file. */
export interface TemplateEdge {
  /** The referencing document. */
  from: PipelineDocument;
  ref: TemplateReference;
  /** The file it resolves to (one per value of a parameter in its path). */
  file: string;
}

/** What following the template references of some documents found. */
export interface TemplateGraph {
  /** Every document reached, by absolute path (the starting documents included). */
  documents: Map<string, PipelineDocument>;
  edges: TemplateEdge[];
  /** References that could not be followed, each with the reason. */
  problems: string[];
}

/** Follows `template:` references from the given documents, recursively, as Azure DevOps resolves them. */
export function followTemplates(start: PipelineDocument[]): TemplateGraph {
  const documents = new Map(start.map((d) => [d.file, d]));
  const edges: TemplateEdge[] = [];
  const problems: string[] = [];
  const queue = [...start];
  for (let doc = queue.shift(); doc !== undefined; doc = queue.shift()) {
    const declared = declaredParameters(doc.raw);
    for (const ref of templateReferences(hoistTemplateExpressions(doc.raw))) {
      let paths: string[];
      try {
        paths = expandTemplatePath(ref.path, declared);
      } catch (err) {
        problems.push(`${doc.name}${ref.at}: ${(err as Error).message}`);
        continue;
      }
      for (const path of paths) {
        const file = resolveTemplatePath(path, doc.file, PROJECT_ROOT);
        if (file === undefined) continue;
        if (!existsSync(file)) {
          problems.push(
            `${doc.name}${ref.at}: template "${path}" resolves to ${relative(PROJECT_ROOT, file)}, which does not exist`,
          );
          continue;
        }
        edges.push({ from: doc, ref, file });
        if (!documents.has(file)) {
          const target = loadPipelineDocument(file, PROJECT_ROOT);
          documents.set(file, target);
          queue.push(target);
        }
      }
    }
  }
  return { documents, edges, problems };
}
