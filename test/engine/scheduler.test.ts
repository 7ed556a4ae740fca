import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourceCapError, SimulationError } from '../../src/engine/errors.ts';
import { Priority } from '../../src/engine/queue.ts';
import { type EventHandle, Scheduler, type TraceRecord } from '../../src/engine/scheduler.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { recordTrace } from '../helpers/trace.ts';

const noop = (): void => {};

/** Asserts that `fn` throws an instance of `type` whose message contains every fragment. */
function expectThrowMentioning(
  fn: () => unknown,
  type: new (...args: never[]) => Error,
  ...fragments: string[]
): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(type);
  for (const fragment of fragments) expect((caught as Error).message).toContain(fragment);
}

describe('Scheduler: model-based (against a naive sorted array)', () => {
  // Events are named #0, #1, ... in the order they were scheduled, children included, so a shrunk
  // counterexample reads as a script: `at(+3ms, urgent) ; cancel(#0) ; run(until +5ms)`.
  type State = 'pending' | 'fired' | 'cancelled';
  type Lane = typeof Priority.urgent | typeof Priority.normal;
  const laneName = (p: Lane): string => (p === Priority.urgent ? 'urgent' : 'normal');

  /** An event may schedule one child when it fires (delay from its own time, in its own lane). */
  interface Child {
    readonly delayMs: number;
    readonly priority: Lane;
  }
  const childText = (child: Child | undefined): string =>
    child === undefined ? '' : `, then after(${child.delayMs}ms, ${laneName(child.priority)})`;

  interface ModelEvent {
    readonly id: number;
    readonly timeMs: number;
    readonly priority: number;
    readonly seq: number;
    readonly child: Child | undefined;
  }

  interface Model {
    nowMs: number;
    nextSeq: number;
    /** Live events, kept sorted by (timeMs, priority, seq): the naive reference queue. */
    pending: ModelEvent[];
    /** Every event ever scheduled, by id. */
    states: State[];
  }

  interface Real {
    readonly scheduler: Scheduler;
    readonly handles: EventHandle[];
    /** Ids in the order their actions ran. */
    readonly fired: number[];
    readonly cancelled: Set<number>;
    /** Trace records with, for each, how many events had been scheduled when it fired. */
    readonly trace: { record: TraceRecord; scheduledBefore: number }[];
    lastNowMs: number;
  }

  const keyBefore = (a: ModelEvent, b: ModelEvent): boolean =>
    a.timeMs !== b.timeMs
      ? a.timeMs < b.timeMs
      : a.priority !== b.priority
        ? a.priority < b.priority
        : a.seq < b.seq;

  function modelSchedule(m: Model, timeMs: number, priority: number, child: Child | undefined): void {
    const event: ModelEvent = { id: m.states.length, timeMs, priority, seq: m.nextSeq++, child };
    m.states.push('pending');
    let i = m.pending.findIndex((e) => keyBefore(event, e));
    if (i < 0) i = m.pending.length;
    m.pending.splice(i, 0, event);
  }

  /** Fires the model's next event and returns its id. */
  function modelFire(m: Model): number {
    const event = m.pending.shift()!;
    m.nowMs = event.timeMs;
    m.states[event.id] = 'fired';
    if (event.child !== undefined)
      modelSchedule(m, m.nowMs + event.child.delayMs, event.child.priority, undefined);
    return event.id;
  }

  function realSchedule(
    r: Real,
    how: 'at' | 'after',
    t: number,
    priority: Lane,
    child: Child | undefined,
  ): void {
    const id = r.handles.length;
    const action = (): void => {
      if (r.cancelled.has(id)) throw new Error(`#${id} fired after it was cancelled`);
      r.fired.push(id);
      if (child !== undefined) realSchedule(r, 'after', child.delayMs, child.priority, undefined);
    };
    r.handles.push(r.scheduler[how](t, `#${id}`, action, priority));
  }

  /** The checks every command ends with. */
  function checkAgrees(m: Model, r: Real): void {
    const s = r.scheduler;
    expect(s.nowMs).toBe(m.nowMs);
    expect(s.nowMs).toBeGreaterThanOrEqual(r.lastNowMs);
    r.lastNowMs = s.nowMs;
    expect(s.pendingCount).toBe(m.pending.length);
    expect(s.peek()).toBe(m.pending[0]?.timeMs);
  }

  type Cmd = fc.Command<Model, Real>;

  class ScheduleAt implements Cmd {
    constructor(
      readonly offsetMs: number,
      readonly priority: Lane,
      readonly child: Child | undefined,
    ) {}
    check = (): boolean => true;
    run(m: Model, r: Real): void {
      realSchedule(r, 'at', r.scheduler.nowMs + this.offsetMs, this.priority, this.child);
      modelSchedule(m, m.nowMs + this.offsetMs, this.priority, this.child);
      checkAgrees(m, r);
    }
    toString = (): string => `at(now+${this.offsetMs}ms, ${laneName(this.priority)}${childText(this.child)})`;
  }

  class ScheduleAfter implements Cmd {
    constructor(
      readonly delayMs: number,
      readonly priority: Lane,
      readonly child: Child | undefined,
    ) {}
    check = (): boolean => true;
    run(m: Model, r: Real): void {
      realSchedule(r, 'after', this.delayMs, this.priority, this.child);
      modelSchedule(m, m.nowMs + this.delayMs, this.priority, this.child);
      checkAgrees(m, r);
    }
    toString = (): string => `after(${this.delayMs}ms, ${laneName(this.priority)}${childText(this.child)})`;
  }

  class Cancel implements Cmd {
    constructor(readonly id: number) {}
    check = (m: Readonly<Model>): boolean => this.id < m.states.length;
    run(m: Model, r: Real): void {
      const wasPending = m.states[this.id] === 'pending';
      expect(r.scheduler.cancel(r.handles[this.id]!)).toBe(wasPending);
      if (wasPending) {
        r.cancelled.add(this.id);
        m.states[this.id] = 'cancelled';
        m.pending = m.pending.filter((e) => e.id !== this.id);
      }
      checkAgrees(m, r);
    }
    toString = (): string => `cancel(#${this.id})`;
  }

  class Step implements Cmd {
    check = (): boolean => true;
    run(m: Model, r: Real): void {
      const expected = m.pending.length > 0 ? [modelFire(m)] : [];
      const firedBefore = r.fired.length;
      expect(r.scheduler.step()).toBe(expected.length > 0);
      expect(r.fired.slice(firedBefore)).toEqual(expected);
      checkAgrees(m, r);
    }
    toString = (): string => 'step()';
  }

  class Run implements Cmd {
    constructor(
      readonly offsetMs: number,
      readonly eventsMax: number | undefined,
    ) {}
    check = (): boolean => true;
    run(m: Model, r: Real): void {
      const untilMs = m.nowMs + this.offsetMs;
      const eventsMax = this.eventsMax ?? Number.POSITIVE_INFINITY;
      const expected: number[] = [];
      let capHit = false;
      while (m.pending.length > 0 && m.pending[0]!.timeMs <= untilMs) {
        if (expected.length >= eventsMax) {
          capHit = true;
          break;
        }
        expected.push(modelFire(m));
      }
      if (!capHit) m.nowMs = untilMs;

      const firedBefore = r.fired.length;
      const options = this.eventsMax === undefined ? { untilMs } : { untilMs, eventsMax: this.eventsMax };
      if (capHit) {
        expect(() => r.scheduler.run(options)).toThrow(ResourceCapError);
      } else {
        expect(r.scheduler.run(options)).toBe(expected.length);
      }
      expect(r.fired.slice(firedBefore)).toEqual(expected);
      checkAgrees(m, r);
    }
    toString = (): string =>
      `run(until now+${this.offsetMs}ms${this.eventsMax === undefined ? '' : `, eventsMax ${this.eventsMax}`})`;
  }

  const lane = fc.constantFrom<Lane>(Priority.urgent, Priority.normal);
  // Small times and two lanes make ties (same time, same lane) common: that is where FIFO matters.
  const offset = fc.integer({ min: 0, max: 12 });
  const child = fc.option(fc.record({ delayMs: fc.integer({ min: 0, max: 6 }), priority: lane }), {
    nil: undefined,
    freq: 3,
  });
  const commands = fc.commands(
    [
      fc.tuple(offset, lane, child).map(([o, p, c]) => new ScheduleAt(o, p, c)),
      fc.tuple(offset, lane, child).map(([d, p, c]) => new ScheduleAfter(d, p, c)),
      fc.nat({ max: 40 }).map((id) => new Cancel(id)),
      fc.constant(new Step()),
      fc
        .tuple(fc.integer({ min: 0, max: 15 }), fc.option(fc.nat({ max: 4 }), { nil: undefined }))
        .map(([o, max]) => new Run(o, max)),
    ],
    { maxCommands: 80 },
  );

  it('fires exactly what the reference queue fires, in its order', () => {
    fc.assert(
      fc.property(commands, (cmds) => {
        const scheduler = new Scheduler();
        const real: Real = {
          scheduler,
          handles: [],
          fired: [],
          cancelled: new Set(),
          trace: [],
          lastNowMs: 0,
        };
        scheduler.onTrace((record) => real.trace.push({ record, scheduledBefore: real.handles.length }));
        const model: Model = { nowMs: 0, nextSeq: 0, pending: [], states: [] };
        fc.modelRun(() => ({ model, real }), cmds);

        // The trace is the fired list, and respects the total order: time never decreases, and an
        // event that was already pending when its predecessor fired has a larger (time, priority, seq).
        expect(real.trace.map((t) => Number(t.record.label.slice(1)))).toEqual(real.fired);
        for (let i = 1; i < real.trace.length; i++) {
          const prev = real.trace[i - 1]!;
          const cur = real.trace[i]!.record;
          expect(cur.timeMs).toBeGreaterThanOrEqual(prev.record.timeMs);
          if (cur.seq < prev.scheduledBefore) {
            const p = prev.record;
            const after =
              cur.timeMs !== p.timeMs
                ? cur.timeMs > p.timeMs
                : cur.priority !== p.priority
                  ? cur.priority > p.priority
                  : cur.seq > p.seq;
            expect(after).toBe(true);
          }
        }
        for (const id of real.fired) expect(real.cancelled.has(id)).toBe(false);
        expect(scheduler.counters.eventsProcessed).toBe(real.fired.length);
      }),
      propertyOptions(400),
    );
  });
});

describe('Scheduler: ordering', () => {
  it('fires same-time events urgent lane first, then in scheduling order', () => {
    const s = new Scheduler();
    const order: string[] = [];
    s.at(10, 'n1', () => order.push('n1'));
    s.at(10, 'u1', () => order.push('u1'), Priority.urgent);
    s.after(10, 'n2', () => order.push('n2'));
    s.at(10, 'u2', () => order.push('u2'), Priority.urgent);
    s.at(9, 'early', () => order.push('early'));
    s.run({ untilMs: 10 });
    expect(order).toEqual(['early', 'u1', 'u2', 'n1', 'n2']);
  });

  it('lets an event schedule at the current time; it runs in the same millisecond, after the current one', () => {
    const s = new Scheduler();
    const order: string[] = [];
    s.at(5, 'parent', () => {
      order.push(`parent@${s.nowMs}`);
      s.after(0, 'child', () => order.push(`child@${s.nowMs}`));
    });
    s.at(5, 'sibling', () => order.push(`sibling@${s.nowMs}`));
    s.run({ untilMs: 5 });
    expect(order).toEqual(['parent@5', 'sibling@5', 'child@5']);
  });

  it('never fires a cancelled event, even when cancelled by an event at the same time', () => {
    const s = new Scheduler();
    const fired: string[] = [];
    const victim = s.at(3, 'victim', () => fired.push('victim'));
    s.at(3, 'killer', () => expect(s.cancel(victim)).toBe(true), Priority.urgent);
    s.run({ untilMs: 10 });
    expect(fired).toEqual([]);
    expect(s.cancel(victim)).toBe(false);
  });

  it('cancel returns false for a fired event and for a second cancel', () => {
    const s = new Scheduler();
    const a = s.after(1, 'a', noop);
    const b = s.after(2, 'b', noop);
    s.step();
    expect(s.cancel(a)).toBe(false);
    expect(s.cancel(b)).toBe(true);
    expect(s.cancel(b)).toBe(false);
    expect(s.pendingCount).toBe(0);
    expect(s.step()).toBe(false);
  });

  it('peek reports the next live time and skips cancelled events', () => {
    const s = new Scheduler();
    expect(s.peek()).toBeUndefined();
    const a = s.at(4, 'a', noop);
    s.at(9, 'b', noop);
    expect(s.peek()).toBe(4);
    s.cancel(a);
    expect(s.peek()).toBe(9);
    expect(s.nowMs).toBe(0);
  });
});

describe('Scheduler: run', () => {
  it('runs events up to and including untilMs, then sets the clock to untilMs', () => {
    const s = new Scheduler();
    const fired: number[] = [];
    for (const t of [1, 5, 10, 11]) s.at(t, `t${t}`, () => fired.push(t));
    expect(s.run({ untilMs: 10 })).toBe(3);
    expect(fired).toEqual([1, 5, 10]);
    expect(s.nowMs).toBe(10);
    expect(s.pendingCount).toBe(1);
    expect(s.run({ untilMs: 100 })).toBe(1);
    expect(s.nowMs).toBe(100);
  });

  it('advances the clock to untilMs when nothing is pending', () => {
    const s = new Scheduler();
    expect(s.run({ untilMs: 250 })).toBe(0);
    expect(s.nowMs).toBe(250);
  });

  it('allows exactly eventsMax events', () => {
    const s = new Scheduler();
    for (let i = 0; i < 5; i++) s.after(i, 'e', noop);
    expect(s.run({ untilMs: 10, eventsMax: 5 })).toBe(5);
  });

  it('throws ResourceCapError naming the cap when eventsMax would be exceeded', () => {
    const s = new Scheduler();
    // A self-perpetuating event: without the cap this run would never end.
    const tick = (): void => {
      s.after(1, 'tick', tick);
    };
    s.after(0, 'tick', tick);
    let caught: unknown;
    try {
      s.run({ untilMs: 1_000_000, eventsMax: 321 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResourceCapError);
    const capError = caught as ResourceCapError;
    expect(capError.cap).toBe('eventsMax');
    expect(capError.limit).toBe(321);
    expect(capError.message).toContain('321');
    expect(s.counters.eventsProcessed).toBe(321);
    expect(s.nowMs).toBe(320);
  });

  it('throws ResourceCapError when pending events would exceed pendingMax, and schedules nothing', () => {
    const s = new Scheduler({ pendingMax: 3 });
    const fired: string[] = [];
    for (let i = 0; i < 3; i++) s.after(i, `e${i}`, () => fired.push(`e${i}`));
    expectThrowMentioning(
      () => s.after(5, 'rejected', () => fired.push('rejected')),
      ResourceCapError,
      '3',
      'rejected',
    );
    expect(s.pendingCount).toBe(3);
    // The cap still holds once the queue drained below its high-water mark and refilled.
    s.step();
    s.after(5, 'refill', () => fired.push('refill'));
    expect(() => s.after(5, 'rejected-again', () => fired.push('rejected-again'))).toThrow(ResourceCapError);
    s.run({ untilMs: 10 });
    expect(fired).toEqual(['e0', 'e1', 'e2', 'refill']);
    expect(s.counters.queueHighWater).toBe(3);
  });

  it('accepts eventsMax 0 (nothing may fire) and Infinity (no cap)', () => {
    const s = new Scheduler();
    s.after(1, 'e', noop);
    expect(s.run({ untilMs: 0, eventsMax: 0 })).toBe(0);
    expect(() => s.run({ untilMs: 1, eventsMax: 0 })).toThrow(ResourceCapError);
    expect(s.run({ untilMs: 1, eventsMax: Number.POSITIVE_INFINITY })).toBe(1);
  });

  it('lets an error thrown by an event stop the run loudly', () => {
    const s = new Scheduler();
    s.at(7, 'boom', () => {
      throw new Error('boom');
    });
    s.at(8, 'after-boom', noop);
    expect(() => s.run({ untilMs: 10 })).toThrow('boom');
    expect(s.nowMs).toBe(7);
    expect(s.pendingCount).toBe(1);
  });
});

describe('Scheduler: errors name the bad value', () => {
  it('rejects scheduling in the past', () => {
    const s = new Scheduler();
    s.run({ untilMs: 5000 });
    expectThrowMentioning(() => s.at(1234, 'late', noop), SimulationError, '1234', '5000', 'late');
  });

  it.each([
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('rejects at(%s)', (timeMs, text) => {
    expectThrowMentioning(() => new Scheduler().at(timeMs, 'x', noop), SimulationError, text);
  });

  it.each([
    [-7, '-7'],
    [2.25, '2.25'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('rejects after(%s)', (delayMs, text) => {
    expectThrowMentioning(() => new Scheduler().after(delayMs, 'x', noop), SimulationError, text);
  });

  it('rejects run untilMs in the past', () => {
    const s = new Scheduler();
    s.run({ untilMs: 900 });
    expectThrowMentioning(() => s.run({ untilMs: 899 }), SimulationError, '899', '900');
  });

  it.each([
    [Number.NaN, 'NaN'],
    [3.5, '3.5'],
  ])('rejects run untilMs %s', (untilMs, text) => {
    expectThrowMentioning(() => new Scheduler().run({ untilMs }), SimulationError, text);
  });

  it.each([
    [Number.NaN, 'NaN'],
    [-1, '-1'],
    [2.5, '2.5'],
  ])('rejects run eventsMax %s (NaN would silently remove the cap)', (eventsMax, text) => {
    expectThrowMentioning(
      () => new Scheduler().run({ untilMs: 10, eventsMax }),
      SimulationError,
      'eventsMax',
      text,
    );
  });

  it('leaves the scheduler untouched after a rejected call', () => {
    const s = new Scheduler();
    expect(() => s.after(-1, 'x', noop)).toThrow(SimulationError);
    expect(() => s.at(0.5, 'x', noop)).toThrow(SimulationError);
    expect(s.pendingCount).toBe(0);
    expect(s.nowMs).toBe(0);
  });
});

describe('Scheduler: trace hook and counters', () => {
  it('shows every observer every event, in firing order, with its full key', () => {
    const s = new Scheduler();
    const first = recordTrace(s);
    const second = recordTrace(s);
    s.at(2, 'b', noop, Priority.normal, 'i-1');
    s.at(2, 'a', noop, Priority.urgent);
    s.at(1, 'c', () => {
      s.after(1, 'd', noop, Priority.normal, 'i-2');
    });
    s.run({ untilMs: 10 });
    const expected: TraceRecord[] = [
      { timeMs: 1, priority: Priority.normal, seq: 2, label: 'c' },
      { timeMs: 2, priority: Priority.urgent, seq: 1, label: 'a' },
      { timeMs: 2, priority: Priority.normal, seq: 0, label: 'b', subject: 'i-1' },
      { timeMs: 2, priority: Priority.normal, seq: 3, label: 'd', subject: 'i-2' },
    ];
    expect(first.records).toEqual(expected);
    expect(second.records).toEqual(expected);
    // No `subject` key at all when none was given, so serialised traces stay minimal.
    expect('subject' in first.records[0]!).toBe(false);
  });

  it('calls observers before the event action runs, at the event time', () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.onTrace((r) => log.push(`trace ${r.label}@${s.nowMs}`));
    s.at(4, 'x', () => log.push(`action x@${s.nowMs}`));
    s.run({ untilMs: 4 });
    expect(log).toEqual(['trace x@4', 'action x@4']);
  });

  it('counts the events whose label passes a test from countWhere() on, cancelled ones left out', () => {
    const s = new Scheduler();
    const trace = recordTrace(s);
    s.after(1, 'a early', noop);
    s.run({ untilMs: 1 });
    expect(s.counted).toBeUndefined();
    s.countWhere((label) => label.startsWith('a'));
    for (const t of [2, 3, 4]) s.after(t, 'a', noop);
    s.cancel(s.after(5, 'a gone', noop));
    s.after(6, 'b', noop);
    s.run({ untilMs: 10 });
    expect(s.counted).toBe(3);
    expect(trace.records.filter((r) => r.timeMs > 1).length).toBe(4);
  });

  it('does not trace cancelled events', () => {
    const s = new Scheduler();
    const trace = recordTrace(s);
    s.cancel(s.after(1, 'gone', noop));
    s.after(2, 'kept', noop);
    s.run({ untilMs: 5 });
    expect(trace.records.map((r) => r.label)).toEqual(['kept']);
  });

  it('counts events processed across runs and steps, and the high-water mark of live pending events', () => {
    const s = new Scheduler();
    expect(s.counters).toEqual({ eventsProcessed: 0, queueHighWater: 0 });
    const handles = Array.from({ length: 6 }, (_, i) => s.after(i + 1, 'e', noop));
    expect(s.counters.queueHighWater).toBe(6);
    s.cancel(handles[5]!);
    s.cancel(handles[4]!);
    s.step();
    s.run({ untilMs: 2 });
    expect(s.counters.eventsProcessed).toBe(2);
    // Cancelled events do not count as pending, so refilling to 5 live does not raise the mark.
    s.after(1, 'e', noop);
    s.after(1, 'e', noop);
    s.after(1, 'e', noop);
    expect(s.pendingCount).toBe(5);
    expect(s.counters.queueHighWater).toBe(6);
    s.after(1, 'e', noop);
    s.after(1, 'e', noop);
    expect(s.counters.queueHighWater).toBe(7);
    s.run({ untilMs: 100 });
    expect(s.counters.eventsProcessed).toBe(9);
  });
});

describe('steering the order (what a replay needs)', () => {
  it('calls the fire hooks around every event with its key, and no more once unset', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    s.at(5, 'a', () => seen.push('a runs'));
    s.at(5, 'b', () => seen.push('b runs'), Priority.urgent);
    s.setFireHooks({
      before: (timeMs, priority, seq) => seen.push(`before ${timeMs} ${priority} ${seq}`),
      after: () => seen.push('after'),
    });
    s.run({ untilMs: 5 });
    expect(seen).toEqual(['before 5 0 1', 'b runs', 'after', 'before 5 1 0', 'a runs', 'after']);
    s.setFireHooks(undefined);
    s.at(6, 'c', () => seen.push('c runs'));
    s.run({ untilMs: 6 });
    expect(seen.at(-1)).toBe('c runs');
  });

  it('places an event by the seq it is given, and raised seqs never go down', () => {
    const s = new Scheduler();
    const order: string[] = [];
    expect(s.nextSeq).toBe(0);
    s.raiseSeqTo(100);
    s.at(1, 'x', () => order.push('x')); // seq 100
    s.atWithSeq(1, Priority.normal, 50, 'given 50', () => order.push('given 50'));
    s.atWithSeq(1, Priority.normal, 150, 'given 150', () => order.push('given 150'));
    s.raiseSeqTo(10); // no effect: seqs only go up
    s.at(1, 'y', () => order.push('y')); // seq 101
    expect(s.nextSeq).toBe(102);
    s.run({ untilMs: 1 });
    expect(order).toEqual(['given 50', 'x', 'y', 'given 150']);
  });

  it('checks a given-seq event like any other: not in the past', () => {
    const s = new Scheduler();
    s.run({ untilMs: 10 });
    expect(() => s.atWithSeq(5, Priority.normal, 0, 'late', () => {})).toThrow(SimulationError);
  });
});
