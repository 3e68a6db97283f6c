import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../config/ConfigError';
import type { ForecastConfig } from '../config/ForecastConfig';
import { parseConfig, type Settings } from '../config/loadConfig';
import { unitFactor } from '../units/unitFactor';
import { backtestConfigSchema } from './BacktestConfig';
import type { BacktestPlan, PlannedSource } from './BacktestPlan';
import { zodProblems } from '../config/zodProblems';

/**
 * Validates a parsed backtest configuration and checks it against its forecast configuration: every configured
 * source has a replay spec and no other does, CSV columns fill fields the source has, image folders replay image
 * sources, the target's column is in a unit convertible to the target unit, a forecast source's CSV says how its rows
 * become runs (`runColumn` or a declared schedule `runs`) and no other source's does. Every problem is named by its key path
 * and the bad value. Paths are relative to `baseDir` (the configuration file's folder).
 */
export function parseBacktestConfig(
  raw: unknown,
  baseDir: string,
  settings: Settings = process.env,
  origin = 'backtest configuration',
): BacktestPlan {
  const parsed = backtestConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error, raw);
    throw new ConfigError(`Invalid ${origin}:\n  ${problems.join('\n  ')}`, problems);
  }
  const c = parsed.data;
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(baseDir, p));
  const forecast = forecastConfigOf(c.forecastConfig, at, settings);
  const problems: string[] = [];
  const site = c.site === undefined ? forecast.sites[0] : forecast.sites.find((s) => s.id === c.site);
  if (!site)
    problems.push(
      `site: unknown site ${JSON.stringify(c.site)}; expected one of ${forecast.sites.map((s) => `"${s.id}"`).join(', ')}`,
    );
  const ids = forecast.sources.map((s) => s.id);
  for (const id of Object.keys(c.sources)) {
    if (!ids.includes(id))
      problems.push(
        `sources.${id}: unknown source ${JSON.stringify(id)}; the forecast configuration has ${ids.map((s) => `"${s}"`).join(', ')}`,
      );
  }
  const sources: PlannedSource[] = [];
  for (const source of forecast.sources) {
    const spec = c.sources[source.id];
    if (!spec) {
      problems.push(
        `sources: no replay spec for source "${source.id}" (every configured source is replayed; got ${
          Object.keys(c.sources)
            .map((s) => `"${s}"`)
            .join(', ') || 'none'
        })`,
      );
      continue;
    }
    const key = `sources.${source.id}.replay`;
    const r = spec.replay;
    if (r.kind === 'images' && source.kind !== 'image')
      problems.push(
        `${key}.kind: source "${source.id}" is a ${source.kind} source; only image sources replay a folder of pictures (got "images")`,
      );
    if (r.kind === 'csv' && source.kind === 'forecast' && r.runColumn === undefined && r.runs === undefined)
      problems.push(
        `${key}: source "${source.id}" is a forecast source: give "runColumn" (the file's run-time column, one row per run and valid time) or "runs" (a declared schedule such as {"everyHours": 6, "availableAfterMinutes": 240, "horizonHours": 48} for a file of one series per valid time)`,
      );
    if (r.kind === 'csv' && source.kind !== 'forecast')
      for (const k of ['runColumn', 'runs'] as const)
        if (r[k] !== undefined)
          problems.push(
            `${key}.${k}: source "${source.id}" is a ${source.kind} source; only forecast sources (kind "forecast") replay runs`,
          );
    if (r.kind === 'csv') {
      r.columns.forEach((col, i) => {
        if (!source.fields.includes(col.field))
          problems.push(
            `${key}.columns[${i}].field: source "${source.id}" has no field ${JSON.stringify(col.field)}; expected one of ${source.fields.map((f) => `"${f}"`).join(', ')}`,
          );
        const isTarget = source.id === forecast.target.source && col.field === forecast.target.field;
        if (
          isTarget &&
          col.unit !== undefined &&
          forecast.target.unit !== '' &&
          unitFactor(col.unit, forecast.target.unit) === undefined
        ) {
          problems.push(
            `${key}.columns[${i}].unit: values in ${JSON.stringify(col.unit)} cannot be converted by a factor to the target unit "${forecast.target.unit}"`,
          );
        }
        if (
          !isTarget &&
          col.convertTo !== undefined &&
          (col.unit === undefined || unitFactor(col.unit, col.convertTo) === undefined)
        ) {
          problems.push(
            `${key}.columns[${i}].convertTo: cannot convert ${col.unit === undefined ? 'a column without a unit' : JSON.stringify(col.unit)} to ${JSON.stringify(col.convertTo)} by a factor`,
          );
        }
      });
      if (source.id === forecast.target.source && !r.columns.some((col) => col.field === forecast.target.field)) {
        problems.push(
          `${key}.columns: the target source needs a column for the target field "${forecast.target.field}"`,
        );
      }
    }
    const shownAs = r.kind === 'csv' ? r.file : r.folder;
    sources.push({ id: source.id, kind: source.kind, spec, path: at(shownAs), shownAs });
  }
  if (c.evaluate.daylight === true && forecast.target.solar !== true)
    problems.push(
      `evaluate.daylight: true needs a solar target (target.solar in the forecast configuration); a target that is not solar is scored on all slots (use "auto" or false)`,
    );
  if (problems.length > 0 || !site) throw new ConfigError(`Invalid ${origin}:\n  ${problems.join('\n  ')}`, problems);
  return {
    name: c.name,
    seed: c.seed,
    config: { ...forecast, sites: [site] },
    site: site.id,
    sources,
    train: { from: new Date(c.train.from), to: new Date(c.train.to) },
    test: { from: new Date(c.test.from), to: new Date(c.test.to) },
    training: c.training,
    daylight:
      c.evaluate.daylight !== false && forecast.target.solar === true
        ? { minSunElevationDeg: c.evaluate.minSunElevationDeg }
        : null,
    outputDir: at(c.outputDir),
    report: c.report,
    generate: c.generate && { ...c.generate, dir: at(c.generate.dir) },
  };
}

/** Reads a backtest configuration file (JSON) and validates it; relative paths in it are relative to the file. */
export function loadBacktestConfig(file: string, settings: Settings = process.env): BacktestPlan {
  return parseBacktestConfig(
    readJson(file, 'backtest configuration'),
    dirname(resolve(file)),
    settings,
    `backtest configuration "${file}"`,
  );
}

/**
 * The forecast configuration named (or embedded) by the backtest. Provider endpoints and keys are never used in a
 * backtest, so references to unset app settings get placeholders instead of failing.
 */
function forecastConfigOf(
  ref: string | Record<string, unknown>,
  at: (p: string) => string,
  settings: Settings,
): ForecastConfig {
  const raw = typeof ref === 'string' ? readJson(at(ref), 'forecast configuration', 'forecastConfig') : ref;
  const names = [...JSON.stringify(raw).matchAll(/"%([A-Za-z0-9_]+)%"/g)].map((m) => m[1] as string);
  const filled: Record<string, string | undefined> = { ...settings };
  for (const name of names)
    if (!filled[name]) filled[name] = name.endsWith('_ENDPOINT') ? 'https://replay.invalid' : 'replay';
  return parseConfig(
    raw,
    filled,
    typeof ref === 'string' ? `forecast configuration "${ref}" (forecastConfig)` : 'forecastConfig',
  );
}

function readJson(file: string, what: string, key?: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${key ? `${key}: ` : ''}cannot read the ${what} "${file}": ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(`${key ? `${key}: ` : ''}the ${what} "${file}" is not valid JSON: ${(err as Error).message}`);
  }
}
