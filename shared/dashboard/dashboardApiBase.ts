/**
 * Where the dashboard page at `pathname` finds its assets and the data endpoints: `/api/` for `/api/dashboard` (or
 * under another route prefix, that prefix). A path with anything but letters, digits, `/`, `_` and `-` gives the
 * default `/api/`, so what the caller put in the address never reaches the page.
 */
export function dashboardApiBase(pathname: string): string {
  const path = pathname.replace(/\/dashboard\/?$/i, '/');
  return /^\/[A-Za-z0-9/_-]*$/.test(path) ? path : '/api/';
}
