/**
 * The event queue: a 4-ary min-heap ordered by the total key `(timeMs, priority, seq)`.
 *
 * `seq` is an insertion counter assigned by the queue, so two events with the same time and
 * priority leave in the order they were scheduled (FIFO), and every run of the same program pops
 * events in exactly the same order.
 *
 * Layout (why it looks like this): a simulation of a large fleet keeps hundreds of thousands of
 * events pending, and a heap of objects then spends most of its time on cache misses, chasing a
 * pointer per comparison. The heap here is a struct of typed arrays (time, priority, seq and slot
 * per heap position), so a sift compares numbers that lie next to each other. Each queued thing
 * lives in a *slot*: a small integer naming its payload and its current heap position. Four
 * children per node instead of two halve the depth; the four lie side by side, so a level costs
 * about one cache line where a binary heap's two levels cost two.
 *
 * Two kinds of slots:
 * - one-shot entries (`push`): a slot per entry, returned as a `QueueEntry` handle. Cancelling is
 *   a tombstone (O(1)): the entry stays in the heap and is skipped when it reaches the top; its
 *   slot is recycled when it leaves the heap.
 * - reusable slots (`allocSlot` + `schedule`): one slot that is (re)scheduled again and again, for
 *   an actor's "next event" (an IMDS rotation, an SDK refresh). Rescheduling moves the slot
 *   within the heap with a fresh `seq`, which orders it exactly as cancelling it and pushing a
 *   new entry would; unscheduling removes it at once. No allocation and no tombstone per event.
 */

/** Lanes within one millisecond: urgent events run before normal ones at the same time. */
export const Priority = {
  urgent: 0,
  normal: 1,
} as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

export interface QueueEntry<T> {
  readonly timeMs: number;
  readonly priority: number;
  readonly seq: number;
  readonly payload: T;
  /** Set by cancel(); the entry is skipped when it reaches the top. */
  cancelled: boolean;
}

/** True when `a` must leave the queue before `b`. */
export function entryBefore<T>(a: QueueEntry<T>, b: QueueEntry<T>): boolean {
  if (a.timeMs !== b.timeMs) return a.timeMs < b.timeMs;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

const CAPACITY_INITIAL = 64;
/** Largest value V8 keeps unboxed as a small integer (31-bit Smi). */
const SMALL_INTEGER_MAX = 0x3fffffff;

/**
 * The same number, but typed as a 32-bit integer where it fits, so that V8 stores it unboxed.
 * Read from a Float64Array, a time would be a double; stored in an object field, a double makes
 * that field (and every object of that shape) keep its value in a separate heap box, which at
 * fleet scale is an allocation per stored time.
 */
function smallInteger(x: number): number {
  return x >= 0 && x <= SMALL_INTEGER_MAX ? x | 0 : x;
}
/** slotPos value of a slot that is not in the heap. */
const NOT_QUEUED = -1;

export class EventQueue<T> {
  // Per heap position.
  private heapTimeMs = new Float64Array(CAPACITY_INITIAL);
  private heapPriority = new Float64Array(CAPACITY_INITIAL);
  private heapSeq = new Float64Array(CAPACITY_INITIAL);
  private heapSlot = new Int32Array(CAPACITY_INITIAL);
  private length = 0;
  // Per slot.
  private slotPos = new Int32Array(CAPACITY_INITIAL).fill(NOT_QUEUED);
  private readonly slotPayload: (T | undefined)[] = [];
  /** The handle of a one-shot entry; undefined for a reusable slot. */
  private readonly slotEntry: (QueueEntry<T> | undefined)[] = [];
  /** Free slot numbers, a stack of `freeCount`. */
  private freeSlots = new Int32Array(CAPACITY_INITIAL);
  private freeCount = 0;
  /** Slots handed out so far (`slotPayload` and `slotEntry` may be longer after a clear). */
  private slotCount = 0;
  private nextSeq = 0;
  private live = 0;

  /** Time, priority and seq of the event the last `popSlot` returned. */
  poppedTimeMs = 0;
  poppedPriority = 0;
  poppedSeq = 0;

  /** Number of live (not cancelled) entries. */
  get size(): number {
    return this.live;
  }

  /** Number of entries held, cancelled ones included (what the memory holds). */
  get heldCount(): number {
    return this.length;
  }

  /** Adds a one-shot entry. */
  push(timeMs: number, priority: number, payload: T): QueueEntry<T> {
    const seq = this.nextSeq++;
    const entry: QueueEntry<T> = { timeMs, priority, seq, payload, cancelled: false };
    const slot = this.newSlot(payload);
    this.slotEntry[slot] = entry;
    this.insert(slot, timeMs, priority, seq);
    this.live++;
    return entry;
  }

  /** Marks an entry cancelled. Returns false when it was already cancelled or popped. */
  cancel(entry: QueueEntry<T>): boolean {
    if (entry.cancelled) return false;
    entry.cancelled = true;
    this.live--;
    return true;
  }

  /** The next live entry without removing it, or undefined when the queue is empty. */
  peek(): QueueEntry<T> | undefined {
    this.dropCancelledTop();
    if (this.length === 0) return undefined;
    return this.entryAt(0);
  }

  /** Removes and returns the next live entry, or undefined when the queue is empty. */
  pop(): QueueEntry<T> | undefined {
    this.dropCancelledTop();
    if (this.length === 0) return undefined;
    const entry = this.entryAt(0);
    this.popSlot();
    return entry;
  }

  /** Time of the next live event, or undefined when the queue is empty. */
  peekTimeMs(): number | undefined {
    this.dropCancelledTop();
    return this.length === 0 ? undefined : this.heapTimeMs[0];
  }

  /**
   * Removes the next live event and returns its payload (undefined when the queue is empty); its
   * key is left in `poppedTimeMs`, `poppedPriority` and `poppedSeq`. Allocates nothing.
   */
  popSlot(): T | undefined {
    this.dropCancelledTop();
    if (this.length === 0) return undefined;
    const slot = this.heapSlot[0]!;
    this.poppedTimeMs = smallInteger(this.heapTimeMs[0]!);
    this.poppedPriority = smallInteger(this.heapPriority[0]!);
    this.poppedSeq = smallInteger(this.heapSeq[0]!);
    this.removeAt(0);
    this.live--;
    const payload = this.slotPayload[slot];
    const entry = this.slotEntry[slot];
    if (entry !== undefined) {
      // A popped entry can no longer be cancelled: mark it so cancel() reports false.
      entry.cancelled = true;
      this.freeSlot(slot);
    }
    return payload;
  }

  /**
   * Empties the queue for a new run: seq starts again at 0 and every slot is free. Only valid
   * with nothing live pending (cancelled entries may remain; they are dropped).
   * @throws Error when live events are pending.
   */
  clear(): void {
    if (this.live !== 0) throw new Error(`cannot clear an event queue with ${this.live} live events`);
    for (let pos = 0; pos < this.length; pos++) this.slotPos[this.heapSlot[pos]!] = NOT_QUEUED;
    this.length = 0;
    // Emptied in place: setting an array's length to 0 gives its storage back, and a queue that
    // is cleared once per instance (the isolated warm-up) would then grow it anew each time.
    this.slotPayload.fill(undefined, 0, this.slotCount);
    this.slotEntry.fill(undefined, 0, this.slotCount);
    this.freeCount = 0;
    this.slotCount = 0;
    this.nextSeq = 0;
  }

  /** A reusable slot for `payload`, not yet scheduled. It lives as long as the queue. */
  allocSlot(payload: T): number {
    const slot = this.newSlot(payload);
    this.slotEntry[slot] = undefined;
    return slot;
  }

  /**
   * Schedules a reusable slot at `(timeMs, priority)` with a fresh seq, moving it if it is already
   * queued: the same order as cancelling it and pushing anew. Returns the seq.
   */
  schedule(slot: number, timeMs: number, priority: number): number {
    const seq = this.nextSeq++;
    const pos = this.slotPos[slot]!;
    if (pos === NOT_QUEUED) {
      this.insert(slot, timeMs, priority, seq);
      this.live++;
      return seq;
    }
    // The new key is later than the old one in seq, so only a time or priority decrease moves it up.
    const oldTimeMs = this.heapTimeMs[pos]!;
    const oldPriority = this.heapPriority[pos]!;
    if (timeMs < oldTimeMs || (timeMs === oldTimeMs && priority < oldPriority)) {
      this.siftUp(pos, slot, timeMs, priority, seq);
    } else {
      this.siftDown(pos, slot, timeMs, priority, seq);
    }
    return seq;
  }

  /** Takes a reusable slot out of the heap. Returns false when it was not queued. */
  unschedule(slot: number): boolean {
    const pos = this.slotPos[slot]!;
    if (pos === NOT_QUEUED) return false;
    this.removeAt(pos);
    this.live--;
    return true;
  }

  /** Whether a reusable slot is queued. */
  isQueued(slot: number): boolean {
    return this.slotPos[slot] !== NOT_QUEUED;
  }

  /** The time a queued slot is due at, or undefined when it is not queued. */
  timeOf(slot: number): number | undefined {
    const pos = this.slotPos[slot]!;
    return pos === NOT_QUEUED ? undefined : this.heapTimeMs[pos];
  }

  /** Whether queued slot `a` leaves before queued slot `b` (both of this queue). */
  slotBefore(a: number, b: number): boolean {
    const pa = this.slotPos[a]!;
    const pb = this.slotPos[b]!;
    return this.keyBefore(
      this.heapTimeMs[pa]!,
      this.heapPriority[pa]!,
      this.heapSeq[pa]!,
      this.heapTimeMs[pb]!,
      this.heapPriority[pb]!,
      this.heapSeq[pb]!,
    );
  }

  /** Gives a reusable slot back (unscheduling it first); the number may be handed out again. */
  releaseSlot(slot: number): void {
    this.unschedule(slot);
    this.freeSlot(slot);
  }

  private entryAt(pos: number): QueueEntry<T> {
    const slot = this.heapSlot[pos]!;
    const entry = this.slotEntry[slot];
    if (entry !== undefined) return entry;
    // A reusable slot seen through the entry API (peek/pop): describe it by value.
    return {
      timeMs: this.heapTimeMs[pos]!,
      priority: this.heapPriority[pos]!,
      seq: this.heapSeq[pos]!,
      payload: this.slotPayload[slot] as T,
      cancelled: false,
    };
  }

  private newSlot(payload: T): number {
    if (this.freeCount > 0) {
      const slot = this.freeSlots[--this.freeCount]!;
      this.slotPayload[slot] = payload;
      return slot;
    }
    const slot = this.slotCount++;
    if (slot >= this.slotPos.length) {
      const grown = new Int32Array(this.slotPos.length * 2).fill(NOT_QUEUED);
      grown.set(this.slotPos);
      this.slotPos = grown;
    }
    if (slot < this.slotPayload.length) {
      this.slotPayload[slot] = payload;
      this.slotEntry[slot] = undefined;
    } else {
      this.slotPayload.push(payload);
      this.slotEntry.push(undefined);
    }
    return slot;
  }

  private freeSlot(slot: number): void {
    this.slotPayload[slot] = undefined;
    this.slotEntry[slot] = undefined;
    if (this.freeCount === this.freeSlots.length) {
      const grown = new Int32Array(this.freeSlots.length * 2);
      grown.set(this.freeSlots);
      this.freeSlots = grown;
    }
    this.freeSlots[this.freeCount++] = slot;
  }

  private dropCancelledTop(): void {
    while (this.length > 0) {
      const slot = this.heapSlot[0]!;
      const entry = this.slotEntry[slot];
      if (entry === undefined || !entry.cancelled) return;
      this.removeAt(0);
      this.freeSlot(slot);
    }
  }

  private insert(slot: number, timeMs: number, priority: number, seq: number): void {
    if (this.length === this.heapSlot.length) this.grow();
    this.siftUp(this.length++, slot, timeMs, priority, seq);
  }

  private grow(): void {
    const capacity = this.heapSlot.length * 2;
    const time = new Float64Array(capacity);
    time.set(this.heapTimeMs);
    this.heapTimeMs = time;
    const priority = new Float64Array(capacity);
    priority.set(this.heapPriority);
    this.heapPriority = priority;
    const seq = new Float64Array(capacity);
    seq.set(this.heapSeq);
    this.heapSeq = seq;
    const slots = new Int32Array(capacity);
    slots.set(this.heapSlot);
    this.heapSlot = slots;
  }

  /** Removes the element at heap position `pos` and marks its slot not queued. */
  private removeAt(pos: number): void {
    const removedSlot = this.heapSlot[pos]!;
    this.slotPos[removedSlot] = NOT_QUEUED;
    const last = --this.length;
    if (pos === last) return;
    // Refill the hole with the last element, which may belong above or below it.
    const slot = this.heapSlot[last]!;
    const timeMs = this.heapTimeMs[last]!;
    const priority = this.heapPriority[last]!;
    const seq = this.heapSeq[last]!;
    if (pos > 0 && this.before(timeMs, priority, seq, (pos - 1) >> 2)) {
      this.siftUp(pos, slot, timeMs, priority, seq);
    } else {
      this.siftDown(pos, slot, timeMs, priority, seq);
    }
  }

  /** True when the key `(timeMs, priority, seq)` leaves before the element at heap position `pos`. */
  private before(timeMs: number, priority: number, seq: number, pos: number): boolean {
    const t = this.heapTimeMs[pos]!;
    if (timeMs !== t) return timeMs < t;
    const p = this.heapPriority[pos]!;
    if (priority !== p) return priority < p;
    return seq < this.heapSeq[pos]!;
  }

  /** Places the element `(slot, key)` at `pos` or above it. */
  private siftUp(pos: number, slot: number, timeMs: number, priority: number, seq: number): void {
    let i = pos;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      if (!this.before(timeMs, priority, seq, parent)) break;
      this.moveEntry(parent, i);
      i = parent;
    }
    this.putEntry(i, slot, timeMs, priority, seq);
  }

  /** Places the element `(slot, key)` at `pos` or below it. */
  private siftDown(pos: number, slot: number, timeMs: number, priority: number, seq: number): void {
    const time = this.heapTimeMs;
    const prio = this.heapPriority;
    const seqs = this.heapSeq;
    const n = this.length;
    let i = pos;
    for (;;) {
      const first = (i << 2) + 1;
      if (first >= n) break;
      // The earliest of up to four children; they sit next to each other in every array.
      let child = first;
      const last = Math.min(first + 4, n);
      for (let c = first + 1; c < last; c++) {
        if (this.before(time[c]!, prio[c]!, seqs[c]!, child)) child = c;
      }
      if (!this.keyBefore(time[child]!, prio[child]!, seqs[child]!, timeMs, priority, seq)) break;
      this.moveEntry(child, i);
      i = child;
    }
    this.putEntry(i, slot, timeMs, priority, seq);
  }

  /** Copies the heap entry at `from` to position `to`, keeping its slot's back-pointer right. */
  private moveEntry(from: number, to: number): void {
    this.heapTimeMs[to] = this.heapTimeMs[from]!;
    this.heapPriority[to] = this.heapPriority[from]!;
    this.heapSeq[to] = this.heapSeq[from]!;
    const moved = this.heapSlot[from]!;
    this.heapSlot[to] = moved;
    this.slotPos[moved] = to;
  }

  /** Writes an entry at heap position `i`. */
  private putEntry(i: number, slot: number, timeMs: number, priority: number, seq: number): void {
    this.heapTimeMs[i] = timeMs;
    this.heapPriority[i] = priority;
    this.heapSeq[i] = seq;
    this.heapSlot[i] = slot;
    this.slotPos[slot] = i;
  }

  private keyBefore(
    timeA: number,
    priorityA: number,
    seqA: number,
    timeB: number,
    priorityB: number,
    seqB: number,
  ): boolean {
    if (timeA !== timeB) return timeA < timeB;
    if (priorityA !== priorityB) return priorityA < priorityB;
    return seqA < seqB;
  }
}
