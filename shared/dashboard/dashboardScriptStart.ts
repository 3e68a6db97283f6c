/** Part of the dashboard script: the site and window controls, and the first refresh. */
export const DASHBOARD_SCRIPT_START = String.raw`
// ---- controls ----
function choose() {
  state.site = document.getElementById('site').value;
  state.hours = Number(document.getElementById('hours').value);
  const q = new URLSearchParams(location.search);
  q.set('site', state.site);
  q.set('hours', String(state.hours));
  history.replaceState(null, '', location.pathname + '?' + q.toString());
  document.title = 'Forecast dashboard - ' + state.site;
  refresh();
}
document.getElementById('site').addEventListener('change', choose);
document.getElementById('hours').addEventListener('change', choose);
document.getElementById('refresh').addEventListener('click', () => refresh());
document.getElementById('controls').addEventListener('submit', (e) => { e.preventDefault(); choose(); });
document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });

if (typeof uPlot === 'undefined') {
  showErrors(['The chart library (uPlot) did not load from ' + cfg.apiBase + 'dashboard/assets/uPlot.iife.min.js.']);
  document.body.dataset.state = 'error';
  return;
}
refresh();
`;
