/**
 * fast-check settings shared by every property test: a fixed seed in CI so a red build is the
 * same red build on every machine, with overrides to replay or to soak.
 *
 *   FC_SEED=123 npx vitest run ...               replay with another seed
 *   FC_SEED=123 FC_PATH="4:1:0" npx vitest run   replay exactly the shrunk counterexample a failure printed
 *   FC_NUM_RUNS=10000 npx vitest run ...         soak: many more runs than CI does
 *
 * A failing fc.assert prints `{ seed, path }` (fast-check's "seed: ..., path: ..." line) so the
 * two variables above reproduce it.
 */
import type { Parameters } from 'fast-check';

/** The seed CI uses. Any fixed number will do; this one has no meaning. */
export const defaultPropertySeed = 0x1a4051;

function envInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got '${raw}'`);
  return value;
}

/**
 * Options for fc.assert: a fixed seed (or FC_SEED), `numRuns` (or FC_NUM_RUNS), and FC_PATH when set.
 * @throws Error when FC_SEED or FC_NUM_RUNS is not an integer.
 */
export function propertyOptions<T = unknown>(numRuns: number): Parameters<T> {
  const seed = envInteger('FC_SEED') ?? defaultPropertySeed;
  const runs = envInteger('FC_NUM_RUNS') ?? numRuns;
  const path = process.env.FC_PATH;
  return path !== undefined && path !== '' ? { seed, numRuns: runs, path } : { seed, numRuns: runs };
}
