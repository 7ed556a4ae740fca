/**
 * A map from AWS ids to the records that carry them, for the EC2 model's big indexes (instances
 * by id, live associations by id): an open-addressing table keyed by a number, the value of the
 * id's last 7 hex digits, over the records kept in the order they were added.
 *
 * Why: a Map keyed by the id strings hashes through each string, and the strings of a fleet lie
 * scattered over the heap, so every rehash as the map grows (and as a fleet-wide replace fills it
 * with deleted entries) reads one cold string per entry: measured ~3x the cost of the same map
 * operations with number keys. A Map keyed by the numbers still reads a bucket and then an entry
 * elsewhere in its table per look; here a slot holds the number and the record's position side
 * by side (one cache line per probe, ~20-30% faster per look at 200,000 ids). Ids are random, so
 * 28 bits tell nearly all of a fleet's apart; ids that share a number (or have none: not hex)
 * simply take further slots, and a look compares the record's whole id.
 */
import { hexDigitAt } from './hex-id-set.ts';

/** Hex digits of the id that make its number: 28 bits, a small integer for V8 on every platform. */
const KEY_DIGITS = 7;
/** The tag of an id without a number (its end is not 7 lower-case hex digits). */
const NO_KEY = 2;
/** Slot tags: an empty slot ends a probe; a deleted one does not. A used slot's tag is tagOf its id. */
const EMPTY = 0;
const DELETED = 1;
const CAPACITY_MIN = 16;

export class IdMap<V extends { readonly id: string }> {
  /** Two words per slot: the tag (EMPTY, DELETED, or tagOf the id) and the record's position in `records`. */
  private slots = new Int32Array(CAPACITY_MIN * 2);
  private capacity = CAPACITY_MIN;
  /** 32 - log2(capacity): a hash's top bits pick the slot. */
  private shift = 32 - Math.log2(CAPACITY_MIN);
  /** Slots in use, deleted ones included (what makes probes long). */
  private used = 0;
  /** The records in the order they were added; undefined where one was deleted. */
  private records: (V | undefined)[] = [];
  private count = 0;

  /**
   * `expectedSize`: how many records the caller expects to add. The table starts with room for
   * them and as many deleted ones (a record replaced by another) before its first rebuild: a
   * rebuild at fleet scale writes a table of tens of MB at random, one cache and TLB miss per
   * record (measured 25x the cost at 5x the records), and a fleet's seeding and a fleet-wide
   * replace would otherwise rebuild it several times.
   */
  constructor(expectedSize = 0) {
    while (this.capacity < 4 * (expectedSize + 1)) {
      this.capacity *= 2;
      this.shift--;
    }
    if (this.capacity > CAPACITY_MIN) this.slots = new Int32Array(this.capacity * 2);
  }

  get size(): number {
    return this.count;
  }

  get(id: string): V | undefined {
    const tag = tagOf(id);
    const { slots, records } = this;
    const mask = this.capacity - 1;
    for (let slot = hash(tag) >>> this.shift; ; slot = (slot + 1) & mask) {
      const t = slots[slot * 2]!;
      if (t === EMPTY) return undefined;
      if (t === tag) {
        const v = records[slots[slot * 2 + 1]!]!;
        if (v.id === id) return v;
      }
    }
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Adds `v` under its id, which no record here may have already (the caller checks or knows). */
  add(v: V): void {
    this.put(v, tagOf(v.id), -1);
  }

  /**
   * Adds `v` under its id unless a record with that id is here already (then returns false and
   * adds nothing): has() and add() in one probe.
   */
  addNew(v: V): boolean {
    const tag = tagOf(v.id);
    const { slots, records } = this;
    const mask = this.capacity - 1;
    let free = -1;
    for (let slot = hash(tag) >>> this.shift; ; slot = (slot + 1) & mask) {
      const t = slots[slot * 2]!;
      if (t === EMPTY) break;
      if (t === DELETED) {
        if (free < 0) free = slot;
      } else if (t === tag && records[slots[slot * 2 + 1]!]!.id === v.id) {
        return false;
      }
    }
    this.put(v, tag, free);
    return true;
  }

  /** Removes `v` (the record itself, as added). Returns false when it was not here. */
  delete(v: V): boolean {
    const tag = tagOf(v.id);
    const { slots, records } = this;
    const mask = this.capacity - 1;
    for (let slot = hash(tag) >>> this.shift; ; slot = (slot + 1) & mask) {
      const t = slots[slot * 2]!;
      if (t === EMPTY) return false;
      if (t === tag && records[slots[slot * 2 + 1]!] === v) {
        slots[slot * 2] = DELETED;
        records[slots[slot * 2 + 1]!] = undefined;
        this.count--;
        return true;
      }
    }
  }

  /**
   * The records in the order they were added, undefined where one was deleted: the map's own
   * list (not a copy; read it at once), for a reader of a fleet's records that a generator
   * would give one result object each.
   */
  recordsInOrder(): readonly (V | undefined)[] {
    return this.records;
  }

  /** Every record, in the order they were added. */
  *inOrder(): Iterable<V> {
    for (const v of this.records) if (v !== undefined) yield v;
  }

  /** Puts `v` (tag `tag`, absent) at slot `at`, or at the first free slot of its probe when -1. */
  private put(v: V, tag: number, at: number): void {
    // Rebuilt when the slots in use (deleted ones too) would pass half the table, or when most
    // of `records` are holes (adds that reuse deleted slots never fill the table).
    if ((this.used + 1) * 2 > this.capacity || this.records.length >= 2 * this.count + CAPACITY_MIN) {
      this.rebuild();
      at = -1;
    }
    const { slots } = this;
    const mask = this.capacity - 1;
    let slot = at;
    if (slot < 0) {
      slot = hash(tag) >>> this.shift;
      while (slots[slot * 2]! > DELETED) slot = (slot + 1) & mask;
    }
    if (slots[slot * 2] !== DELETED) this.used++;
    slots[slot * 2] = tag;
    slots[slot * 2 + 1] = this.records.length;
    this.records.push(v);
    this.count++;
  }

  /**
   * A new table without deleted slots, twice as large if the records alone fill a quarter of it
   * (kept at most half full, so probes stay short), and the records closed up. Built from the old
   * table's tags, never from the ids: an id string is a cold read per record at fleet scale.
   */
  private rebuild(): void {
    const old = this.slots;
    const oldRecords = this.records;
    // Each record's position once the holes are closed up.
    const moved = new Int32Array(oldRecords.length);
    const records: V[] = [];
    for (let i = 0; i < oldRecords.length; i++) {
      const v = oldRecords[i];
      if (v === undefined) continue;
      moved[i] = records.length;
      records.push(v);
    }
    if ((records.length + 1) * 4 > this.capacity) {
      this.capacity *= 2;
      this.shift--;
    }
    const slots = new Int32Array(this.capacity * 2);
    const mask = this.capacity - 1;
    for (let at = 0; at < old.length; at += 2) {
      const tag = old[at]!;
      if (tag <= DELETED) continue;
      let slot = hash(tag) >>> this.shift;
      while (slots[slot * 2] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot * 2] = tag;
      slots[slot * 2 + 1] = moved[old[at + 1]!]!;
    }
    this.slots = slots;
    this.records = records;
    this.used = records.length;
  }
}

/**
 * The tag of `id`'s slots: 3 + the number of its last 7 characters read as lower-case hex, or
 * NO_KEY when they are not (the tags of ids that have no number: they share one).
 */
function tagOf(id: string): number {
  if (id.length < KEY_DIGITS) return NO_KEY;
  let key = 0;
  for (let i = id.length - KEY_DIGITS; i < id.length; i++) {
    const d = hexDigitAt(id, i);
    if (d < 0) return NO_KEY;
    key = (key << 4) | d;
  }
  return key + 3;
}

/** A 32-bit mix of `tag` whose top bits pick its first slot (multiplicative hashing). */
function hash(tag: number): number {
  return Math.imul(tag, 0x9e3779b1);
}
