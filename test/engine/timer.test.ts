/**
 * Reusable timers (Scheduler.timer): the law that matters is that a timer orders exactly like the
 * `cancel` + `at` it replaces, trace keys (seq included) and all. Checked against a twin
 * scheduler that does it the long way, over random scripts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourceCapError, SimulationError } from '../../src/engine/errors.ts';
import { EventQueue, Priority } from '../../src/engine/queue.ts';
import {
  type EventHandle,
  moveTimers,
  Scheduler,
  TIMER_ITSELF,
  Timer,
  timerKind,
} from '../../src/engine/scheduler.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { traceLine } from '../helpers/trace.ts';

const noop = (): void => {};

type Op =
  | { readonly kind: 'set'; readonly timer: number; readonly delayMs: number }
  | { readonly kind: 'cancel'; readonly timer: number }
  | { readonly kind: 'oneShot'; readonly delayMs: number; readonly priority: Priority }
  | { readonly kind: 'step' };

const TIMERS = 4;
const REARMS = 3;

/** What both sides are driven by: each timer may re-arm itself when it fires. */
interface Script {
  readonly ops: readonly Op[];
  /** Per timer: re-arm delay when it fires (at most REARMS times), or undefined for none. */
  readonly rearmMs: readonly (number | undefined)[];
  readonly priorities: readonly Priority[];
}

const scriptArb: fc.Arbitrary<Script> = fc.record({
  ops: fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        timer: fc.integer({ min: 0, max: TIMERS - 1 }),
        delayMs: fc.integer({ min: 0, max: 20 }),
      }),
      fc.record({ kind: fc.constant('cancel' as const), timer: fc.integer({ min: 0, max: TIMERS - 1 }) }),
      fc.record({
        kind: fc.constant('oneShot' as const),
        delayMs: fc.integer({ min: 0, max: 20 }),
        priority: fc.constantFrom(Priority.urgent, Priority.normal),
      }),
      fc.record({ kind: fc.constant('step' as const) }),
    ),
    { maxLength: 120 },
  ),
  rearmMs: fc.array(fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }), {
    minLength: TIMERS,
    maxLength: TIMERS,
  }),
  priorities: fc.array(fc.constantFrom(Priority.urgent, Priority.normal), {
    minLength: TIMERS,
    maxLength: TIMERS,
  }),
});

/** Runs the script with reusable timers; returns the trace lines. */
function withTimers(script: Script): string[] {
  const s = new Scheduler();
  const lines: string[] = [];
  s.onTrace((r) => lines.push(traceLine(r)));
  const timers: Timer[] = [];
  const rearms = new Array<number>(TIMERS).fill(0);
  for (let i = 0; i < TIMERS; i++) {
    const rearm = script.rearmMs[i];
    timers.push(
      s.timer(
        `t${i}`,
        () => {
          if (rearm !== undefined && rearms[i]! < REARMS) {
            rearms[i]!++;
            timers[i]!.after(rearm);
          }
        },
        script.priorities[i],
        i % 2 === 0 ? `subject-${i}` : undefined,
      ),
    );
  }
  for (const op of script.ops) {
    if (op.kind === 'set') timers[op.timer]!.after(op.delayMs);
    else if (op.kind === 'cancel') timers[op.timer]!.cancel();
    else if (op.kind === 'oneShot') s.after(op.delayMs, 'one', noop, op.priority);
    else s.step();
  }
  s.run({ untilMs: s.nowMs + 10_000, eventsMax: 10_000 });
  return lines;
}

/** The same script the long way: cancel the previous handle, schedule a new one-shot event. */
function withHandles(script: Script): string[] {
  const s = new Scheduler();
  const lines: string[] = [];
  s.onTrace((r) => lines.push(traceLine(r)));
  const handles: (EventHandle | undefined)[] = new Array(TIMERS).fill(undefined);
  const rearms = new Array<number>(TIMERS).fill(0);
  const set = (i: number, delayMs: number): void => {
    const h = handles[i];
    if (h !== undefined) s.cancel(h);
    const rearm = script.rearmMs[i];
    handles[i] = s.after(
      delayMs,
      `t${i}`,
      () => {
        handles[i] = undefined;
        if (rearm !== undefined && rearms[i]! < REARMS) {
          rearms[i]!++;
          set(i, rearm);
        }
      },
      script.priorities[i],
      i % 2 === 0 ? `subject-${i}` : undefined,
    );
  };
  for (const op of script.ops) {
    if (op.kind === 'set') set(op.timer, op.delayMs);
    else if (op.kind === 'cancel') {
      const h = handles[op.timer];
      if (h !== undefined) s.cancel(h);
      handles[op.timer] = undefined;
    } else if (op.kind === 'oneShot') s.after(op.delayMs, 'one', noop, op.priority);
    else s.step();
  }
  s.run({ untilMs: s.nowMs + 10_000, eventsMax: 10_000 });
  return lines;
}

describe('Scheduler.timer', () => {
  it('law: a timer fires exactly as cancel + at would, same keys and seq (property)', () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        expect(withTimers(script)).toEqual(withHandles(script));
      }),
      propertyOptions(300),
    );
  });

  it('reports pending and its time; cancel takes it out at once', () => {
    const s = new Scheduler();
    const fired: number[] = [];
    const t = s.timer('t', () => fired.push(s.nowMs));
    expect([t.pending, t.timeMs]).toEqual([false, undefined]);
    t.at(10);
    t.at(4);
    expect([t.pending, t.timeMs, s.pendingCount]).toEqual([true, 4, 1]);
    expect(t.cancel()).toBe(true);
    expect(t.cancel()).toBe(false);
    expect(s.pendingCount).toBe(0);
    t.after(7);
    s.run({ untilMs: 100 });
    expect(fired).toEqual([7]);
    expect(t.pending).toBe(false);
    expect(s.counters).toEqual({ eventsProcessed: 1, queueHighWater: 1 });
  });

  it('a target timer calls its shared function with its target, in the same order as a plain timer', () => {
    const s = new Scheduler();
    const fired: string[] = [];
    const fire = (target: { readonly name: string }): void => {
      fired.push(`${target.name}@${s.nowMs}`);
    };
    const a = s.targetTimer(timerKind('a', fire), { name: 'a' });
    const plain = s.timer('plain', () => fired.push(`plain@${s.nowMs}`));
    const b = s.targetTimer(timerKind('b', fire, Priority.urgent), { name: 'b' });
    a.at(5);
    plain.at(5);
    b.at(5);
    a.at(5); // rescheduled: now after plain at the same time and priority
    s.run({ untilMs: 10 });
    expect(fired).toEqual(['b@5', 'plain@5', 'a@5']);
    expect([a.label, b.priority, a.pending]).toEqual(['a', Priority.urgent, false]);
  });

  it('a timer that is its own target (a subclass) fires with itself, and moves with its clock', () => {
    /** An actor that is its own timer, counting its firings and reading its own clock. */
    class Ticker extends Timer {
      readonly fired: number[] = [];
      private static readonly TICK = timerKind<Ticker>('tick', (t) => t.fired.push(t.scheduler.nowMs));
      constructor(scheduler: Scheduler) {
        super(scheduler, scheduler.queueForTimers(), Ticker.TICK, TIMER_ITSELF);
      }
    }
    const s = new Scheduler();
    const ticker = new Ticker(s);
    ticker.at(3);
    s.run({ untilMs: 4 });
    ticker.at(7);
    const to = new Scheduler();
    to.run({ untilMs: 5 });
    moveTimers([ticker], to);
    expect([ticker.owner, ticker.timeMs, ticker.label]).toEqual([to, 7, 'tick']);
    to.run({ untilMs: 10 });
    expect(ticker.fired).toEqual([3, 7]);
  });

  it('rejects bad times like at/after, and respects the pending cap only when it adds an event', () => {
    const s = new Scheduler({ pendingMax: 1 });
    const t = s.timer('t', noop);
    expect(() => t.at(1.5)).toThrow(SimulationError);
    expect(() => t.after(-1)).toThrow(SimulationError);
    t.at(5);
    t.at(6); // a move, not an addition
    const other = s.timer('other', noop);
    expect(() => other.at(5)).toThrow(ResourceCapError);
    s.run({ untilMs: 5 });
    expect(() => t.at(4)).toThrow(/before now/);
  });
});

describe('moveTimers and restart', () => {
  it('moves pending timers with their times, keeping their order at equal times', () => {
    const local = new Scheduler();
    const shared = new Scheduler();
    const fired: string[] = [];
    const timers = ['a', 'b', 'c', 'd'].map((name) =>
      local.timer(name, () => fired.push(`${name}@${shared.nowMs}`)),
    );
    const [a, b, c, d] = timers as [Timer, Timer, Timer, Timer];
    // Scheduled out of name order at the same time: c before a; b later; d not pending.
    c.at(10);
    a.at(10);
    b.at(12);
    shared.after(10, 'other', () => fired.push(`other@${shared.nowMs}`));
    moveTimers(timers, shared);
    expect([a.owner, d.owner]).toEqual([shared, shared]);
    expect(local.pendingCount).toBe(0);
    expect(d.pending).toBe(false);
    shared.run({ untilMs: 20 });
    // The shared event was scheduled before the move, so it comes first at 10 ms.
    expect(fired).toEqual(['other@10', 'c@10', 'a@10', 'b@12']);
  });

  it('restart starts over at time 0 like a new scheduler, and refuses while events are pending', () => {
    const s = new Scheduler();
    s.after(5, 'x', noop);
    expect(() => s.restart()).toThrow(SimulationError);
    s.run({ untilMs: 100 });
    s.cancel(s.after(3, 'tombstone', noop));
    s.restart();
    expect([s.nowMs, s.pendingCount, s.counters.eventsProcessed]).toEqual([0, 0, 0]);
    const fresh = new Scheduler();
    const seqs = (sch: Scheduler) => {
      const out: number[] = [];
      sch.onTrace((r) => out.push(r.seq));
      sch.after(2, 'p', noop);
      sch.after(1, 'q', noop);
      sch.run({ untilMs: 5 });
      return out;
    };
    expect(seqs(s)).toEqual(seqs(fresh));
  });
});

describe('EventQueue reusable slots', () => {
  it('move up and down, and leave in key order among one-shot entries', () => {
    const q = new EventQueue<string>();
    const slot = q.allocSlot('slot');
    q.push(5, Priority.normal, 'five');
    q.schedule(slot, 9, Priority.normal);
    q.push(7, Priority.normal, 'seven');
    q.schedule(slot, 1, Priority.normal);
    expect(q.timeOf(slot)).toBe(1);
    q.schedule(slot, 6, Priority.normal);
    const order: (string | undefined)[] = [];
    for (let p = q.popSlot(); p !== undefined; p = q.popSlot()) order.push(`${p}@${q.poppedTimeMs}`);
    expect(order).toEqual(['five@5', 'slot@6', 'seven@7']);
    expect(q.isQueued(slot)).toBe(false);
    expect(q.unschedule(slot)).toBe(false);
  });
});
