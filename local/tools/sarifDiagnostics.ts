import { fileURLToPath } from 'node:url';

/** One diagnostic of the Bicep compiler or linter. */
export interface BicepDiagnostic {
  /** Absolute path of the file. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** SARIF level: a result without one is a warning (SARIF's default). */
  level: 'error' | 'warning' | 'note' | 'none';
  /** BCP code or linter rule name. */
  ruleId: string;
  message: string;
}

interface SarifLog {
  runs?: { results?: SarifResult[] }[];
}
interface SarifResult {
  ruleId?: string;
  level?: string;
  message?: { text?: string };
  locations?: {
    physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number; charOffset?: number } };
  }[];
}

/**
 * The diagnostics in a stream of SARIF logs. `bicep --pattern` writes one log per file back to back, and a
 * stream may hold other JSON (a template on --stdout) or plain text, which are skipped.
 */
export function sarifDiagnostics(text: string): BicepDiagnostic[] {
  const diagnostics: BicepDiagnostic[] = [];
  for (const doc of jsonDocuments(text)) {
    const log = doc as SarifLog;
    if (!Array.isArray(log.runs)) continue;
    for (const run of log.runs) {
      for (const r of run.results ?? []) {
        const loc = r.locations?.[0]?.physicalLocation;
        const uri = loc?.artifactLocation?.uri ?? '';
        diagnostics.push({
          file: uri.startsWith('file:') ? fileURLToPath(uri) : uri,
          line: loc?.region?.startLine ?? 0,
          column: (loc?.region?.charOffset ?? 0) + 1,
          level: r.level === 'error' || r.level === 'note' || r.level === 'none' ? r.level : 'warning',
          ruleId: r.ruleId ?? '',
          message: (r.message?.text ?? '').replace(/\s*\[https:\/\/aka\.ms\/[^\]]+\]$/, ''),
        });
      }
    }
  }
  return diagnostics;
}

/** A diagnostic that fails the check: every error and every warning not suppressed in the source. */
export function isBlocking(d: BicepDiagnostic): boolean {
  return d.level === 'error' || d.level === 'warning';
}

/** `file(line,col): level rule: message`, the compiler's own layout. */
export function formatDiagnostic(d: BicepDiagnostic, relativeTo?: (file: string) => string): string {
  return `${relativeTo ? relativeTo(d.file) : d.file}(${d.line},${d.column}): ${d.level} ${d.ruleId}: ${d.message}`;
}

/** Top-level JSON objects in a text, in order; whatever lies between them is ignored. */
function* jsonDocuments(text: string): Generator<unknown> {
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        try {
          yield JSON.parse(text.slice(start, i + 1)) as unknown;
        } catch {
          // not JSON after all: plain text with braces
        }
      }
    }
  }
}
