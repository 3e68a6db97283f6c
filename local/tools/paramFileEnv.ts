import { readFileSync } from 'node:fs';

/**
 * Placeholder values for the environment variables a .bicepparam file requires (readEnvironmentVariable('X')
 * without a default), so that a check can build it without the real secrets. Variables already set are kept;
 * variables with a default in the file are left to their default.
 */
export function paramFileEnv(
  paramFile: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const text = readFileSync(paramFile, 'utf8');
  const placeholders: Record<string, string> = {};
  for (const m of text.matchAll(/readEnvironmentVariable\(\s*'([^']+)'\s*\)/g)) {
    const name = m[1];
    if (name && env[name] === undefined) placeholders[name] = `placeholder-${name.toLowerCase().replace(/_/g, '-')}`;
  }
  return placeholders;
}
