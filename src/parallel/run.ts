/**
 * A run split into slices of its instances (see slice.ts), handed to an executor (worker threads
 * and this thread, or this thread alone in tests), and merged. A thread's share can be cut into
 * chunks so that it holds at most `chunkInstances` instances' runtimes at once; but each chunk
 * re-simulates the shared world, and that is not small: the runbook makes its calls for every
 * instance, so the shared world costs about a quarter of the instance side's time per instance
 * (measured, replace-profile over 24 h: ~24 us and ~3 KB of peak memory per instance for the
 * shared world, ~90 us for an instance's own side). Chunks therefore pay only when the instances'
 * own memory dominates, and are off by default: one chunk per thread.
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
