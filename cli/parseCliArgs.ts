import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line that does not parse; the message names what was wrong and ends with the usage. Exit status 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  readonly exitCode = 2;
  constructor(problem: string, usage: string) {
    super(`${problem}\n\n${usage}`);
    this.name = 'UsageError';
  }
}

/** node's parseArgs (strict: unknown options and missing values are errors), with the usage in every error. */
export function parseCliArgs<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
}
