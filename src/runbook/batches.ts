/**
 * Rolling per-instance work out in batches (`batch: { size, pause }`), as an operator who does
 * not want the whole fleet changing at once does: a batch's instances in parallel, the next batch
 * once every instance of this one has finished, plus the pause. What "finished" means is the
 * caller's: the work it hands over for an instance that has a batch after it must include
 * waiting for that (see `more` below).
 */
import { allOf, type Process, type Yieldable } from '../engine/index.ts';
import type { BatchSpec } from '../scenario/types.ts';
import type { Operator } from './operator.ts';

/** Instances per batch for `targets` instances: the count, or the percentage rounded up (at least 1). */
export function batchSize(batch: BatchSpec, targets: number): number {
  if (batch.percent !== undefined) return Math.max(1, Math.ceil((targets * batch.percent) / 100));
  if (batch.count === undefined || batch.count < 1)
    throw new Error(`batch size ${batch.count} is not at least 1`);
  return batch.count;
}

/** `items` cut into consecutive batches, in order; one batch of all of them (even none) without a batch spec. */
export function batchesOf<T>(items: readonly T[], batch: BatchSpec | undefined): T[][] {
  if (batch === undefined) return [[...items]];
  const size = batchSize(batch, items.length);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BatchRun<T> {
  readonly op: Operator;
  readonly items: readonly T[];
  readonly batch: BatchSpec | undefined;
  /** Names the signal of a batch (`.all` when there is one batch, `.batch-N` otherwise). */
  readonly label: string;
  /** Names the child process of one item. */
  childLabel(item: T): string;
  /**
   * The work for one item. `more` is true when another batch follows, so the work must not end
   * before the item's change has taken effect as its strategy defines it; in the last batch
   * nobody waits on it, and the work may end as soon as its calls are made. `label` is the
   * child process's (childLabel's), so that the work can build on it instead of again.
   */
  work(item: T, more: boolean, label: string): Process;
  /** Called when every item of a batch has finished, before the pause. */
  afterBatch?(items: readonly T[]): void;
  /** Asked after each batch: true ends the run there (a runbook stopped under set -e). */
  shouldStop?(): boolean;
}

/**
 * Runs `work` for every item batch by batch, each batch's items in parallel child processes.
 * Without a batch spec this is one batch of every item: exactly the all-at-once fan-out.
 */
export function* runInBatches<T>(run: BatchRun<T>): Generator<Yieldable, void, void> {
  const batches = batchesOf(run.items, run.batch);
  for (const [i, items] of batches.entries()) {
    const pauseMs = run.batch?.pauseMs ?? 0;
    if (i > 0 && pauseMs > 0) yield pauseMs;
    const more = i < batches.length - 1;
    yield startBatch(run, items, more, batches.length === 1 ? `${run.label}.all` : `${run.label}.batch-${i}`);
    run.afterBatch?.(items);
    if (run.shouldStop?.() === true) return;
  }
}

/**
 * Spawns a batch's work and returns the signal that fires when all of it has finished. Apart from
 * runInBatches so that the list of the items' done signals is not held by its suspended frame: a
 * finished process is then garbage at once, not kept until its whole batch (a fleet) is done.
 */
function startBatch<T>(run: BatchRun<T>, items: readonly T[], more: boolean, label: string) {
  return allOf(
    label,
    items.map((item) => {
      const childLabel = run.childLabel(item);
      return run.op.spawn(childLabel, run.work(item, more, childLabel));
    }),
  );
}
