import { z } from 'zod';
import { ConfigError } from './ConfigError';
import { idSchema, scheduleSchema } from './ForecastConfig';
import { readConfigFile, type Settings } from './loadConfig';
import { zodProblems } from './zodProblems';

/** What the app registers, known from the configuration file alone: the timers and their schedules. */
export interface FunctionPlan {
  /** One `ingest-<id>` timer per source, its schedule as written (an NCRONTAB or a `%SETTING%` the host resolves). */
  sources: { id: string; schedule: string }[];
  /** The `predict` timer's schedule. */
  predictSchedule: string;
}

// Only what registration needs; providers, sites and the rest are validated when the services are built.
const planSchema = z.object({
  sources: z.array(z.object({ id: idSchema, schedule: scheduleSchema })).min(1),
  forecast: z.object({ schedule: scheduleSchema.default('%PREDICT_SCHEDULE%') }).prefault({}),
});

/**
 * Reads the function plan at import time without resolving any `%SETTING%` reference, so a missing provider setting
 * cannot stop the entry point (on Node 20+ an entry-point error stops every function, health included). A file that
 * cannot be read, or a source without a valid id or schedule, still throws: nothing could be registered from it.
 */
export function loadFunctionPlan(settings: Settings = process.env, appRoot = process.cwd()): FunctionPlan {
  const { raw, origin } = readConfigFile(settings, appRoot);
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error, raw);
    throw new ConfigError(`Invalid ${origin}:\n  ${problems.join('\n  ')}`, problems);
  }
  const ids = parsed.data.sources.map((s) => s.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined)
    throw new ConfigError(`Invalid ${origin}: two sources have the id "${duplicate}"`, [
      `sources: duplicate id "${duplicate}"`,
    ]);
  return {
    sources: parsed.data.sources.map((s) => ({ id: s.id, schedule: s.schedule })),
    predictSchedule: parsed.data.forecast.schedule,
  };
}
