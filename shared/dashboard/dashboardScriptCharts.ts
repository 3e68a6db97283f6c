/** Part of the dashboard script: the uPlot charts, forecasts against actuals per lead and the input ages at each issue time. */
export const DASHBOARD_SCRIPT_CHARTS = String.raw`
// ---- charts ----
/** Points [x seconds, value] with a null inserted wherever two neighbours lie more than maxGap seconds apart. */
function withGaps(points, maxGap) {
  const out = [];
  for (let i = 0; i < points.length; i++) {
    const prev = points[i - 1];
    if (prev && points[i][0] - prev[0] > maxGap) out.push([(prev[0] + points[i][0]) / 2, null]);
    out.push(points[i]);
  }
  return out;
}
/** uPlot's aligned data: one x array and a y array per series; undefined where a series has no sample (joined). */
function align(seriesPoints) {
  const xs = Array.from(new Set([].concat.apply([], seriesPoints.map((p) => p.map((q) => q[0]))))).sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = seriesPoints.map((points) => {
    const y = new Array(xs.length).fill(undefined);
    for (const p of points) y[index.get(p[0])] = p[1];
    return y;
  });
  return [xs].concat(ys);
}
function medianStep(points, fallback) {
  const steps = [];
  for (let i = 1; i < points.length; i++) steps.push(points[i][0] - points[i - 1][0]);
  steps.sort((a, b) => a - b);
  return steps.length ? steps[Math.floor(steps.length / 2)] : fallback;
}
/** The actual at time t (seconds): exact, or interpolated between observations at most maxGap apart. */
function actualAt(actual, t, maxGap) {
  let lo = 0;
  let hi = actual.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (actual[mid][0] === t) return actual[mid][1];
    if (actual[mid][0] < t) lo = mid + 1; else hi = mid - 1;
  }
  const a = actual[hi];
  const b = actual[lo];
  if (!a || !b || b[0] - a[0] > maxGap) return null;
  return a[1] + (b[1] - a[1]) * (t - a[0]) / (b[0] - a[0]);
}
function drawNow(u, now) {
  const x = u.valToPos(now / 1000, 'x', true);
  if (!(x >= u.bbox.left && x <= u.bbox.left + u.bbox.width)) return;
  const c = u.ctx;
  const r = devicePixelRatio || 1;
  c.save();
  c.strokeStyle = '#94a3b8';
  c.lineWidth = r;
  c.setLineDash([4 * r, 4 * r]);
  c.beginPath();
  c.moveTo(x, u.bbox.top);
  c.lineTo(x, u.bbox.top + u.bbox.height);
  c.stroke();
  c.fillStyle = '#64748b';
  c.font = 11 * r + 'px system-ui, sans-serif';
  c.fillText('now', x + 4 * r, u.bbox.top + 12 * r);
  c.restore();
}
function plotWidth(el) { return Math.max(280, Math.floor(el.clientWidth || el.parentElement.clientWidth || 600)); }

/** Draws (or redraws) a chart into holder: a uPlot built once per holder and series layout, then fed new data. */
function chart(holder, key, makeOptions, data, ctx) {
  let entry = state.charts.get(holder);
  if (entry && entry.key !== key) { entry.u.destroy(); entry = undefined; }
  if (!entry) {
    holder.replaceChildren();
    const box = { ctx: ctx };
    const u = new uPlot(makeOptions(box, plotWidth(holder)), data, holder);
    entry = { key: key, u: u, box: box };
    state.charts.set(holder, entry);
    new ResizeObserver(() => { const w = plotWidth(holder); if (Math.abs(w - u.width) > 2) u.setSize({ width: w, height: u.height }); }).observe(holder);
  } else {
    entry.box.ctx = ctx;
    entry.u.setData(data);
  }
}
function empty(holder, text) {
  const entry = state.charts.get(holder);
  if (entry) { entry.u.destroy(); state.charts.delete(holder); }
  holder.replaceChildren(h('div', { class: 'empty', text: text }));
}
function timeAxis(label) {
  return Object.assign({}, AXIS, { label: label, labelSize: 22, values: [[3600 * 24, '{MM}-{DD}', '\n{YYYY}', null, null, null, null, null, 1], [3600, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1], [60, '{HH}:{mm}', '\n{YYYY}-{MM}-{DD}', null, '\n{MM}-{DD}', null, null, null, 1]] });
}
const utc = (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');

function leadFigure(lead, i) {
  let fig = document.querySelector('#lead-charts figure[data-lead="' + lead + '"]');
  if (!fig) {
    fig = h('figure', { class: 'chart', 'data-chart': 'lead', 'data-lead': lead },
      h('figcaption', null, h('span', { text: '+' + lead + ' min ahead' }), h('span', { class: 'score' })),
      h('div', { class: 'plot' }));
    fig.dataset.color = LEAD_COLORS[i % LEAD_COLORS.length];
    document.getElementById('lead-charts').append(fig);
  }
  return fig;
}

function renderLeadCharts(d) {
  const maxLead = Math.max.apply(null, cfg.leads);
  const allActual = (d.actuals || []).map((a) => [Date.parse(a.observedAt) / 1000, a.value]);
  const actual = allActual.filter((p) => p[0] >= d.from / 1000);
  const actualGap = Math.max(3 * medianStep(actual, cfg.cadenceMinutes * 60), 3 * cfg.cadenceMinutes * 60);
  cfg.leads.forEach((lead, i) => {
    const fig = leadFigure(lead, i);
    const holder = fig.querySelector('.plot');
    const score = fig.querySelector('.score');
    const color = fig.dataset.color;
    const points = [];
    // The 10 and 90 % quantiles, when the forecasts carry them: drawn as a band around the forecast.
    const lows = [];
    const highs = [];
    // Persistence, the reference of skill: the newest target value available at issueTime (the forecast names it);
    // for a solar target the forecast also carries smart persistence, that value's clear-sky index carried forward.
    const references = [];
    const smartReferences = [];
    for (const f of d.forecasts || []) {
      const l = f.leads.find((x) => x.leadMinutes === lead);
      if (!l || !Number.isFinite(l.value)) continue;
      points.push([Date.parse(l.validTime) / 1000, l.value]);
      if (l.quantiles && Number.isFinite(l.quantiles.p10) && Number.isFinite(l.quantiles.p90)) {
        lows.push([Date.parse(l.validTime) / 1000, l.quantiles.p10]);
        highs.push([Date.parse(l.validTime) / 1000, l.quantiles.p90]);
      }
      const input = (f.inputs || []).find((x) => x.source === cfg.target.source);
      // A gap of 0: only a value observed exactly then.
      const reference = input ? actualAt(allActual, Date.parse(input.observedAt) / 1000, 0) : null;
      if (reference !== null) references.push([Date.parse(l.validTime) / 1000, l.value, reference]);
      if (Number.isFinite(l.smartPersistence)) smartReferences.push([Date.parse(l.validTime) / 1000, l.value, l.smartPersistence]);
    }
    points.sort((a, b) => a[0] - b[0]);
    lows.sort((a, b) => a[0] - b[0]);
    highs.sort((a, b) => a[0] - b[0]);
    fig.dataset.forecastPoints = String(points.length);
    fig.dataset.bandPoints = String(lows.length);
    fig.dataset.actualPoints = String(actual.length);
    const errors = [];
    for (const p of points) {
      const a = actualAt(actual, p[0], actualGap);
      if (a !== null) errors.push(p[1] - a);
    }
    // Skill on the slots where the forecast, its persistence reference and the actual are all known.
    let se = 0, sePersistence = 0, paired = 0;
    for (const r of references) {
      const a = actualAt(actual, r[0], actualGap);
      if (a === null) continue;
      se += (r[1] - a) * (r[1] - a);
      sePersistence += (r[2] - a) * (r[2] - a);
      paired++;
    }
    const skill = paired > 0 && sePersistence > 0 ? 1 - Math.sqrt(se / sePersistence) : null;
    fig.dataset.skill = skill === null ? '' : skill.toFixed(3);
    let seOnSmart = 0, seSmart = 0, pairedSmart = 0;
    for (const r of smartReferences) {
      const a = actualAt(actual, r[0], actualGap);
      if (a === null) continue;
      seOnSmart += (r[1] - a) * (r[1] - a);
      seSmart += (r[2] - a) * (r[2] - a);
      pairedSmart++;
    }
    const smartSkill = pairedSmart > 0 && seSmart > 0 ? 1 - Math.sqrt(seOnSmart / seSmart) : null;
    fig.dataset.smartSkill = smartSkill === null ? '' : smartSkill.toFixed(3);
    if (errors.length) {
      const mae = errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length;
      const rmse = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
      score.textContent = 'MAE ' + withUnit(mae) + ' \u00b7 RMSE ' + withUnit(rmse) +
        (skill === null ? '' : ' \u00b7 skill ' + skill.toFixed(2) + ' vs persistence') +
        (smartSkill === null ? '' : ', ' + smartSkill.toFixed(2) + ' vs smart persistence') + ' \u00b7 n = ' + errors.length;
      score.title = 'skill = 1 - RMSE / RMSE of persistence (the newest ' + cfg.target.field + ' available at issue time), over ' + paired + ' forecasts' +
        (smartSkill === null ? '' : '; vs smart persistence (its clear-sky index carried forward to the valid time), over ' + pairedSmart + ' forecasts');
    } else {
      score.textContent = points.length ? 'no actual yet at the valid times' : '';
    }
    if (!points.length && !actual.length) {
      const parts = [
        d.forecasts === null ? 'the forecasts could not be loaded' : 'no forecast issued in the last ' + state.hours + ' h',
        d.actuals === null ? 'the actuals could not be loaded' : 'nothing observed in the last ' + state.hours + ' h',
      ];
      empty(holder, (d.forecasts === null && d.actuals === null ? 'Nothing to show: ' : 'No data yet: ') + parts.join('; ') + '.');
      return;
    }
    const yLabel = cfg.target.field + (unit ? ' (' + unit + ')' : '');
    fig.dataset.axes = 'valid time (UTC) | ' + yLabel;
    const forecastGap = 2.5 * cfg.cadenceMinutes * 60;
    const band = lows.length > 0;
    const data = align([withGaps(actual, actualGap), withGaps(points, forecastGap)].concat(band ? [withGaps(lows, forecastGap), withGaps(highs, forecastGap)] : []));
    const ctx = { xMin: d.from / 1000, xMax: Math.max(d.now / 1000 + maxLead * 60, data[0][data[0].length - 1] || 0), now: d.now };
    chart(holder, band ? 'lead-band' : 'lead', (box, width) => ({
      width: width,
      height: 260,
      tzDate: utc,
      cursor: { sync: { key: 'leads' }, drag: { x: true, y: false } },
      scales: { x: { time: true, range: () => [box.ctx.xMin, box.ctx.xMax] } },
      axes: [timeAxis('valid time (UTC)'), Object.assign({}, AXIS, { label: yLabel, labelSize: 22, size: 62 })],
      series: [
        { label: 'UTC', value: (u, v) => (v === null || v === undefined ? '-' : fmtDateTime(v * 1000)) },
        { label: 'actual', stroke: ACTUAL_COLOR, width: 1.5, points: { show: false }, value: (u, v) => withUnit(v) },
        { label: 'forecast', stroke: color, width: 2, points: { size: 5, fill: '#ffffff', stroke: color }, value: (u, v) => withUnit(v) },
      ].concat(band ? [
        { label: '10 %', stroke: color + '66', width: 1, points: { show: false }, value: (u, v) => withUnit(v) },
        { label: '90 %', stroke: color + '66', width: 1, points: { show: false }, value: (u, v) => withUnit(v) },
      ] : []),
      // The 10-90 % interval: filled between the 90 % (upper) and the 10 % (lower) series.
      bands: band ? [{ series: [4, 3], fill: color + '22' }] : [],
      legend: { live: true },
      hooks: { draw: [(u) => drawNow(u, box.ctx.now)] },
    }), data, ctx);
  });
}

/** Ticks of a logarithmic axis at 1, 2 and 5 times the powers of ten (uPlot's default puts one at every digit). */
function logSplits(u, axisIdx, min, max) {
  const out = [];
  for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++) {
    for (const m of [1, 2, 5]) { const v = m * Math.pow(10, p); if (v >= min * 0.999 && v <= max * 1.001) out.push(v); }
  }
  return out;
}

function renderFreshness(d) {
  const holder = document.getElementById('freshness-chart');
  const forecasts = d.forecasts || [];
  const xs = forecasts.map((f) => Date.parse(f.issueTime) / 1000);
  const counts = {};
  const unusedIdx = cfg.sources.map(() => []);
  const series = cfg.sources.map((s, si) => forecasts.map((f, i) => {
    const input = (f.inputs || []).find((x) => x.source === s.id);
    if (!input || !Number.isFinite(input.ageMinutes) || input.ageMinutes <= 0) return null;
    counts[s.id] = (counts[s.id] || 0) + 1;
    if (!input.used) unusedIdx[si].push(i);
    return input.ageMinutes;
  }));
  holder.dataset.seriesPoints = JSON.stringify(counts);
  holder.dataset.axes = 'issue time (UTC) | input age at issue time (min)';
  if (!xs.length) {
    empty(holder, d.forecasts === null ? 'Could not load the forecasts (see the errors above).' : 'No data yet: no forecast issued in the last ' + state.hours + ' h, so no input ages to show.');
    return;
  }
  const limits = cfg.sources.map((s) => {
    const src = d.health && Array.isArray(d.health.sources) ? d.health.sources.find((x) => x.id === s.id) : null;
    const at = src ? src.sites.find((x) => x.site === d.site) : null;
    return at && at.stalenessLimit && Number.isFinite(at.stalenessLimit.minutes) ? at.stalenessLimit.minutes : null;
  });
  const ctx = { xMin: d.from / 1000, xMax: d.now / 1000, unused: unusedIdx, limits: limits };
  chart(holder, 'fresh:' + cfg.sources.map((s) => s.id).join(','), (box, width) => ({
    width: width,
    height: 280,
    tzDate: utc,
    cursor: { drag: { x: true, y: false } },
    scales: {
      x: { time: true, range: () => [box.ctx.xMin, box.ctx.xMax] },
      // Logarithmic: a 20-minute delay and a day-long outage are both readable, each against its limit.
      y: { distr: 3, log: 10, range: (u, min, max) => {
        const limits = box.ctx.limits.filter((l) => l !== null && l > 0);
        const lo = Math.min(min || 10, Math.min.apply(null, limits.concat([10])));
        const hi = Math.max(max || 60, Math.max.apply(null, limits.concat([60])));
        return [Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi)))];
      } },
    },
    axes: [timeAxis('issue time (UTC)'), Object.assign({}, AXIS, { label: 'input age at issue time (min)', labelSize: 22, size: 56, splits: logSplits })],
    series: [{ label: 'UTC', value: (u, v) => (v === null || v === undefined ? '-' : fmtDateTime(v * 1000)) }].concat(cfg.sources.map((s) => ({
      label: s.id, stroke: sourceColor.get(s.id), width: 1.75, points: { size: 5, fill: sourceColor.get(s.id) }, value: (u, v) => fmtAge(v),
    }))),
    hooks: { draw: [(u) => {
      const c = u.ctx;
      const r = devicePixelRatio || 1;
      c.save();
      box.ctx.limits.forEach((limit, si) => {
        if (limit === null || !u.series[si + 1].show) return;
        const y = u.valToPos(limit, 'y', true);
        c.strokeStyle = sourceColor.get(cfg.sources[si].id);
        c.globalAlpha = 0.7;
        c.lineWidth = r;
        c.setLineDash([6 * r, 5 * r]);
        c.beginPath();
        c.moveTo(u.bbox.left, y);
        c.lineTo(u.bbox.left + u.bbox.width, y);
        c.stroke();
      });
      c.setLineDash([]);
      c.globalAlpha = 1;
      box.ctx.unused.forEach((idxs, si) => {
        if (!u.series[si + 1].show) return;
        c.strokeStyle = sourceColor.get(cfg.sources[si].id);
        c.fillStyle = '#ffffff';
        c.lineWidth = 1.5 * r;
        for (const i of idxs) {
          const v = u.data[si + 1][i];
          if (v === null || v === undefined) continue;
          c.beginPath();
          c.arc(u.valToPos(u.data[0][i], 'x', true), u.valToPos(v, 'y', true), 3.5 * r, 0, 2 * Math.PI);
          c.fill();
          c.stroke();
        }
      });
      c.restore();
    }] },
  }), [xs].concat(series), ctx);
}
`;
