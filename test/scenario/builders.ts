/**
 * Builders for loader tests: a valid scenario as a plain object with meaningful defaults, which a
 * test changes in the one place it is about, rendered to YAML and loaded.
 */
import { stringify } from 'yaml';
import type { Problem } from '../../src/errors.ts';
import { type LoadResult, loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/types.ts';

export type RawObject = Record<string, unknown>;

/** A valid scenario: two regions, two roles, one profile, a fleet of `fleetCount`, no steps. */
export function makeRaw(overrides: RawObject = {}, fleetCount = 3): RawObject {
  return {
    name: 'test',
    regions: ['us-east-1', 'eu-west-1'],
    roles: [
      { name: 'app-v1', allow: ['s3:GetObject'] },
      { name: 'app-v2', allow: ['s3:GetObject', 'sqs:*'] },
    ],
    instanceProfiles: [{ name: 'web', role: 'app-v1' }],
    fleets: [{ name: 'web', count: fleetCount, region: 'us-east-1', instanceProfile: 'web' }],
    ...overrides,
  };
}

export function load(raw: RawObject, file?: string): LoadResult {
  return loadScenario(stringify(raw), file);
}

/** Loads and expects success. */
export function loadOk(raw: RawObject): { scenario: Scenario; warnings: readonly Problem[] } {
  const result = load(raw);
  if (!result.ok)
    throw new Error(
      `expected a valid scenario, got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`,
    );
  return result;
}

/** Loads and expects failure; returns the problems as `path: message` lines for readable asserts. */
export function loadProblems(raw: RawObject): string[] {
  const result = load(raw);
  if (result.ok) throw new Error('expected problems, but the scenario is valid');
  return result.problems.map((p) => `${p.path}: ${p.message}`);
}
