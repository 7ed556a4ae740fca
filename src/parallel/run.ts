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
import { mergeSlices, type SlicePart, type SliceTask } from './slice.ts';

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
  if (parts.some((p) => p.capReached === true)) return onOneThread();
  const result = mergeSlices(scenario, parts);
  return result.eventsProcessed > eventsMax ? onOneThread() : result;
}
