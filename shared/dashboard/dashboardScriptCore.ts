/** Part of the dashboard script: its settings, DOM and formatting helpers, the one API call and the refresh loop (see dashboardScript.ts). */
export const DASHBOARD_SCRIPT_CORE = String.raw`
const cfg = JSON.parse(document.getElementById('dashboard-config').textContent);
// The page's data comes from its own routes under dashboard/, same-origin and without any key: in Azure the app's
// authentication (Entra ID sign-in) protects them, locally nothing does. A key left in an old bookmark is dropped
// from the address and never sent.
const dataBase = cfg.apiBase + 'dashboard/';
if (new URLSearchParams(location.search).has('code')) {
  const q = new URLSearchParams(location.search);
  q.delete('code');
  history.replaceState(null, '', location.pathname + (q.toString() ? '?' + q.toString() : ''));
}
const LEAD_COLORS = ['#2563eb', '#db2777', '#ea580c', '#0d9488', '#7c3aed', '#65a30d'];
const SOURCE_COLORS = ['#0284c7', '#f59e0b', '#10b981', '#8b5cf6', '#ef4444', '#64748b', '#ec4899', '#84cc16'];
const MODEL_COLORS = ['#6366f1', '#14b8a6', '#f97316', '#a855f7', '#0ea5e9', '#84cc16', '#e11d48', '#78716c'];
const ACTUAL_COLOR = '#1f2937';
const AXIS = { stroke: '#5b6578', grid: { stroke: '#eef1f6', width: 1 }, ticks: { stroke: '#e3e7ef', width: 1 }, font: '12px system-ui, sans-serif', labelFont: '600 12px system-ui, sans-serif' };
const unit = cfg.target.unit;
const sourceColor = new Map(cfg.sources.map((s, i) => [s.id, SOURCE_COLORS[i % SOURCE_COLORS.length]]));
const state = { site: cfg.site, hours: cfg.hours, busy: false, again: false, timer: 0, refreshes: 0, charts: new Map(), modelColors: new Map(), key: null, cursor: null, data: null };

// ---- small helpers ----
function h(tag, attrs) {
  const e = document.createElement(tag);
  for (const k of Object.keys(attrs || {})) {
    const v = attrs[k];
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = String(v);
    else e.setAttribute(k, String(v));
  }
  for (let i = 2; i < arguments.length; i++) append(e, arguments[i]);
  return e;
}
function append(parent, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { for (const c of child) append(parent, c); return; }
  parent.append(child instanceof Node ? child : String(child));
}
function fill(id, content) {
  const body = document.querySelector('#' + id + ' .card-body');
  body.replaceChildren();
  append(body, content);
}
const pad = (n) => String(n).padStart(2, '0');
function fmtTime(ms) { const d = new Date(ms); return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()); }
function fmtDay(ms) { const d = new Date(ms); return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()); }
function fmtDateTime(ms) { return fmtDay(ms) + ' ' + fmtTime(ms); }
function fmtNum(v, digits) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  const d = digits === undefined ? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2) : digits;
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}
function withUnit(v, digits) { return fmtNum(v, digits) + (unit ? ' ' + unit : ''); }
function fmtAge(min) {
  if (min === null || min === undefined || !Number.isFinite(min)) return '-';
  if (min < 90) return Math.round(min) + ' min';
  if (min < 48 * 60) return (min / 60).toFixed(1) + ' h';
  return (min / 1440).toFixed(1) + ' days';
}
function colorOfModel(id) {
  if (!state.modelColors.has(id)) state.modelColors.set(id, MODEL_COLORS[state.modelColors.size % MODEL_COLORS.length]);
  return state.modelColors.get(id);
}
function chip(text, kind, color, title) {
  const c = h('li', { class: 'chip' + (kind ? ' ' + kind : ''), title: title });
  if (color) { const s = h('span', { class: 'swatch' }); s.style.background = color; c.append(s); }
  c.append(text);
  return c;
}
function badge(text, kind) { return h('span', { class: 'badge ' + kind, text: text }); }

// ---- the API ----
async function api(path, params) {
  const q = new URLSearchParams(params);
  let res;
  try {
    // An expired sign-in must show as a message, not as a login redirect the script follows across origins.
    res = await fetch(dataBase + path + '?' + q.toString(), { headers: { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest' }, cache: 'no-store', credentials: 'same-origin', redirect: 'manual' });
  } catch (err) {
    return { path: path, status: 0, body: null, detail: err && err.message ? err.message : String(err) };
  }
  if (res.type === 'opaqueredirect') return { path: path, status: 401, body: null };
  let body = null;
  if (res.status !== 304) { try { body = await res.json(); } catch (err) { body = null; } }
  return { path: path, status: res.status, body: body, serverTime: res.headers.get('x-server-time') };
}
function failure(r) {
  const what = 'GET ' + dataBase + r.path;
  if (r.status === 0) return what + ': no answer (' + r.detail + ')';
  if (r.status === 401) return what + ': 401, not signed in (or the sign-in expired): reload the page to sign in';
  if (r.status === 403) return what + ': 403, your account is not allowed to read this dashboard';
  const message = r.body && typeof r.body.error === 'string' ? r.body.error : 'no explanation given';
  return what + ': ' + r.status + ', ' + message;
}

// ---- refreshing ----
function setStatus(kind, text) {
  const s = document.getElementById('status');
  s.className = 'status ' + kind;
  s.replaceChildren(h('span', { class: 'dot' }), text);
}
function showErrors(errors) {
  const box = document.getElementById('errors');
  box.replaceChildren();
  box.hidden = errors.length === 0;
  if (errors.length === 0) return;
  box.append(h('strong', { text: errors.length === 1 ? 'A request failed' : errors.length + ' requests failed' }), h('ul', null, errors.map((e) => h('li', { text: e }))));
}
function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, cfg.refreshSeconds * 1000);
}

// What the page holds of its window, so a refresh asks only for what is newer (the server answers 304 when nothing is).
function merge(b, key) {
  const delta = b.mode === 'delta' && state.key === key && state.data;
  const forecasts = new Map(delta ? state.data.forecasts.map((f) => [f.issueTime, f]) : []);
  for (const f of b.forecasts) forecasts.set(f.issueTime, f);
  if (b.latest) forecasts.set(b.latest.issueTime, b.latest);
  // Keyed by the instant: the window's values come from the observations, later ones from predict's summary.
  const actuals = new Map(delta ? state.data.actuals.map((a) => [Date.parse(a.observedAt), a]) : []);
  for (const a of b.actuals) actuals.set(Date.parse(a.observedAt), a);
  state.key = key;
  state.cursor = b.cursor;
  state.data = {
    now: Date.parse(b.now),
    health: b.health,
    latest: b.latest,
    forecasts: Array.from(forecasts.values()),
    actuals: Array.from(actuals.values()),
  };
}
// The held data trimmed to the window ending at the server's now.
function windowed(site, hours, status) {
  const held = state.data;
  if (!held) return { site: site, now: Date.now(), from: Date.now() - hours * 3600e3, health: null, latest: null, latestStatus: status, forecasts: null, actuals: null };
  const from = held.now - hours * 3600e3;
  return {
    site: site,
    now: held.now,
    from: from,
    health: held.health,
    latest: held.latest,
    latestStatus: held.latest ? 200 : 404,
    forecasts: held.forecasts.filter((f) => Date.parse(f.issueTime) >= from).sort((a, b) => a.issueTime.localeCompare(b.issueTime)),
    actuals: held.actuals.filter((a) => Date.parse(a.observedAt) >= from).sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt)),
  };
}

async function refresh() {
  if (state.busy) { state.again = true; return; }
  state.busy = true;
  document.body.dataset.state = 'loading';
  setStatus('loading', 'Refreshing ' + state.site + '...');
  const site = state.site;
  const hours = state.hours;
  const key = site + '|' + hours;
  const errors = [];
  try {
    // One call per refresh. With the cursor of the last answer the server sends only newer forecasts and values and
    // the health facts (or 304: nothing changed); without it (first load, another site or window) the whole window.
    const params = { site: site, hours: String(hours) };
    if (state.key === key && state.cursor) params.since = state.cursor;
    const r = await api('data', params);
    if (site !== state.site || hours !== state.hours) return;
    if (state.key !== key) state.data = null;
    if (r.status === 304 && state.data) {
      const t = Date.parse(r.serverTime || '');
      if (Number.isFinite(t)) state.data.now = Math.max(state.data.now, t);
    } else if (r.status === 200 && r.body && Array.isArray(r.body.forecasts) && Array.isArray(r.body.actuals)) {
      merge(r.body, key);
      for (const p of Array.isArray(r.body.problems) ? r.body.problems : []) errors.push('GET ' + dataBase + 'data: ' + p);
      if (!r.body.health) errors.push('GET ' + dataBase + 'data: no health facts yet (the predict function writes them at its next run)');
    } else {
      // A failed call keeps what the page holds; the next refresh starts over with the whole window.
      errors.push(failure(r));
      state.cursor = null;
    }
    const data = windowed(site, hours, r.status);
    render(data);
    showErrors(errors);
    state.refreshes += 1;
    document.body.dataset.refreshes = String(state.refreshes);
    document.body.dataset.lastAnswer = String(r.status);
    document.body.dataset.state = errors.length ? 'error' : 'ready';
    const asOf = 'Data as of ' + fmtDateTime(data.now) + ' UTC (server clock) \u00b7 updated ' + new Date().toLocaleTimeString([], { hour12: false }) + ' (this browser) \u00b7 refreshes every ' + cfg.refreshSeconds + ' s';
    setStatus(errors.length ? 'failed' : 'ok', errors.length ? 'Some data could not be loaded \u00b7 ' + asOf : asOf);
  } catch (err) {
    showErrors(['The dashboard could not draw the data: ' + (err && err.message ? err.message : String(err))]);
    document.body.dataset.state = 'error';
    setStatus('failed', 'Drawing failed; retrying in ' + cfg.refreshSeconds + ' s');
  } finally {
    state.busy = false;
    if (state.again) { state.again = false; refresh(); } else schedule();
  }
}

function render(d) {
  renderModel(d);
  renderLatest(d);
  renderHealth(d);
  renderBudget(d);
  renderLeadCharts(d);
  renderFreshness(d);
  renderSources(d);
  renderTimeline(d);
}
`;
