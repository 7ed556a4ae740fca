/**
 * The event queue against plain references, driven by the same operation sequences: it must pop
 * exactly in (timeMs, priority, seq) order through every entry point (popSlot, popSlotUntil,
 * peek, peekTimeMs) and report slots (isQueued, timeOf, slotBefore) as the reference does; and
 * it must keep that order at the sizes a fleet reaches (a larger deterministic run).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, Priority } from '../../src/engine/queue.ts';
import { RandomStream } from '../../src/engine/random.ts';
import { propertyOptions } from '../helpers/fc.ts';

/** A live event of the reference: its key and what the queue returns for it. */
interface Key {
  readonly timeMs: number;
  readonly priority: number;
  readonly seq: number;
  readonly payload: string;
}

function keyBefore(a: Key, b: Key): boolean {
  if (a.timeMs !== b.timeMs) return a.timeMs < b.timeMs;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

/** The reference: live events in a plain list, the next one found by a scan. */
function nextOf(live: readonly Key[]): Key | undefined {
  let best: Key | undefined;
  for (const k of live) if (best === undefined || keyBefore(k, best)) best = k;
  return best;
}

const SLOTS = 6;

type Op =
  | { kind: 'push'; time: Time; priority: Priority }
  | { kind: 'schedule'; slot: number; time: Time; priority: Priority }
  | { kind: 'unschedule'; slot: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'pop' }
  | { kind: 'popUntil'; time: Time }
  | { kind: 'peek' }
  | { kind: 'clear' };

/**
 * A time: absolute (anything the queue accepts), or `ahead` of the last popped time as a
 * scheduler would give (the common case: time moving forward).
 */
type Time = { absoluteMs: number } | { aheadMs: number };

// Negative, fractional, -0, huge, infinite; few distinct small values so that ties are common.
const absoluteArb = fc.oneof(
  fc.integer({ min: -40, max: 40 }),
  fc.integer({ min: -1e6, max: 1e7 }),
  fc.constantFrom(-0, 0.5, -1.25, 3.75, 2 ** 52, 2 ** 53, 2 ** 53 + 2, 1e300, Number.MAX_VALUE),
  fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1e300),
  fc.double({ noNaN: true }),
);
const aheadArb = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: 0, max: 200 }),
  fc.integer({ min: 0, max: 5000 }),
  fc.constantFrom(0.25, 2 ** 40, Number.POSITIVE_INFINITY),
);
const timeArb: fc.Arbitrary<Time> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ absoluteMs: absoluteArb }) },
  { weight: 2, arbitrary: fc.record({ aheadMs: aheadArb }) },
);
const priorityArb = fc.constantFrom(Priority.urgent, Priority.normal);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('push' as const), time: timeArb, priority: priorityArb }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('schedule' as const),
      slot: fc.nat({ max: SLOTS - 1 }),
      time: timeArb,
      priority: priorityArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('unschedule' as const), slot: fc.nat({ max: SLOTS - 1 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('popUntil' as const), time: timeArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('peek' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) },
);

describe('EventQueue against a reference', () => {
  it('pops exactly as a list sorted by (time, priority, seq) under any operations (property)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const q = new EventQueue<string>();
        let slots = Array.from({ length: SLOTS }, (_, i) => q.allocSlot(`slot${i}`));
        const handles: { payload: string; entry: ReturnType<typeof q.push> }[] = [];
        let live: Key[] = [];
        let seq = 0;
        let lastPoppedMs = 0;
        const timeOf = (t: Time): number => ('absoluteMs' in t ? t.absoluteMs : lastPoppedMs + t.aheadMs);
        /**
         * Pops from both when the reference's next event is due by `untilMs`; without a bound,
         * through popSlot (popUntil's times reach +Infinity too, for popSlotUntil's).
         */
        const popBoth = (untilMs?: number): void => {
          const expected = nextOf(live);
          const due = expected !== undefined && !(untilMs !== undefined && expected.timeMs > untilMs);
          const payload = untilMs === undefined ? q.popSlot() : q.popSlotUntil(untilMs);
          expect(payload).toBe(due ? expected.payload : undefined);
          if (!due) return;
          live = live.filter((k) => k !== expected);
          // === rather than toBe: the queue reports -0 as 0.
          expect(q.poppedTimeMs === expected.timeMs).toBe(true);
          expect([q.poppedPriority, q.poppedSeq]).toEqual([expected.priority, expected.seq]);
          if (Number.isFinite(expected.timeMs)) lastPoppedMs = expected.timeMs;
        };
        for (const o of ops) {
          if (o.kind === 'push') {
            const payload = `entry${handles.length}`;
            const timeMs = timeOf(o.time);
            handles.push({ payload, entry: q.push(timeMs, o.priority, payload) });
            live.push({ timeMs, priority: o.priority, seq: seq++, payload });
          } else if (o.kind === 'schedule') {
            const payload = `slot${o.slot}`;
            const timeMs = timeOf(o.time);
            expect(q.schedule(slots[o.slot]!, timeMs, o.priority)).toBe(seq);
            live = live.filter((k) => k.payload !== payload);
            live.push({ timeMs, priority: o.priority, seq: seq++, payload });
          } else if (o.kind === 'unschedule') {
            const payload = `slot${o.slot}`;
            expect(q.unschedule(slots[o.slot]!)).toBe(live.some((k) => k.payload === payload));
            live = live.filter((k) => k.payload !== payload);
          } else if (o.kind === 'cancel') {
            if (handles.length === 0) continue;
            const h = handles[o.pick % handles.length]!;
            expect(q.cancel(h.entry)).toBe(live.some((k) => k.payload === h.payload));
            live = live.filter((k) => k.payload !== h.payload);
          } else if (o.kind === 'pop') {
            popBoth();
          } else if (o.kind === 'popUntil') {
            popBoth(timeOf(o.time));
          } else if (o.kind === 'peek') {
            const expected = nextOf(live);
            expect(q.peekTimeMs()).toBe(expected?.timeMs);
            const entry = q.peek();
            expect(
              entry === undefined ? undefined : [entry.timeMs, entry.priority, entry.seq, entry.payload],
            ).toEqual(
              expected === undefined
                ? undefined
                : [expected.timeMs, expected.priority, expected.seq, expected.payload],
            );
          } else if (live.length === 0) {
            // clear is only valid with nothing live; it starts the seq over and frees every slot.
            q.clear();
            slots = Array.from({ length: SLOTS }, (_, i) => q.allocSlot(`slot${i}`));
            seq = 0;
            lastPoppedMs = 0;
            handles.length = 0;
            expect(q.heldCount).toBe(0);
          }
          expect(q.size).toBe(live.length);
          expect(q.heldCount).toBeGreaterThanOrEqual(live.length);
          for (let i = 0; i < SLOTS; i++) {
            const k = live.find((e) => e.payload === `slot${i}`);
            expect(q.isQueued(slots[i]!)).toBe(k !== undefined);
            expect(q.timeOf(slots[i]!)).toBe(k?.timeMs);
            for (let j = 0; j < SLOTS; j++) {
              const other = live.find((e) => e.payload === `slot${j}`);
              if (k !== undefined && other !== undefined) {
                expect(q.slotBefore(slots[i]!, slots[j]!)).toBe(keyBefore(k, other));
              }
            }
          }
        }
        // Whatever is left leaves in order too.
        while (live.length > 0) popBoth();
        expect(q.popSlot()).toBeUndefined();
        expect(q.heldCount).toBe(0);
      }),
      propertyOptions(400),
    );
  });

  it('keeps the order of a fleet-sized hold workload', () => {
    // 20,000 reusable slots rescheduled up to two hours ahead at every pop, some to the same
    // millisecond, plus one-shot entries of which some are cancelled. The reference is a
    // textbook binary heap of (time, priority, seq) with stale entries skipped.
    const slotsCount = 20_000;
    const pops = 150_000;
    const rng = new RandomStream('test/queue-reference');
    const q = new EventQueue<number>();
    const slots = Array.from({ length: slotsCount }, (_, i) => q.allocSlot(i));
    const ref: Key[] = [];
    const refPush = (k: Key): void => {
      let i = ref.length;
      ref.push(k);
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!keyBefore(k, ref[p]!)) break;
        ref[i] = ref[p]!;
        i = p;
      }
      ref[i] = k;
    };
    const refPop = (): Key | undefined => {
      const top = ref[0];
      const last = ref.pop();
      if (top === undefined || last === undefined || ref.length === 0) return top;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= ref.length) break;
        const c = l + 1 < ref.length && keyBefore(ref[l + 1]!, ref[l]!) ? l + 1 : l;
        if (!keyBefore(ref[c]!, last)) break;
        ref[i] = ref[c]!;
        i = c;
      }
      ref[i] = last;
      return top;
    };
    /** The seq each slot is live with (a reference entry with another seq is stale). */
    const liveSeq = new Map<string, number>();
    let seq = 0;
    const delayMs = (): number => {
      const u = rng.next();
      if (u < 0.1) return Math.floor(u * 100); // soon, often the same ms
      if (u < 0.98) return Math.floor(u * 2 * 3_600_000); // up to two hours
      return Math.floor(u * 40 * 3_600_000); // days ahead
    };
    const schedule = (slot: number, nowMs: number): void => {
      const timeMs = nowMs + delayMs();
      const priority = rng.next() < 0.2 ? Priority.urgent : Priority.normal;
      q.schedule(slots[slot]!, timeMs, priority);
      liveSeq.set(`slot${slot}`, seq);
      refPush({ timeMs, priority, seq: seq++, payload: `slot${slot}` });
    };
    for (let s = 0; s < slotsCount; s++) schedule(s, 0);
    const entries: { entry: ReturnType<typeof q.push>; payload: string }[] = [];
    let mismatches = 0;
    for (let n = 0; n < pops; n++) {
      let expected = refPop();
      while (expected !== undefined && liveSeq.get(expected.payload) !== expected.seq) expected = refPop();
      const payload = q.popSlot();
      if (expected === undefined) {
        expect(payload).toBeUndefined();
        break;
      }
      liveSeq.delete(expected.payload);
      if (q.poppedSeq !== expected.seq || q.poppedTimeMs !== expected.timeMs) mismatches++;
      const nowMs = expected.timeMs;
      if (payload !== undefined && payload >= 0) schedule(payload, nowMs);
      const u = rng.next();
      if (u < 0.05) {
        // A one-shot entry, an hour or so ahead.
        const timeMs = nowMs + Math.floor(rng.next() * 3_600_000);
        const name = `entry${n}`;
        entries.push({ entry: q.push(timeMs, Priority.normal, -1), payload: name });
        liveSeq.set(name, seq);
        refPush({ timeMs, priority: Priority.normal, seq: seq++, payload: name });
      } else if (u < 0.07 && entries.length > 0) {
        const { entry, payload: name } = entries[Math.floor(rng.next() * entries.length)]!;
        expect(q.cancel(entry)).toBe(liveSeq.delete(name));
      } else if (u < 0.09) {
        const slot = Math.floor(rng.next() * slotsCount);
        expect(q.unschedule(slots[slot]!)).toBe(liveSeq.delete(`slot${slot}`));
      }
    }
    expect(mismatches).toBe(0);
    expect(q.size).toBe(liveSeq.size);
  });
});
