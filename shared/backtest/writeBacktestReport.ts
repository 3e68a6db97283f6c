import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { BacktestReport } from './BacktestReport';
import { forecastChartSvg } from './forecastChartSvg';
import { type ForecastsCsvData, writeForecastsCsv } from './forecastsCsv';
import { formatBacktestMarkdown } from './formatBacktestMarkdown';
import { leadMetricsChartSvg } from './leadMetricsChartSvg';

/** The files a report was written to (absolute paths). */
export interface WrittenReport {
  json: string;
  markdown: string;
  charts: string[];
  /** forecasts.csv: every test slot and lead of every scenario (written when the run's data was given). */
  csv?: string;
}

/**
 * Writes report.json, report.md and its two PNG charts (SVG we draw, rendered by sharp) into `dir`; with the run's
 * served slots, truth and references (a BacktestRun has them), also forecasts.csv.
 */
export async function writeBacktestReport(
  report: BacktestReport,
  dir: string,
  forecasts?: ForecastsCsvData,
): Promise<WrittenReport> {
  mkdirSync(dir, { recursive: true });
  const files = {
    leadMetrics: 'lead-metrics.png',
    forecast: 'forecast-sample.png',
    ...(forecasts ? { forecasts: 'forecasts.csv' } : {}),
  };
  const json = join(dir, 'report.json');
  const markdown = join(dir, 'report.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, formatBacktestMarkdown(report, files));
  const charts = [join(dir, files.leadMetrics), join(dir, files.forecast)];
  // Palette PNGs: the charts are a few flat colours, so they stay a few tens of kilobytes.
  await sharp(Buffer.from(leadMetricsChartSvg(report)))
    .png({ palette: true })
    .toFile(charts[0] as string);
  await sharp(Buffer.from(forecastChartSvg(report)))
    .png({ palette: true })
    .toFile(charts[1] as string);
  if (!forecasts) return { json, markdown, charts };
  const csv = join(dir, files.forecasts ?? 'forecasts.csv');
  await writeForecastsCsv(csv, forecasts, report.leadsMinutes);
  return { json, markdown, charts, csv };
}
