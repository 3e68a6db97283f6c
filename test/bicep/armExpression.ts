import { createHash } from 'node:crypto';

/**
 * A small evaluator of ARM template expressions ("[format('st{0}', parameters('x'))]"), enough to read what a
 * compiled Bicep template will deploy for given parameter values. Runtime values (reference() of a resource,
 * listKeys(), ...) evaluate to UNKNOWN; format() and concat() show them as "<?>".
 */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type ArmValue = unknown;

/** What an expression can see: the template's parameters and variables, and the deployment's context. */
export interface ExpressionScope {
  parameter(name: string): ArmValue;
  variable(name: string): ArmValue;
  /** reference('symbol'): a module's outputs; UNKNOWN for a resource's runtime state. */
  reference(symbol: string): ArmValue;
  /** Values bound by lambda(); absent outside lambdas. */
  lambdaVariables?: Record<string, ArmValue>;
  /** The iteration of a resource copy loop being evaluated. */
  copyIndex?: number;
  /** Iterations of property copy loops, by loop name. */
  namedCopyIndex?: Record<string, number>;
}

/** What fail('message') raises: the deployment would stop with this message. */
export class ArmFailure extends Error {
  override readonly name = 'ArmFailure';
}

/** A fixed deployment context, so that names built from it are stable and comparable. */
export const TEST_CONTEXT = {
  subscriptionId: '00000000-0000-0000-0000-00000000abcd',
  resourceGroup: 'rg-forecasting-test',
  location: 'swedencentral',
} as const;

/** Evaluates a template value: strings in [brackets] are expressions, objects and arrays are walked. */
export function evaluate(value: ArmValue, scope: ExpressionScope): ArmValue {
  if (typeof value === 'string') {
    if (value.startsWith('[[')) return value.slice(1);
    if (value.startsWith('[') && value.endsWith(']')) return evalNode(parse(value.slice(1, -1)), scope);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, ArmValue> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'copy' && Array.isArray(v)) expandPropertyLoops(v as PropertyLoop[], scope, out);
      else out[String(evaluate(k, scope))] = evaluate(v, scope);
    }
    return out;
  }
  return value;
}

interface PropertyLoop {
  name: string;
  count: ArmValue;
  input: ArmValue;
}

/** `"copy": [{ name, count, input }]` inside an object: the property `name` becomes an array of `count` inputs. */
function expandPropertyLoops(loops: PropertyLoop[], scope: ExpressionScope, out: Record<string, ArmValue>): void {
  for (const loop of loops) {
    const count = evaluate(loop.count, scope);
    out[loop.name] =
      typeof count === 'number'
        ? Array.from({ length: count }, (_, i) =>
            evaluate(loop.input, { ...scope, namedCopyIndex: { ...scope.namedCopyIndex, [loop.name]: i } }),
          )
        : UNKNOWN;
  }
}

// ---- Parsing -----------------------------------------------------------------------------------------------

type Node =
  | { kind: 'literal'; value: ArmValue }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'property'; target: Node; name: string }
  | { kind: 'index'; target: Node; index: Node };

/** Parses the inside of "[...]". */
export function parse(text: string): Node {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const expect = (c: string): void => {
    skip();
    if (text[i] !== c) throw new Error(`expected "${c}" at ${i} in ${text}`);
    i++;
  };
  const primary = (): Node => {
    skip();
    const c = text[i];
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated string in ${text}`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      return { kind: 'literal', value: s };
    }
    const num = /^-?\d+(\.\d+)?/.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      return { kind: 'literal', value: Number(num[0]) };
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!id) throw new Error(`unexpected "${c}" at ${i} in ${text}`);
    i += id[0].length;
    skip();
    if (text[i] !== '(') {
      if (id[0] === 'true' || id[0] === 'false') return { kind: 'literal', value: id[0] === 'true' };
      throw new Error(`bare identifier ${id[0]} in ${text}`);
    }
    i++;
    const args: Node[] = [];
    skip();
    if (text[i] === ')') i++;
    else {
      for (;;) {
        args.push(expression());
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect(')');
        break;
      }
    }
    return { kind: 'call', name: id[0], args };
  };
  const expression = (): Node => {
    let node = primary();
    for (;;) {
      skip();
      if (text[i] === '.') {
        i++;
        const name = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i));
        if (!name) throw new Error(`expected a property name at ${i} in ${text}`);
        i += name[0].length;
        node = { kind: 'property', target: node, name: name[0] };
      } else if (text[i] === '[') {
        i++;
        const index = expression();
        expect(']');
        node = { kind: 'index', target: node, index };
      } else return node;
    }
  };
  const node = expression();
  skip();
  if (i !== text.length) throw new Error(`trailing text at ${i} in ${text}`);
  return node;
}

// ---- Evaluation --------------------------------------------------------------------------------------------

interface Lambda {
  params: string[];
  body: Node;
}

function evalNode(node: Node, scope: ExpressionScope): ArmValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'property': {
      const target = evalNode(node.target, scope);
      return member(target, node.name);
    }
    case 'index': {
      const target = evalNode(node.target, scope);
      const index = evalNode(node.index, scope);
      if (index === UNKNOWN) return UNKNOWN;
      return member(target, index as string | number);
    }
    case 'call':
      return call(node, scope);
  }
}

function member(target: ArmValue, key: string | number): ArmValue {
  if (target === UNKNOWN || target === null || typeof target !== 'object') return UNKNOWN;
  if (Array.isArray(target)) return typeof key === 'number' ? (target[key] ?? UNKNOWN) : UNKNOWN;
  const obj = target as Record<string, ArmValue>;
  // ARM property names are case-insensitive.
  const found = Object.keys(obj).find((k) => k.toLowerCase() === String(key).toLowerCase());
  return found === undefined ? UNKNOWN : obj[found];
}

function show(v: ArmValue): string {
  if (v === UNKNOWN) return '<?>';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function call(node: Extract<Node, { kind: 'call' }>, scope: ExpressionScope): ArmValue {
  const name = node.name.toLowerCase();
  if (name === 'lambda') {
    const params = node.args.slice(0, -1).map((a) => String(evalNode(a, scope)));
    return { params, body: node.args[node.args.length - 1] as Node } satisfies Lambda;
  }
  if (name === 'if') {
    const cond = evalNode(node.args[0] as Node, scope);
    if (cond === UNKNOWN) return UNKNOWN;
    return evalNode(node.args[cond ? 1 : 2] as Node, scope);
  }
  const args = node.args.map((a) => evalNode(a, scope));
  const a0 = args[0];
  const known = (): boolean => args.every((a) => a !== UNKNOWN);
  const applyLambda = (fn: ArmValue, values: ArmValue[]): ArmValue => {
    const lambda = fn as Lambda;
    const bound: Record<string, ArmValue> = { ...scope.lambdaVariables };
    lambda.params.forEach((p, k) => (bound[p] = values[k]));
    return evalNode(lambda.body, { ...scope, lambdaVariables: bound });
  };
  switch (name) {
    case 'parameters':
      return scope.parameter(String(a0));
    case 'variables':
      return scope.variable(String(a0));
    case 'lambdavariables':
      return scope.lambdaVariables?.[String(a0)] ?? UNKNOWN;
    case 'reference':
      return typeof a0 === 'string' ? scope.reference(a0) : UNKNOWN;
    case 'null':
      return null;
    case 'true':
      return true;
    case 'false':
      return false;
    case 'copyindex': {
      const loop = args.find((a) => typeof a === 'string');
      const index = typeof loop === 'string' ? scope.namedCopyIndex?.[loop] : scope.copyIndex;
      if (index === undefined) return UNKNOWN;
      const offset = args.find((a) => typeof a === 'number');
      return index + (typeof offset === 'number' ? offset : 0);
    }
    case 'createobject': {
      const out: Record<string, ArmValue> = {};
      for (let k = 0; k + 1 < args.length; k += 2) out[String(args[k])] = args[k + 1];
      return out;
    }
    case 'createarray':
      return args;
    case 'union':
      if (!known()) return UNKNOWN;
      return Array.isArray(a0) ? [...new Set(args.flat())] : Object.assign({}, ...(args as object[]));
    case 'concat':
      if (args.length > 0 && args.every((a) => Array.isArray(a))) return (args as ArmValue[][]).flat();
      if (args.some((a) => Array.isArray(a))) return UNKNOWN;
      return args.map(show).join('');
    case 'format':
      return String(a0).replace(/\{(\d+)\}/g, (_, n: string) => show(args[Number(n) + 1]));
    case 'join':
      return Array.isArray(a0) && known() && a0.every((x) => x !== UNKNOWN)
        ? a0.map(show).join(String(args[1]))
        : UNKNOWN;
    case 'startswith':
      // ARM compares case-insensitively.
      return known() ? String(a0).toLowerCase().startsWith(String(args[1]).toLowerCase()) : UNKNOWN;
    case 'contains':
      if (!known()) return UNKNOWN;
      if (typeof a0 === 'string') return a0.includes(String(args[1]));
      if (Array.isArray(a0)) return a0.some((x) => JSON.stringify(x) === JSON.stringify(args[1]));
      return a0 !== null && typeof a0 === 'object' && member(a0, String(args[1])) !== UNKNOWN;
    case 'indexof':
      if (!known()) return UNKNOWN;
      if (Array.isArray(a0)) return a0.findIndex((x) => JSON.stringify(x) === JSON.stringify(args[1]));
      return String(a0).toLowerCase().indexOf(String(args[1]).toLowerCase());
    case 'substring':
      return known()
        ? String(a0).substring(Number(args[1]), args[2] === undefined ? undefined : Number(args[1]) + Number(args[2]))
        : UNKNOWN;
    case 'range':
      return known() ? Array.from({ length: Number(args[1]) }, (_, k) => Number(a0) + k) : UNKNOWN;
    case 'items':
      // Sorted by key, as ARM returns them.
      return a0 !== UNKNOWN && a0 !== null && typeof a0 === 'object' && !Array.isArray(a0)
        ? Object.keys(a0)
            .sort()
            .map((key) => ({ key, value: (a0 as Record<string, ArmValue>)[key] }))
        : UNKNOWN;
    case 'fail':
      throw new ArmFailure(show(a0));
    case 'toupper':
      return typeof a0 === 'string' ? a0.toUpperCase() : UNKNOWN;
    case 'tolower':
      return typeof a0 === 'string' ? a0.toLowerCase() : UNKNOWN;
    case 'replace':
      return known() ? String(a0).split(String(args[1])).join(String(args[2])) : UNKNOWN;
    case 'take':
      return known() ? (a0 as string | ArmValue[]).slice(0, Number(args[1])) : UNKNOWN;
    case 'padleft':
      return known() ? String(a0).padStart(Number(args[1]), String(args[2])) : UNKNOWN;
    case 'string':
      return known() ? (typeof a0 === 'string' ? a0 : JSON.stringify(a0)) : UNKNOWN;
    case 'json':
      return typeof a0 === 'string' ? (JSON.parse(a0) as ArmValue) : UNKNOWN;
    case 'bool':
      if (a0 === UNKNOWN) return UNKNOWN;
      return typeof a0 === 'string' ? a0.toLowerCase() === 'true' : Boolean(a0);
    case 'int':
      return known() ? Math.trunc(Number(a0)) : UNKNOWN;
    case 'length':
      return known()
        ? typeof a0 === 'object' && a0 !== null && !Array.isArray(a0)
          ? Object.keys(a0).length
          : (a0 as string | ArmValue[]).length
        : UNKNOWN;
    case 'empty':
      return known()
        ? a0 === null || (typeof a0 === 'object' ? Object.keys(a0 as object).length === 0 : String(a0).length === 0)
        : UNKNOWN;
    case 'equals':
      return known() ? JSON.stringify(a0) === JSON.stringify(args[1]) : UNKNOWN;
    case 'not':
      return known() ? !a0 : UNKNOWN;
    case 'and':
      return known() ? args.every(Boolean) : UNKNOWN;
    case 'or':
      return known() ? args.some(Boolean) : UNKNOWN;
    case 'greater':
      return known() ? Number(a0) > Number(args[1]) : UNKNOWN;
    case 'mul':
      return known() ? Number(a0) * Number(args[1]) : UNKNOWN;
    case 'div':
      return known() ? Math.trunc(Number(a0) / Number(args[1])) : UNKNOWN;
    case 'mod':
      return known() ? Number(a0) % Number(args[1]) : UNKNOWN;
    case 'coalesce':
      return args.find((a) => a !== null && a !== undefined) ?? null;
    case 'tryget':
      return a0 !== UNKNOWN && a0 !== null && typeof a0 === 'object'
        ? member(a0, args[1] as string) === UNKNOWN
          ? null
          : member(a0, args[1] as string)
        : UNKNOWN;
    case 'flatten':
      return Array.isArray(a0) && a0.every((x) => Array.isArray(x)) ? (a0 as ArmValue[][]).flat() : UNKNOWN;
    case 'map':
      return Array.isArray(a0) ? a0.map((x, k) => applyLambda(args[1], [x, k])) : UNKNOWN;
    case 'filter':
      return Array.isArray(a0) ? a0.filter((x, k) => applyLambda(args[1], [x, k]) === true) : UNKNOWN;
    case 'toobject': {
      if (!Array.isArray(a0)) return UNKNOWN;
      const out: Record<string, ArmValue> = {};
      for (const x of a0) out[show(applyLambda(args[1], [x]))] = args[2] === undefined ? x : applyLambda(args[2], [x]);
      return out;
    }
    case 'subscription':
      return { id: `/subscriptions/${TEST_CONTEXT.subscriptionId}`, subscriptionId: TEST_CONTEXT.subscriptionId };
    case 'resourcegroup':
      return {
        id: `/subscriptions/${TEST_CONTEXT.subscriptionId}/resourceGroups/${TEST_CONTEXT.resourceGroup}`,
        name: TEST_CONTEXT.resourceGroup,
        location: TEST_CONTEXT.location,
      };
    case 'uniquestring':
      // Not ARM's hash, but deterministic and 13 lowercase characters like it.
      return known()
        ? createHash('sha256')
            .update(args.map(show).join('|'))
            .digest('hex')
            .replace(/\d/g, (d) => 'abcdefghij'[Number(d)] as string)
            .slice(0, 13)
        : UNKNOWN;
    case 'guid':
      return known() ? createHash('sha256').update(args.map(show).join('|')).digest('hex').slice(0, 32) : UNKNOWN;
    case 'resourceid':
    case 'subscriptionresourceid': {
      const parts = args.map(show);
      const type = parts[0] as string;
      const names = parts.slice(1);
      const [ns, ...types] = type.split('/');
      const path = types.map((t, k) => `${t}/${names[k] ?? '<?>'}`).join('/');
      const prefix =
        name === 'resourceid'
          ? `/subscriptions/${TEST_CONTEXT.subscriptionId}/resourceGroups/${TEST_CONTEXT.resourceGroup}`
          : `/subscriptions/${TEST_CONTEXT.subscriptionId}`;
      return `${prefix}/providers/${ns}/${path}`;
    }
    case 'utcnow': {
      const now = new Date();
      const f = typeof a0 === 'string' ? a0 : 'yyyyMMddTHHmmssZ';
      const pad = (n: number): string => String(n).padStart(2, '0');
      return f
        .replace('yyyy', String(now.getUTCFullYear()))
        .replace('MM', pad(now.getUTCMonth() + 1))
        .replace('dd', pad(now.getUTCDate()))
        .replace('HH', pad(now.getUTCHours()))
        .replace('mm', pad(now.getUTCMinutes()))
        .replace('ss', pad(now.getUTCSeconds()));
    }
    default:
      // listKeys(), deployment(), environment(), ...: known only at deployment time.
      return UNKNOWN;
  }
}
