import { formatPreviousRuleMarkdown } from './formatPreviousRuleMarkdown';
import type { LeadMetrics } from '../registry/ModelCard';
import { NOT_A_NUMBER, significant } from '../util/significant';
import type { BacktestModel, BacktestReport } from './BacktestReport';
import { formatDaylightMarkdown } from './formatDaylightMarkdown';
import { formatIntervalsMarkdown } from './formatIntervalsMarkdown';
import { formatPromiseGapMarkdown } from './formatPromiseGap';
import { ALL_SOURCES_FRESH } from './scenarioNames';

/** File names of the charts, relative to the Markdown file. */
export interface BacktestChartFiles {
  leadMetrics: string;
  forecast: string;
  /** forecasts.csv, when it was written beside the report. */
  forecasts?: string;
}

/**
 * The report as Markdown: what was trained and tested, the per-lead table of every scenario (RMSE, MAE, skill
 * against persistence and, for a solar target, against smart persistence, share of slots served), the charts, the
 * models chosen, the forecast intervals (coverage and pinball per lead), each source's replay, and the models.
 */
export function formatBacktestMarkdown(r: BacktestReport, charts: BacktestChartFiles): string {
  const u = r.target.unit ? ` (${r.target.unit})` : '';
  const L = r.leadsMinutes;
  const reference = r.scenarios.find((s) => s.scenario === ALL_SOURCES_FRESH) ?? r.scenarios[0];
  const smart = reference?.smartPersistence;
  const smartCells = (metrics: readonly LeadMetrics[]): string[] =>
    smart ? L.map((l) => metric(at(metrics, l)?.smartSkill)) : [];
  const lines: string[] = [];
  lines.push(`# Backtest "${r.name}": ${r.site}, ${r.target.source} ${r.target.field}`);
  lines.push('');
  lines.push(
    `Trained on issue slots ${day(r.train.from)} .. ${day(r.train.to)} (${r.train.rows} rows; models ranked and pruned on the part from ${day(r.train.heldOutFrom)}), ` +
      `tested on ${r.test.slots} issue slots ${day(r.test.from)} .. ${day(r.test.to)}, every ${r.cadenceMinutes} minutes, day and night. ` +
      `Every input is the newest observation available at issueTime under its source's delay model; models are chosen by the live chooser and run in onnxruntime-node. ` +
      `Skill is 1 - RMSE / RMSE of persistence (the newest ${r.target.field} available at issueTime) on the same slots. ` +
      (smart
        ? `Skill vs smart is 1 - RMSE / RMSE of smart persistence on the same slots: that value's clear-sky index (value / clear-sky GHI at its observedAt) carried forward, times the clear-sky GHI at validTime. `
        : '') +
      `Seed ${r.seed}. Read ${r.seconds.read.toFixed(1)} s, train ${r.seconds.train.toFixed(1)} s, evaluate ${r.seconds.evaluate.toFixed(1)} s.`,
  );
  lines.push('');
  lines.push('## Per lead and scenario');
  lines.push('');
  const header = [
    'scenario',
    ...L.map((l) => `RMSE +${l}${u}`),
    ...L.map((l) => `MAE +${l}`),
    ...L.map((l) => `skill +${l}`),
    ...(smart ? L.map((l) => `skill vs smart +${l}`) : []),
    'slots served',
  ];
  lines.push(row(header), row(header.map((_, i) => (i === 0 ? '---' : '---:'))));
  if (reference)
    lines.push(
      row([
        'persistence (reference)',
        ...L.map((l) => metric(at(reference.persistence, l)?.rmse)),
        ...L.map((l) => metric(at(reference.persistence, l)?.mae)),
        ...L.map(() => '0'),
        ...smartCells(reference.persistence),
        '-',
      ]),
    );
  if (smart)
    lines.push(
      row([
        'smart persistence (reference)',
        ...L.map((l) => metric(at(smart, l)?.rmse)),
        ...L.map((l) => metric(at(smart, l)?.mae)),
        ...L.map((l) => metric(at(smart, l)?.skill)),
        ...L.map(() => '0'),
        '-',
      ]),
    );
  for (const s of r.scenarios) {
    lines.push(
      row([
        s.scenario,
        ...L.map((l) => metric(at(s.perLead, l)?.rmse)),
        ...L.map((l) => metric(at(s.perLead, l)?.mae)),
        ...L.map((l) => metric(at(s.perLead, l)?.skill)),
        ...smartCells(s.perLead),
        `${s.servedPct.toFixed(1)} % (${s.served}/${s.slots})`,
      ]),
    );
  }
  lines.push('');
  lines.push(...formatPreviousRuleMarkdown(r.scenarios, L, r.target.unit));
  lines.push(...formatDaylightMarkdown(r));
  if (r.promiseGap) lines.push(...formatPromiseGapMarkdown(r.promiseGap, L, r.target.unit), '');
  lines.push(`![RMSE and skill per lead and scenario](${charts.leadMetrics})`);
  lines.push('');
  lines.push(`![Forecast against actual over the first days of the test period](${charts.forecast})`);
  lines.push('');
  if (charts.forecasts) {
    lines.push(
      `Every forecast of the test period, per scenario, issue slot and lead, with the actual and the references: [${charts.forecasts}](${charts.forecasts}).`,
    );
    lines.push('');
  }
  lines.push('Models chosen per scenario (issue slots):');
  lines.push('');
  for (const s of r.scenarios)
    lines.push(
      `- ${s.scenario}: ${Object.entries(s.byModel)
        .map(([m, n]) => `${m} ${n}`)
        .join(', ')}`,
    );
  lines.push('');
  lines.push(...formatIntervalsMarkdown(r));
  lines.push('## Sources as replayed');
  lines.push('');
  lines.push(
    '| source | history | records | gaps in the files | duplicates | rejected | delay model | delay median / p90 (min) | outages in the test period | staleness limit (min) | forecast runs |',
  );
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |');
  for (const s of r.sources) {
    const inTest = s.outages.windows.filter((w) => w.to > r.test.from && w.from < r.test.to).length;
    lines.push(
      row([
        s.id,
        `${s.replay} \`${s.path}\``,
        String(s.stats.records),
        `${s.gaps.count} (${(s.gaps.minutes / 60).toFixed(1)} h)`,
        String(s.stats.duplicates),
        String(s.stats.rejected.length),
        s.runs?.from === 'schedule' ? `${delayText(s.delay.model)} (declared schedule)` : delayText(s.delay.model),
        s.delay.observedMinutes ? `${s.delay.observedMinutes.median} / ${s.delay.observedMinutes.p90}` : '-',
        s.outages.model === 'none'
          ? '-'
          : `${inTest} (${(s.outages.minutesInTest / 60).toFixed(1)} h, ${s.outages.model}, backlog ${s.outages.backlog})`,
        fixed(s.trainingStalenessLimitMinutes, 1),
        runsCell(s.runs),
      ]),
    );
  }
  const runSources = r.sources.filter((s) => s.runs);
  if (runSources.length > 0)
    lines.push(
      '',
      "Forecast sources (runs of a weather service; a run is used once it is available, read at each lead's validTime):",
      '',
      ...runSources.map((s) => `- ${s.id}: ${s.runs?.description ?? ''}.`),
    );
  const rejected = r.sources.flatMap((s) => s.stats.rejected.map((x) => `- ${s.id}: \`${x.item}\`: ${x.reason}`));
  if (rejected.length > 0) lines.push('', 'Rejected (left out, as quarantine would keep them):', '', ...rejected);
  const units = r.sources.flatMap((s) =>
    Object.entries(s.stats.units)
      .filter(([, c]) => c.factor !== 1)
      .map(([f, c]) => `${s.id}.${f} ${c.from} -> ${c.to} (x ${c.factor})`),
  );
  if (units.length > 0) lines.push('', `Units converted: ${units.join('; ')}.`);
  lines.push('');
  lines.push('## Models');
  lines.push('');
  lines.push(
    `Trained on the train period; metrics on its held-out part where every source is fresh, as in the model card (* = a candidate of the chooser). ${r.pruned.length} pruned or skipped. ` +
      `"Held to limits": the forecasts the target's physical limits changed there (below min, above max, nonzero at night).`,
  );
  lines.push('');
  const modelHeader = [
    'model',
    ...L.map((l) => `RMSE +${l}`),
    ...L.map((l) => `skill +${l}`),
    ...(smart ? L.map((l) => `skill vs smart +${l}`) : []),
    'held to limits',
  ];
  lines.push(row(modelHeader), row(modelHeader.map((_, i) => (i === 0 ? '---' : '---:'))));
  for (const m of r.models)
    lines.push(
      row([
        `${m.kept ? '*' : ''}${m.id}${m.learns === 'clear-sky index' ? ' (clear-sky index)' : ''}`,
        ...L.map((l) => metric(at(m.heldOut, l)?.rmse)),
        ...L.map((l) => metric(at(m.heldOut, l)?.skill)),
        ...smartCells(m.heldOut),
        limitedText(m.limited),
      ]),
    );
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `**Note:** ${n}`));
  lines.push('');
  return lines.join('\n');
}

function limitedText(c: BacktestModel['limited']): string {
  if (!c) return '-';
  const changed = c.belowMin + c.aboveMax + c.night;
  const parts = [
    ...(c.belowMin > 0 ? [`${c.belowMin} below min`] : []),
    ...(c.aboveMax > 0 ? [`${c.aboveMax} above max`] : []),
    ...(c.night > 0 ? [`${c.night} at night`] : []),
  ];
  const share = c.forecasts > 0 ? ` (${((100 * changed) / c.forecasts).toFixed(1)} %)` : '';
  return `${changed} of ${c.forecasts}${share}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

function runsCell(runs: BacktestReport['sources'][number]['runs']): string {
  if (!runs) return '-';
  const origin = runs.from === 'schedule' ? 'declared schedule' : 'run-time column';
  const age = runs.ageAtIssueMinutes ? `, age at issue median ${fixed(runs.ageAtIssueMinutes.median, 0)} min` : '';
  const dropped = runs.validBeforeRunDropped > 0 ? `, ${runs.validBeforeRunDropped} rows before their run dropped` : '';
  return `${runs.count} runs (${origin}${age}${dropped})`;
}

function delayText(d: BacktestReport['sources'][number]['delay']['model']): string {
  if (d.kind === 'fixed') return `fixed ${d.minutes} min`;
  if (d.kind === 'uniform') return `uniform ${d.minMinutes}-${d.maxMinutes} min`;
  return d.minutes
    ? `empirical (${d.minutes.length} delays)`
    : `quantiles (${(d.quantiles ?? []).map((q) => `p${Math.round(q.p * 100)} ${q.minutes}`).join(', ')})`;
}

function at(metrics: readonly LeadMetrics[], lead: number): LeadMetrics | undefined {
  return metrics.find((m) => m.leadMinutes === lead);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function fixed(v: number | undefined, digits: number): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

/** A metric for the reader: three significant digits whatever the target's magnitude. */
function metric(v: number | undefined): string {
  return v === undefined ? NOT_A_NUMBER : significant(v);
}

function day(iso: string): string {
  return iso.replace(':00.000Z', 'Z');
}
