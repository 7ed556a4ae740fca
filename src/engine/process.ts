/**
 * Processes, SimPy-style: a generator that yields what it waits for, so a runbook reads as a
 * sequence ("call, wait 30 s, poll until associated") instead of a chain of callbacks.
 *
 * A process yields either a delay in ms (sleep) or a `Signal` (resume when it fires). `spawn`
 * starts the process at the current time; the returned `done` signal fires when it returns.
 */
import { SimulationError } from './errors.ts';
import { Priority } from './queue.ts';
import { type Scheduler, TIMER_ITSELF, Timer, type TimerKind, timerKind } from './scheduler.ts';

/**
 * A one-shot condition that processes can wait on. Every process has one (its `done`), and a
 * fleet's fan-out starts a process per instance at once, each waited on by exactly one `allOf`:
 * so the first waiter has a field of its own (no array until a second one comes), and a done
 * signal is labelled with its process's label (no string built per process).
 */
export class Signal {
  private first: (() => void) | undefined = undefined;
  private rest: (() => void)[] | undefined = undefined;
  fired = false;

  /** For debugging: what the signal marks (a process's done signal carries the process's label). */
  constructor(readonly label: string) {}

  /** Fires the signal; waiting processes resume at the current time, in the order they started waiting. */
  fire(): void {
    if (this.fired) return;
    this.fired = true;
    const { first, rest } = this;
    this.first = undefined;
    this.rest = undefined;
    if (first !== undefined) first();
    if (rest !== undefined) for (const w of rest) w();
  }

  /** Calls `callback` when the signal fires (at once if it already has). */
  onFire(callback: () => void): void {
    if (this.fired) callback();
    else if (this.first === undefined) this.first = callback;
    else if (this.rest === undefined) this.rest = [callback];
    else this.rest.push(callback);
  }
}

export type Yieldable = number | Signal;
export type Process = Generator<Yieldable, void, void>;

/** Starts `body` now. Returns the signal that fires when it finishes. */
export function spawn(scheduler: Scheduler, label: string, body: Process, subject?: string): Signal {
  return new ProcessRun(scheduler, label, body, subject).done;
}

/** The kind of every process's timer: the process is the timer, and it gives its own label and subject. */
const PROCESS_RESUME: TimerKind<ProcessRun> = timerKind('process', (run) => run.resume(), Priority.normal);

/**
 * A running process. Its sleeps reuse one timer, which orders them exactly as one event per
 * sleep would (each takes a fresh seq) without allocating one: a runbook's fan-out starts a
 * process per instance at once, and what each holds while it waits is the bulk of what that
 * burst allocates. The process is that timer itself (TIMER_ITSELF), with its label and subject
 * in its own fields: one object per process instead of a process and a timer. The timer's slot
 * is given back when the process returns.
 */
class ProcessRun extends Timer {
  readonly done: Signal;

  constructor(
    scheduler: Scheduler,
    private readonly processLabel: string,
    private readonly body: Process,
    private readonly processSubject: string | undefined,
  ) {
    super(scheduler, scheduler.queueForTimers(), PROCESS_RESUME, TIMER_ITSELF);
    this.done = new Signal(processLabel);
    this.after(0);
  }

  override get label(): string {
    return this.processLabel;
  }

  override get subject(): string | undefined {
    return this.processSubject;
  }

  resume(): void {
    const result = this.body.next();
    if (result.done) {
      this.release();
      this.done.fire();
      return;
    }
    const waitFor = result.value;
    if (typeof waitFor === 'number') {
      if (!Number.isInteger(waitFor) || waitFor < 0) {
        throw new SimulationError(`process '${this.label}' yielded an invalid delay: ${String(waitFor)}`);
      }
      this.after(waitFor);
    } else {
      // Resume through the queue (urgent lane) so that signal order, not call depth, decides who runs first.
      waitFor.onFire(() =>
        this.owner.after(0, this.label, () => this.resume(), Priority.urgent, this.subject),
      );
    }
  }
}

/** A signal that fires when all of `signals` have fired. */
export function allOf(label: string, signals: readonly Signal[]): Signal {
  const all = new Signal(label);
  let remaining = signals.length;
  if (remaining === 0) all.fire();
  // One callback for all of them (it does not depend on which fired), not one per signal.
  const oneFired = () => {
    remaining--;
    if (remaining === 0) all.fire();
  };
  // By index: a fleet's fan-out waits on a signal per instance in one call, which runs unoptimized,
  // where for-of would allocate a result object per signal.
  for (let i = 0; i < signals.length; i++) signals[i]!.onFire(oneFired);
  return all;
}

/**
 * What ProcessSteps return: one mutable result for their yields and one for their returns, shared
 * by every step. A step's result is read by its consumer (a process run, an enclosing step, a
 * generator's `yield*`) before any step is advanced again, so none is held across another `next`;
 * a fleet's fan-out would otherwise allocate a few per instance and event.
 */
const YIELDED: { done: false; value: unknown } = { done: false, value: undefined };
const RETURNED: { done: true; value: unknown } = { done: true, value: undefined };

/** A ProcessStep's yield of `value` (see YIELDED: read it before advancing any step again). */
export function stepYield<Y>(value: Y): IteratorYieldResult<Y> {
  YIELDED.value = value;
  return YIELDED as IteratorYieldResult<Y>;
}

/** A ProcessStep's return of `value` (see YIELDED: read it before advancing any step again). */
export function stepReturn<R>(value: R): IteratorReturnResult<R> {
  RETURNED.value = value;
  return RETURNED as IteratorReturnResult<R>;
}

/**
 * A step of a process (`yield* step`) written as a small iterator object instead of a generator.
 * For the steps a fleet's fan-out has in flight once per instance at the same time (a call, its
 * retries): a suspended generator keeps a frame several times the size of a few fields.
 * Subclasses implement `advance`, which is called only until it has returned `done`.
 */
export abstract class ProcessStep<Y, R> implements Generator<Y, R, void> {
  private finished = false;

  /** The next step (what the generator would yield or return next). */
  protected abstract advance(): IteratorResult<Y, R>;

  next(): IteratorResult<Y, R> {
    if (this.finished) return { done: true, value: undefined as never };
    const step = this.advance();
    if (step.done === true) this.finished = true;
    return step;
  }

  return(value: R): IteratorResult<Y, R> {
    this.finished = true;
    return { done: true, value };
  }

  throw(e: unknown): IteratorResult<Y, R> {
    this.finished = true;
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * A process step that runs `inner` and returns `map` of its result: what
 * `function* () { return map(yield* inner); }` does, as a ProcessStep. `map` should be a function
 * made once (not a closure per call), for the same reason.
 */
export function mapReturn<Y, A, B>(
  inner: Generator<Y, A, void>,
  map: (value: A) => B,
): Generator<Y, B, void> {
  return new MappedReturn(inner, map);
}

class MappedReturn<Y, A, B> extends ProcessStep<Y, B> {
  constructor(
    private readonly inner: Generator<Y, A, void>,
    private readonly map: (value: A) => B,
  ) {
    super();
  }

  protected advance(): IteratorResult<Y, B> {
    const step = this.inner.next();
    return step.done === true ? stepReturn(this.map(step.value)) : step;
  }
}
