/**
 * One run split over worker threads (`iamsim run --workers`): the compare pool's threads serve
 * the slices of src/parallel/, so a run starts its threads exactly as a comparison does.
 *
 * This thread is one of the `workers`: it simulates every `workers`-th slice itself, the first
 * (the one with the shared part of the result) among them, and `workers - 1` pool threads the
 * others. An idle main thread would cost a heap and a copy of every slice's result for nothing:
 * the slices it simulates need no structured clone (half the transfer on 2 threads, and the step
 * records, ~300 B per instance serialized, never travel), and the pool threads are ended as soon
 * as their last slice is in, so their heaps are gone before the merge allocates. This thread
 * also records the run's shared world once and sends the record to the pool's threads, which
 * replay it instead of recording it themselves (src/parallel/replayed.ts).
 */

import { unpackSlicePart } from '../parallel/packed-instances.ts';
import { shareRecording } from '../parallel/replayed.ts';
import { type Progress, simulateHere, simulateSliced, sliceTasks } from '../parallel/run.ts';
import {
  runSlice,
  type SlicePart,
  type SliceRunOptions,
  type SliceTask,
  simulateAs,
} from '../parallel/slice.ts';
import type { RunResult } from '../result.ts';
import type { Scenario } from '../scenario/types.ts';
import { EVENTS_MAX_DEFAULT } from '../simulate.ts';
import { WorkerPool } from './pool.ts';

/** Resolves on a later turn of the event loop, after the messages (pool replies) waiting now. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Where a split run is, told as it gets there (for a caller that times the phases; the run reads
 * no clock): this thread has recorded the shared world, has simulated its own slices, and every
 * pool thread's slice is in.
 */
export type SplitPhase = 'recorded' | 'hereDone' | 'poolDone';

/** What a caller of simulateOnWorkers may add: none of it changes the result. */
export interface SplitHooks {
  /** Instances a slice holds at most (more slices than threads); default: one slice per thread. */
  readonly chunkInstances?: number;
  readonly onPhase?: (phase: SplitPhase) => void;
  /** Told as instances are done: this thread's chunk by chunk, a pool thread's slice by slice. */
  readonly onProgress?: Progress;
}

/**
 * A split run's progress: instances of the slices finished (this thread's and the pool's), plus
 * those of this thread's slice in progress, chunk by chunk. Never goes back: pool replies are
 * taken between this thread's slices, never during one.
 */
function splitProgress(total: number, onProgress: Progress | undefined) {
  let slicesDone = 0;
  return {
    chunk: (instancesDone: number) => onProgress?.(slicesDone + instancesDone, total),
    slice: (task: SliceTask) => {
      slicesDone += task.toIndex - task.fromIndex;
      onProgress?.(slicesDone, total);
    },
  };
}

/**
 * Simulates `scenario` once with its instances split over `workers` threads; the result equals
 * the one-thread run's. The caller decides whether the run may be split (singleThreadReason).
 * One worker: this thread alone (simulateHere).
 */
export async function simulateOnWorkers(
  scenario: Scenario,
  options: SliceRunOptions,
  workers: number,
  hooks: SplitHooks = {},
): Promise<RunResult> {
  const { onPhase, onProgress } = hooks;
  const oneThread = () => simulateAs(scenario, options);
  const total = scenario.instances.length;
  const tasks = sliceTasks(total, workers, hooks.chunkInstances);
  const threads = Math.min(workers, tasks.length);
  if (threads <= 1) return simulateHere(scenario, options, undefined, onProgress);
  const pool = WorkerPool.ofSize(threads - 1);
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= pool.close();
    return closed;
  };
  let pooled = tasks.length - Math.ceil(tasks.length / threads);
  let here = Math.ceil(tasks.length / threads);
  // This thread's slices run one after another, each on a later turn of the event loop: the pool's
  // replies that came in meanwhile are taken first, so its threads get their next slices.
  // Once the run has failed (a pool thread's error), the slices still due here are not simulated.
  let local: Promise<unknown> = Promise.resolve();
  let over = false;
  const progress = splitProgress(total, onProgress);
  const runHere = (task: (typeof tasks)[number]): SlicePart => {
    if (over) throw new Error('the split run already failed');
    return runSlice(scenario, options, task, progress.chunk);
  };
  const execute = (task: (typeof tasks)[number], k: number): Promise<SlicePart> => {
    if (k % threads === 0) {
      const part = local
        .then(nextTurn)
        .then(() => runHere(task))
        .then((p) => {
          progress.slice(task);
          if (--here === 0) onPhase?.('hereDone');
          return p;
        });
      local = part;
      return part;
    }
    return pool.request<SlicePart>({ kind: 'slice', task }).then((part) => {
      const unpacked = unpackSlicePart(part);
      progress.slice(task);
      if (--pooled === 0) {
        void close();
        onPhase?.('poolDone');
      }
      return unpacked;
    });
  };
  try {
    onProgress?.(0, total);
    pool.broadcast({ kind: 'run', scenario, options });
    // This thread records the shared world once for all (the pool's threads wait meanwhile:
    // recording in every thread at once cost each ~1.8x the time of one alone).
    const recording = shareRecording(scenario, options);
    onPhase?.('recorded');
    if (recording !== undefined) pool.broadcast({ kind: 'recording', recording });
    return await simulateSliced(
      scenario,
      tasks,
      execute,
      options.eventsMax ?? EVENTS_MAX_DEFAULT,
      async () => {
        await close();
        return oneThread();
      },
    );
  } finally {
    over = true;
    await close();
  }
}
