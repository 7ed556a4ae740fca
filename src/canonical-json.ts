/**
 * Canonical JSON: one spelling per value, so that equal content compares and hashes equal
 * whatever order its keys were built or parsed in. Object keys sorted by UTF-16 code units,
 * properties whose value is undefined (or a function) left out and such array items written as
 * null (as JSON.stringify does), no whitespace, strings and numbers as JSON.stringify writes them.
 * Scenario hashes (scenario/hash.ts) and compare's partial digests (compare/shard.ts) both use it;
 * a scenario hash also leaves out step source positions and spells non-finite numbers (options).
 *
 * Written out rather than JSON.stringify with a key-sorting replacer, which copies every object:
 * a sweep's partial holds millions of them.
 */
import { createHash } from 'node:crypto';

/**
 * Compares strings by UTF-16 code units: locale-independent, so the order is the same on every
 * machine. Canonical JSON sorts keys so; IAM lists and the reports sort names so too.
 */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Text is handed to the sink in chunks of at least this many characters (the last may be shorter). */
const CHUNK_CHARS = 1 << 16;

export interface CanonicalOptions {
  /** Leaves out an object member besides the undefined ones. */
  readonly omit?: (key: string, value: unknown) => boolean;
  /** Writes Infinity, -Infinity and NaN as strings instead of JSON's null, so they stay distinct. */
  readonly nonFiniteAsStrings?: boolean;
}

/** Writes the canonical JSON of `value` to `sink`, in chunks. */
function writeCanonical(value: unknown, sink: (chunk: string) => void, options: CanonicalOptions): void {
  const { omit, nonFiniteAsStrings = false } = options;
  const absent = (v: unknown): boolean => v === undefined || typeof v === 'function';
  let buffer = '';
  const put = (text: string): void => {
    buffer += text;
    if (buffer.length >= CHUNK_CHARS) {
      sink(buffer);
      buffer = '';
    }
  };
  const write = (v: unknown): void => {
    if (v === null || typeof v !== 'object') {
      if (nonFiniteAsStrings && typeof v === 'number' && !Number.isFinite(v)) put(`"${v}"`);
      // undefined and functions have no JSON; inside arrays JSON.stringify writes them as null.
      else put(JSON.stringify(v) ?? 'null');
    } else if (Array.isArray(v)) {
      put('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) put(',');
        write(v[i]);
      }
      put(']');
    } else {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => !absent(record[k]) && omit?.(k, record[k]) !== true)
        .sort(byString);
      put('{');
      keys.forEach((k, i) => {
        put(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`);
        write(record[k]);
      });
      put('}');
    }
  };
  write(value);
  if (buffer.length > 0) sink(buffer);
}

/** The canonical JSON of `value`, as one string. */
export function canonicalJson(value: unknown, options: CanonicalOptions = {}): string {
  const chunks: string[] = [];
  writeCanonical(value, (chunk) => chunks.push(chunk), options);
  return chunks.join('');
}

/** sha256 (hex) of the canonical JSON of `value`, hashed as it is written (never one big string). */
export function canonicalDigest(value: unknown, options: CanonicalOptions = {}): string {
  const hash = createHash('sha256');
  writeCanonical(value, (chunk) => hash.update(chunk), options);
  return hash.digest('hex');
}
