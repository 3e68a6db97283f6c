import { HostError } from './HostError';

/**
 * A blob trigger path such as `images/{name}` or `raw/{source}/{day}.json`: a literal container, then a blob
 * name pattern whose `{parts}` become trigger metadata, as in the Functions host.
 */
export class BlobPathPattern {
  private constructor(
    readonly path: string,
    readonly container: string,
    /** Literal start of the blob name, used as the listing prefix. */
    readonly prefix: string,
    readonly parameterNames: readonly string[],
    private readonly regex: RegExp,
  ) {}

  /** Parses a resolved path; `what` names the function for the error message. */
  static parse(path: string, what: string): BlobPathPattern {
    const slash = path.indexOf('/');
    const container = slash < 0 ? path : path.slice(0, slash);
    const namePattern = slash < 0 ? '{*}' : path.slice(slash + 1);
    if (!/^(\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9])$/.test(container)) {
      throw new HostError('BAD_BINDING', `${what}: path "${path}" does not start with a valid container name`);
    }
    const names: string[] = [];
    let source = '';
    let rest = namePattern;
    while (rest !== '') {
      const open = rest.indexOf('{');
      if (open < 0) {
        source += escapeRegExp(rest);
        break;
      }
      const close = rest.indexOf('}', open);
      if (close < 0) throw new HostError('BAD_BINDING', `${what}: path "${path}" has an unclosed "{"`);
      source += escapeRegExp(rest.slice(0, open));
      const name = rest.slice(open + 1, close);
      if (name !== '*') {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || names.includes(name)) {
          throw new HostError('BAD_BINDING', `${what}: path "${path}" has a bad parameter "{${name}}"`);
        }
        names.push(name);
      }
      source += '(.+?)';
      rest = rest.slice(close + 1);
    }
    const brace = namePattern.indexOf('{');
    const prefix = brace < 0 ? namePattern : namePattern.slice(0, brace);
    const anonymous = namePattern === '{*}';
    return new BlobPathPattern(path, container, anonymous ? '' : prefix, names, new RegExp(`^${source}$`, 's'));
  }

  /** The `{parts}` of a blob name that matches, or undefined if it does not. */
  match(blobName: string): Record<string, string> | undefined {
    const m = this.regex.exec(blobName);
    if (m === null) return undefined;
    const parts: Record<string, string> = {};
    this.parameterNames.forEach((name, i) => {
      parts[name] = m[i + 1] ?? '';
    });
    return parts;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
