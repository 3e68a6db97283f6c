import { type ArmValue, type ExpressionScope, UNKNOWN, evaluate } from './armExpression';

/** The parts of an ARM template (JSON) the tests read. */
export interface ArmTemplate {
  languageVersion?: string;
  parameters?: Record<string, ArmParameter>;
  variables?: Record<string, ArmValue>;
  resources?: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, ArmOutput>;
  definitions?: Record<string, ArmParameter>;
}
export interface ArmParameter {
  type?: string;
  $ref?: string;
  defaultValue?: ArmValue;
  metadata?: { description?: string };
  [key: string]: unknown;
}
export interface ArmOutput {
  type?: string;
  $ref?: string;
  value?: ArmValue;
  metadata?: { description?: string };
}
export interface ArmResource {
  type: string;
  apiVersion?: string;
  name: ArmValue;
  existing?: boolean;
  condition?: ArmValue;
  location?: ArmValue;
  tags?: ArmValue;
  properties?: Record<string, ArmValue>;
  dependsOn?: string[];
  [key: string]: unknown;
}

/** One template of a deployment: the root, or a module's nested template. */
export interface TemplateNode {
  /** `main`, `main/functionApp`, ...: the symbolic names (or deployment names) down to it. */
  path: string;
  template: ArmTemplate;
  /** Evaluates expressions as this template would, for the parameter values it is given. */
  scope: ExpressionScope;
  /** The Microsoft.Resources/deployments resource that holds it (not for the root). */
  deployment?: ArmResource;
}

/** One resource declaration, with the template it is declared in. */
export interface ResourceNode {
  /** Symbolic name (languageVersion 2.0) or index. */
  symbol: string;
  resource: ArmResource;
  owner: TemplateNode;
}

/** Every template and resource of a compiled deployment, modules (nested deployments) included. */
export interface ArmDeployment {
  templates: TemplateNode[];
  /** Resources that are deployed: `existing` references are left out. */
  resources: ResourceNode[];
  /** Evaluates a value of a resource or output in the template that declares it. */
  evaluate(value: ArmValue, owner: TemplateNode): ArmValue;
  /** The resource as deployed: evaluated once, or once per iteration of its copy loop. */
  instances(node: ResourceNode): ArmResource[];
  /** Resources of a type (case-insensitive). */
  ofType(type: string): ResourceNode[];
  /** The only resource of a type; throws when there are none or several. */
  single(type: string): ResourceNode;
}

const DEPLOYMENTS = 'microsoft.resources/deployments';

/** Flattens a compiled template and its nested deployments, for the given root parameter values. */
export function walkDeployment(root: ArmTemplate, parameterValues: Record<string, ArmValue> = {}): ArmDeployment {
  const templates: TemplateNode[] = [];
  const resources: ResourceNode[] = [];

  const visit = (
    template: ArmTemplate,
    path: string,
    passed: (name: string) => ArmValue | typeof NOT_PASSED,
    deployment?: ArmResource,
  ): TemplateNode => {
    const entries = resourceEntries(template);
    const paramCache = new Map<string, ArmValue>();
    const varCache = new Map<string, ArmValue>();
    const children = new Map<string, TemplateNode>();
    const scope: ExpressionScope = {
      parameter(name) {
        if (!paramCache.has(name)) {
          const value = passed(name);
          const declared = template.parameters?.[name];
          paramCache.set(
            name,
            value !== NOT_PASSED
              ? value
              : declared && 'defaultValue' in declared
                ? evaluate(declared.defaultValue, scope)
                : UNKNOWN,
          );
        }
        return paramCache.get(name);
      },
      variable(name) {
        if (!varCache.has(name))
          varCache.set(
            name,
            template.variables && name in template.variables ? evaluate(template.variables[name], scope) : UNKNOWN,
          );
        return varCache.get(name);
      },
      reference(symbol) {
        const child = children.get(symbol);
        if (!child) return UNKNOWN;
        const outputs: Record<string, { value: ArmValue }> = {};
        for (const [name, o] of Object.entries(child.template.outputs ?? {}))
          outputs[name] = { value: evaluate(o.value, child.scope) };
        return { outputs };
      },
    };
    const node: TemplateNode = { path, template, scope, ...(deployment ? { deployment } : {}) };
    templates.push(node);
    for (const [symbol, resource] of entries) {
      if (resource.existing) continue;
      resources.push({ symbol, resource, owner: node });
      if (resource.type.toLowerCase() === DEPLOYMENTS) {
        const props = resource.properties as
          { template?: ArmTemplate; parameters?: Record<string, { value?: ArmValue }> } | undefined;
        if (!props?.template) continue;
        const params = props.parameters ?? {};
        const childPassed = (name: string): ArmValue | typeof NOT_PASSED =>
          name in params ? evaluate(params[name]?.value, scope) : NOT_PASSED;
        children.set(symbol, visit(props.template, `${path}/${symbol}`, childPassed, resource));
      }
    }
    return node;
  };

  visit(root, 'main', (name) => (name in parameterValues ? parameterValues[name] : NOT_PASSED));
  const ofType = (type: string): ResourceNode[] =>
    resources.filter((r) => r.resource.type.toLowerCase() === type.toLowerCase());
  return {
    templates,
    resources,
    evaluate: (value, owner) => evaluate(value, owner.scope),
    instances(node) {
      const copy = node.resource['copy'] as { count?: ArmValue } | undefined;
      if (!copy) return [evaluate(node.resource, node.owner.scope) as ArmResource];
      const count = evaluate(copy.count, node.owner.scope);
      if (typeof count !== 'number')
        throw new Error(`the copy count of ${node.owner.path}/${node.symbol} is not known before deployment`);
      return Array.from(
        { length: count },
        (_, i) => evaluate(node.resource, { ...node.owner.scope, copyIndex: i }) as ArmResource,
      );
    },
    ofType,
    single(type) {
      const found = ofType(type);
      if (found.length !== 1)
        throw new Error(
          `expected one ${type}, found ${found.length}: ${found.map((r) => `${r.owner.path}/${r.symbol}`).join(', ')}`,
        );
      return found[0] as ResourceNode;
    },
  };
}

const NOT_PASSED: unique symbol = Symbol('not passed');

/** A template's resources with their symbolic names: languageVersion 2.0 keeps them in an object. */
export function resourceEntries(template: ArmTemplate): [string, ArmResource][] {
  const r = template.resources ?? [];
  return Array.isArray(r) ? r.map((res, i) => [String(i), res]) : Object.entries(r);
}
