/**
 * Loading a scenario for a command: every problem becomes an InvalidScenarioError (exit 2),
 * warnings go to stderr, and the seed is resolved (flag, then scenario, then a drawn one that is
 * printed so the run can be replayed).
 */
import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { formatProblem, InvalidScenarioError } from '../errors.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CommandIo } from './types.ts';

export async function loadForCommand(file: string, io: CommandIo): Promise<Scenario> {
  const result = await loadScenarioFile(resolve(io.cwd, file), file);
  for (const w of result.warnings ?? [])
    io.stderr(`${formatProblem({ ...w, message: `warning: ${w.message}` })}\n`);
  if (!result.ok) throw new InvalidScenarioError(result.problems);
  return result.scenario;
}

/** The seed to use and whether it was drawn (not given by the flag or the scenario). */
export function resolveSeed(flag: number | undefined, scenario: Scenario): { seed: number; drawn: boolean } {
  if (flag !== undefined) return { seed: flag, drawn: false };
  if (scenario.seed !== undefined) return { seed: scenario.seed, drawn: false };
  // Outside the simulation: the one place a seed is drawn from the operating system. It is
  // printed and recorded, so the run stays reproducible.
  return { seed: randomInt(0, 2 ** 31), drawn: true };
}
