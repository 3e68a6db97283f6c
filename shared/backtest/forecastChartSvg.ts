import type { BacktestReport } from './BacktestReport';
import { PALETTE, svgLinePanel } from './svgLinePanel';

const HOUR_MS = 3_600_000;

/** Forecast against actual over the report's sample of the test period (all sources fresh): a 1000×420 SVG. */
export function forecastChartSvg(report: BacktestReport): string {
  const s = report.sample;
  const unit = report.target.unit ? ` (${report.target.unit})` : '';
  const first = s.times[0] ?? 0;
  const last = s.times[s.times.length - 1] ?? first;
  const every = last - first > 3 * 86_400_000 ? 24 * HOUR_MS : 6 * HOUR_MS;
  const ticks: number[] = [];
  for (let t = Math.ceil(first / every) * every; t <= last; t += every) ticks.push(t);
  const label = (t: number): string => new Date(t).toISOString().slice(5, 16).replace('T', ' ');
  const firstLead = s.forecasts[0]?.leadMinutes ?? 0;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="420" viewBox="0 0 1000 420">',
    '<rect width="1000" height="420" fill="white"/>',
    svgLinePanel({
      x: 0,
      y: 0,
      width: 1000,
      height: 420,
      title: `${report.target.source} ${report.target.field}: forecast vs actual, all sources fresh (UTC)`,
      xValues: s.times,
      xTicks: ticks,
      xLabel: label,
      yLabel: `${report.target.field}${unit}`,
      series: [
        { name: 'actual', color: '#000000', values: s.actual },
        ...s.forecasts.map((f, i) => ({
          name: `forecast +${f.leadMinutes} min`,
          color: PALETTE[i % PALETTE.length] as string,
          values: f.values,
        })),
        { name: `persistence +${firstLead} min`, color: '#7f7f7f', dashed: true, values: s.persistence },
        ...(s.smartPersistence
          ? [
              {
                name: `smart persistence +${firstLead} min`,
                color: '#bcbd22',
                dashed: true,
                values: s.smartPersistence,
              },
            ]
          : []),
      ],
    }),
    '</svg>',
  ].join('\n');
}
