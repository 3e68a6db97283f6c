const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The placeholder names in a template, in order of appearance (`/site/{providerSiteId}` -> `providerSiteId`). */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** The template with each placeholder replaced by its value, passed through `encode` (a path segment or a query value). */
export function expandTemplate(
  template: string,
  values: Readonly<Record<string, string>>,
  encode: (s: string) => string = (s) => s,
): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) throw new RangeError(`no value for the placeholder ${whole}`);
    return encode(v);
  });
}
