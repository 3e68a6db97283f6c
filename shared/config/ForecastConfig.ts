import { z } from 'zod';
import { cameraSchema } from './cameraSchema';
import { IMAGE_FEATURES } from './imageFeatureNames';
import { checkProvider } from './checkProvider';
import { providerSchema } from './providerSchemas';
import { timeZoneOf } from '../time/timeZoneOf';

/** A NCRONTAB expression with seconds (`0 *\/10 * * * *`) or an app-setting reference (`%PREDICT_SCHEDULE%`). */
export const scheduleSchema = z
  .string()
  .regex(
    /^(%[A-Za-z0-9_]+%|\S+( \S+){5})$/,
    'expected a six-field NCRONTAB expression or an app-setting reference like %NAME%',
  );

export const idSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,39}$/,
    'expected lower-case letters, digits and dashes, starting with a letter (at most 40 characters)',
  );

const fieldName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected a snake_case field name');

export const siteSchema = z.strictObject({
  /** Stable id; every stored record and forecast is keyed by it. */
  id: idSchema,
  /** Human-readable name for dashboards. */
  name: z.string().min(1).optional(),
  /** Degrees north, -90..90. */
  latitude: z.number().min(-90).max(90),
  /** Degrees east, -180..180. */
  longitude: z.number().min(-180).max(180),
  /** The site's time zone (IANA, e.g. `Europe/Berlin`, or a fixed offset) for the local-time calendar inputs; unset: UTC. */
  timeZone: z
    .string()
    .refine((zone) => timeZoneOf(zone) !== undefined, {
      error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}; expected an IANA name like "Europe/Berlin"`,
    })
    .optional(),
  /** Local dates (`YYYY-MM-DD`) that are holidays at the site: a `time.holiday` input when any are listed. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a local date YYYY-MM-DD')).optional(),
});

/** Recent history as model inputs; `false` or lastK 0 turns it off. */
export const historySchema = z.union([
  z.literal(false),
  z.strictObject({
    /** Previous observations as inputs (`<source>.<field>@-1` ..), besides the newest. */
    lastK: z.number().int().min(0).max(48).default(3),
    /** Mean, min, max and count over this many minutes before the newest observation. */
    windowMinutes: z
      .number()
      .int()
      .positive()
      .max(24 * 60)
      .default(60),
  }),
]);

/**
 * Sites per predict shard when the configuration says nothing: `npm run bench` measured one run for 10,000 sites
 * through Azurite and the Cosmos server at 6.8 s and 905 MB peak RSS, well inside a 10-minute slot, the 5-minute
 * function timeout and a 2 GB instance; beyond that memory, not time, runs out first.
 */
export const DEFAULT_SITES_PER_SHARD = 10_000;

/** History inputs of sensor and image sources when the configuration says nothing (forecast runs have none). */
export const DEFAULT_HISTORY = { lastK: 3, windowMinutes: 60 } as const;

export const sourceSchema = z.strictObject({
  /** Stable id, also the function name suffix (`ingest-<id>`). */
  id: idSchema,
  /**
   * `sensor` sources deliver JSON values; `image` sources deliver pictures that are turned into features; `forecast`
   * sources deliver runs of someone else's forecast (a weather service): values per validTime, each run usable once
   * it is available, read at each lead's validTime.
   */
  kind: z.enum(['sensor', 'image', 'forecast']),
  provider: providerSchema,
  /** When `ingest-<id>` runs. */
  schedule: scheduleSchema,
  /** Value fields the provider delivers (sensor) or the preprocessor derives (image). */
  fields: z.array(fieldName).min(1),
  /** A source is stale when its newest available observation is older than this (minutes); unset: learned from its delays. */
  stalenessLimitMinutes: z
    .number()
    .positive()
    .max(7 * 24 * 60)
    .optional(),
  /** How far back the first ingestion reads when the source has no watermark yet (hours). */
  initialLookbackHours: z
    .number()
    .positive()
    .max(90 * 24)
    .default(6),
  /** Largest accepted image, in bytes (image sources). */
  maxImageBytes: z.number().int().positive().max(50_000_000).default(2_000_000),
  /** How the camera's pictures are read (image sources): which pixels show the sky, and the cloud threshold. */
  camera: cameraSchema.optional(),
  /** Recent history as inputs; unset: DEFAULT_HISTORY for sensor and image sources, none for forecast sources. */
  history: historySchema.optional(),
  /**
   * Fields whose clear-sky index at their own observedAt is an input (solar targets only); unset: the `ghi*`,
   * `poa*` and `power*` fields of sensor sources when the target is solar.
   */
  clearSkyIndex: z.array(fieldName).optional(),
});

export const forecastConfigSchema = z
  .strictObject({
    sites: z.array(siteSchema).min(1),
    sources: z.array(sourceSchema).min(1),
    target: z.strictObject({
      /** The source that observes the target. */
      source: idSchema,
      /** The field forecast. */
      field: fieldName,
      /** Unit shown with forecasts. */
      unit: z.string().min(1).default(''),
      /** No forecast below this, held in every model's graph (e.g. 0 for power or irradiance). */
      min: z.number().finite().optional(),
      /** No forecast above this, held in every model's graph (e.g. the park's capacity). */
      max: z.number().finite().optional(),
      /** A solar target (irradiance or PV power): zero when the sun is below the horizon at the validTime, and scored against smart persistence, which also serves as a fallback. */
      solar: z.boolean().default(false),
      /** Sun position and clear-sky inputs; unset: as `solar`, so a generic target never learns from the sun by accident. */
      solarInputs: z.boolean().optional(),
      /** Day-of-week inputs in the site's local time (a load follows the week, the sun does not); off unless set. */
      weekdayInputs: z.boolean().optional(),
    }),
    forecast: z
      .strictObject({
        /** Lead times in minutes; validTime = issueTime + lead. */
        leadsMinutes: z
          .array(
            z
              .number()
              .int()
              .positive()
              .max(7 * 24 * 60),
          )
          .min(1)
          .default([20, 40, 60]),
        /** Issue slots are multiples of this many minutes; predict's schedule should match it. */
        cadenceMinutes: z
          .number()
          .int()
          .positive()
          .max(24 * 60)
          .default(10),
        /** When `predict` runs. */
        schedule: scheduleSchema.default('%PREDICT_SCHEDULE%'),
        /**
         * Sites one predict run makes at most: with more, the timer enqueues one `predict-shard` message per this many
         * sites and the host runs them in parallel. The default keeps every deployment up to it unsharded.
         */
        sitesPerShard: z.number().int().positive().max(1_000_000).default(DEFAULT_SITES_PER_SHARD),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const dup = <T extends { id: string }>(items: T[], key: 'sites' | 'sources'): void => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.id))
          ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate id "${item.id}"` });
        seen.add(item.id);
      });
    };
    dup(cfg.sites, 'sites');
    dup(cfg.sources, 'sources');
    cfg.sources.forEach((source, i) => {
      if (source.kind !== 'image') {
        if (source.camera)
          ctx.addIssue({
            code: 'custom',
            path: ['sources', i, 'camera'],
            message: `${source.kind} source "${source.id}" has no camera; only image sources take "camera"`,
          });
        return;
      }
      source.fields.forEach((field, j) => {
        if (!(IMAGE_FEATURES as readonly string[]).includes(field)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sources', i, 'fields', j],
            message: `image source "${source.id}" cannot derive "${field}"; expected one of ${IMAGE_FEATURES.map((f) => `"${f}"`).join(', ')}`,
          });
        }
      });
    });
    cfg.sources.forEach((source, i) => {
      if (source.kind === 'forecast' && source.history !== undefined && source.history !== false)
        ctx.addIssue({
          code: 'custom',
          path: ['sources', i, 'history'],
          message: `forecast source "${source.id}" takes no history (its runs are read at each validTime); use false or leave it out`,
        });
      source.clearSkyIndex?.forEach((field, j) => {
        const path = ['sources', i, 'clearSkyIndex', j];
        if (!cfg.target.solar)
          ctx.addIssue({
            code: 'custom',
            path,
            message: `clearSkyIndex "${field}" needs a solar target (target.solar)`,
          });
        else if (source.kind === 'forecast')
          ctx.addIssue({ code: 'custom', path, message: `forecast source "${source.id}" takes no clearSkyIndex` });
        else if (!source.fields.includes(field))
          ctx.addIssue({
            code: 'custom',
            path,
            message: `source "${source.id}" has no field "${field}"; expected one of ${source.fields.map((f) => `"${f}"`).join(', ')}`,
          });
      });
    });
    if (cfg.target.solar && cfg.target.solarInputs === false)
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'solarInputs'],
        message: 'solarInputs false needs solar false: a solar target is held to zero at night by the sun inputs',
      });
    const target = cfg.sources.find((s) => s.id === cfg.target.source);
    if (!target) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'source'],
        message: `unknown source "${cfg.target.source}"; expected one of ${cfg.sources.map((s) => `"${s.id}"`).join(', ')}`,
      });
    } else if (!target.fields.includes(cfg.target.field)) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'field'],
        message: `source "${target.id}" has no field "${cfg.target.field}"; expected one of ${target.fields.map((f) => `"${f}"`).join(', ')}`,
      });
    } else if (target.kind !== 'sensor') {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'source'],
        message: `the target source "${target.id}" must be a sensor source`,
      });
    }
    cfg.sources.forEach((source, i) => {
      for (const p of checkProvider(source, cfg))
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'provider', ...p.path], message: p.message });
    });
    const { min, max } = cfg.target;
    if (min !== undefined && max !== undefined && !(min < max)) {
      ctx.addIssue({ code: 'custom', path: ['target', 'max'], message: `max ${max} must be above min ${min}` });
    }
    const leads = cfg.forecast.leadsMinutes;
    if (new Set(leads).size !== leads.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['forecast', 'leadsMinutes'],
        message: `duplicate lead times in [${leads.join(', ')}]`,
      });
    }
  });

export type SiteConfig = z.infer<typeof siteSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type { ProviderConfig } from './providerSchemas';
/** The validated configuration: read once, then passed around as this typed object. */
export type ForecastConfig = z.infer<typeof forecastConfigSchema>;
