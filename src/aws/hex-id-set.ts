/**
 * A set of ids of one shape, `prefix` then 17 lower-case hex digits (`i-…`, `iip-assoc-…`), kept
 * as their 68-bit values in typed arrays rather than as strings in a Set.
 *
 * Why: IdFactory must remember every id it ever issued or reserved, ended associations' included,
 * and a fleet issues or reserves three such ids per instance (its id, its first association's, the
 * replacement's). In a Set<string> each costs a hash-table entry plus, for an ended association,
 * a 48-byte string kept alive only by the set, all of it walked by every full GC; here an id is
 * three 32-bit words in flat arrays the GC never looks into, and hashing it reads its digits once.
 */

/** Digits per id: AWS's long instance and association ids. */
const DIGITS = 17;
/** Smallest table, in slots: a power of two. */
const CAPACITY_MIN = 1024;
const SLOT_WORDS = 4;

export class HexIdSet {
  /**
   * Four words per slot, side by side so that a probe reads one cache line: the first digit + 1
   * (0 marks an empty slot), the next 8 digits, the last 8 (digits read as hex, so the words are
   * the id's value in three pieces), and one unused word for the alignment.
   */
  private slots: Int32Array;
  private capacity = CAPACITY_MIN;
  private bits = Math.log2(CAPACITY_MIN);
  private count = 0;

  /**
   * `expected`: how many ids the set is expected to hold. The table starts with room for them
   * (at most half full): growing it during a fleet's fan-out allocates tens of MB outside the
   * heap at once, which makes V8 run a full collection of the (then large) heap (see
   * world/replay.ts, EVENTS_PER_INSTANCE), and re-inserts every id at random.
   */
  constructor(
    readonly prefix: string,
    expected = 0,
  ) {
    while (this.capacity < 2 * (expected + 1)) {
      this.capacity *= 2;
      this.bits++;
    }
    this.slots = new Int32Array(this.capacity * SLOT_WORDS);
  }

  /**
   * Adds `id`: true if it was new, false if it was there, undefined (nothing added) when it is
   * not of this set's shape (`prefix` and 17 lower-case hex digits).
   */
  add(id: string): boolean | undefined {
    const at = this.prefix.length;
    // Read the digits and check the shape in one pass; -1 from hexDigitAt makes `bad` negative.
    let bad = id.length === at + DIGITS && id.startsWith(this.prefix) ? 0 : -1;
    const first = hexDigitAt(id, at);
    bad |= first;
    let mid = 0;
    for (let i = at + 1; i < at + 9; i++) {
      const d = hexDigitAt(id, i);
      bad |= d;
      mid = (mid << 4) | d;
    }
    let low = 0;
    for (let i = at + 9; i < at + DIGITS; i++) {
      const d = hexDigitAt(id, i);
      bad |= d;
      low = (low << 4) | d;
    }
    if (bad < 0) return undefined;
    const top = first + 1;
    const found = this.findSlot(top, mid, low);
    if (found >= 0) return false;
    if ((this.count + 1) * 2 > this.capacity) {
      this.grow();
      this.insert(top, mid, low);
    } else {
      // The empty slot the look ended at: no second probe (the table is too big to be cached).
      this.put(~found, top, mid, low);
    }
    this.count++;
    return true;
  }

  get size(): number {
    return this.count;
  }

  /** The slot holding the id, or `~slot` of the empty slot where the look ended. Linear probing from the id's hash. */
  private findSlot(top: number, mid: number, low: number): number {
    const { slots } = this;
    const mask = this.capacity - 1;
    for (let slot = hash(top, mid, low) >>> (32 - this.bits); ; slot = (slot + 1) & mask) {
      const at = slot * SLOT_WORDS;
      const t = slots[at]!;
      if (t === 0) return ~slot;
      if (t === top && slots[at + 1] === mid && slots[at + 2] === low) return slot;
    }
  }

  /** Puts an id known to be absent into its first free slot. */
  private insert(top: number, mid: number, low: number): void {
    const { slots } = this;
    const mask = this.capacity - 1;
    let slot = hash(top, mid, low) >>> (32 - this.bits);
    while (slots[slot * SLOT_WORDS] !== 0) slot = (slot + 1) & mask;
    this.put(slot, top, mid, low);
  }

  /** Writes an id into empty slot `slot`. */
  private put(slot: number, top: number, mid: number, low: number): void {
    const at = slot * SLOT_WORDS;
    this.slots[at] = top;
    this.slots[at + 1] = mid;
    this.slots[at + 2] = low;
  }

  /** Doubles the table (kept at most half full, so probes stay short). */
  private grow(): void {
    const old = this.slots;
    this.capacity *= 2;
    this.bits++;
    this.slots = new Int32Array(this.capacity * SLOT_WORDS);
    for (let at = 0; at < old.length; at += SLOT_WORDS) {
      if (old[at] !== 0) this.insert(old[at]!, old[at + 1]!, old[at + 2]!);
    }
  }
}

/**
 * Whether `id` is `prefix` followed by `lengths[0]` or `lengths[1]` lower-case hex digits: what
 * AWS's id patterns (`^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$`) say, without a regular expression
 * (EC2 checks the id of every instance seeded and every id a request names).
 */
export function isHexId(id: string, prefix: string, lengths: readonly [number, number]): boolean {
  const digits = id.length - prefix.length;
  if ((digits !== lengths[0] && digits !== lengths[1]) || !id.startsWith(prefix)) return false;
  for (let i = prefix.length; i < id.length; i++) if (hexDigitAt(id, i) < 0) return false;
  return true;
}

/** The value of the lower-case hex digit at `i` of `s`, or -1 for any other character. */
export function hexDigitAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** A 32-bit mix of the three words (multiplicative hashing; the table reads its top bits). */
function hash(top: number, mid: number, low: number): number {
  return Math.imul(low ^ Math.imul(mid, 0x85ebca6b) ^ Math.imul(top, 0xc2b2ae35), 0x9e3779b1);
}
