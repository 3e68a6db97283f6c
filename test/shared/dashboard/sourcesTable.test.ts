import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { DASHBOARD_SCRIPT_CARDS } from '../../../shared/dashboard/dashboardScriptCards';
import { DASHBOARD_SCRIPT_CORE } from '../../../shared/dashboard/dashboardScriptCore';
import { runHealth } from '../../../shared/health/checkHealth';

/** The least of a DOM the sources table needs: elements with attributes, text and children. */
class FakeNode {
  children: (FakeNode | string)[] = [];
  attributes: Record<string, string> = {};
  className = '';
  textContent = '';
  style: Record<string, string> = {};
  dataset: Record<string, string> = {};
  constructor(readonly tag: string) {}
  setAttribute(k: string, v: string): void {
    this.attributes[k] = v;
  }
  append(...c: (FakeNode | string)[]): void {
    this.children.push(...c);
  }
  replaceChildren(): void {
    this.children = [];
  }
  /** Its text and its children's, as a reader sees the cell. */
  text(): string {
    return [this.textContent, ...this.children.map((c) => (typeof c === 'string' ? c : c.text()))]
      .filter((t) => t !== '')
      .join(' ');
  }
}

/** Runs the sources table of the dashboard script against a health report; the table body's rows. */
function renderSources(health: unknown): FakeNode[] {
  const tbody = new FakeNode('tbody');
  const config = { apiBase: '/api/', target: { unit: 'kW' }, sources: [], site: 'park-1', hours: 6 };
  const document = {
    getElementById: (id: string) => (id === 'dashboard-config' ? { textContent: JSON.stringify(config) } : null),
    querySelector: (q: string) => (q === '#sources-table tbody' ? tbody : null),
    createElement: (tag: string) => new FakeNode(tag),
  };
  const context = vm.createContext({
    document,
    location: { search: '' },
    history: {},
    Node: FakeNode,
    URLSearchParams,
  });
  vm.runInContext(`${DASHBOARD_SCRIPT_CORE}\n${DASHBOARD_SCRIPT_CARDS}\nthis.renderSources = renderSources;`, context);
  (context['renderSources'] as (d: unknown) => void)({ site: 'park-1', health });
  return tbody.children as FakeNode[];
}

const limit = { minutes: 240, basis: 'configured', samples: 0 };

test('the sources table shows a forecast source by its newest run: when it started, how far it reaches, the summary', () => {
  const issueTime = new Date('2026-06-01T10:35:00Z');
  const run = runHealth(
    {
      source: 'nwp',
      site: 'park-1',
      observedAt: '2026-06-01T09:00:00.000Z',
      availableAt: '2026-06-01T10:20:00.000Z',
      values: { 'ghi_wm2@+60': 400, 'ghi_wm2@+720': 0 },
    },
    issueTime,
    240,
  );
  const rows = renderSources({
    sources: [
      {
        id: 'nwp',
        kind: 'forecast',
        breaker: null,
        sites: [
          {
            site: 'park-1',
            newestObservedAt: run.runAt,
            ageMinutes: run.ageMinutes,
            fresh: true,
            stalenessLimit: limit,
            run,
          },
        ],
      },
      {
        id: 'site-meter',
        kind: 'sensor',
        breaker: null,
        sites: [
          {
            site: 'park-1',
            newestObservedAt: '2026-06-01T10:10:00.000Z',
            ageMinutes: 25,
            fresh: true,
            stalenessLimit: limit,
          },
        ],
      },
      { id: 'later', kind: 'forecast', breaker: null, sites: [{ site: 'park-1', fresh: false, run: null }] },
    ],
  });
  assert.equal(rows.length, 3);
  const cells = (row: FakeNode): FakeNode[] => row.children as FakeNode[];
  const nwp = cells(rows[0] as FakeNode);
  assert.equal(nwp[2]?.text(), 'run 2026-06-01 09:00 until 2026-06-01 21:00');
  assert.equal(nwp[2]?.attributes['title'], 'newest run 09:00 UTC, age 95 min, limit 240 min');
  assert.equal(nwp[3]?.text(), '1.6 h');
  assert.equal(nwp[4]?.text(), '240 min (configured)');
  assert.equal(cells(rows[1] as FakeNode)[2]?.text(), '2026-06-01 10:10', 'a sensor source: its newest observation');
  assert.equal(cells(rows[2] as FakeNode)[2]?.text(), 'no run yet');
});

test('runHealth: the run age at the slot, its horizon, and the date when the run is from another day', () => {
  const run = {
    source: 'nwp',
    site: 'park-1',
    observedAt: '2026-05-31T18:00:00.000Z',
    availableAt: '2026-05-31T22:00:00.000Z',
    values: { 'ghi_wm2@+0': 0, 'ghi_wm2@+2880': 0, 'cloud_pct@+60': 10 },
  };
  assert.deepEqual(runHealth(run, new Date('2026-06-01T02:00:00Z'), undefined), {
    runAt: '2026-05-31T18:00:00.000Z',
    availableAt: '2026-05-31T22:00:00.000Z',
    ageMinutes: 480,
    lastValidTime: '2026-06-02T18:00:00.000Z',
    summary: 'newest run 2026-05-31 18:00 UTC, age 480 min, limit none',
  });
});
