/** Part of the dashboard script: the cards (model, latest forecast, health, budget), the sources table and the models timeline. */
export const DASHBOARD_SCRIPT_CARDS = String.raw`
// ---- cards ----
function renderModel(d) {
  const card = document.getElementById('card-model');
  const f = d.latest;
  if (!f) {
    card.dataset.modelId = '';
    fill('card-model', h('p', { class: 'muted', text: d.latestStatus === 404 ? 'No forecast yet for ' + d.site + ': the predict function issues one every ' + cfg.cadenceMinutes + ' min.' : 'Unavailable: the latest forecast could not be read.' }));
    return;
  }
  card.dataset.modelId = f.model.id;
  const used = f.model.sources.length ? f.model.sources.map((s) => chip(s, '', sourceColor.get(s), 'used by the model')) : [chip('no sources (baseline)', 'idle')];
  // A source left out only because this model does not read it is no alarm; a stale or unseen one is.
  const missing = (f.missing || []).map((m) => chip(m.source, /^fresh/.test(m.reason) ? 'idle' : 'off', null, m.reason));
  const serving = d.health && d.health.model && Array.isArray(d.health.model.serving) ? d.health.model.serving.find((s) => s.site === d.site) : null;
  fill('card-model', [
    h('p', { class: 'big', text: f.model.id, 'data-testid': 'model-id' }),
    h('p', { class: 'muted small', text: f.model.kind + (f.model.version ? ', version ' + f.model.version : ', built in') }),
    h('ul', { class: 'chips', 'aria-label': 'sources used', 'data-testid': 'sources-used' }, used),
    missing.length ? h('ul', { class: 'chips', 'aria-label': 'sources left out', 'data-testid': 'sources-missing' }, missing) : null,
    missing.length ? h('ul', null, (f.missing || []).map((m) => h('li', { text: m.source + ': ' + m.reason }))) : h('p', { class: 'muted small', text: 'No source left out.' }),
    serving && serving.model && serving.model !== f.model.id ? h('p', { class: 'small', text: 'The next run would use ' + serving.model + '.' }) : null,
  ]);
}

function renderLatest(d) {
  const f = d.latest;
  if (!f) { fill('card-latest', h('p', { class: 'muted', text: 'No forecast yet.' })); return; }
  const issued = Date.parse(f.issueTime);
  fill('card-latest', [
    h('p', { class: 'muted small', text: 'issued ' + fmtDateTime(issued) + ' UTC, ' + (d.now - issued >= 60000 ? fmtAge((d.now - issued) / 60000) + ' ago' : 'just now') }),
    h('table', { class: 'leads' }, h('tbody', null, f.leads.map((l) => h('tr', null,
      h('td', { text: '+' + l.leadMinutes + ' min' }),
      h('td', { class: 'value', text: withUnit(l.value) }),
      h('td', { class: 'when', text: 'at ' + fmtTime(Date.parse(l.validTime)) }))))),
  ]);
}

function renderHealth(d) {
  const r = d.health;
  if (!r) { fill('card-health', h('p', { class: 'muted', text: 'Unavailable: the health report did not load.' })); return; }
  const svc = r.services || {};
  // A store the summary's predict run saw (not probed now) says when.
  const line = (name, s) => s ? name + (s.ok ? (s.asOf ? ' ok at the run of ' + fmtTime(Date.parse(s.asOf)) : ' ok (' + s.latencyMs + ' ms)') : ' failing' + (s.asOf ? ' at the run of ' + fmtTime(Date.parse(s.asOf)) : '')) : null;
  const reasons = Array.isArray(r.reasons) ? r.reasons : [];
  fill('card-health', [
    h('p', null, badge(r.status, r.status), ' ', h('span', { class: 'muted small', text: r.canForecast ? 'can forecast' : 'cannot forecast' })),
    h('p', { class: 'muted small', text: [line('Blob Storage', svc.blobStorage), line('Cosmos DB', svc.cosmosDb)].filter(Boolean).join(', ') }),
    r.lastPrediction ? h('p', { class: 'muted small', text: 'last prediction run ' + fmtDateTime(Date.parse(r.lastPrediction.at)) + ' UTC' + (r.lastPrediction.ok ? '' : ' (failed)') }) : null,
    reasons.length ? h('ul', null, reasons.slice(0, 4).map((x) => h('li', { text: x })), reasons.length > 4 ? h('li', { text: '... and ' + (reasons.length - 4) + ' more' }) : null) : h('p', { class: 'muted small', text: 'Every source is fresh.' }),
  ]);
}

function renderBudget(d) {
  const b = d.health ? d.health.budget : null;
  if (!b) { fill('card-budget', h('p', { class: 'muted', text: d.health ? 'This deployment reports no budget.' : 'Unavailable: the health report did not load.' })); return; }
  const s = b.budget;
  const parts = [h('p', null, badge(b.state, b.state), b.stale ? h('span', { class: 'muted small', text: ' (last known)' }) : null)];
  if (s) {
    const cur = s.currency ? ' ' + s.currency : '';
    parts.push(h('p', { text: fmtNum(s.currentSpend, 2) + ' of ' + fmtNum(s.amount, 2) + cur + ' spent' + (s.actualPercent !== null ? ' (' + fmtNum(s.actualPercent, 1) + ' %)' : '') + (s.timeGrain ? ', ' + s.timeGrain.toLowerCase() : '') }));
    const meter = h('div', { class: 'meter', role: 'img', 'aria-label': 'spend against budget' });
    const bar = h('span');
    bar.style.width = Math.max(0, Math.min(100, s.actualPercent || 0)) + '%';
    if (s.level !== 'under') bar.style.background = s.level === 'over-budget' ? '#b91c1c' : '#d97706';
    meter.append(bar);
    parts.push(meter);
    if (s.forecastSpend !== null) parts.push(h('p', { class: 'muted small', text: 'forecast for the period: ' + fmtNum(s.forecastSpend, 2) + cur + (s.forecastPercent !== null ? ' (' + fmtNum(s.forecastPercent, 1) + ' %)' : '') }));
  } else if (b.summary) {
    parts.push(h('p', { class: 'muted small', text: b.summary }));
  }
  if (b.error) parts.push(h('p', { class: 'small', text: b.error.code + ': ' + b.error.message }));
  if (b.checkedAt) parts.push(h('p', { class: 'muted small', text: 'read by cost-watch ' + fmtDateTime(Date.parse(b.checkedAt)) + ' UTC' }));
  fill('card-budget', parts);
}


function renderSources(d) {
  const body = document.querySelector('#sources-table tbody');
  body.replaceChildren();
  const sources = d.health && Array.isArray(d.health.sources) ? d.health.sources : null;
  if (!sources) { body.append(h('tr', null, h('td', { colspan: 7, class: 'muted', text: 'Unavailable: the health report did not load.' }))); return; }
  for (const s of sources) {
    const at = (s.sites || []).find((x) => x.site === d.site);
    if (!at) continue;
    const swatch = h('span', { class: 'swatch' });
    swatch.style.background = sourceColor.get(s.id) || '#94a3b8';
    // A source whose provider settings are unset in this deployment: say so where its freshness would be.
    const name = h('ul', { class: 'chips' }, chip(s.id, 'idle', sourceColor.get(s.id)));
    const notConfigured = typeof s.notConfigured === 'string' ? h('div', { class: 'muted small', 'data-testid': 'not-configured', text: s.notConfigured }) : null;
    const limit = at.stalenessLimit && Number.isFinite(at.stalenessLimit.minutes) ? Math.round(at.stalenessLimit.minutes) + ' min (' + at.stalenessLimit.basis + ')' : '-';
    const breaker = s.breaker ? s.breaker.state : '-';
    body.append(h('tr', { 'data-source': s.id },
      h('td', null, name, notConfigured),
      h('td', { text: s.kind }),
      newestCell(s, at),
      h('td', { text: fmtAge(at.ageMinutes) }),
      h('td', { text: limit }),
      h('td', { title: at.reason || '' }, badge(at.fresh ? 'fresh' : 'stale', at.fresh ? 'ok' : 'down'), at.reason ? h('div', { class: 'muted small', text: at.reason }) : null),
      h('td', null, badge(breaker, breaker === 'closed' ? 'ok' : breaker === '-' ? 'unknown' : 'down'))));
  }
}

// The newest observation; for a forecast source its newest run: when it started and how far it reaches.
function newestCell(s, at) {
  if (s.kind === 'forecast' && at.run) {
    return h('td', { title: at.run.summary, 'data-testid': 'newest-run' },
      h('span', { text: 'run ' + fmtDateTime(Date.parse(at.run.runAt)) }),
      at.run.lastValidTime ? h('div', { class: 'muted small', text: 'until ' + fmtDateTime(Date.parse(at.run.lastValidTime)) }) : null);
  }
  if (s.kind === 'forecast') return h('td', { text: 'no run yet' });
  return h('td', { text: at.newestObservedAt ? fmtDateTime(Date.parse(at.newestObservedAt)) : 'never seen' });
}

function renderTimeline(d) {
  const box = document.getElementById('model-timeline');
  box.replaceChildren();
  const forecasts = d.forecasts || [];
  if (!forecasts.length) { box.append(h('div', { class: 'empty', text: d.forecasts === null ? 'Could not load the forecasts.' : 'No data yet: no forecast issued in the last ' + state.hours + ' h.' })); return; }
  const runs = [];
  const models = new Map();
  for (const f of forecasts) {
    const last = runs[runs.length - 1];
    if (last && last.id === f.model.id) last.count += 1; else runs.push({ id: f.model.id, count: 1 });
    const m = models.get(f.model.id) || { model: f.model, count: 0, first: f.issueTime, last: f.issueTime };
    m.count += 1;
    m.last = f.issueTime;
    models.set(f.model.id, m);
  }
  const bar = h('div', { class: 'bar', role: 'img', 'aria-label': 'models over the window, oldest first' });
  for (const r of runs) {
    const s = h('span', { title: r.id + ': ' + r.count + ' forecast(s)' });
    s.style.width = (100 * r.count / forecasts.length) + '%';
    s.style.background = colorOfModel(r.id);
    bar.append(s);
  }
  const list = h('ul');
  for (const m of models.values()) {
    const sw = h('span', { class: 'swatch' });
    sw.style.background = colorOfModel(m.model.id);
    list.append(h('li', { 'data-model': m.model.id }, sw, h('strong', { text: m.model.id }),
      h('span', { class: 'muted small', text: m.model.kind + (m.model.version ? ' ' + m.model.version : '') + ', sources: ' + (m.model.sources.length ? m.model.sources.join(', ') : 'none') }),
      h('span', { class: 'muted small', text: fmtDateTime(Date.parse(m.first)) + ' - ' + fmtTime(Date.parse(m.last)) + ' UTC, ' + m.count + ' forecast' + (m.count === 1 ? '' : 's') })));
  }
  box.append(bar, list);
}
`;
