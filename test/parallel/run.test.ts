/**
 * simulateHere (src/parallel/run.ts): a run on one thread, replayed a chunk at a time from a
 * number of instances on, gives the result of the run simulated whole, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { simulateExplained } from '../../src/check/causes.ts';
import { ResourceCapError } from '../../src/engine/index.ts';
import { simulateHere } from '../../src/parallel/run.ts';
import { runJson } from '../../src/report/run-json.ts';
import { sdkPresetNames } from '../../src/scenario/schema.ts';
import type { Scenario, StrategyName } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;
const H = 60 * M;

type Faults = NonNullable<Parameters<typeof makeScenario>[0]>['faults'];

function scenarioOf(strategy: StrategyName, faults: Faults = []): Scenario {
  const s = makeScenario({
    instances: 24,
    regions: ['us-east-1', 'eu-west-1'],
    sdk: [...sdkPresetNames],
    horizonMs: 6 * H,
    probeEveryMs: M,
    strategy,
    faults,
  });
  return { ...s, checks: [{ name: 'app within 1h', metric: 'appNewRoleMs', maxMs: H }] };
}

const cases: readonly (readonly [string, Scenario])[] = [
  ['replace-profile', scenarioOf('replace-profile')],
  [
    'swap-role-in-profile, a partition and IMDS outages',
    scenarioOf('swap-role-in-profile', [
      { kind: 'partition', region: 'eu-west-1', fromMs: 10 * M, toMs: 70 * M },
      { kind: 'imdsOutage', instances: ['web-2', 'web-9'], fromMs: 30 * M, toMs: 45 * M },
    ]),
  ],
  ['stop-start', scenarioOf('stop-start')],
  ['replace-instances (not replayable: run whole)', scenarioOf('replace-instances')],
];

describe('a run on one thread, replayed in chunks from a number of instances on', () => {
  it.each(cases)('%s: the same JSON as the run simulated whole, with and without causes', (_, scenario) => {
    const plain = { seed: 3, timelines: true, responses: true };
    const whole = runJson(simulate(scenario, plain), 'h', 'v');
    // From 1 instance on: every one of these runs is replayed (where it can be).
    expect(runJson(simulateHere(scenario, { ...plain, explain: false }, 1), 'h', 'v')).toBe(whole);
    const explained = runJson(simulateExplained(scenario, { seed: 3 }), 'h', 'v');
    expect(explained).toContain('"causes"');
    expect(runJson(simulateHere(scenario, { seed: 3, explain: true }, 1), 'h', 'v')).toBe(explained);
  });

  it('tells its progress: none run whole, from 0 to every instance replayed, chunk by chunk', () => {
    const scenario = cases[0]![1];
    const heard: [number, number][] = [];
    const options = { seed: 2, explain: false };
    simulateHere(scenario, options, 25, (done, total) => heard.push([done, total]));
    expect(heard).toEqual([]);
    simulateHere(scenario, options, 1, (done, total) => heard.push([done, total]));
    // One chunk of 1,000 holds all 24 instances.
    expect(heard).toEqual([
      [0, 24],
      [24, 24],
    ]);
  });

  it('runs again, with the same result, after a run of another seed (each run records its own)', () => {
    const scenario = cases[0]![1];
    const options = { seed: 8, timelines: false, responses: false, explain: false };
    const first = runJson(simulateHere(scenario, options, 1), 'h', 'v');
    simulateHere(scenario, { ...options, seed: 9 }, 1);
    expect(runJson(simulateHere(scenario, options, 1), 'h', 'v')).toBe(first);
    expect(first).toBe(
      runJson(simulate(scenario, { seed: 8, timelines: false, responses: false }), 'h', 'v'),
    );
  });

  it("stops at the event cap with the whole run's error (which says where it reached it)", () => {
    const scenario = cases[0]![1];
    const events = simulate(scenario, { seed: 1 }).eventsProcessed;
    const capped = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        return e instanceof ResourceCapError ? e.message : `not a cap: ${String(e)}`;
      }
      return 'no error';
    };
    const whole = capped(() => simulate(scenario, { seed: 1, eventsMax: events - 1 }));
    expect(whole).toMatch(/^more than \d+ events at t=/);
    expect(capped(() => simulateHere(scenario, { seed: 1, eventsMax: events - 1, explain: false }, 1))).toBe(
      whole,
    );
    expect(simulateHere(scenario, { seed: 1, eventsMax: events, explain: false }, 1).eventsProcessed).toBe(
      events,
    );
  });
});
