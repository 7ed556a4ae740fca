/** Loads a scenario from YAML text or a file and simulates it; a scenario that does not load fails the test. */
import { loadScenario, loadScenarioFile } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { type SimulateOptions, simulate } from '../../src/simulate.ts';

export function loadYaml(text: string): Scenario {
  const loaded = loadScenario(text);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return loaded.scenario;
}

/** The scenario in the file at `path`. */
export async function loadFile(path: string): Promise<Scenario> {
  const loaded = await loadScenarioFile(path);
  if (!loaded.ok)
    throw new Error(`${path}: ${loaded.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return loaded.scenario;
}

/** `world` (a scenario without steps) with `steps` (YAML list items), run with `seed`. */
export function runSteps(world: string, steps: string, seed: number, options: Partial<SimulateOptions> = {}) {
  const scenario = loadYaml(`${world}\nsteps:\n${steps}`);
  return { scenario, result: simulate(scenario, { seed, ...options }) };
}
