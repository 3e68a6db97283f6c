import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BicepCheckResult, checkBicep } from '../../local/tools/bicepCheck';
import { findRepoRoot } from '../../local/tools/ensureBicep';
import { paramFileEnv } from '../../local/tools/paramFileEnv';
import type { ArmValue } from './armExpression';
import type { ArmTemplate } from './armWalk';

/** The environments that have a parameter file bicep/main.<name>.bicepparam. */
export const ENVIRONMENTS = ['dev', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** Everything under bicep/, built and linted once by the real compiler. */
export interface CompiledInfrastructure {
  root: string;
  check: BicepCheckResult;
  /** bicep/main.bicep compiled to ARM JSON. */
  main: ArmTemplate;
  /** bicep/imageEvents.bicep (the Event Grid subscription, deployed after the code) compiled to ARM JSON. */
  imageEvents: ArmTemplate;
  /** Each environment's parameter values, as its .bicepparam file builds them. */
  parameters: Record<EnvironmentName, Record<string, ArmValue>>;
  /** The placeholder values the check gave the secrets the parameter files read from the environment. */
  placeholders: Record<string, string>;
}

let compiled: Promise<CompiledInfrastructure> | undefined;

/** Builds and lints bicep/ (restoring the compiler first if needed); once per process. */
export function compiledInfrastructure(): Promise<CompiledInfrastructure> {
  compiled ??= compile();
  return compiled;
}

async function compile(): Promise<CompiledInfrastructure> {
  const root = findRepoRoot(__dirname);
  const check = await checkBicep({ root });
  const readJson = async (file: string): Promise<unknown> =>
    JSON.parse(await readFile(join(check.outDir, file), 'utf8')) as unknown;
  const main = (await readJson('main.json')) as ArmTemplate;
  const imageEvents = (await readJson('imageEvents.json')) as ArmTemplate;
  const parameters = {} as Record<EnvironmentName, Record<string, ArmValue>>;
  const placeholders: Record<string, string> = {};
  for (const env of ENVIRONMENTS) {
    Object.assign(placeholders, paramFileEnv(join(root, 'bicep', `main.${env}.bicepparam`)));
    const file = (await readJson(`main.${env}.parameters.json`)) as { parameters: Record<string, { value: ArmValue }> };
    parameters[env] = Object.fromEntries(Object.entries(file.parameters).map(([k, v]) => [k, v.value]));
  }
  return { root, check, main, imageEvents, parameters, placeholders };
}
