/**
 * A content hash of a normalised scenario, printed in reports so two results can be tied to the
 * same scenario. It covers meaning, not formatting: comments, key order, `30s` vs `30000` and
 * where a step sits in the file (its `source` position) do not change it.
 */
import { type CanonicalOptions, canonicalDigest, canonicalJson as canonicalText } from '../canonical-json.ts';
import type { Scenario } from './types.ts';

/**
 * Step `source` references (objects with a path and a position) are not content; the
 * calibration's `source` strings are, and are kept.
 */
const SCENARIO_CANONICAL: CanonicalOptions = {
  omit: (key, value) => key === 'source' && typeof value === 'object' && value !== null && 'path' in value,
  nonFiniteAsStrings: true,
};

/** sha256 (hex) of the canonical JSON of `scenario`. */
export function hashScenario(scenario: Scenario): string {
  return canonicalDigest(scenario, SCENARIO_CANONICAL);
}

/** JSON with object keys sorted and undefined members left out, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return canonicalText(value, SCENARIO_CANONICAL);
}
