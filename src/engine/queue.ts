/**
 * The event queue: a 4-ary min-heap ordered by the total key `(timeMs, priority, seq)`.
 *
 * `seq` is an insertion counter assigned by the queue, so two events with the same time and
 * priority leave in the order they were scheduled (FIFO), and every run of the same program pops
 * events in exactly the same order.
 *
 * Layout (why it looks like this): a simulation of a large fleet keeps hundreds of thousands of
 * events pending, and a heap of objects then spends most of its time on cache misses, chasing a
 * pointer per comparison. The heap here is one Float64Array holding, per position, the element's
 * time, its order (priority and seq folded into one exact number) and a reference to its slot,
 * side by side (see STRIDE): a sift level reads the four children's keys from two or three
 * adjacent cache lines and moves the chosen one without touching any other array (separate
 * arrays for time, priority, seq and slot cost a line each per moved element). Each queued
 * thing lives in a *slot*: a small integer naming its payload and, for a reusable slot, its
 * current heap position. Four children per node instead of two halve the depth.
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
  readonly priority: Priority;
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
  // Whole numbers only: a fractional time (the queue accepts one; the scheduler never makes one)
  // is not truncated.
  return x >= 0 && x <= SMALL_INTEGER_MAX && x === Math.floor(x) ? x | 0 : x;
}
/** slotPos value of a slot that is not in the heap. */
const NOT_QUEUED = -1;

/**
 * A heap element is three doubles side by side (24 bytes): its time, its *order* and its ref.
 * The order folds priority and seq into one exact number, `priority * 2^52 + seq`: priority is
 * 0 or 1 and seq counts the events of one run (it would take 2^52 of them to reach the priority
 * bit), so comparing orders is comparing (priority, seq). Time stays a double of its own, any
 * value at all. The ref (an int32 in the low half of the third double) names the element's slot:
 * the slot number for a reusable slot, `~slot` (negative) for a one-shot entry. One-shot entries
 * are never looked up by slot, so moving them in the heap writes no back-pointer.
 */
const STRIDE = 3;
/** Int32 words per element, and the word of the ref within an element. */
const STRIDE_WORDS = STRIDE * 2;
const REF_WORD = 4;
const PRIORITY_UNIT = 2 ** 52;

export class EventQueue<T> {
  /** The heap, STRIDE doubles per position (see STRIDE), and an int32 view of it for the refs. */
  private heap = new Float64Array(CAPACITY_INITIAL * STRIDE);
  private heapWords = new Int32Array(this.heap.buffer);
  private capacity = CAPACITY_INITIAL;
  private length = 0;
  // Per slot.
  /** Heap position of a reusable slot, NOT_QUEUED when it is not in the heap (unused for one-shot entries). */
  private slotPos = new Int32Array(CAPACITY_INITIAL).fill(NOT_QUEUED);
  /** The payload of a reusable slot (a one-shot entry's is on its handle). */
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

  /** Time, priority and seq of the event the last `popSlot` or `popSlotUntil` returned. */
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

  /**
   * Adds a one-shot entry.
   * @throws RangeError when `priority` is not a Priority (0 or 1).
   */
  push(timeMs: number, priority: Priority, payload: T): QueueEntry<T> {
    return this.pushWithSeq(timeMs, priority, this.nextSeq++, payload);
  }

  /**
   * Adds a one-shot entry with a seq of the caller's (not counted by the queue): for an event
   * that must take a place in the order that the caller knows (a replayed event, see
   * src/world/replay.ts). Seqs are unique only if the caller keeps them apart from the queue's own.
   * @throws RangeError when `priority` is not a Priority or `seq` is out of range.
   */
  pushWithSeq(timeMs: number, priority: Priority, seq: number, payload: T): QueueEntry<T> {
    const order = orderOf(priority, seq);
    const entry: QueueEntry<T> = { timeMs, priority, seq, payload, cancelled: false };
    const slot = this.newSlot(undefined);
    this.slotEntry[slot] = entry;
    this.insert(~slot, timeMs, order);
    this.live++;
    return entry;
  }

  /** The seq the next event will get: how many events were scheduled (unless raiseSeqTo raised it). */
  get nextSeqValue(): number {
    return this.nextSeq;
  }

  /** From now on seqs start at `seq` at least (never lowers them, so they stay increasing). */
  raiseSeqTo(seq: number): void {
    if (seq > this.nextSeq) this.nextSeq = seq;
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
    return this.length === 0 ? undefined : this.heap[0];
  }

  /**
   * Removes the next live event and returns its payload (undefined when the queue is empty); its
   * key is left in `poppedTimeMs`, `poppedPriority` and `poppedSeq`. Allocates nothing.
   */
  popSlot(): T | undefined {
    return this.popSlotUntil(Number.POSITIVE_INFINITY);
  }

  /**
   * Like popSlot, but only when the next live event is due at or before `untilMs`: undefined (and
   * nothing removed) when it is later or the queue is empty. What a run loop calls once per event
   * instead of peeking and then popping.
   */
  popSlotUntil(untilMs: number): T | undefined {
    this.dropCancelledTop();
    if (this.length === 0) return undefined;
    const heap = this.heap;
    const timeMs = heap[0]!;
    if (timeMs > untilMs) return undefined;
    const order = heap[1]!;
    const ref = this.heapWords[REF_WORD]!;
    const priority = priorityOf(order);
    this.poppedTimeMs = smallInteger(timeMs);
    this.poppedPriority = priority;
    this.poppedSeq = smallInteger(order - priority * PRIORITY_UNIT);
    this.removeAt(0);
    this.live--;
    if (ref >= 0) {
      this.slotPos[ref] = NOT_QUEUED;
      return this.slotPayload[ref];
    }
    const slot = ~ref;
    const entry = this.slotEntry[slot]!;
    // A popped entry can no longer be cancelled: mark it so cancel() reports false.
    entry.cancelled = true;
    this.freeSlot(slot);
    return entry.payload;
  }

  /**
   * Empties the queue for a new run: seq starts again at 0 and every slot is free. Only valid
   * with nothing live pending (cancelled entries may remain; they are dropped).
   * @throws Error when live events are pending.
   */
  clear(): void {
    if (this.live !== 0) throw new Error(`cannot clear an event queue with ${this.live} live events`);
    for (let pos = 0; pos < this.length; pos++) {
      const ref = this.heapWords[pos * STRIDE_WORDS + REF_WORD]!;
      if (ref >= 0) this.slotPos[ref] = NOT_QUEUED;
    }
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
   * @throws RangeError when `priority` is not a Priority (0 or 1).
   */
  schedule(slot: number, timeMs: number, priority: Priority): number {
    const order = orderOf(priority, this.nextSeq);
    const seq = this.nextSeq++;
    const pos = this.slotPos[slot]!;
    if (pos === NOT_QUEUED) {
      this.insert(slot, timeMs, order);
      this.live++;
      return seq;
    }
    // The new order is later than the old one in seq, so only a time or priority decrease moves it up.
    const oldTimeMs = this.heap[pos * STRIDE]!;
    const oldOrder = this.heap[pos * STRIDE + 1]!;
    if (timeMs < oldTimeMs || (timeMs === oldTimeMs && order < oldOrder)) {
      this.siftUp(pos, slot, timeMs, order);
    } else {
      this.siftDown(pos, slot, timeMs, order);
    }
    return seq;
  }

  /** Takes a reusable slot out of the heap. Returns false when it was not queued. */
  unschedule(slot: number): boolean {
    const pos = this.slotPos[slot]!;
    if (pos === NOT_QUEUED) return false;
    this.slotPos[slot] = NOT_QUEUED;
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
    return pos === NOT_QUEUED ? undefined : this.heap[pos * STRIDE];
  }

  /** Whether queued slot `a` leaves before queued slot `b` (both of this queue). */
  slotBefore(a: number, b: number): boolean {
    const ia = this.slotPos[a]! * STRIDE;
    const ib = this.slotPos[b]! * STRIDE;
    const heap = this.heap;
    const timeA = heap[ia]!;
    const timeB = heap[ib]!;
    return timeA < timeB || (timeA === timeB && heap[ia + 1]! < heap[ib + 1]!);
  }

  /** Gives a reusable slot back (unscheduling it first); the number may be handed out again. */
  releaseSlot(slot: number): void {
    this.unschedule(slot);
    this.freeSlot(slot);
  }

  private entryAt(pos: number): QueueEntry<T> {
    const ref = this.heapWords[pos * STRIDE_WORDS + REF_WORD]!;
    if (ref < 0) return this.slotEntry[~ref]!;
    // A reusable slot seen through the entry API (peek/pop): describe it by value.
    const order = this.heap[pos * STRIDE + 1]!;
    const priority = priorityOf(order);
    return {
      timeMs: this.heap[pos * STRIDE]!,
      priority,
      seq: order - priority * PRIORITY_UNIT,
      payload: this.slotPayload[ref] as T,
      cancelled: false,
    };
  }

  private newSlot(payload: T | undefined): number {
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

  /** Drops cancelled one-shot entries off the top; a reusable slot at the top is always live. */
  private dropCancelledTop(): void {
    while (this.length > 0) {
      const ref = this.heapWords[REF_WORD]!;
      if (ref >= 0) return;
      const slot = ~ref;
      if (!this.slotEntry[slot]!.cancelled) return;
      this.removeAt(0);
      this.freeSlot(slot);
    }
  }

  private insert(ref: number, timeMs: number, order: number): void {
    if (this.length === this.capacity) this.grow();
    this.siftUp(this.length++, ref, timeMs, order);
  }

  private grow(): void {
    this.capacity *= 2;
    const heap = new Float64Array(this.capacity * STRIDE);
    heap.set(this.heap);
    this.heap = heap;
    this.heapWords = new Int32Array(heap.buffer);
  }

  /** Removes the element at heap position `pos` (its slot's bookkeeping is the caller's). */
  private removeAt(pos: number): void {
    const last = --this.length;
    if (pos === last) return;
    // Refill the hole with the last element, which may belong above or below it.
    const heap = this.heap;
    const i = last * STRIDE;
    const ref = this.heapWords[last * STRIDE_WORDS + REF_WORD]!;
    const timeMs = heap[i]!;
    const order = heap[i + 1]!;
    if (pos > 0) {
      const p = ((pos - 1) >> 2) * STRIDE;
      const parentTimeMs = heap[p]!;
      if (timeMs < parentTimeMs || (timeMs === parentTimeMs && order < heap[p + 1]!)) {
        this.siftUp(pos, ref, timeMs, order);
        return;
      }
    }
    this.siftDown(pos, ref, timeMs, order);
  }

  /** Places the element `(ref, timeMs, order)` at `pos` or above it. */
  private siftUp(pos: number, ref: number, timeMs: number, order: number): void {
    const heap = this.heap;
    let i = pos;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const p = parent * STRIDE;
      const parentTimeMs = heap[p]!;
      if (!(timeMs < parentTimeMs || (timeMs === parentTimeMs && order < heap[p + 1]!))) break;
      this.moveEntry(parent, i);
      i = parent;
    }
    this.putEntry(i, ref, timeMs, order);
  }

  /** Places the element `(ref, timeMs, order)` at `pos` or below it. */
  private siftDown(pos: number, ref: number, timeMs: number, order: number): void {
    const heap = this.heap;
    const n = this.length;
    let i = pos;
    for (;;) {
      const first = (i << 2) + 1;
      if (first >= n) break;
      // The earliest of up to four children; they lie side by side, time and order together.
      let child = first;
      let childTimeMs = heap[first * STRIDE]!;
      let childOrder = heap[first * STRIDE + 1]!;
      const end = Math.min(first + 4, n);
      for (let c = first + 1; c < end; c++) {
        const t = heap[c * STRIDE]!;
        if (t < childTimeMs || (t === childTimeMs && heap[c * STRIDE + 1]! < childOrder)) {
          child = c;
          childTimeMs = t;
          childOrder = heap[c * STRIDE + 1]!;
        }
      }
      if (!(childTimeMs < timeMs || (childTimeMs === timeMs && childOrder < order))) break;
      this.moveEntry(child, i);
      i = child;
    }
    this.putEntry(i, ref, timeMs, order);
  }

  /** Copies the heap element at `from` to position `to`, keeping a reusable slot's back-pointer right. */
  private moveEntry(from: number, to: number): void {
    const heap = this.heap;
    const words = this.heapWords;
    heap[to * STRIDE] = heap[from * STRIDE]!;
    heap[to * STRIDE + 1] = heap[from * STRIDE + 1]!;
    const ref = words[from * STRIDE_WORDS + REF_WORD]!;
    words[to * STRIDE_WORDS + REF_WORD] = ref;
    if (ref >= 0) this.slotPos[ref] = to;
  }

  /** Writes an element at heap position `i`. */
  private putEntry(i: number, ref: number, timeMs: number, order: number): void {
    this.heap[i * STRIDE] = timeMs;
    this.heap[i * STRIDE + 1] = order;
    this.heapWords[i * STRIDE_WORDS + REF_WORD] = ref;
    if (ref >= 0) this.slotPos[ref] = i;
  }
}

/**
 * The order of an event of `priority` taking `seq` (see STRIDE).
 * @throws RangeError when `priority` is not 0 or 1 (or seq has reached 2^52).
 */
function orderOf(priority: Priority, seq: number): number {
  if ((priority !== 0 && priority !== 1) || seq >= PRIORITY_UNIT) {
    throw new RangeError(
      `an event's priority must be 0 or 1 (and at most 2^52 events per run), got ${priority}`,
    );
  }
  return priority * PRIORITY_UNIT + seq;
}

/** The priority folded into `order` (see orderOf); its seq is `order - priority * PRIORITY_UNIT`. */
function priorityOf(order: number): Priority {
  return order >= PRIORITY_UNIT ? 1 : 0;
}
