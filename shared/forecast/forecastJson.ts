import type { Forecast } from './Forecast';

/** Each forecast's JSON, made once: a run writes every forecast twice (its latest-copy shard and the summary's). */
const texts = new WeakMap<Forecast, string>();

/**
 * `JSON.stringify(forecast)`, computed once per forecast object (a forecast is not changed once made; a stored one
 * read back is a new object). Writers splice it into the larger documents they write instead of serializing it again.
 */
export function forecastJson(forecast: Forecast): string {
  let text = texts.get(forecast);
  if (text === undefined) {
    text = JSON.stringify(forecast);
    texts.set(forecast, text);
  }
  return text;
}

/** `JSON.stringify({ forecasts })`, from each forecast's own JSON. */
export function forecastsJson(forecasts: readonly Forecast[]): string {
  return `{"forecasts":[${forecasts.map(forecastJson).join(',')}]}`;
}
