/**
 * A map from AWS ids to the records that carry them, for the EC2 model's big indexes (instances
 * by id, live associations by id), keyed inside by a number: the value of the id's last 7 hex
 * digits.
 *
 * Why: a Map keyed by the id strings hashes through each string, and the strings of a fleet lie
 * scattered over the heap, so every rehash as the map grows (and as a fleet-wide replace fills it
 * with deleted entries) reads one cold string per entry: measured ~3x the cost of the same map
 * operations with number keys. Ids are random, so 28 bits tell nearly all of a fleet's apart; a
 * record whose number is already taken by another id goes to a small second map by its whole id
 * (an expected ~75 of 200,000 live ids).
 */
import { hexDigitAt } from './hex-id-set.ts';

/** Hex digits of the id that make its number: 28 bits, a small integer for V8 on every platform. */
const KEY_DIGITS = 7;

export class IdMap<V extends { readonly id: string }> {
  /** Records by the number of their id: all of them but those in `others`. */
  private readonly byKey = new Map<number, V>();
  /** Records whose number another record held when they were added, by id. */
  private readonly others = new Map<string, V>();

  get size(): number {
    return this.byKey.size + this.others.size;
  }

  get(id: string): V | undefined {
    const key = keyOf(id);
    if (key >= 0) {
      const v = this.byKey.get(key);
      if (v !== undefined && v.id === id) return v;
    }
    return this.others.size === 0 ? undefined : this.others.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Adds `v` under its id, which no record here may have already (the caller checks or knows). */
  add(v: V): void {
    const key = keyOf(v.id);
    if (key >= 0 && !this.byKey.has(key)) this.byKey.set(key, v);
    else this.others.set(v.id, v);
  }

  /**
   * Adds `v` under its id unless a record with that id is here already (then returns false and
   * adds nothing): has() and add() in one look at the map.
   */
  addNew(v: V): boolean {
    const key = keyOf(v.id);
    const held = key >= 0 ? this.byKey.get(key) : undefined;
    if (held !== undefined && held.id === v.id) return false;
    // The id may be among the others although its number is free now (its holder was deleted).
    if (this.others.size > 0 && this.others.has(v.id)) return false;
    if (key >= 0 && held === undefined) this.byKey.set(key, v);
    else this.others.set(v.id, v);
    return true;
  }

  /** Removes `v` (the record itself, as added). Returns false when it was not here. */
  delete(v: V): boolean {
    const key = keyOf(v.id);
    if (key >= 0 && this.byKey.get(key) === v) return this.byKey.delete(key);
    return this.others.delete(v.id);
  }

  /**
   * Every record in the order `orderOf` gives, which must be the order they were added in (a
   * creation sequence): the numbered ones already are in it (a Map iterates in insertion order,
   * and a record is added once), and the few others are merged in.
   */
  inOrder(orderOf: (v: V) => number): Iterable<V> {
    if (this.others.size === 0) return this.byKey.values();
    return [...this.byKey.values(), ...this.others.values()].sort((x, y) => orderOf(x) - orderOf(y));
  }
}

/** The number of `id`: its last 7 characters read as lower-case hex, or -1 when they are not. */
function keyOf(id: string): number {
  if (id.length < KEY_DIGITS) return -1;
  let key = 0;
  for (let i = id.length - KEY_DIGITS; i < id.length; i++) {
    const d = hexDigitAt(id, i);
    if (d < 0) return -1;
    key = (key << 4) | d;
  }
  return key;
}
