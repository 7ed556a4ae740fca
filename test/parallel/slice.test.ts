/**
 * One run split over slices of its instances equals the run on one thread, byte for byte
 * (`run --json`), whatever the slicing: two regions, mixed SDKs, several strategies, with
 * partitions, a control-plane pause, IMDS outages, batches, replacements and metric checks.
 * The slices run in this thread here (the executor is injected); test/commands/run-workers.test.ts
 * runs them on worker threads through the CLI.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateExplained } from '../../src/check/causes.ts';
import { simulateSliced, sliceTasks } from '../../src/parallel/run.ts';
import { mergeSlices, runSlice, type SliceRunOptions, singleThreadReason } from '../../src/parallel/slice.ts';
import { runJson } from '../../src/report/run-json.ts';
import { sdkPresetNames } from '../../src/scenario/schema.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import { loadFile } from '../helpers/run-yaml.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;
const H = 60 * M;
const REGIONS = ['us-east-1', 'eu-west-1'];

function scenarioOf(build: Parameters<typeof makeScenario>[0]): Scenario {
  const s = makeScenario({
    instances: 24,
    regions: REGIONS,
    sdk: [...sdkPresetNames],
    horizonMs: 8 * H,
    ...build,
  });
  // A metric check reads every instance: the merge must evaluate it over all of them.
  return {
    ...s,
    checks: [
      { name: 'app within 2h', metric: 'appNewRoleMs', maxMs: 2 * H },
      { name: 'no denial', metric: 'deniedMs', maxMs: 0 },
    ],
  };
}

const cases: readonly (readonly [string, Scenario])[] = [
  ['replace-profile', scenarioOf({ strategy: 'replace-profile' })],
  [
    'swap-role-in-profile, eu-west-1 partitioned, the control plane paused',
    scenarioOf({
      strategy: 'swap-role-in-profile',
      faults: [
        { kind: 'partition', region: 'eu-west-1', fromMs: 20 * M, toMs: 80 * M },
        { kind: 'controlPlanePause', fromMs: 25 * M, toMs: 40 * M },
      ],
    }),
  ],
  [
    'disassociate-associate, us-east-1 partitioned, IMDS outages',
    scenarioOf({
      strategy: 'disassociate-associate',
      faults: [
        { kind: 'partition', region: 'us-east-1', fromMs: 0, toMs: 40 * M },
        { kind: 'imdsOutage', instances: ['web-3', 'web-10'], fromMs: 35 * M, toMs: 50 * M },
      ],
    }),
  ],
  ['stop-start', scenarioOf({ strategy: 'stop-start' })],
  ['replace-instances', scenarioOf({ strategy: 'replace-instances' })],
  ['replace-profile-revoke', scenarioOf({ strategy: 'replace-profile-revoke' })],
];

async function sliced(scenario: Scenario, options: SliceRunOptions, workers: number, chunk?: number) {
  const oneThread = () => {
    throw new Error('no slice should reach the event cap here');
  };
  return simulateSliced(
    scenario,
    sliceTasks(scenario.instances.length, workers, chunk),
    async (task) => runSlice(scenario, options, task),
    50_000_000,
    oneThread,
  );
}

describe('a run split over slices of its instances', () => {
  it.each(cases)(
    '%s: run --json is byte-identical for 1 thread and 2, 3, 8 or 24 slices',
    async (_, scenario) => {
      for (const seed of [1, 2]) {
        const whole = runJson(simulateExplained(scenario, { seed }), 'h', 'v');
        for (const [workers, chunk] of [
          [2, undefined],
          [3, undefined],
          [2, 3],
          [24, undefined],
        ] as const) {
          const split = runJson(await sliced(scenario, { seed, explain: true }, workers, chunk), 'h', 'v');
          expect(split, `seed ${seed}, ${workers} workers, chunks of ${chunk ?? 'all'}`).toBe(whole);
        }
      }
    },
  );

  it('the fault scenarios do reach what the test is about: failed calls, metric checks failing', async () => {
    // Without these the test above could pass on runs that exercise nothing shared.
    const swap = simulateExplained(cases[1]![1], { seed: 1 });
    expect(swap.steps.some((s) => !s.ok && s.error?.code === 'ServiceFailure')).toBe(true);
    expect(swap.checks.some((c) => c.kind === 'metric' && !c.ok)).toBe(true);
    const replaced = simulateExplained(cases[4]![1], { seed: 1 });
    expect(replaced.instances.some((i) => i.replacedBy !== undefined)).toBe(true);
  });

  it('without causes and timelines too (the library path the benchmark takes)', async () => {
    const scenario = cases[0]![1];
    const options = { seed: 3, timelines: false, responses: false };
    const whole = runJson(simulate(scenario, options), 'h', 'v');
    const split = runJson(await sliced(scenario, { ...options, explain: false }, 2, 5), 'h', 'v');
    expect(split).toBe(whole);
  });

  it('cuts the instances into equal chunks, in order, the first with the shared part', () => {
    expect(sliceTasks(10, 2, 3)).toEqual([
      { fromIndex: 0, toIndex: 2, shared: true },
      { fromIndex: 2, toIndex: 5, shared: false },
      { fromIndex: 5, toIndex: 7, shared: false },
      { fromIndex: 7, toIndex: 10, shared: false },
    ]);
    expect(sliceTasks(3, 8).map((t) => t.toIndex - t.fromIndex)).toEqual([1, 1, 1]);
    expect(sliceTasks(0, 2)).toEqual([{ fromIndex: 0, toIndex: 0, shared: true }]);
  });

  it('says why incidents, traces and checkers keep a run on one thread', () => {
    const scenario = cases[0]![1];
    expect(singleThreadReason(scenario, { seed: 1 })).toBeUndefined();
    expect(singleThreadReason(scenario, { seed: 1, trace: () => {} })).toMatch(/trace/);
    expect(singleThreadReason(scenario, { seed: 1, observers: [{ attach: () => {} }] })).toMatch(/checkers/);
  });
});

describe('the events a slice keeps', () => {
  /** Events of an instance's own side: IMDS, the SDK cache, its boot and its outages' edges. */
  const instanceSide = (label: string) => /^(imds|sdk|instance)\./.test(label);

  it("are the shared world's events, in the same order at the same times, whatever the slice", () => {
    const scenario = cases[3]![1];
    const sharedTrace = (slice?: { fromIndex: number; toIndex: number }) => {
      const out: string[] = [];
      simulate(scenario, {
        seed: 4,
        ...(slice === undefined ? {} : { slice }),
        trace: (rec, offsetMs) => {
          if (!instanceSide(rec.label))
            out.push(`${rec.timeMs - offsetMs} ${rec.priority} ${rec.label} ${rec.subject ?? ''}`);
        },
      });
      return out;
    };
    const whole = sharedTrace();
    expect(whole.length).toBeGreaterThan(100);
    for (const slice of [
      { fromIndex: 0, toIndex: 0 },
      { fromIndex: 5, toIndex: 9 },
      { fromIndex: 23, toIndex: 24 },
    ]) {
      expect(sharedTrace(slice), JSON.stringify(slice)).toEqual(whole);
    }
  });

  it("add up: the whole run's events are the shared ones plus each slice's own", () => {
    const scenario = cases[2]![1];
    const count = (fromIndex: number, toIndex: number) =>
      simulate(scenario, { seed: 5, slice: { fromIndex, toIndex } }).eventsProcessed;
    const shared = count(0, 0);
    const whole = simulate(scenario, { seed: 5 }).eventsProcessed;
    expect(count(0, 10) - shared + (count(10, 24) - shared) + shared).toBe(whole);
    expect(whole - shared).toBeGreaterThan(24 * 10);
  });
});

describe('the step records', () => {
  it('are kept by the slice that sends the shared part; the others count the same calls', () => {
    const scenario = cases[1]![1];
    const options = { seed: 3, explain: false };
    const whole = simulate(scenario, { seed: 3 });
    expect(whole.steps.length).toBeGreaterThan(24);
    const [first, second] = sliceTasks(scenario.instances.length, 2).map((t) =>
      runSlice(scenario, options, t),
    );
    expect(first!.shared!.steps).toEqual(whole.steps);
    expect(second!.shared).toBeUndefined();
    expect([first!.stepCount, second!.stepCount]).toEqual([whole.steps.length, whole.steps.length]);
    // A slice that keeps none still simulates its instances exactly.
    const unkept = simulate(scenario, { seed: 3, slice: { fromIndex: 0, toIndex: 24, keepsSteps: false } });
    expect(unkept.steps).toEqual([]);
    expect(unkept.instances).toEqual(whole.instances);
  });

  it("keep an expect's record in every slice: the run's checks carry its verdict", async () => {
    const scenario = await loadFile(
      join(import.meta.dirname, '../../scenarios/fresh-profile-too-early.yaml'),
    );
    const whole = simulate(scenario, { seed: 3 });
    const expects = whole.checks.filter((c) => c.kind === 'expect');
    expect(expects.length).toBeGreaterThanOrEqual(4);
    const unkept = simulate(scenario, { seed: 3, slice: { fromIndex: 0, toIndex: 1, keepsSteps: false } });
    expect(unkept.checks).toEqual(whole.checks);
    expect(unkept.steps.length).toBeLessThan(whole.steps.length);
  });
});

describe('merging slices', () => {
  it('refuses slices whose shared worlds differ, naming what differed', () => {
    const scenario = cases[0]![1];
    const options = { seed: 1, explain: false };
    const tasks = sliceTasks(scenario.instances.length, 2);
    const parts = tasks.map((t) => runSlice(scenario, options, t));
    expect(mergeSlices(scenario, parts).instances).toHaveLength(24);
    const bent = { ...parts[1]!, sharedEvents: parts[1]!.sharedEvents + 1 };
    expect(() => mergeSlices(scenario, [parts[0]!, bent])).toThrow(/shared world diverged/);
    expect(() => mergeSlices(scenario, [parts[0]!])).toThrow(/12 of 24 instances/);
  });
});
