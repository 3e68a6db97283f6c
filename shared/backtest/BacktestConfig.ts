import { z } from 'zod';
import { isoInstant, replaySourceSchema } from '../replay/ReplaySpec';

const period = z
  .strictObject({
    /** First issue slot (inclusive). */
    from: isoInstant,
    /** End of the period (exclusive); every target of the period is observed before it. */
    to: isoInstant,
  })
  .refine((p) => Date.parse(p.from) < Date.parse(p.to), { message: 'from must be before to', path: ['to'] });

export const backtestTrainingSchema = z.strictObject({
  /** `every-subset` (a model per subset of sources plus a baseline on none, as `npm run train`) or `all`. */
  sourceSets: z.enum(['all', 'every-subset']).default('every-subset'),
  /** Model families trained per source set. */
  kinds: z
    .array(z.enum(['gbdt', 'linear']))
    .min(1)
    .default(['gbdt', 'linear']),
  /** The last share of the train period ranks and prunes the models, as the registry's held-out window does. */
  heldOutFraction: z.number().min(0.05).max(0.5).default(0.25),
  /** Gradient-boosting hyper-parameters (defaults: those of `npm run train`). */
  gbdt: z
    .strictObject({
      nEstimators: z.number().int().min(1).max(5000),
      learningRate: z.number().positive().max(1),
      maxDepth: z.number().int().min(1).max(12),
      minSamplesLeaf: z.number().int().min(1),
      subsample: z.number().positive().max(1),
      colsampleByTree: z.number().positive().max(1),
      maxBins: z.number().int().min(2).max(256),
      lambda: z.number().min(0),
      seed: z.number().int(),
    })
    .partial()
    .default({}),
  /** Ridge hyper-parameters. */
  ridge: z
    .strictObject({ alpha: z.number().min(0) })
    .partial()
    .default({}),
  /** Fewest training rows a model needs. */
  minTrainingRows: z.number().int().min(1).default(200),
});

export const backtestEvaluateSchema = z.strictObject({
  /**
   * Also score daylight valid times only (sun above minSunElevationDeg at the site), beside all slots: `auto` does
   * for a solar target; a target that is not solar keeps all slots (true is then an error).
   */
  daylight: z.union([z.literal('auto'), z.boolean()]).default('auto'),
  /** Sun elevation (degrees) above which a valid time counts as daylight. */
  minSunElevationDeg: z.number().min(-18).max(60).default(5),
});

export const backtestConfigSchema = z
  .strictObject({
    /** Shown in the report's title and file names. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'expected letters, digits, dots, dashes and underscores')
      .default('backtest'),
    /** The forecast configuration: a JSON file (relative to this file) or the configuration itself. */
    forecastConfig: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    /** The site the history is of; default the forecast configuration's first. */
    site: z.string().min(1).optional(),
    /** Seed of every random draw (delays, outages): the same seed gives the same report. */
    seed: z.number().int().min(0).max(4_294_967_295).default(1),
    /** Per source id of the forecast configuration: how it is replayed. */
    sources: z.record(z.string(), replaySourceSchema),
    /** Issue slots the models are trained on. */
    train: period,
    /** Issue slots evaluated, after the train period. */
    test: period,
    training: backtestTrainingSchema.prefault({}),
    /** Which valid times the metrics cover. */
    evaluate: backtestEvaluateSchema.prefault({}),
    /** Where the report goes (relative to this file). */
    outputDir: z.string().min(1).default('backtest-results'),
    report: z
      .strictObject({
        /** Days of the test period drawn in the forecast-vs-actual chart. */
        sampleDays: z.number().positive().max(31).default(2),
      })
      .prefault({}),
    /** For shipped examples: the files are generated first when missing (the CLI knows the generators). */
    generate: z
      .strictObject({
        generator: z.literal('simulated-world'),
        /** The folder written (relative to this file). */
        dir: z.string().min(1),
        /** Seed of the simulated world. */
        seed: z.number().int().min(0),
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (Date.parse(c.test.from) < Date.parse(c.train.to)) {
      ctx.addIssue({
        code: 'custom',
        path: ['test', 'from'],
        message: `the test period must start at or after the train period ends (train.to ${c.train.to})`,
      });
    }
  });

/** The backtest configuration as validated (paths still relative to its file). */
export type BacktestConfig = z.infer<typeof backtestConfigSchema>;
export type BacktestTrainingOptions = z.infer<typeof backtestTrainingSchema>;
export type BacktestEvaluateOptions = z.infer<typeof backtestEvaluateSchema>;
