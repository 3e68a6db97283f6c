import type { BacktestReport } from './BacktestReport';
import { ALL_SOURCES_FRESH } from './scenarioNames';
import { PALETTE, svgLinePanel } from './svgLinePanel';

/**
 * RMSE and skill against persistence per lead, one line per scenario (persistence dashed, smart persistence of a
 * solar target dashed grey, in both panels): a 1000×480 SVG.
 */
export function leadMetricsChartSvg(report: BacktestReport): string {
  const leads = report.leadsMinutes;
  const unit = report.target.unit ? ` (${report.target.unit})` : '';
  const series = report.scenarios.map((s, i) => ({
    name: s.scenario,
    color: PALETTE[i % PALETTE.length] as string,
    markers: true,
    values: leads.map((l) => s.perLead.find((m) => m.leadMinutes === l)?.rmse ?? null),
  }));
  const reference = report.scenarios.find((s) => s.scenario === ALL_SOURCES_FRESH) ?? report.scenarios[0];
  const persistence = {
    name: 'persistence',
    color: '#000000',
    dashed: true,
    markers: true,
    values: leads.map((l) => reference?.persistence.find((m) => m.leadMinutes === l)?.rmse ?? null),
  };
  const smart = reference?.smartPersistence;
  const smartLine = (metric: 'rmse' | 'skill'): (typeof persistence)[] =>
    smart
      ? [
          {
            name: 'smart persistence',
            color: '#777777',
            dashed: true,
            markers: true,
            values: leads.map((l) => smart.find((m) => m.leadMinutes === l)?.[metric] ?? null),
          },
        ]
      : [];
  const skill = report.scenarios.map((s, i) => ({
    name: s.scenario,
    color: PALETTE[i % PALETTE.length] as string,
    markers: true,
    values: leads.map((l) => s.perLead.find((m) => m.leadMinutes === l)?.skill ?? null),
  }));
  const common = { y: 0, width: 500, height: 480, xValues: leads, xTicks: leads, xLabel: (l: number) => `+${l} min` };
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="480" viewBox="0 0 1000 480">',
    '<rect width="1000" height="480" fill="white"/>',
    svgLinePanel({
      ...common,
      x: 0,
      title: `RMSE per lead${unit}`,
      yLabel: `RMSE${unit}`,
      series: [...series, persistence, ...smartLine('rmse')],
    }),
    svgLinePanel({
      ...common,
      x: 500,
      title: 'Skill against persistence per lead',
      yLabel: '1 - RMSE / RMSE(persistence)',
      series: [...skill, ...smartLine('skill')],
      zeroLine: true,
    }),
    '</svg>',
  ].join('\n');
}
