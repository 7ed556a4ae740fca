/**
 * One run split over worker threads (`iamsim run --workers N`): the compare pool's threads serve
 * the slices of src/parallel/, so a run starts its threads exactly as a comparison does.
 */
import { simulateSliced, sliceTasks } from '../parallel/run.ts';
import { type SlicePart, type SliceRunOptions, simulateAs } from '../parallel/slice.ts';
import type { RunResult } from '../result.ts';
import type { Scenario } from '../scenario/types.ts';
import { EVENTS_MAX_DEFAULT } from '../simulate.ts';
import { WorkerPool } from './pool.ts';

/**
 * Simulates `scenario` once with its instances split over `workers` threads, in chunks of at most
 * `chunkInstances` instances; the result equals the one-thread run's. The caller decides whether
 * the run may be split (singleThreadReason). One worker: this thread, unsplit.
 */
export async function simulateOnWorkers(
  scenario: Scenario,
  options: SliceRunOptions,
  workers: number,
  chunkInstances?: number,
): Promise<RunResult> {
  const oneThread = () => simulateAs(scenario, options);
  const tasks = sliceTasks(scenario.instances.length, workers, chunkInstances);
  const pool = workers > 1 ? WorkerPool.create(workers, tasks.length) : undefined;
  if (pool === undefined) return oneThread();
  try {
    pool.broadcast({ kind: 'run', scenario, options });
    return await simulateSliced(
      scenario,
      tasks,
      (task) => pool.request<SlicePart>({ kind: 'slice', task }),
      options.eventsMax ?? EVENTS_MAX_DEFAULT,
      oneThread,
    );
  } finally {
    await pool.close();
  }
}
