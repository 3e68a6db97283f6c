import { HostError } from './HostError';

/**
 * Replaces every `%NAME%` in a binding value with the app setting NAME, as the Functions host does for
 * schedules and paths. `what` names the function and property for the error message.
 */
export function resolveSettingReferences(
  value: string,
  settings: Readonly<Record<string, string | undefined>>,
  what: string,
): string {
  return value.replace(/%([^%]+)%/g, (_match, name: string) => {
    const resolved = settings[name];
    if (resolved === undefined || resolved === '') {
      throw new HostError('UNRESOLVED_SETTING', `${what}: app setting "${name}" referenced by "${value}" is not set`);
    }
    return resolved;
  });
}
