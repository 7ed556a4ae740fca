/**
 * The event queue: a binary min-heap ordered by the total key `(timeMs, priority, seq)`.
 *
 * `seq` is an insertion counter assigned by the queue, so two events with the same time and
 * priority leave in the order they were scheduled (FIFO), and every run of the same program pops
 * events in exactly the same order. The heap stores entries in plain arrays of objects; each
 * entry keeps its heap index so that removal could be added later, but cancellation is a
 * tombstone (O(1)): a cancelled entry stays in the heap and is skipped when it reaches the top.
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

export class EventQueue<T> {
  private readonly heap: QueueEntry<T>[] = [];
  private nextSeq = 0;
  private live = 0;

  /** Number of live (not cancelled) entries. */
  get size(): number {
    return this.live;
  }

  /** Number of entries held, cancelled ones included (what the memory holds). */
  get heldCount(): number {
    return this.heap.length;
  }

  push(timeMs: number, priority: number, payload: T): QueueEntry<T> {
    const entry: QueueEntry<T> = { timeMs, priority, seq: this.nextSeq++, payload, cancelled: false };
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    // Sift up.
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (!entryBefore(entry, parent)) break;
      heap[i] = parent;
      i = parentIndex;
    }
    heap[i] = entry;
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
    return this.heap[0];
  }

  /** Removes and returns the next live entry, or undefined when the queue is empty. */
  pop(): QueueEntry<T> | undefined {
    this.dropCancelledTop();
    const top = this.heap[0];
    if (top === undefined) return undefined;
    this.removeTop();
    this.live--;
    // A popped entry can no longer be cancelled: mark it so cancel() reports false.
    top.cancelled = true;
    return top;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.removeTop();
  }

  private removeTop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return;
    // Sift `last` down from the root.
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && entryBefore(heap[right]!, heap[left]!)) child = right;
      const c = heap[child]!;
      if (!entryBefore(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
  }
}
