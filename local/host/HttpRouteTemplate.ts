import { HostError } from './HostError';

const CONSTRAINTS: Record<string, string> = {
  int: '-?\\d+',
  long: '-?\\d+',
  decimal: '-?\\d+(?:\\.\\d+)?',
  double: '-?\\d+(?:\\.\\d+)?',
  float: '-?\\d+(?:\\.\\d+)?',
  bool: '(?:true|false)',
  alpha: '[A-Za-z]+',
  guid: '[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}',
};

/**
 * An HTTP trigger's route template as ASP.NET routing reads it: literal segments (case-insensitive),
 * `{param}`, optional `{param?}`, constrained `{id:int}` and catch-all `{*rest}` as the last segment.
 * Unknown constraints (`minlength(3)`...) are accepted and not checked.
 */
export class HttpRouteTemplate {
  private constructor(
    readonly template: string,
    private readonly regex: RegExp,
    private readonly names: readonly string[],
    /** Lower sorts first: literal segments before parameters before catch-alls. */
    readonly precedence: readonly number[],
  ) {}

  static parse(template: string, what: string): HttpRouteTemplate {
    const segments = template.split('/').filter((s) => s !== '');
    const names: string[] = [];
    const precedence: number[] = [];
    let source = '';
    segments.forEach((segment, index) => {
      const whole = /^\{(\*{1,2})?([A-Za-z_][A-Za-z0-9_]*)(?::([^}?]+))?(\?)?\}$/.exec(segment);
      if (whole !== null) {
        const [, star, name = '', constraint, optional] = whole;
        if (names.includes(name))
          throw new HostError('BAD_BINDING', `${what}: route "${template}" repeats "{${name}}"`);
        names.push(name);
        if (star !== undefined) {
          if (index !== segments.length - 1)
            throw new HostError('BAD_BINDING', `${what}: route "${template}" has a catch-all before the end`);
          source += '(?:/(.*))?';
          precedence.push(5);
        } else if (optional !== undefined) {
          source += `(?:/(${pattern(constraint)}))?`;
          precedence.push(4);
        } else {
          source += `/(${pattern(constraint)})`;
          precedence.push(constraint === undefined ? 3 : 2);
        }
        return;
      }
      if (/[{}]/.test(segment)) {
        // A complex segment such as `{name}.{ext}` or `v{version}`.
        const parts = segment.split(/(\{[^}]*\})/).filter((p) => p !== '');
        source += '/';
        for (const part of parts) {
          const param = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}?]+))?\}$/.exec(part);
          if (param === null) {
            if (/[{}]/.test(part))
              throw new HostError('BAD_BINDING', `${what}: route "${template}" has a bad segment "${segment}"`);
            source += escapeRegExp(part);
          } else {
            names.push(param[1] ?? '');
            source += `(${param[2] === undefined ? '[^/]+?' : pattern(param[2])})`;
          }
        }
        precedence.push(1);
        return;
      }
      source += `/${escapeRegExp(segment)}`;
      precedence.push(0);
    });
    return new HttpRouteTemplate(template, new RegExp(`^${source}/?$`, 'i'), names, precedence);
  }

  /** Route parameters if `path` (the URL path after the route prefix, e.g. `/items/3`) matches. */
  match(path: string): Record<string, string> | undefined {
    const m = this.regex.exec(path === '' ? '/' : path);
    if (m === null) return undefined;
    const params: Record<string, string> = {};
    this.names.forEach((name, i) => {
      const raw = m[i + 1];
      if (raw !== undefined && raw !== '') params[name] = safeDecode(raw);
    });
    return params;
  }

  /** Sort order for matching: more specific templates first. */
  static compare(a: HttpRouteTemplate, b: HttpRouteTemplate): number {
    const n = Math.min(a.precedence.length, b.precedence.length);
    for (let i = 0; i < n; i += 1) {
      const d = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
      if (d !== 0) return d;
    }
    return b.precedence.length - a.precedence.length;
  }
}

function pattern(constraint: string | undefined): string {
  if (constraint === undefined) return '[^/]+';
  const name = constraint.split(':')[0]?.replace(/\(.*$/, '').toLowerCase() ?? '';
  return CONSTRAINTS[name] ?? '[^/]+';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
