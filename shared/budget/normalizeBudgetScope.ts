import { BudgetConfigError } from './BudgetError';

/**
 * A budget scope as the SDK's path template wants it (`subscriptions/<id>/resourceGroups/<rg>`: no leading slash,
 * which the template adds). Rejects what would change the request's meaning: query or fragment characters,
 * `..` segments, whitespace.
 */
export function normalizeBudgetScope(scope: string): string {
  const path = scope.trim().replace(/^\/+|\/+$/g, '');
  if (path === '')
    throw new BudgetConfigError('budget scope is empty; expected e.g. /subscriptions/<id>/resourceGroups/<rg>');
  if (/[?#\s\\]/.test(path) || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new BudgetConfigError(
      `budget scope ${JSON.stringify(scope.slice(0, 200))} is not a resource path; expected e.g. /subscriptions/<id>/resourceGroups/<rg>`,
    );
  }
  return path;
}
