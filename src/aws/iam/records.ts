/**
 * Safe access to the name-keyed records of IamState and AuthzState.
 *
 * IAM names may be `__proto__`, `constructor` or `toString` (they match `[\w+=,.@-]+`), so a
 * plain `record[key]` would find Object.prototype members and an assignment to `__proto__` would
 * change a prototype instead of adding an entry. Reads therefore check own properties, and writes
 * build a new record with data-property semantics; the IAM service assigns that record inside its
 * immer recipe.
 */

export function entry<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets `key` on a record being built (not frozen state) as an own, enumerable data property, even for `__proto__`. */
export function setEntry<V>(record: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `record` with `key` set to `value`. */
export function withEntry<V>(record: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> {
  const out: Record<string, V> = { ...record };
  setEntry(out, key, value);
  return out;
}

/** A copy of `record` without `key`. */
export function withoutEntry<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  const out: Record<string, V> = { ...record };
  delete out[key];
  return out;
}
