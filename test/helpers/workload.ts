/**
 * A random workload over the whole kernel, for determinism laws: processes that sleep for
 * delays drawn from their own substreams, wait on signals fired by timers, and join through
 * allOf; timers that are scheduled and some of them cancelled, all decided by seeded draws.
 */
import { makeDistribution } from '../../src/engine/distributions.ts';
import { allOf, type Process, Signal, spawn } from '../../src/engine/process.ts';
import { Priority } from '../../src/engine/queue.ts';
import { RandomStreams } from '../../src/engine/random.ts';
import { type EventHandle, Scheduler, type TraceRecord } from '../../src/engine/scheduler.ts';
import { recordTrace } from './trace.ts';

export interface WorkloadOptions {
  readonly seed: number | string;
  /** Processes that interact through shared signals. */
  readonly processes: number;
  /** Loop iterations of each process. */
  readonly stepsPerProcess: number;
  /** Timers fired from the `timers` substream; about a third are cancelled before they fire. */
  readonly timers: number;
  /**
   * Extra processes that draw only from their own substreams and touch nothing shared: adding
   * them must not change what the others do (only the seq numbers in the trace).
   */
  readonly loners: number;
  readonly horizonMs: number;
}

export const workloadDefaults: WorkloadOptions = {
  seed: 1,
  processes: 12,
  stepsPerProcess: 15,
  timers: 40,
  loners: 0,
  horizonMs: 10 * 60_000,
};

export interface WorkloadRun {
  readonly records: TraceRecord[];
  readonly hash: string;
  readonly eventsProcessed: number;
  readonly endMs: number;
}

/** Builds and runs the workload; pure in its options (same options, same result). */
export function runWorkload(overrides: Partial<WorkloadOptions> = {}): WorkloadRun {
  const o: WorkloadOptions = { ...workloadDefaults, ...overrides };
  const streams = new RandomStreams(o.seed);
  const scheduler = new Scheduler();
  const trace = recordTrace(scheduler);
  const think = makeDistribution({ kind: 'lognormal', medianMs: 2000, p99Ms: 20_000, maxMs: 60_000 });
  const timerDelay = makeDistribution({ kind: 'uniform', lowMs: 0, highMs: 120_000 });
  const gates = Array.from({ length: 4 }, (_, i) => new Signal(`gate${i}`));

  // Timers fire the gates (and some are cancelled by other timers before they get there).
  const timerRng = streams.stream('timers');
  const handles: EventHandle[] = [];
  for (let t = 0; t < o.timers; t++) {
    const gate = gates[t % gates.length]!;
    const priority = timerRng.next() < 0.3 ? Priority.urgent : Priority.normal;
    const handle = scheduler.after(timerDelay.sample(timerRng), `timer${t}`, () => gate.fire(), priority);
    handles.push(handle);
    if (t > 0 && timerRng.next() < 0.35) {
      const victim = handles[timerRng.int(0, t - 1)]!;
      scheduler.after(timerDelay.sample(timerRng), `cancel${t}`, () => {
        scheduler.cancel(victim);
      });
    }
  }

  function* worker(i: number): Process {
    const rng = streams.stream(`process/${i}`);
    for (let step = 0; step < o.stepsPerProcess; step++) {
      const roll = rng.next();
      if (roll < 0.2) yield gates[rng.int(0, gates.length - 1)]!;
      else if (roll < 0.25) yield 0;
      else yield think.sample(rng);
    }
  }
  function* loner(i: number): Process {
    const rng = streams.stream(`loner/${i}`);
    for (let step = 0; step < o.stepsPerProcess; step++) yield think.sample(rng);
  }

  const done = Array.from({ length: o.processes }, (_, i) =>
    spawn(scheduler, `process${i}`, worker(i), `p${i}`),
  );
  for (let i = 0; i < o.loners; i++) spawn(scheduler, `loner${i}`, loner(i), `l${i}`);
  allOf('all.done', done).onFire(() => {
    scheduler.after(0, 'all.done', () => {});
  });
  scheduler.run({ untilMs: o.horizonMs, eventsMax: 1_000_000 });
  return {
    records: trace.records,
    hash: trace.digest(),
    eventsProcessed: scheduler.counters.eventsProcessed,
    endMs: scheduler.nowMs,
  };
}
