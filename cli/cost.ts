import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ForecastConfig } from '../shared/config/ForecastConfig';
import { DEFAULT_CONFIG_PATH, parseConfig } from '../shared/config/loadConfig';
import {
  type CostedFunction,
  type CostInputs,
  costInputsFromConfig,
  DEFAULT_COST_INPUTS,
} from '../shared/cost/CostInputs';
import { estimateMonthlyCost } from '../shared/cost/estimateMonthlyCost';
import { forecastPathAvailability } from '../shared/cost/forecastPathAvailability';
import { formatCostReport } from '../shared/cost/formatCostReport';
import { DEFAULT_PRICE_TABLE_FILE, loadPriceTable } from '../shared/cost/PriceTable';
import { PROJECT_ROOT } from './cliSettings';

const USAGE = `npm run cost -- [options]

  --config <file>        forecasting configuration (default: FORECAST_CONFIG or ${DEFAULT_CONFIG_PATH}): sites, sources, cadence
  --prices <file>        price table (default: config/cost/prices.json)
  --set <name>=<number>  override an input, e.g. --set ingestEveryMinutes=10 --set durationsMs.predict=1500 (repeatable)
  --json                 print JSON instead of Markdown

inputs: ${inputNames()}`;

/** Parses the arguments, estimates, and prints Markdown tables (or JSON with --json). */
export function runCost(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (text: string) => void = console.log,
): void {
  let json = false;
  let configPath = env['FORECAST_CONFIG'] || DEFAULT_CONFIG_PATH;
  let pricesPath = DEFAULT_PRICE_TABLE_FILE;
  const overrides: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n\n${USAGE}`);
      return v;
    };
    if (arg === '--json') json = true;
    else if (arg === '--config') configPath = value();
    else if (arg === '--prices') pricesPath = value();
    else if (arg === '--set') overrides.push(value());
    else if (arg === '--help' || arg === '-h') return out(USAGE);
    else throw new Error(`unknown argument "${arg}"\n\n${USAGE}`);
  }
  const configFile = isAbsolute(configPath) ? configPath : resolve(PROJECT_ROOT, configPath);
  const pricesFile = isAbsolute(pricesPath) ? pricesPath : resolve(PROJECT_ROOT, pricesPath);
  const inputs = applyOverrides(costInputsFromConfig(configForCosting(configFile)), overrides);
  const prices = loadPriceTable(pricesFile);
  const estimate = estimateMonthlyCost(inputs, prices);
  const availability = forecastPathAvailability(prices);
  const shownPrices = relative(PROJECT_ROOT, pricesFile);
  if (json) {
    out(
      JSON.stringify(
        {
          inputs,
          prices: {
            file: shownPrices,
            currency: prices.currency,
            region: prices.region,
            offer: prices.offer,
            compiledOn: prices.compiledOn,
          },
          estimate,
          availability,
        },
        null,
        2,
      ),
    );
  } else {
    out(formatCostReport(inputs, estimate, availability, prices, shownPrices));
  }
}

/**
 * The configuration's sites, sources and cadence. Provider endpoints and keys are app settings the estimate does
 * not need, so references to settings that are not set resolve to a placeholder instead of failing.
 */
function configForCosting(file: string): ForecastConfig {
  const text = readFileSync(file, 'utf8');
  // Only the settings the file refers to get a placeholder; others (ALLOW_HTTP_PROVIDERS) keep their real meaning.
  const referenced = new Set([...text.matchAll(/%([A-Za-z0-9_]+)%/g)].map((m) => m[1] as string));
  const settings: Record<string, string | undefined> = { ...process.env };
  for (const name of referenced) settings[name] ??= `https://unset-setting.invalid/${name}`;
  return parseConfig(JSON.parse(text), settings, `configuration file "${file}"`);
}

/** `name=value` overrides of numeric inputs, including `durationsMs.<function>`. */
export function applyOverrides(inputs: CostInputs, overrides: string[]): CostInputs {
  const result: CostInputs = { ...inputs, durationsMs: { ...inputs.durationsMs } };
  for (const o of overrides) {
    const m = /^([A-Za-z.-]+)=(.+)$/.exec(o);
    const value = Number(m?.[2]);
    if (!m || !Number.isFinite(value) || value < 0)
      throw new Error(`--set ${JSON.stringify(o)}: expected <name>=<number >= 0>\n\n${USAGE}`);
    const name = m[1] as string;
    if (name.startsWith('durationsMs.')) {
      const fn = name.slice('durationsMs.'.length) as CostedFunction;
      if (!(fn in result.durationsMs))
        throw new Error(
          `--set ${name}: no function "${fn}"; expected one of ${Object.keys(result.durationsMs).join(', ')}`,
        );
      result.durationsMs[fn] = value;
    } else if (name in result && typeof result[name as keyof CostInputs] === 'number') {
      (result as unknown as Record<string, number>)[name] = value;
    } else {
      throw new Error(`--set ${name}: not a numeric input; expected one of ${inputNames()}`);
    }
  }
  return result;
}

function inputNames(): string {
  return Object.keys(DEFAULT_COST_INPUTS)
    .map((k) => (k === 'durationsMs' ? `durationsMs.<${Object.keys(DEFAULT_COST_INPUTS.durationsMs).join('|')}>` : k))
    .join(', ');
}

if (require.main === module) {
  try {
    runCost(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
