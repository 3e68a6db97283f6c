import { type Options, SingleBar } from 'cli-progress';

/** How often a progress line is printed when the output is not a terminal (a CI log, a pipe), ms. */
export const NON_TTY_PROGRESS_MS = 5_000;

/** A progress bar that also reports, a line every few seconds, when the output is a log file or a pipe. */
export function progressBar(format: string, options: Options = {}): SingleBar {
  return new SingleBar({
    format,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: NON_TTY_PROGRESS_MS,
    ...options,
  });
}
