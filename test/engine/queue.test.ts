import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, entryBefore, Priority, type QueueEntry } from '../../src/engine/queue.ts';
import { propertyOptions } from '../helpers/fc.ts';

function drain<T>(queue: EventQueue<T>): QueueEntry<T>[] {
  const out: QueueEntry<T>[] = [];
  for (let e = queue.pop(); e !== undefined; e = queue.pop()) out.push(e);
  return out;
}

describe('EventQueue', () => {
  it('pops by time, then priority, then insertion order', () => {
    const q = new EventQueue<string>();
    q.push(5, Priority.normal, 'late');
    q.push(1, Priority.normal, 'early-normal-1');
    q.push(1, Priority.urgent, 'early-urgent');
    q.push(1, Priority.normal, 'early-normal-2');
    q.push(0, Priority.normal, 'first');
    expect(drain(q).map((e) => e.payload)).toEqual([
      'first',
      'early-urgent',
      'early-normal-1',
      'early-normal-2',
      'late',
    ]);
  });

  it('keeps FIFO order among many exact ties', () => {
    const q = new EventQueue<number>();
    for (let i = 0; i < 100; i++) q.push(7, Priority.normal, i);
    expect(drain(q).map((e) => e.payload)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('assigns seq as an insertion counter', () => {
    const q = new EventQueue<null>();
    expect([q.push(3, 1, null).seq, q.push(1, 1, null).seq, q.push(2, 0, null).seq]).toEqual([0, 1, 2]);
  });

  it('cancels by tombstone: size drops at once, the entry is held until it reaches the top', () => {
    const q = new EventQueue<string>();
    const a = q.push(1, Priority.normal, 'a');
    q.push(2, Priority.normal, 'b');
    expect(q.cancel(a)).toBe(true);
    expect(q.size).toBe(1);
    expect(q.heldCount).toBe(2);
    expect(q.peek()?.payload).toBe('b');
    expect(q.heldCount).toBe(1);
    expect(q.cancel(a)).toBe(false);
    expect(q.size).toBe(1);
  });

  it('refuses to cancel a popped entry', () => {
    const q = new EventQueue<string>();
    const a = q.push(1, Priority.normal, 'a');
    expect(q.pop()).toBe(a);
    expect(q.cancel(a)).toBe(false);
    expect(q.size).toBe(0);
  });

  it('returns undefined from peek and pop when empty or only tombstones remain', () => {
    const q = new EventQueue<string>();
    expect(q.peek()).toBeUndefined();
    expect(q.pop()).toBeUndefined();
    q.cancel(q.push(1, Priority.normal, 'x'));
    expect(q.peek()).toBeUndefined();
    expect(q.pop()).toBeUndefined();
    expect(q.heldCount).toBe(0);
  });

  it('entryBefore is a strict total order on (timeMs, priority, seq)', () => {
    const e = (timeMs: number, priority: Priority, seq: number): QueueEntry<null> => ({
      timeMs,
      priority,
      seq,
      payload: null,
      cancelled: false,
    });
    expect(entryBefore(e(1, 1, 9), e(2, 0, 0))).toBe(true);
    expect(entryBefore(e(1, 0, 9), e(1, 1, 0))).toBe(true);
    expect(entryBefore(e(1, 1, 0), e(1, 1, 1))).toBe(true);
    expect(entryBefore(e(1, 1, 1), e(1, 1, 1))).toBe(false);
  });

  it('behaves like a sorted list under any mix of push, pop and cancel (property)', () => {
    type Op =
      | { kind: 'push'; timeMs: number; priority: Priority }
      | { kind: 'pop' }
      | { kind: 'cancel'; pick: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('push' as const),
        timeMs: fc.integer({ min: 0, max: 30 }),
        priority: fc.constantFrom(Priority.urgent, Priority.normal),
      }),
      fc.record({ kind: fc.constant('pop' as const) }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const q = new EventQueue<number>();
        const handles: QueueEntry<number>[] = [];
        // The model: live entries kept sorted by key; entries are identified by their seq.
        let live: QueueEntry<number>[] = [];
        for (const o of ops) {
          if (o.kind === 'push') {
            const h = q.push(o.timeMs, o.priority, handles.length);
            handles.push(h);
            live.push(h);
            live.sort((a, b) => (entryBefore(a, b) ? -1 : 1));
          } else if (o.kind === 'pop') {
            const expected = live.shift();
            expect(q.pop()).toBe(expected);
          } else if (handles.length > 0) {
            const h = handles[o.pick % handles.length]!;
            const wasLive = live.includes(h);
            expect(q.cancel(h)).toBe(wasLive);
            live = live.filter((e) => e !== h);
          }
          expect(q.size).toBe(live.length);
          expect(q.peek()).toBe(live[0]);
        }
        expect(drain(q)).toEqual(live);
      }),
      propertyOptions(300),
    );
  });

  it('refuses a priority other than urgent and normal', () => {
    const q = new EventQueue<string>();
    expect(() => q.push(1, 2 as Priority, 'x')).toThrow(RangeError);
    expect(() => q.schedule(q.allocSlot('y'), 1, -1 as Priority)).toThrow(RangeError);
    expect(q.size).toBe(0);
  });
});
