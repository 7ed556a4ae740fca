/**
 * One run of a scenario split over slices of its instances, each slice simulated by itself (on
 * any thread), and the slices' results merged into the run's result, byte-identical to the run on
 * one thread whatever the slicing.
 *
 * Why a slice gets exactly its instances' results. Every slice simulates the whole shared world:
 * IAM's control plane and region views, EC2 (every instance's state and associations) and the
 * runbook's calls for every instance; only the instance side (IMDS, SDK cache, lanes, results) is
 * limited to the slice (SimulateOptions.slice). That is sound because the instance side never
 * acts on the shared world: an instance's events draw only from its own streams
 * (`instance/NAME/...`), write only its own runtime (its IMDS issuance count among them; what
 * they write outside it, a region's last profile-role answer (RegionRoles) and the lanes'
 * classifications, are memos of pure functions of immutable snapshots),
 * and schedule only its own events; the shared world reads nothing of a runtime (the operator sees
 * EC2 and the refs, never IMDS or an SDK). So the shared events are the same events in every
 * slice, doing the same things. Their order: events run in the total order (timeMs, priority,
 * seq), seq being the order of scheduling. By induction over the run, the events a slice keeps are
 * run in the same relative order as in the whole run, so each schedules the same events in the
 * same relative order, which then get seqs in the same relative order: dropping the other
 * slices' events reorders nothing that remains.
 *
 * runSlice simulates a slice against a recording of the shared world, made once per thread and
 * replayed to the slice's instances a chunk at a time (replayed.ts; the order argument is in
 * src/world/replay.ts), whenever the run can be replayed; otherwise as said above.
 *
 * Where the instance side does act on the shared world, a run must not be split (singleThreadReason):
 * incidents (the attacker reads IMDS and deletes policies), observers other than the cause
 * recorder (checkers read every runtime), and traces (they list one scheduler's events with its seqs).
 */
import { simulateExplained } from '../check/causes.ts';
import { ResourceCapError } from '../engine/index.ts';
import { metricCheckOutcomes, metricCheckSubjects, minUpShareOf } from '../metrics.ts';
import type { InstanceResult, RunResult } from '../result.ts';
import type { Scenario } from '../scenario/types.ts';
import { type SimulateOptions, simulate } from '../simulate.ts';
import type { PackedInstances } from './packed-instances.ts';
import { replayedSlice } from './replayed.ts';

/** What a sliced run may be asked: plain data, so it can travel to a worker thread. */
export interface SliceRunOptions {
  readonly seed: number;
  readonly eventsMax?: number;
  readonly timelines?: boolean;
  readonly responses?: boolean;
  /** Attach the cause recorder and explain the result, as `iamsim run` does. */
  readonly explain: boolean;
}

/** Scenario instances [fromIndex, toIndex); `shared` asks for the shared part of the result too (the first slice). */
export interface SliceTask {
  readonly fromIndex: number;
  readonly toIndex: number;
  readonly shared: boolean;
}

/** A slice's result: its instances, its targets' ups and downs, and (if asked) the shared part. */
export interface SlicePart {
  readonly instances: readonly InstanceResult[];
  /** The instances packed to cross threads (packed-instances.ts); `instances` is then empty. */
  readonly packed?: PackedInstances;
  /** Events of the shared world, which every slice processes (the same in every slice). */
  readonly sharedEvents: number;
  /** Events of the slice's instances' own sides. */
  readonly instanceEvents: number;
  /** Targets in the slice, and their up/down counts by instant (see upDeltas). */
  readonly targets: number;
  readonly upDeltas: readonly (readonly [number, number])[];
  /** Tripwire: the shared world did the same in every slice (calls made, change start). */
  readonly stepCount: number;
  readonly changeStartMs: number | null;
  /** The run's result without its instances (task.shared only). */
  readonly shared?: RunResult;
  /**
   * The slice alone went over `eventsMax`, so the whole run does too; the caller reruns it on one
   * thread for the error (which names the event's time, as only the whole run can).
   */
  readonly capReached?: true;
}

/**
 * Why `scenario` with `options` must run on one thread (undefined: it may be split). Observers
 * are the caller's checkers: only `run`'s own cause recorder is slice-safe (it keeps per-instance
 * logs and reads the shared ones), and it is asked for with SliceRunOptions.explain.
 */
export function singleThreadReason(scenario: Scenario, options: SimulateOptions): string | undefined {
  if (scenario.incident !== undefined)
    return "the scenario has incidents: the attacker reads instances' IMDS and acts on IAM";
  if (options.trace !== undefined)
    return "a trace lists every event of one scheduler, in that scheduler's order";
  if ((options.observers ?? []).length > 0) return 'checkers observe every instance at once';
  if (options.modelBugs !== undefined) return 'model bugs are for tests on one thread';
  return undefined;
}

/** One run of `scenario`, with causes (what `iamsim run` prints) when `explain` is set. */
export function simulateAs(
  scenario: Scenario,
  options: SimulateOptions & { readonly explain?: boolean },
): RunResult {
  const { explain, ...rest } = options;
  return explain === true ? simulateExplained(scenario, rest) : simulate(scenario, rest);
}

/**
 * Simulates one slice of `scenario` (on whatever thread calls it); `onChunk` hears how many of
 * its instances are done after each chunk of a replayed slice (a progress display).
 */
export function runSlice(
  scenario: Scenario,
  options: SliceRunOptions,
  task: SliceTask,
  onChunk?: (instancesDone: number) => void,
): SlicePart {
  const replayed = replayedSlice(scenario, options, task, undefined, onChunk);
  if (replayed !== undefined) return replayed;
  let finished = {
    targets: 0,
    upDeltas: new Map<number, number>() as ReadonlyMap<number, number>,
    instanceEvents: 0,
    calls: 0,
  };
  const simulateOptions: SimulateOptions & { readonly explain: boolean } = {
    ...options,
    slice: {
      fromIndex: task.fromIndex,
      toIndex: task.toIndex,
      // Only the slice that sends the shared part keeps the step records.
      keepsSteps: task.shared,
      finished: (f) => {
        finished = f;
      },
    },
  };
  let result: RunResult;
  try {
    result = simulateAs(scenario, simulateOptions);
  } catch (e) {
    if (!(e instanceof ResourceCapError)) throw e;
    return capReachedPart();
  }
  return {
    instances: result.instances,
    sharedEvents: result.eventsProcessed - finished.instanceEvents,
    instanceEvents: finished.instanceEvents,
    targets: finished.targets,
    upDeltas: [...finished.upDeltas],
    stepCount: finished.calls,
    changeStartMs: result.changeStartMs,
    // Only one slice sends the shared part: the calls alone are ~0.5 KB per instance.
    ...(task.shared ? { shared: { ...result, instances: [] } } : {}),
  };
}

/** What a slice that went over the event cap returns (SlicePart.capReached). */
export function capReachedPart(): SlicePart {
  return {
    instances: [],
    sharedEvents: 0,
    instanceEvents: 0,
    targets: 0,
    upDeltas: [],
    stepCount: 0,
    changeStartMs: null,
    capReached: true,
  };
}

/**
 * The run's result from its slices, `parts` covering the instances in order, the first with the
 * shared part of the result. Fleet measures and metric checks are computed over the merged
 * instances exactly as one run computes them; the events are the shared world's (counted once)
 * plus each slice's own.
 * @throws Error when the slices disagree on the shared world (a broken soundness assumption:
 *   every slice must process the same shared events and make the same calls).
 */
export function mergeSlices(scenario: Scenario, parts: readonly SlicePart[]): RunResult {
  const first = parts[0];
  const shared = first?.shared;
  if (first === undefined || shared === undefined)
    throw new Error('mergeSlices: the first slice must carry the shared result');
  for (const p of parts) {
    if (
      p.sharedEvents !== first.sharedEvents ||
      p.stepCount !== first.stepCount ||
      p.changeStartMs !== first.changeStartMs
    )
      throw new Error(
        `a slice's shared world diverged: ${p.sharedEvents} shared events, ${p.stepCount} calls, change at ${p.changeStartMs}; the first slice had ${first.sharedEvents}, ${first.stepCount}, ${first.changeStartMs}`,
      );
  }
  const instances = parts.flatMap((p) => p.instances);
  if (instances.length !== scenario.instances.length)
    throw new Error(`the slices hold ${instances.length} of ${scenario.instances.length} instances`);
  const start = shared.changeStartMs;
  const targets = parts.reduce((n, p) => n + p.targets, 0);
  const deltas = new Map<number, number>();
  for (const p of parts) for (const [atMs, d] of p.upDeltas) deltas.set(atMs, (deltas.get(atMs) ?? 0) + d);
  const fleet = minUpShareOf(deltas, targets, start, scenario.horizonMs);
  return {
    ...shared,
    instances,
    fleet,
    checks: [
      // Runbook failures and call expectations are the shared world's; metric checks read every instance.
      ...shared.checks.filter((c) => c.kind !== 'metric'),
      ...metricCheckOutcomes(scenario.checks, metricCheckSubjects(instances)),
    ],
    eventsProcessed: first.sharedEvents + parts.reduce((n, p) => n + p.instanceEvents, 0),
  };
}
