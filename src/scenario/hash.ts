/**
 * A content hash of a normalised scenario, printed in reports so two results can be tied to the
 * same scenario. It covers meaning, not formatting: comments, key order, `30s` vs `30000` and
 * where a step sits in the file (its `source` position) do not change it.
 */
import { createHash } from 'node:crypto';
import type { Scenario } from './types.ts';

/** sha256 (hex) of the canonical JSON of `scenario`. */
export function hashScenario(scenario: Scenario): string {
  return createHash('sha256').update(canonicalJson(scenario)).digest('hex');
}

/**
 * JSON with object keys sorted and undefined members left out, so equal values give equal text.
 * Step `source` references (objects with a path and a position) are dropped; the calibration's
 * `source` strings are content and are kept.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      if (key === 'source' && typeof v === 'object' && v !== null && 'path' in v) continue;
      out[key] = canonical(v);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // JSON has no Infinity/NaN; spell them so they do not collapse into null.
    return String(value);
  }
  return value;
}
