/**
 * Processes, SimPy-style: a generator that yields what it waits for, so a runbook reads as a
 * sequence ("call, wait 30 s, poll until associated") instead of a chain of callbacks.
 *
 * A process yields either a delay in ms (sleep) or a `Signal` (resume when it fires). `spawn`
 * starts the process at the current time; the returned `done` signal fires when it returns.
 */
import { SimulationError } from './errors.ts';
import { Priority } from './queue.ts';
import { type Scheduler, type Timer, timerKind } from './scheduler.ts';

/** A one-shot condition that processes can wait on. */
export class Signal {
  private waiters: (() => void)[] = [];
  fired = false;

  constructor(readonly label: string) {}

  /** Fires the signal; waiting processes resume at the current time, in the order they started waiting. */
  fire(): void {
    if (this.fired) return;
    this.fired = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Calls `callback` when the signal fires (at once if it already has). */
  onFire(callback: () => void): void {
    if (this.fired) callback();
    else this.waiters.push(callback);
  }
}

export type Yieldable = number | Signal;
export type Process = Generator<Yieldable, void, void>;

/** Starts `body` now. Returns the signal that fires when it finishes. */
export function spawn(scheduler: Scheduler, label: string, body: Process, subject?: string): Signal {
  return new ProcessRun(scheduler, label, body, subject).done;
}

/** What a process's timer calls: one function for every process (see Scheduler.targetTimer). */
function resumeRun(run: ProcessRun): void {
  run.resume();
}

/**
 * A running process. Its sleeps reuse one timer, which orders them exactly as one event per
 * sleep would (each takes a fresh seq) without allocating one: a runbook's fan-out starts a
 * process per instance at once, and what each holds while it waits is the bulk of what that
 * burst allocates. The timer's slot is given back when the process returns.
 */
class ProcessRun {
  readonly done: Signal;
  private readonly sleep: Timer;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly label: string,
    private readonly body: Process,
    private readonly subject: string | undefined,
  ) {
    this.done = new Signal(`${label}.done`);
    this.sleep = scheduler.targetTimer(timerKind(label, resumeRun, Priority.normal, subject), this);
    this.sleep.after(0);
  }

  resume(): void {
    const result = this.body.next();
    if (result.done) {
      this.sleep.release();
      this.done.fire();
      return;
    }
    const waitFor = result.value;
    if (typeof waitFor === 'number') {
      if (!Number.isInteger(waitFor) || waitFor < 0) {
        throw new SimulationError(`process '${this.label}' yielded an invalid delay: ${String(waitFor)}`);
      }
      this.sleep.after(waitFor);
    } else {
      // Resume through the queue (urgent lane) so that signal order, not call depth, decides who runs first.
      waitFor.onFire(() =>
        this.scheduler.after(0, this.label, () => this.resume(), Priority.urgent, this.subject),
      );
    }
  }
}

/** A signal that fires when all of `signals` have fired. */
export function allOf(label: string, signals: readonly Signal[]): Signal {
  const all = new Signal(label);
  let remaining = signals.length;
  if (remaining === 0) all.fire();
  for (const s of signals) {
    s.onFire(() => {
      remaining--;
      if (remaining === 0) all.fire();
    });
  }
  return all;
}
