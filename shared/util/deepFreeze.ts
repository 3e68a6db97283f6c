/**
 * Freezes `value` and every object and array reachable from it, and returns it. For data that memos key by
 * identity (a model's feature spec): a change in place would leave a memo stale, so it throws instead (strict mode).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}
