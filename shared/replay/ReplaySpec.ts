import { z } from 'zod';
import { timeZoneSpec } from '../time/timeZoneSpec';
import { MAX_RUN_OFFSET_MINUTES } from '../sources/forecastRun';

const fieldName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected a snake_case field name');
const minutes = z
  .number()
  .min(0)
  .max(7 * 24 * 60);

/** An ISO 8601 time that names its zone (`Z` or an offset), so it means one instant. */
export const isoInstant = z
  .string()
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
    'expected an ISO 8601 time with a zone, e.g. 2026-06-01T00:00:00Z',
  );

export const csvColumnSchema = z.strictObject({
  /** The column's header in the file. */
  column: z.string().min(1),
  /** The source field it fills. */
  field: fieldName,
  /** Unit of the values in the file (`W`, `kW`, `W/m2`, `%`, ...); recorded, and checked against the target's unit. */
  unit: z.string().min(1).optional(),
  /** Convert to this unit by a factor; the target field converts to the configured target unit without it. */
  convertTo: z.string().min(1).optional(),
});

/** Hours a run schedule's runs may be apart: the divisors of 24, so runs fall on the same UTC hours every day. */
export const RUN_EVERY_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

export const runScheduleSchema = z.strictObject({
  /** A run starts at every multiple of this many hours, UTC (00, 06, 12, 18 for 6); a divisor of 24. */
  everyHours: z.number().refine((h) => (RUN_EVERY_HOURS as readonly number[]).includes(h), {
    message: `expected a whole number of hours that divides 24 (${RUN_EVERY_HOURS.join(', ')}), so runs start at the same UTC hours every day`,
  }),
  /** Each run becomes available this many minutes after its runAt (instead of a delay model). */
  availableAfterMinutes: minutes,
  /** A run holds the series' values for valid times from its runAt to runAt + horizonHours (inclusive). */
  horizonHours: z
    .number()
    .positive()
    .max(MAX_RUN_OFFSET_MINUTES / 60),
});

export const csvReplaySchema = z.strictObject({
  kind: z.literal('csv'),
  /** The CSV file (relative to the backtest configuration), with a header row. */
  file: z.string().min(1),
  /** One character between cells. */
  delimiter: z.string().length(1).default(','),
  /** Header of the column with the observation time (observedAt); a forecast source's: each value's valid time. */
  timeColumn: z.string().min(1),
  /** Zone of wall-clock times (times written with an offset keep theirs). */
  timeZone: timeZoneSpec.default('UTC'),
  /** `iso`, `epoch-seconds`, `epoch-millis`, or a luxon format such as `dd.MM.yyyy HH:mm`. */
  timeFormat: z.string().min(1).default('iso'),
  /** The value columns and the fields they fill. */
  columns: z.array(csvColumnSchema).min(1),
  /** Cells that mean "no value" (the field is missing in that row; a row without any value is a gap). */
  missingValues: z.array(z.string()).default(['', 'NA', 'NaN', 'null']),
  /**
   * Forecast sources, a file of runs: the header of the column with each row's run time (runAt, when the weather
   * model started). Each row is then one run and one valid time (timeColumn); the rows of a run become one record.
   */
  runColumn: z.string().min(1).optional(),
  /** Zone of the run column's wall-clock times; default timeZone. */
  runTimeZone: timeZoneSpec.optional(),
  /** Format of the run column; default timeFormat. */
  runTimeFormat: z.string().min(1).optional(),
  /**
   * Forecast sources, a file of one best series per valid time: the run schedule it is sliced into, as if each run
   * had been issued then (an approximation: the file does not say what was known when).
   */
  runs: runScheduleSchema.optional(),
});

export const imageFolderReplaySchema = z.strictObject({
  kind: z.literal('images'),
  /** The folder of pictures (relative to the backtest configuration), searched with its subfolders. */
  folder: z.string().min(1),
  /** The file name with its time in braces as a luxon format, e.g. `skycam_{yyyyMMdd_HHmm}.png`; other files are ignored. */
  fileNamePattern: z
    .string()
    .regex(/^[^{}]*\{[^{}]+\}[^{}]*$/, 'expected one {luxon format} in the file name, e.g. "cam_{yyyyMMdd_HHmm}.png"'),
  /** Zone of the times in the file names. */
  timeZone: timeZoneSpec.default('UTC'),
  /** Pictures analysed at once. */
  concurrency: z.number().int().min(1).max(32).default(4),
});

export const delayModelSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), minutes }),
  z
    .strictObject({ kind: z.literal('uniform'), minMinutes: minutes, maxMinutes: minutes })
    .refine((d) => d.minMinutes <= d.maxMinutes, {
      message: 'minMinutes must not be above maxMinutes',
      path: ['maxMinutes'],
    }),
  z
    .strictObject({
      kind: z.literal('empirical'),
      /** Delays seen, in minutes: each record draws one of them. */
      minutes: z.array(minutes).min(1).optional(),
      /** Or the distribution's quantiles, p from 0 to 1 increasing; delays are interpolated between them. */
      quantiles: z
        .array(z.strictObject({ p: z.number().min(0).max(1), minutes }))
        .min(2)
        .optional(),
    })
    .superRefine((d, ctx) => {
      if ((d.minutes === undefined) === (d.quantiles === undefined))
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: 'give either "minutes" (a list of delays) or "quantiles", not both or neither',
        });
      const q = d.quantiles ?? [];
      if (q.length > 0 && (q[0]?.p !== 0 || q[q.length - 1]?.p !== 1))
        ctx.addIssue({
          code: 'custom',
          path: ['quantiles'],
          message: `the first quantile must have p 0 and the last p 1 (got ${q[0]?.p} .. ${q[q.length - 1]?.p})`,
        });
      q.forEach((x, i) => {
        const prev = q[i - 1];
        if (prev && (x.p <= prev.p || x.minutes < prev.minutes))
          ctx.addIssue({
            code: 'custom',
            path: ['quantiles', i],
            message: `p and minutes must increase: {p: ${x.p}, minutes: ${x.minutes}} follows {p: ${prev.p}, minutes: ${prev.minutes}}`,
          });
      });
    }),
]);

const windowSchema = z
  .strictObject({ from: isoInstant, to: isoInstant })
  .refine((w) => Date.parse(w.from) < Date.parse(w.to), { message: 'from must be before to', path: ['to'] });

export const outageModelSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z
    .strictObject({
      kind: z.literal('random'),
      /** Outages starting per day, on average (a Poisson process over the replayed period). */
      ratePerDay: z.number().min(0).max(100),
      /** Each lasts a uniform draw from this range, in minutes. */
      minDurationMinutes: z
        .number()
        .positive()
        .max(30 * 24 * 60),
      maxDurationMinutes: z
        .number()
        .positive()
        .max(30 * 24 * 60),
    })
    .refine((o) => o.minDurationMinutes <= o.maxDurationMinutes, {
      message: 'minDurationMinutes must not be above maxDurationMinutes',
      path: ['maxDurationMinutes'],
    }),
  z.strictObject({ kind: z.literal('windows'), windows: z.array(windowSchema) }),
]);

export const replaySourceSchema = z
  .strictObject({
    /** Where the history comes from. */
    replay: z.discriminatedUnion('kind', [csvReplaySchema, imageFolderReplaySchema]),
    /**
     * How long after observedAt each record became available (a forecast source's run: after its runAt). Required,
     * except with a declared run schedule (`replay.runs`), whose availableAfterMinutes says it instead.
     */
    delay: delayModelSchema.optional(),
    /** When the provider was down, on top of the gaps in the files. */
    outages: outageModelSchema.default({ kind: 'none' }),
    /** What happens to records due during an outage: delivered when it ends (a late backlog), or lost. */
    backlog: z.enum(['delivered', 'lost']).default('delivered'),
  })
  .superRefine((s, ctx) => {
    const r = s.replay;
    const runs = r.kind === 'csv' ? r.runs : undefined;
    if (r.kind === 'csv' && r.runColumn !== undefined && runs !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['replay', 'runs'],
        message:
          'give either "runColumn" (the file has a run-time column) or "runs" (a declared schedule for a file of one series per valid time), not both',
      });
    if (r.kind === 'csv' && r.runColumn === undefined)
      for (const key of ['runTimeZone', 'runTimeFormat'] as const)
        if (r[key] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['replay', key],
            message: `"${key}" describes "runColumn", which is not given`,
          });
    if (runs !== undefined && s.delay !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['delay'],
        message: `a declared run schedule says when each run became available (replay.runs.availableAfterMinutes ${runs.availableAfterMinutes}); remove "delay", or give the file's run times ("runColumn") to draw each run's delay`,
      });
    if (runs === undefined && s.delay === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['delay'],
        message:
          'expected a delay model ("fixed", "uniform" or "empirical"); only a declared run schedule (replay.runs) may go without',
      });
  });

export type CsvColumnSpec = z.infer<typeof csvColumnSchema>;
export type CsvReplaySpec = z.infer<typeof csvReplaySchema>;
export type ImageFolderReplaySpec = z.infer<typeof imageFolderReplaySchema>;
export type DelayModelSpec = z.infer<typeof delayModelSchema>;
export type OutageModelSpec = z.infer<typeof outageModelSchema>;
export type RunScheduleSpec = z.infer<typeof runScheduleSchema>;
/** How one source is replayed from history: its files, its delays and its outages. */
export type ReplaySourceSpec = z.infer<typeof replaySourceSchema>;

/**
 * The delay model a source's records are replayed with: its own, or for a declared run schedule a fixed delay of
 * availableAfterMinutes after each runAt (the schema allows exactly one of the two).
 */
export function replayDelayOf(spec: ReplaySourceSpec): DelayModelSpec {
  if (spec.delay) return spec.delay;
  const runs = spec.replay.kind === 'csv' ? spec.replay.runs : undefined;
  if (!runs) throw new Error('a replay spec without a delay model needs a declared run schedule (replay.runs)');
  return { kind: 'fixed', minutes: runs.availableAfterMinutes };
}
