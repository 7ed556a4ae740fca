/**
 * The scheduler: a virtual clock in integer milliseconds over the event queue.
 *
 * Four verbs, as in SimPy: `schedule` (at an absolute time, or `after` a delay), `peek`, `step`
 * and `run`. Time advances in exactly one place, `step`. The scheduler knows nothing about AWS:
 * an event is a callback with a label (for traces) and the model decides what it means.
 */
import { ResourceCapError, SimulationError } from './errors.ts';
import { EventQueue, Priority, type QueueEntry } from './queue.ts';

export type EventAction = () => void;

export interface ScheduledEvent {
  /** A short label for traces, e.g. `imds.rotate`. */
  readonly label: string;
  readonly action: EventAction;
  /** Optional subject for traces (an instance name, a region). */
  readonly subject?: string;
}

/** What an observer of the trace sees for every event that fires. */
export interface TraceRecord {
  readonly timeMs: number;
  readonly priority: number;
  readonly seq: number;
  readonly label: string;
  readonly subject?: string;
}

export type TraceObserver = (record: TraceRecord) => void;

/** A handle returned by schedule(); pass it to cancel(). */
export type EventHandle = QueueEntry<ScheduledEvent>;

export interface RunOptions {
  /** Stop before any event later than this time; the clock is then set to it. Required: every run has a horizon. */
  readonly untilMs: number;
  /** Cap on the number of events processed by this call; exceeding it throws ResourceCapError. */
  readonly eventsMax?: number;
}

export interface SchedulerCounters {
  eventsProcessed: number;
  queueHighWater: number;
}

export interface SchedulerOptions {
  /** Cap on live pending events; scheduling beyond it throws ResourceCapError and schedules nothing. Default 10 million. */
  readonly pendingMax?: number;
}

function checkTime(name: string, value: number): void {
  if (!Number.isInteger(value)) {
    throw new SimulationError(`${name} must be an integer number of milliseconds, got ${String(value)}`);
  }
}

export class Scheduler {
  private readonly queue = new EventQueue<ScheduledEvent>();
  private nowMsValue = 0;
  private currentLabelValue = '';
  private readonly observers: TraceObserver[] = [];
  /** What countWhere counts (undefined: nothing), and how many so far: no record per event. */
  private countedTest: ((label: string) => boolean) | undefined;
  private countedValue = 0;
  private readonly pendingMax: number;
  readonly counters: SchedulerCounters = { eventsProcessed: 0, queueHighWater: 0 };
  private fireHooks: FireHooks | undefined;

  constructor(options: SchedulerOptions = {}) {
    this.pendingMax = options.pendingMax ?? 10_000_000;
  }

  /** Current virtual time in milliseconds. Never decreases. */
  get nowMs(): number {
    return this.nowMsValue;
  }

  /**
   * The label of the event being processed (or the last one processed), for observers that need
   * to know what caused a callback without tracing every event.
   */
  get currentLabel(): string {
    return this.currentLabelValue;
  }

  /** Live pending events. */
  get pendingCount(): number {
    return this.queue.size;
  }

  /**
   * Starts over at time 0 with nothing pending and zero counters, as a new scheduler would (trace
   * observers stay attached), but keeping the memory it has: for running many short independent
   * simulations one after the other (the isolated warm-up runs one per instance). Timers still
   * bound to it must not be used again (move them away first, see moveTimers).
   * @throws SimulationError when events are pending.
   */
  restart(): void {
    if (this.queue.size > 0) {
      throw new SimulationError(`cannot restart a scheduler with ${this.queue.size} pending events`);
    }
    this.queue.clear();
    this.nowMsValue = 0;
    this.counters.eventsProcessed = 0;
    this.counters.queueHighWater = 0;
  }

  /** Adds an observer that sees every event as it fires, in order. */
  onTrace(observer: TraceObserver): void {
    this.observers.push(observer);
  }

  /**
   * From now on, counts the events processed whose label passes `test` (see counted): what a
   * caller that only needs a count asks for instead of a trace observer, which builds a record
   * per event. One number, not a count per label: labels may be unique per process, and a map of
   * them grew by an entry per instance in a fleet's run.
   */
  countWhere(test: (label: string) => boolean): void {
    this.countedTest = test;
    this.countedValue = 0;
  }

  /** Events counted since countWhere(), or undefined when it was not called. */
  get counted(): number | undefined {
    return this.countedTest === undefined ? undefined : this.countedValue;
  }

  /**
   * Schedules `action` at absolute time `timeMs`.
   * @throws SimulationError when `timeMs` is not an integer or lies in the past.
   */
  at(
    timeMs: number,
    label: string,
    action: EventAction,
    priority: Priority = Priority.normal,
    subject?: string,
  ): EventHandle {
    this.checkSchedulable(timeMs, label);
    // One shape for every one-shot event, `subject` or none: with Timer and its subclasses, the
    // payloads fire() sees stay few enough for its property reads to stay polymorphic.
    const event: ScheduledEvent = { label, action, subject };
    const entry = this.queue.push(timeMs, priority, event);
    this.noteSize();
    return entry;
  }

  /**
   * Schedules `action` after `delayMs` from now.
   * @throws SimulationError when `delayMs` is negative, not an integer, or NaN.
   */
  after(
    delayMs: number,
    label: string,
    action: EventAction,
    priority: Priority = Priority.normal,
    subject?: string,
  ): EventHandle {
    checkTime('delayMs', delayMs);
    if (delayMs < 0)
      throw new SimulationError(`delay for '${label}' must not be negative, got ${delayMs} ms`);
    return this.at(this.nowMsValue + delayMs, label, action, priority, subject);
  }

  /** Cancels a scheduled event (O(1) tombstone). Returns false if it already fired or was cancelled. */
  cancel(handle: EventHandle): boolean {
    return this.queue.cancel(handle);
  }

  /**
   * A reusable event for an actor's "next X" (next rotation, next refresh): at most one pending
   * occurrence, rescheduled in place. Use it on hot paths instead of `cancel` + `at`: it orders
   * exactly like them (each scheduling takes a fresh seq) but allocates nothing per event and
   * leaves no tombstone. The timer lives as long as the scheduler.
   */
  timer(label: string, action: EventAction, priority: Priority = Priority.normal, subject?: string): Timer {
    return new Timer(this, this.queue, timerKind(label, callAction, priority, subject), action);
  }

  /**
   * A timer (see `timer`) of kind `kind` that calls `kind.fire(target)`: for actors of which a
   * fleet has one per instance, the kind (label, function, priority) is made once and shared by
   * all of them, so each timer holds only its scheduler, its target and its slot: no closure and
   * no captured context of its own.
   */
  targetTimer<T>(kind: TimerKind<T>, target: T): Timer {
    return new Timer(this, this.queue, kind, target);
  }

  /** @internal The queue timers of this scheduler live in (for moveTimers). */
  queueForTimers(): EventQueue<ScheduledEvent> {
    return this.queue;
  }

  /**
   * What `at` and `atWithSeq` check before they queue an event. The cap is checked before pushing,
   * and on every call: a rejected event must not stay queued (it would fire although the caller
   * saw an error), and the cap holds even after the queue drained below an earlier high-water mark.
   * @throws SimulationError when `timeMs` is not an integer or lies in the past.
   */
  private checkSchedulable(timeMs: number, label: string): void {
    checkTime('timeMs', timeMs);
    if (timeMs < this.nowMsValue) {
      throw new SimulationError(
        `cannot schedule '${label}' at ${timeMs} ms: it is before now (${this.nowMsValue} ms)`,
      );
    }
    this.checkCapacity(label, true);
  }

  /** @internal Cap and high-water bookkeeping shared by `at` and `Timer.at`. */
  checkCapacity(label: string, adding: boolean): void {
    if (adding && this.queue.size >= this.pendingMax) {
      throw new ResourceCapError(
        'pendingMax',
        this.pendingMax,
        `cannot schedule '${label}': more than ${this.pendingMax} pending events`,
      );
    }
  }

  /** @internal */
  noteSize(): void {
    const size = this.queue.size;
    if (size > this.counters.queueHighWater) this.counters.queueHighWater = size;
  }

  /**
   * Calls `hooks` around every event from now on (undefined: no more): what a caller that records
   * or steers the order of events uses (src/world/replay.ts); one test per event when unset.
   */
  setFireHooks(hooks: FireHooks | undefined): void {
    this.fireHooks = hooks;
  }

  /** The seq the next scheduled event will get (see EventQueue.nextSeqValue). */
  get nextSeq(): number {
    return this.queue.nextSeqValue;
  }

  /** From now on seqs start at `seq` at least (see EventQueue.raiseSeqTo). */
  raiseSeqTo(seq: number): void {
    this.queue.raiseSeqTo(seq);
  }

  /**
   * Schedules `action` at `timeMs` with the given seq instead of the next one (see
   * EventQueue.pushWithSeq): an event whose place in the order is known beforehand.
   * @throws SimulationError when `timeMs` is not an integer or lies in the past.
   */
  atWithSeq(
    timeMs: number,
    priority: Priority,
    seq: number,
    label: string,
    action: EventAction,
  ): EventHandle {
    this.checkSchedulable(timeMs, label);
    const entry = this.queue.pushWithSeq(timeMs, priority, seq, { label, action, subject: undefined });
    this.noteSize();
    return entry;
  }

  /** Time of the next live event, or undefined when nothing is pending. */
  peek(): number | undefined {
    return this.queue.peekTimeMs();
  }

  /** Fires the next event, advancing the clock to its time. Returns false when nothing is pending. */
  step(): boolean {
    const event = this.queue.popSlot();
    if (event === undefined) return false;
    this.fire(event);
    return true;
  }

  /** Fires `event`, just popped: advances the clock to its time, tells observers, runs it. */
  private fire(event: ScheduledEvent): void {
    const queue = this.queue;
    const timeMs = queue.poppedTimeMs;
    if (timeMs < this.nowMsValue) {
      throw new SimulationError(`time went backwards: event at ${timeMs} ms after now ${this.nowMsValue} ms`);
    }
    this.nowMsValue = timeMs;
    this.currentLabelValue = event.label;
    this.counters.eventsProcessed++;
    const test = this.countedTest;
    if (test?.(event.label) === true) this.countedValue++;
    if (this.observers.length > 0) {
      const priority = queue.poppedPriority;
      const seq = queue.poppedSeq;
      const record: TraceRecord =
        event.subject === undefined
          ? { timeMs, priority, seq, label: event.label }
          : { timeMs, priority, seq, label: event.label, subject: event.subject };
      for (const observer of this.observers) observer(record);
    }
    const hooks = this.fireHooks;
    if (hooks === undefined) {
      event.action();
      return;
    }
    hooks.before(timeMs, queue.poppedPriority, queue.poppedSeq);
    event.action();
    hooks.after();
  }

  /**
   * Runs events up to and including `untilMs`, then sets the clock to `untilMs`.
   * @returns the number of events processed by this call.
   * @throws ResourceCapError when more than `eventsMax` events would be processed.
   * @throws SimulationError when `untilMs` is not an integer or lies in the past, or when
   *   `eventsMax` is not a non-negative integer.
   */
  run(options: RunOptions): number {
    const { untilMs } = options;
    checkTime('untilMs', untilMs);
    if (untilMs < this.nowMsValue)
      throw new SimulationError(`untilMs ${untilMs} is before now (${this.nowMsValue} ms)`);
    const eventsMax = options.eventsMax ?? Number.POSITIVE_INFINITY;
    // NaN would compare false with every count and silently remove the cap.
    if (!(eventsMax >= 0) || (!Number.isInteger(eventsMax) && eventsMax !== Number.POSITIVE_INFINITY)) {
      throw new SimulationError(`eventsMax must be a non-negative integer, got ${String(eventsMax)}`);
    }
    const queue = this.queue;
    let processed = 0;
    for (;;) {
      if (processed >= eventsMax) {
        const nextMs = queue.peekTimeMs();
        if (nextMs === undefined || nextMs > untilMs) break;
        throw new ResourceCapError(
          'eventsMax',
          eventsMax,
          `the run processed ${eventsMax} events before reaching ${untilMs} ms (at ${this.nowMsValue} ms); raise the event cap or shorten the horizon`,
        );
      }
      // One look at the top per event: popped only when due by untilMs.
      const event = queue.popSlotUntil(untilMs);
      if (event === undefined) break;
      this.fire(event);
      processed++;
    }
    this.nowMsValue = untilMs;
    return processed;
  }
}

/** Called around every event (Scheduler.setFireHooks). */
export interface FireHooks {
  /** Before the event's action, with its key. */
  before(timeMs: number, priority: number, seq: number): void;
  /** After its action. */
  after(): void;
}

/** What timers of one kind share (see Scheduler.targetTimer). */
export interface TimerKind<T> {
  /** A short label for traces, e.g. `imds.rotate`. */
  readonly label: string;
  /** Called with the timer's target when it fires. */
  readonly fire: (target: T) => void;
  readonly priority: Priority;
  readonly subject: string | undefined;
}

/** A kind of timer, made once (at module or class level) for all the timers of that kind. */
export function timerKind<T>(
  label: string,
  fire: (target: T) => void,
  priority: Priority = Priority.normal,
  subject?: string,
): TimerKind<T> {
  return { label, fire, priority, subject };
}

/** The `fire` of a plain timer, whose target is its action. */
function callAction(action: unknown): void {
  (action as EventAction)();
}

/** The target of a timer that is its own target (see Timer's constructor). */
export const TIMER_ITSELF: unique symbol = Symbol('the timer itself');

/**
 * A reusable event (see `Scheduler.timer`). `at` and `after` (re)schedule it, `cancel` takes it out
 * of the queue; when it fires it is no longer pending and may be scheduled again, also from its
 * own action.
 */
export class Timer implements ScheduledEvent {
  private slot: number;
  private readonly kind: TimerKind<unknown>;
  private readonly target: unknown;

  /**
   * @param target what `kind.fire` is called with. TIMER_ITSELF: the timer itself, for an actor
   *   that *is* its most frequent timer (a subclass: IMDS's publisher is its rotation, an SDK
   *   cache its refresh). A fleet has one such actor per instance; the queue's payload is then
   *   the actor, and each of those events reaches one object fewer, at fleet scale one likely
   *   cache miss fewer.
   */
  constructor(
    protected scheduler: Scheduler,
    private queue: EventQueue<ScheduledEvent>,
    // `never`: a kind for any target type (its `fire` is only ever given this timer's target).
    kind: TimerKind<never>,
    target: unknown,
  ) {
    this.kind = kind as TimerKind<unknown>;
    this.target = target === TIMER_ITSELF ? this : target;
    this.slot = queue.allocSlot(this);
  }

  /** What the scheduler calls when the timer fires. */
  action(): void {
    this.kind.fire(this.target);
  }

  get label(): string {
    return this.kind.label;
  }

  get priority(): Priority {
    return this.kind.priority;
  }

  get subject(): string | undefined {
    return this.kind.subject;
  }

  /** The scheduler the timer belongs to now. */
  get owner(): Scheduler {
    return this.scheduler;
  }

  /** Whether the timer is scheduled and has not fired yet. */
  get pending(): boolean {
    return this.queue.isQueued(this.slot);
  }

  /** When the timer fires, or undefined when it is not pending. */
  get timeMs(): number | undefined {
    return this.queue.timeOf(this.slot);
  }

  /**
   * (Re)schedules the timer at absolute time `timeMs`, replacing any pending occurrence.
   * @throws SimulationError when `timeMs` is not an integer or lies in the past.
   * @throws ResourceCapError when it was not pending and the queue is at its cap.
   */
  at(timeMs: number): void {
    checkTime('timeMs', timeMs);
    const nowMs = this.scheduler.nowMs;
    if (timeMs < nowMs) {
      throw new SimulationError(
        `cannot schedule '${this.label}' at ${timeMs} ms: it is before now (${nowMs} ms)`,
      );
    }
    this.scheduler.checkCapacity(this.label, !this.queue.isQueued(this.slot));
    this.queue.schedule(this.slot, timeMs, this.priority);
    this.scheduler.noteSize();
  }

  /**
   * (Re)schedules the timer `delayMs` from now.
   * @throws SimulationError when `delayMs` is negative or not an integer.
   */
  after(delayMs: number): void {
    checkTime('delayMs', delayMs);
    if (delayMs < 0)
      throw new SimulationError(`delay for '${this.label}' must not be negative, got ${delayMs} ms`);
    this.at(this.scheduler.nowMs + delayMs);
  }

  /** Takes the timer out of the queue. Returns false when it was not pending. */
  cancel(): boolean {
    return this.queue.unschedule(this.slot);
  }

  /**
   * Gives the timer's queue slot back, for a timer whose owner is finished (a process that
   * returned). Not pending any more; it must not be used again.
   */
  release(): void {
    this.queue.releaseSlot(this.slot);
  }

  /** @internal Whether this pending timer fires before pending timer `other` (by their queue keys; moveTimers). */
  queuedBefore(other: Timer): boolean {
    // Seqs order events of one queue only; moveTimers moves timers of one scheduler.
    if (other.queue !== this.queue) throw new SimulationError('timers of different schedulers have no order');
    return this.queue.slotBefore(this.slot, other.slot);
  }

  /** @internal Leaves the current scheduler (unscheduled) and joins `to`'s queue, not yet scheduled. */
  rebind(to: Scheduler, queue: EventQueue<ScheduledEvent>): void {
    this.queue.releaseSlot(this.slot);
    this.scheduler = to;
    this.queue = queue;
    this.slot = queue.allocSlot(this);
  }
}

/**
 * Moves `timers` to scheduler `to`. Pending timers stay pending at their times and keep their
 * relative order among themselves (they are rescheduled in `to` in their old (time, priority,
 * seq) order, taking fresh seqs there); timers that were not pending are simply bound to `to`.
 *
 * What it is for: a group of actors that interacts with nothing else for a while (an instance
 * during the warm-up) can run on a small scheduler of its own, with everything it touches in the
 * cache, and then rejoin the shared one. Its own events keep their order; their order against
 * other groups' events at the very same time and priority is that of the move, which is only
 * sound where those events commute (they touch disjoint state).
 * @param count how many of `timers` to move, the first (each a Timer); default all.
 * @throws SimulationError when a pending timer lies before `to`'s current time.
 */
export function moveTimers(
  timers: readonly (Timer | undefined)[],
  to: Scheduler,
  count = timers.length,
): void {
  // Pending timers in their old order, by insertion (a handful at a time), into scratch lists
  // reused from call to call: the warm-up moves every instance twice. Written by index and never
  // emptied by `length = 0`, which would give their storage back (an allocation per move).
  const pending = movingTimers;
  const times = movingTimesMs;
  let n = 0;
  for (let t = 0; t < count; t++) {
    const timer = timers[t]!;
    const timeMs = timer.timeMs;
    if (timeMs === undefined) continue;
    let i = n++;
    while (i > 0 && timer.queuedBefore(pending[i - 1]!)) {
      pending[i] = pending[i - 1]!;
      times[i] = times[i - 1]!;
      i--;
    }
    pending[i] = timer;
    times[i] = timeMs;
  }
  const queue = to.queueForTimers();
  for (let t = 0; t < count; t++) timers[t]!.rebind(to, queue);
  for (let i = 0; i < n; i++) {
    pending[i]!.at(times[i]!);
    pending[i] = undefined;
  }
}

/** moveTimers' scratch lists (moveTimers does not call itself). */
const movingTimers: (Timer | undefined)[] = [];
const movingTimesMs: number[] = [];
