import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboardApiBase } from '../../../shared/dashboard/dashboardApiBase';

test('the route prefix of the page, or /api/ for a path the page must not quote', () => {
  const cases: [string, string][] = [
    ['/api/dashboard', '/api/'],
    ['/api/dashboard/', '/api/'],
    ['/api/DASHBOARD', '/api/'],
    ['/custom/dashboard', '/custom/'],
    ['/dashboard', '/'],
    ['/api/%22%3E%3Cscript%3E/dashboard', '/api/'],
    ['/api/x%2Fy/dashboard', '/api/'],
    ['/a.b/dashboard', '/api/'],
  ];
  for (const [pathname, base] of cases) assert.equal(dashboardApiBase(pathname), base, pathname);
});
