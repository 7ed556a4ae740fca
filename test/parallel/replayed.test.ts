/**
 * A slice simulated against the recording of the shared world (src/parallel/replayed.ts, the
 * recorder and player of src/world/replay.ts) gives its instances exactly the results the whole
 * run gives them, whatever the chunks and slices.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateExplained } from '../../src/check/causes.ts';
import { adoptRecording, replayedSlice, shareRecording } from '../../src/parallel/replayed.ts';
import { mergeSlices, runSlice, type SlicePart, type SliceRunOptions } from '../../src/parallel/slice.ts';
import { runJson } from '../../src/report/run-json.ts';
import { sdkPresetNames } from '../../src/scenario/schema.ts';
import type { Scenario, StrategyName } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import {
  describeOp,
  initialAssociation,
  logData,
  type SharedLog,
  SharedPlayer,
  SharedRecorder,
} from '../../src/world/replay.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;
const H = 60 * M;

type Faults = NonNullable<Parameters<typeof makeScenario>[0]>['faults'];

function scenarioOf(strategy: StrategyName, faults: Faults = [], instances = 16): Scenario {
  const s = makeScenario({
    instances,
    regions: ['us-east-1', 'eu-west-1'],
    sdk: [...sdkPresetNames],
    horizonMs: 8 * H,
    probeEveryMs: M,
    strategy,
    ...(faults === undefined ? {} : { faults }),
  });
  return { ...s, checks: [{ name: 'app within 2h', metric: 'appNewRoleMs', maxMs: 2 * H }] };
}

/** The run's JSON from slices cut at `cuts` (instance indices), each replayed in chunks of `chunk`. */
function replayedJson(
  scenario: Scenario,
  options: SliceRunOptions,
  cuts: readonly number[],
  chunk: number,
): string {
  const bounds = [0, ...cuts, scenario.instances.length];
  const parts: SlicePart[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const part = replayedSlice(
      scenario,
      options,
      { fromIndex: bounds[k]!, toIndex: bounds[k + 1]!, shared: k === 0 },
      chunk,
    );
    if (part === undefined) throw new Error('the run was not replayed');
    parts.push(part);
  }
  return runJson(mergeSlices(scenario, parts), 'h', 'v');
}

const wholeJson = (scenario: Scenario, seed: number) =>
  runJson(simulate(scenario, { seed, timelines: true, responses: true }), 'h', 'v');

const faultCases: readonly (readonly [string, Scenario])[] = [
  ['replace-profile', scenarioOf('replace-profile')],
  [
    'swap-role-in-profile, a partition and a control-plane pause',
    scenarioOf('swap-role-in-profile', [
      { kind: 'partition', region: 'eu-west-1', fromMs: 20 * M, toMs: 80 * M },
      { kind: 'controlPlanePause', fromMs: 25 * M, toMs: 40 * M },
    ]),
  ],
  [
    'disassociate-associate, a partition from t=0 and IMDS outages',
    scenarioOf('disassociate-associate', [
      { kind: 'partition', region: 'us-east-1', fromMs: 0, toMs: 40 * M },
      { kind: 'imdsOutage', instances: ['web-3', 'web-10'], fromMs: 35 * M, toMs: 50 * M },
    ]),
  ],
  ['stop-start', scenarioOf('stop-start')],
  ['replace-profile-revoke', scenarioOf('replace-profile-revoke')],
  ['edit-policy', scenarioOf('edit-policy')],
];

describe('a slice replayed against the recorded shared world', () => {
  it.each(faultCases)(
    '%s: the merged result is the whole run, byte for byte, whatever the chunks',
    (_, scenario) => {
      const options = { seed: 5, timelines: true, responses: true, explain: false };
      const whole = wholeJson(scenario, 5);
      for (const [cuts, chunk] of [
        [[], 16],
        [[7], 1],
        [[3, 11], 4],
        [[1, 2, 15], 5],
      ] as const) {
        expect(replayedJson(scenario, options, cuts, chunk), `cuts ${cuts}, chunks of ${chunk}`).toBe(whole);
      }
    },
  );

  it('holds over generated strategies, seeds, slices and chunk sizes', () => {
    const strategies = [
      'replace-profile',
      'swap-role-in-profile',
      'disassociate-associate',
      'stop-start',
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...strategies),
        fc.integer({ min: 1, max: 1000 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 11 }), { maxLength: 3 }),
        fc.integer({ min: 1, max: 12 }),
        (strategy, seed, cuts, chunk) => {
          const scenario = scenarioOf(strategy, [], 12);
          const options = { seed, timelines: true, responses: true, explain: false };
          const sorted = [...cuts].sort((a, b) => a - b);
          expect(replayedJson(scenario, options, sorted, chunk)).toBe(wholeJson(scenario, seed));
        },
      ),
      propertyOptions(12),
    );
  });

  it('is what runSlice does when the run can be replayed', () => {
    const scenario = faultCases[0]![1];
    const task = { fromIndex: 4, toIndex: 9, shared: false };
    const options = { seed: 2, timelines: true, responses: true, explain: false };
    expect(runSlice(scenario, options, task)).toEqual(replayedSlice(scenario, options, task));
  });

  it.each(faultCases)("%s: with causes too (each chunk reads the shared world's logs)", (_, scenario) => {
    const options = { seed: 4, explain: true };
    const whole = runJson(simulateExplained(scenario, { seed: 4 }), 'h', 'v');
    expect(whole).toContain('"causes"');
    expect(replayedJson(scenario, options, [5, 9], 3)).toBe(whole);
  });

  it('declines a runbook that launches instances: their runtimes are made mid-run (runSlice then runs it plainly)', () => {
    const scenario = scenarioOf('replace-instances');
    const options = { seed: 1, timelines: true, responses: true, explain: false };
    expect(replayedSlice(scenario, options, { fromIndex: 0, toIndex: 16, shared: true })).toBeUndefined();
    const parts = [
      runSlice(scenario, options, { fromIndex: 0, toIndex: 8, shared: true }),
      runSlice(scenario, options, { fromIndex: 8, toIndex: 16, shared: false }),
    ];
    expect(runJson(mergeSlices(scenario, parts), 'h', 'v')).toBe(wholeJson(scenario, 1));
  });
});

describe('a recording shared with another thread', () => {
  it('replays there as it does here: the data survives a structured clone', () => {
    const scenario = faultCases[2]![1];
    const options = { seed: 6, timelines: true, responses: true, explain: false };
    const shared = shareRecording(scenario, options);
    expect(shared).toBeDefined();
    // Another thread: its own copy of the scenario and of the data, and no recording of its own.
    const there = structuredClone(scenario);
    adoptRecording(there, options, structuredClone(shared!));
    const task = { fromIndex: 3, toIndex: 16, shared: false };
    const here = replayedSlice(scenario, options, task, 4);
    expect(replayedSlice(there, options, task, 4)).toEqual(here);
    const first = replayedSlice(there, options, { fromIndex: 0, toIndex: 3, shared: true }, 4)!;
    // The shared part was not adopted: the first slice records it again, and the run merges whole.
    expect(runJson(mergeSlices(there, [first, here!]), 'h', 'v')).toBe(wholeJson(scenario, 6));
    // And it is the adopted data that replays there: another seed's recording gives other results.
    const elsewhere = structuredClone(scenario);
    adoptRecording(elsewhere, options, structuredClone(shareRecording(scenario, { ...options, seed: 7 })!));
    expect(replayedSlice(elsewhere, options, task, 4)).not.toEqual(here);
  });

  it.each([
    ['swap-role-in-profile', scenarioOf('swap-role-in-profile')],
    ['stop-start', scenarioOf('stop-start')],
    ['replace-profile', scenarioOf('replace-profile')],
  ] as const)(
    '%s: carries what the cause recorder logged of the shared world, for explained chunks there',
    (_, scenario) => {
      const options = { seed: 3, explain: true };
      const shared = shareRecording(scenario, options);
      expect(shared?.causes).toBeDefined();
      const there = structuredClone(scenario);
      adoptRecording(there, options, structuredClone(shared!));
      const first = replayedSlice(scenario, options, { fromIndex: 0, toIndex: 1, shared: true }, 3)!;
      const rest = replayedSlice(there, options, { fromIndex: 1, toIndex: 16, shared: false }, 3)!;
      const whole = runJson(simulateExplained(scenario, { seed: 3 }), 'h', 'v');
      expect(whole).toContain('"causes"');
      expect(runJson(mergeSlices(scenario, [first, rest]), 'h', 'v')).toBe(whole);
    },
  );
});

describe('the recorder', () => {
  it("logs every shared event's key in run order, and the ops the instances see", () => {
    const logOf = (scenario: Scenario) => {
      const recorder = new SharedRecorder();
      const result = simulate(scenario, { seed: 1, record: recorder, slice: { fromIndex: 0, toIndex: 0 } });
      // The shared world alone: every event it ran is in the log.
      expect(recorder.log.times.length).toBe(result.eventsProcessed);
      return recorder.log;
    };
    const ops = (log: SharedLog) => Array.from({ length: log.opKinds.length }, (_, k) => describeOp(log, k));
    const replaced = logOf(faultCases[0]![1]);
    const { times, opCounters } = replaced;
    for (let j = 1; j < times.length; j++) expect(times.data[j]).toBeGreaterThanOrEqual(times.data[j - 1]!);
    // Counters never go down along the log.
    for (let k = 1; k < opCounters.length; k++)
      expect(opCounters.data[k]).toBeGreaterThanOrEqual(opCounters.data[k - 1]!);
    // Replacing the profile: the old association ends, the new one is associating, then associated.
    const first = ops(replaced).filter((op) => / 0 /.test(op));
    expect(first).toEqual([
      'association 0 none',
      'ec2 0 associationEnded',
      'association 0 associating',
      'association 0 associated',
      'ec2 0 associationSettled',
    ]);
    expect(initialAssociation(replaced, 0)?.state).toBe('associated');
    expect(SharedPlayer.canReplay(replaced)).toBe(true);
    // A role swapped inside the profile reaches the instances through the region views.
    const swapped = logOf(scenarioOf('swap-role-in-profile'));
    expect(ops(swapped)).toContain('view iam us-east-1');
  });

  it("sizes a replace-profile fleet's log for it up front, and hands its arrays out uncopied", () => {
    // Enough instances that the arrays' spare room alone would not hold the fleet's events.
    const instances = 2000;
    const recorder = new SharedRecorder(false, instances);
    const { log } = recorder;
    const sized = [log.times.data, log.orders.data, log.opKinds.data, log.opCounters.data];
    simulate(scenarioOf('replace-profile', [], instances), {
      seed: 1,
      record: recorder,
      slice: { fromIndex: 0, toIndex: 0 },
    });
    expect(log.times.length).toBeGreaterThan(3 * instances + 1024);
    expect(log.opKinds.length).toBeGreaterThan(4 * instances + 1024);
    // None grew (growing makes a new array): the fan-out allocated none outside the heap.
    const after = [log.times.data, log.orders.data, log.opKinds.data, log.opCounters.data];
    for (const [k, data] of after.entries()) expect(data).toBe(sized[k]);
    // Nearly full, so passed on as views of the same memory, cut to their length.
    const data = logData(log);
    expect(data.times.buffer).toBe(log.times.data.buffer);
    expect(data.opKinds.buffer).toBe(log.opKinds.data.buffer);
    expect([data.times.length, data.opKinds.length]).toEqual([log.times.length, log.opKinds.length]);
  });
});
