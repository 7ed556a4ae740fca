/** Shrinking: removals keep the scenario consistent, and the search finds a small failing core. */
import { describe, expect, it } from 'vitest';
import { scenarioSize, shrinkScenario, withoutInstances } from '../../src/check/shrink.ts';
import type { Scenario, Step } from '../../src/scenario/types.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;

const wait = (path: string): Step => ({ kind: 'wait', durationMs: M, source: { path } });

function world(): Scenario {
  const s = makeScenario({
    instances: 4,
    regions: ['us-east-1', 'eu-west-1'],
    strategy: 'replace-profile',
    steps: [wait('steps.0'), wait('steps.1')],
    faults: [
      { kind: 'imdsOutage', instances: ['web-1'], fromMs: M, toMs: 2 * M },
      { kind: 'partition', region: 'eu-west-1', fromMs: M, toMs: 2 * M },
      { kind: 'controlPlanePause', fromMs: M, toMs: 2 * M },
    ],
  });
  return {
    ...s,
    steps: [
      ...s.steps,
      {
        kind: 'forEach',
        targets: { fleets: [], instances: ['web-1'] },
        steps: [wait('steps.3.steps.0')],
        source: { path: 'steps.3' },
      },
    ],
  };
}

describe('withoutInstances', () => {
  it('removes the instances and every reference to them, dropping what is left without targets', () => {
    const s = withoutInstances(world(), new Set(['web-1', 'web-3']));
    expect(s.instances.map((i) => i.name)).toEqual(['web-0', 'web-2']);
    expect(s.fleets).toEqual([{ name: 'web', instances: ['web-0', 'web-2'] }]);
    // The outage of web-1 and the loop over web-1 are gone; the other faults and steps stay.
    expect(s.faults.map((f) => f.kind)).toEqual(['partition', 'controlPlanePause']);
    expect(s.steps.map((st) => st.kind)).toEqual(['wait', 'wait', 'strategy']);
  });

  it('drops a fleet with no members left, and the strategy that targeted only it', () => {
    const s = withoutInstances(world(), new Set(['web-0', 'web-1', 'web-2', 'web-3']));
    expect(s.fleets).toEqual([]);
    expect(s.steps.map((st) => st.kind)).toEqual(['wait', 'wait']);
  });
});

describe('shrinkScenario', () => {
  it('shrinks to the one instance, step and fault a failure needs, within the budget', () => {
    // "Fails" while web-2 exists, the partition is there and the strategy step is kept.
    const fails = (s: Scenario) =>
      s.instances.some((i) => i.name === 'web-2') &&
      s.faults.some((f) => f.kind === 'partition') &&
      s.steps.some((st) => st.kind === 'strategy');
    const start = world();
    expect(scenarioSize(start)).toEqual({ instances: 4, steps: 5, faults: 3, regions: 2 });
    const result = shrinkScenario(start, { fails, attemptsMax: 200 });
    expect(scenarioSize(result.scenario)).toEqual({ instances: 1, steps: 1, faults: 1, regions: 2 });
    expect(result.scenario.instances.map((i) => i.name)).toEqual(['web-2']);
    expect(result.budgetSpent).toBe(false);
    expect(result.attempts).toBeLessThan(60);
  });

  it('never calls the predicate more often than the budget allows', () => {
    let calls = 0;
    const result = shrinkScenario(world(), {
      fails: () => {
        calls++;
        return false;
      },
      attemptsMax: 5,
    });
    expect(calls).toBe(5);
    expect(result.attempts).toBe(5);
    expect(result.budgetSpent).toBe(true);
    expect(scenarioSize(result.scenario)).toEqual(scenarioSize(world()));
  });

  it('keeps the default region and regions with instances', () => {
    const result = shrinkScenario(world(), { fails: () => true, attemptsMax: 500 });
    expect(result.scenario.instances).toEqual([]);
    expect(result.scenario.regions).toEqual(['us-east-1']);
  });
});
