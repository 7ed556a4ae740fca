/**
 * The worker threads of a comparison: a fixed pool serving requests from a FIFO, answered by id,
 * so results are put back in request order whatever order the threads finish in.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RecordingData } from '../parallel/replayed.ts';
import type { SliceRunOptions, SliceTask } from '../parallel/slice.ts';
import type { SummaryTask } from '../report/summarize.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CompareEntry, CompareJob } from './jobs.ts';

/** What the main thread asks of a worker (see worker.ts). */
export type WorkerRequest =
  | { readonly kind: 'entries'; readonly entries: readonly CompareEntry[] }
  | { readonly kind: 'jobs'; readonly jobs: readonly CompareJob[]; readonly keep: number }
  | { readonly kind: 'summary'; readonly task: SummaryTask }
  // One run split over instances (iamsim run --workers, src/parallel/): the run once, the main
  // thread's recording of its shared world when it has one, then slices.
  | { readonly kind: 'run'; readonly scenario: Scenario; readonly options: SliceRunOptions }
  | { readonly kind: 'recording'; readonly recording: RecordingData }
  | { readonly kind: 'slice'; readonly task: SliceTask };

/** A worker's answer to request `id`. */
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/**
 * A fixed set of worker threads, each serving one request at a time from a shared FIFO. Requests
 * are answered by id; a worker error rejects every pending request (the run fails loudly).
 */
export class WorkerPool {
  private readonly workers: Worker[];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; request: WorkerRequest }[] = [];
  /** How many requests at the head of the queue were asked for `first` (they keep their order). */
  private queuedFirst = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failed: Error | undefined;

  /** A pool of min(workers, tasks) threads, or undefined when that is one (work in this thread). */
  static create(workers: number, tasks: number): WorkerPool | undefined {
    const n = Math.max(1, Math.min(workers, tasks));
    return n === 1 ? undefined : new WorkerPool(n);
  }

  /** A pool of exactly `size` threads (at least one), e.g. beside work this thread does itself. */
  static ofSize(size: number): WorkerPool {
    return new WorkerPool(Math.max(1, size));
  }

  private constructor(size: number) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('./worker.js', import.meta.url));
      worker.on('message', (reply: WorkerReply) => this.answered(worker, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a compare worker exited with code ${code}`));
      });
      return worker;
    });
    this.idle.push(...this.workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Sends `request` to every worker ahead of anything queued (no answer). */
  broadcast(request: WorkerRequest): void {
    for (const worker of this.workers) worker.postMessage({ id: -1, request });
  }

  /**
   * Queues `request`; with `first`, ahead of every request queued without it (after those queued
   * with it), e.g. work that finishes a result while other work is still queued.
   */
  request<T>(request: WorkerRequest, options: { readonly first?: boolean } = {}): Promise<T> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    const id = this.nextId++;
    const promise = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
    if (options.first === true) this.queue.splice(this.queuedFirst++, 0, { id, request });
    else this.queue.push({ id, request });
    this.dispatch();
    return promise;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.shift()!;
      worker.postMessage(this.queue.shift()!);
      if (this.queuedFirst > 0) this.queuedFirst--;
    }
  }

  private answered(worker: Worker, reply: WorkerReply): void {
    if (reply.id < 0) {
      // Only a failed broadcast is answered; the worker was never taken from the idle list for it.
      if (!reply.ok) this.fail(new Error(reply.error));
      return;
    }
    const waiter = this.pending.get(reply.id);
    if (waiter !== undefined) {
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else {
        this.fail(new Error(reply.error));
        // Taken from the pending ones above, so fail() did not reach it: a lone failed request
        // would otherwise never settle.
        waiter.reject(this.failed!);
      }
    }
    this.idle.push(worker);
    this.dispatch();
  }

  private fail(error: Error): void {
    if (this.failed !== undefined) return;
    this.failed = error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** A sensible default worker count: the cores this machine has. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}
