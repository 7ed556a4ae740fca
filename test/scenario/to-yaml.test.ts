/**
 * Scenario -> YAML: the text loads with the project's loader and means the same scenario. For
 * files written by hand the hash is identical; for built scenarios (whose fleets may have to be
 * written instance by instance) a run of each gives the same result.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jitterCalibration } from '../../src/check/jitter.ts';
import { withoutInstances } from '../../src/check/shrink.ts';
import type { RunResult } from '../../src/result.ts';
import { hashScenario } from '../../src/scenario/hash.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { scenarioToYaml } from '../../src/scenario/to-yaml.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import { arbitraryCheckRun, checkScenarioOf } from '../check/generated.ts';
import { propertyOptions } from '../helpers/fc.ts';

const root = join(import.meta.dirname, '../..');
const handWritten = [
  ...readdirSync(join(root, 'scenarios'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(root, 'scenarios', f)),
  ...readdirSync(join(import.meta.dirname, 'valid'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(import.meta.dirname, 'valid', f)),
];

function reload(scenario: Scenario): Scenario {
  const text = scenarioToYaml(scenario);
  const result = loadScenario(text);
  if (!result.ok) {
    throw new Error(
      `written scenario does not load:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}\n${text}`,
    );
  }
  return result.scenario;
}

/** What a run shows, without what only names where things came from (step paths, fleet labels). */
function meaning(r: RunResult): unknown {
  return {
    ...r,
    steps: r.steps.map(({ origin: _origin, ...s }) => s),
    instances: r.instances.map(({ fleet: _fleet, ...i }) => i),
    // A runbook failure is named after the step's source path, which a rewritten file renumbers.
    checks: r.checks.map((c) => (c.kind === 'runbook' ? { ...c, name: 'runbook' } : c)),
  };
}

describe('scenarioToYaml', () => {
  it.each(handWritten.map((f) => [f.slice(root.length + 1), f]))(
    '%s round-trips to the same scenario hash',
    (_name, file) => {
      const loaded = loadScenario(readFileSync(file, 'utf8'));
      if (!loaded.ok) throw new Error('fixture does not load');
      expect(hashScenario(reload(loaded.scenario))).toBe(hashScenario(loaded.scenario));
    },
  );

  it('writes durations as people do, small collections on one line, and a header', () => {
    const loaded = loadScenario(readFileSync(join(root, 'scenarios/partition-swap.yaml'), 'utf8'));
    if (!loaded.ok) throw new Error('fixture does not load');
    const text = scenarioToYaml(loaded.scenario, { comment: ['one', 'two'], schemaPath: './schema.json' });
    expect(text.split('\n').slice(0, 3)).toEqual([
      '# yaml-language-server: $schema=./schema.json',
      '# one',
      '# two',
    ]);
    expect(text).toContain('regions: [ us-east-1, eu-west-1 ]');
    expect(text).toContain('- partition: { region: eu-west-1, from: 20m, to: 1h20m }');
    expect(text).toContain('horizon: 8h');
  });

  it('generated scenarios, with instances removed and the calibration jittered, load and run the same', () => {
    fc.assert(
      fc.property(arbitraryCheckRun(), fc.integer({ min: 0, max: 3 }), (r, drop) => {
        const built = checkScenarioOf(r);
        // Drop an instance from the middle (fleets can then no longer be written as fleets).
        const name = built.instances[Math.min(drop, built.instances.length - 1)]!.name;
        const shrunk = built.instances.length > 1 ? withoutInstances(built, new Set([name])) : built;
        const scenario = {
          ...shrunk,
          calibration: jitterCalibration(shrunk.calibration, r.seed).calibration,
        };
        const again = reload(scenario);
        const specs = (s: Scenario) => Object.values(s.calibration).map((e) => e.spec);
        expect(specs(again)).toEqual(specs(scenario));
        const run = (s: Scenario) => simulate(s, { seed: r.seed, timelines: true, responses: false });
        expect(meaning(run(again))).toEqual(meaning(run(scenario)));
      }),
      propertyOptions(25),
    );
  });
});
