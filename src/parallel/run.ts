/**
 * A run split into slices of its instances (see slice.ts), handed to an executor (worker threads
 * and this thread, or this thread alone in tests), and merged. A thread records the shared world
 * once and replays it to its slices' instances a small chunk at a time (replayed.ts) whenever the
 * run allows it; otherwise (a runbook that launches instances, a run with causes) each slice
 * simulates the shared world again with its own instances. For that plain path a thread's share
 * can be cut into tasks of at most `chunkInstances` instances, each re-simulating the shared
 * world (~24 us per instance of the fleet for replace-profile over 24 h, against ~90 us for an
 * instance's own side): it pays only when the instances' own memory dominates, and is off by
 * default.
 */
import type { RunResult } from '../result.ts';
import type { Scenario } from '../scenario/types.ts';
import { EVENTS_MAX_DEFAULT } from '../simulate.ts';
import { forgetRecordings, replayedSlice } from './replayed.ts';
import {
  mergeSlices,
  type SlicePart,
  type SliceRunOptions,
  type SliceTask,
  simulateAs,
  singleThreadReason,
} from './slice.ts';

/**
 * Instances from which a run on one thread records its shared world and replays it to the
 * instances a chunk at a time (replayed.ts), as each thread of a split run does, instead of
 * simulating every instance at once: the same result, and faster once the instances' state no
 * longer fits the caches. Measured on one thread (replace-profile, two regions, 24 h, every SDK
 * preset, a probe a minute; two runs each, loaded 2-core machine), whole run vs replayed:
 * 5,000 instances 0.60/0.56 s vs 0.64/0.61 s; 10,000 1.07/0.88 vs 0.87/0.81; 20,000 1.65/1.79 vs
 * 1.30/1.28; 100,000 10.8/10.2 vs 5.2/5.5.
 */
export const REPLAYED_RUN_INSTANCES_MIN = 10_000;

/** Told how many of a run's instances are simulated (a progress display; never read by the run). */
export type Progress = (instancesDone: number, instances: number) => void;

/**
 * One run of `scenario` on this thread, the same result as simulateAs: from `replayFrom`
 * instances on, when the run may be split (singleThreadReason), recorded once and replayed a chunk
 * at a time, telling `onProgress` as chunks are done. The recording is dropped when the run is
 * over (a thread that runs many seeds of one scenario, a comparison's, would otherwise keep one
 * per seed).
 */
export function simulateHere(
  scenario: Scenario,
  options: SliceRunOptions,
  replayFrom: number = REPLAYED_RUN_INSTANCES_MIN,
  onProgress?: Progress,
): RunResult {
  const whole = () => simulateAs(scenario, options);
  const count = scenario.instances.length;
  if (count < replayFrom || singleThreadReason(scenario, options) !== undefined) return whole();
  try {
    // The recording comes first (a third or so of the time), then the chunks, each told.
    onProgress?.(0, count);
    const task = { fromIndex: 0, toIndex: count, shared: true };
    const part = replayedSlice(scenario, options, task, undefined, (done) => onProgress?.(done, count));
    if (part === undefined) return whole();
    return mergedUnderCap(scenario, [part], options.eventsMax ?? EVENTS_MAX_DEFAULT) ?? whole();
  } finally {
    forgetRecordings(scenario);
  }
}

/**
 * The slices of a run over `instances` instances for `workers` threads: equal chunks in instance
 * order, as many as a multiple of `workers` that keeps each at most `chunkInstances`; the first
 * also returns the shared part of the result.
 */
export function sliceTasks(
  instances: number,
  workers: number,
  chunkInstances = Number.POSITIVE_INFINITY,
): SliceTask[] {
  const perWorker = Math.ceil(instances / Math.max(1, workers));
  const chunksPerWorker = Math.max(1, Math.ceil(perWorker / Math.max(1, chunkInstances)));
  const chunks = Math.max(1, Math.min(instances, workers * chunksPerWorker));
  return Array.from({ length: chunks }, (_, k) => ({
    fromIndex: Math.floor((k * instances) / chunks),
    toIndex: Math.floor(((k + 1) * instances) / chunks),
    shared: k === 0,
  }));
}

/**
 * Runs `tasks` (sliceTasks) through `execute` and merges them into the run's result. When a slice
 * went over the event cap (or all together do), the run is repeated by `onOneThread`, whose error
 * names where the whole run reached the cap.
 */
export async function simulateSliced(
  scenario: Scenario,
  tasks: readonly SliceTask[],
  execute: (task: SliceTask, index: number) => Promise<SlicePart>,
  eventsMax: number,
  onOneThread: () => RunResult | Promise<RunResult>,
): Promise<RunResult> {
  const parts = await Promise.all(tasks.map((task, k) => execute(task, k)));
  return mergedUnderCap(scenario, parts, eventsMax) ?? onOneThread();
}

/**
 * The run merged from `parts`, or undefined when it went over `eventsMax` (a slice found it, or
 * the merged count shows it): the caller then runs it whole, whose error says where.
 */
function mergedUnderCap(
  scenario: Scenario,
  parts: readonly SlicePart[],
  eventsMax: number,
): RunResult | undefined {
  if (parts.some((p) => p.capReached === true)) return undefined;
  const result = mergeSlices(scenario, parts);
  return result.eventsProcessed > eventsMax ? undefined : result;
}
