/**
 * The `engine` benchmark: the classic hold model run through our Scheduler and, in the same
 * process, through a minimal binary heap that does the same work.
 *
 * The hold model keeps a constant number of pending events: every popped event schedules one new
 * event after a random delay. It measures the queue and the dispatch path, nothing else, which is
 * what the kernel adds over a bare heap. Both sides draw their delays from identically seeded
 * streams in pop order, and both pop in the same order (all events share one priority, so
 * `(time, priority, seq)` and `(time, seq)` agree), so they must end at the same virtual time
 * with the same checksum: the benchmark checks its own work before reporting a speed.
 */
import { performance } from 'node:perf_hooks';
import { RandomStream } from '../../src/engine/random.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import type { Benchmark, BenchResult } from './benchmark.ts';

export interface EngineBenchOptions {
  /** Events pending at all times (the heap size). */
  readonly pendingEvents: number;
  /** Events popped (and re-scheduled) per round. */
  readonly eventsProcessed: number;
  /** Rounds per side; the sides alternate and the median round is reported. */
  readonly rounds: number;
  /** Mean of the exponential hold delay, ms. */
  readonly delayMsMean: number;
  /** Seed of the delay stream; both sides use the same one. */
  readonly seed: string;
}

export const engineBenchDefaults: EngineBenchOptions = {
  pendingEvents: 1_000,
  eventsProcessed: 1_000_000,
  rounds: 3,
  delayMsMean: 1_000,
  seed: 'bench/engine',
};

/** What one timed round did: how long it took and where it ended, so the two sides can be compared. */
export interface RoundOutcome {
  readonly elapsedMs: number;
  readonly eventsProcessed: number;
  readonly finalTimeMs: number;
  /** Sum of popped event times modulo 2^32: equal on both sides when they pop the same sequence. */
  readonly checksum: number;
}

export interface EngineBenchResult extends BenchResult {
  readonly name: 'engine';
  readonly eventsPerSec: number;
  readonly baselineEventsPerSec: number;
  /** eventsPerSec / baselineEventsPerSec; the target is >= 0.6. */
  readonly ratio: number;
  readonly pendingEvents: number;
  readonly eventsProcessed: number;
  readonly rounds: number;
  readonly finalTimeMs: number;
  readonly checksum: number;
  /** True when both sides ended at the same time with the same checksum. */
  readonly agree: boolean;
}

/** Integer exponential delay. The same function on both sides, so drawing costs the same. */
function holdDelayMs(rng: RandomStream, meanMs: number): number {
  return Math.floor(-meanMs * Math.log(1 - rng.next()));
}

/** One round through the real Scheduler: `after` to schedule, `step` to pop and dispatch. */
export function engineRound(options: EngineBenchOptions): RoundOutcome {
  const { pendingEvents, eventsProcessed, delayMsMean } = options;
  const rng = new RandomStream(options.seed);
  const scheduler = new Scheduler();
  let checksum = 0;
  // One shared action: the benchmark measures the kernel, not closure allocation in the model.
  const hold = (): void => {
    checksum = (checksum + scheduler.nowMs) >>> 0;
    scheduler.after(holdDelayMs(rng, delayMsMean), 'hold', hold);
  };
  for (let i = 0; i < pendingEvents; i++) scheduler.after(holdDelayMs(rng, delayMsMean), 'hold', hold);
  const start = performance.now();
  let processed = 0;
  while (processed < eventsProcessed && scheduler.step()) processed++;
  const elapsedMs = performance.now() - start;
  return { elapsedMs, eventsProcessed: processed, finalTimeMs: scheduler.nowMs, checksum };
}

interface BaselineEntry {
  time: number;
  seq: number;
}

/** The baseline: a textbook binary heap of plain `{ time, seq }` objects, with no kernel around it. */
export function baselineRound(options: EngineBenchOptions): RoundOutcome {
  const { pendingEvents, eventsProcessed, delayMsMean } = options;
  const rng = new RandomStream(options.seed);
  const heap: BaselineEntry[] = [];
  let nextSeq = 0;
  const before = (a: BaselineEntry, b: BaselineEntry): boolean =>
    a.time !== b.time ? a.time < b.time : a.seq < b.seq;
  const push = (time: number): void => {
    const entry: BaselineEntry = { time, seq: nextSeq++ };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p]!;
      if (!before(entry, parent)) break;
      heap[i] = parent;
      i = p;
    }
    heap[i] = entry;
  };
  const pop = (): BaselineEntry | undefined => {
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
        const c = heap[child]!;
        if (!before(c, last)) break;
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  };

  let nowMs = 0;
  let checksum = 0;
  for (let i = 0; i < pendingEvents; i++) push(holdDelayMs(rng, delayMsMean));
  const start = performance.now();
  let processed = 0;
  while (processed < eventsProcessed) {
    const entry = pop();
    if (entry === undefined) break;
    nowMs = entry.time;
    processed++;
    checksum = (checksum + nowMs) >>> 0;
    push(nowMs + holdDelayMs(rng, delayMsMean));
  }
  const elapsedMs = performance.now() - start;
  return { elapsedMs, eventsProcessed: processed, finalTimeMs: nowMs, checksum };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * After a short warm-up of each side, runs the engine and baseline rounds alternately (engine, baseline, engine, ...) so that both
 * see the same machine noise, and reports the median rate of each.
 * @throws RangeError when a size is not a positive integer.
 */
export function runEngineBench(overrides: Partial<EngineBenchOptions> = {}): EngineBenchResult {
  const options: EngineBenchOptions = { ...engineBenchDefaults, ...overrides };
  for (const key of ['pendingEvents', 'eventsProcessed', 'rounds'] as const) {
    const value = options[key];
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${key} must be a positive integer, got ${value}`);
  }
  // One short unmeasured round per side first, so that neither side's first timed round pays for
  // JIT compilation (the median of three would otherwise include one cold round per side).
  const warmup = { ...options, eventsProcessed: Math.ceil(options.eventsProcessed / 10) };
  engineRound(warmup);
  baselineRound(warmup);
  const engine: RoundOutcome[] = [];
  const baseline: RoundOutcome[] = [];
  for (let r = 0; r < options.rounds; r++) {
    engine.push(engineRound(options));
    baseline.push(baselineRound(options));
  }
  const rate = (o: RoundOutcome): number => (o.eventsProcessed / Math.max(o.elapsedMs, 1e-3)) * 1000;
  const eventsPerSec = Math.round(median(engine.map(rate)));
  const baselineEventsPerSec = Math.round(median(baseline.map(rate)));
  const first = engine[0]!;
  const agree = [...engine, ...baseline].every(
    (o) =>
      o.eventsProcessed === first.eventsProcessed &&
      o.finalTimeMs === first.finalTimeMs &&
      o.checksum === first.checksum,
  );
  return {
    name: 'engine',
    eventsPerSec,
    baselineEventsPerSec,
    ratio: Math.round((eventsPerSec / baselineEventsPerSec) * 1000) / 1000,
    pendingEvents: options.pendingEvents,
    eventsProcessed: first.eventsProcessed,
    rounds: options.rounds,
    finalTimeMs: first.finalTimeMs,
    checksum: first.checksum,
    agree,
  };
}

export const engineBenchmark: Benchmark = {
  name: 'engine',
  description: 'hold model, 1k pending / 1M processed: Scheduler vs a bare binary heap',
  run: () => runEngineBench(),
};
