/**
 * Canonical JSON: one spelling per value. Scenario hashes and compare's partial digests share the
 * writer, so its laws are checked here against plain JSON.stringify, and the scenario options
 * against the writer scenario hashes used before (a JSON.stringify of a sorted copy), which every
 * committed report's scenario hash depends on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDigest, canonicalJson } from '../src/canonical-json.ts';
import { canonicalJson as scenarioCanonical } from '../src/scenario/hash.ts';
import { propertyOptions } from './helpers/fc.ts';

/** Deep copy with every object's keys inserted in reverse order. */
function reversedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedCopy);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).reverse())
      out[k] = reversedCopy((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** The scenario hash's writer before the two were merged (src/scenario/hash.ts at 3972c96). */
function previousScenarioCanonical(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : canonical(x)));
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[key];
        if (x === undefined) continue;
        if (key === 'source' && typeof x === 'object' && x !== null && 'path' in x) continue;
        out[key] = canonical(x);
      }
      return out;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  };
  return JSON.stringify(canonical(value));
}

/** Values as scenarios hold them: JSON plus undefined members, non-finite numbers, source refs. */
const scenarioLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value')),
    // Integer-like keys aside: JSON.stringify wrote those first, the shared writer sorts them
    // with the others (no scenario in scenarios/ or test/ has one; their hashes are unchanged).
    fc.dictionary(
      fc.oneof(
        fc.string().filter((k) => !/^(0|[1-9][0-9]*)$/.test(k)),
        fc.constant('source'),
      ),
      tie('value'),
    ),
    fc.record({ source: fc.record({ path: fc.string(), line: fc.nat() }) }),
  ),
})).value;

describe('canonical JSON', () => {
  it('law: parses back to the same value, whatever the key order it was built in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(JSON.parse(text)).toEqual(v);
        expect(canonicalJson(reversedCopy(v))).toBe(text);
      }),
      propertyOptions(300),
    );
  });

  it('law: keys are written in UTF-16 code unit order, integer-like keys too (unlike JSON.stringify)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.nat()), (v) => {
        // Read the keys back in written order (integer-like keys would reorder in a parsed object).
        const written = [...canonicalJson(v).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) =>
          JSON.parse(`"${m[1]}"`),
        );
        expect(written).toEqual(Object.keys(v).sort());
      }),
      propertyOptions(300),
    );
    expect(canonicalJson({ 10: 1, 9: 2, '': 3 })).toBe('{"":3,"10":1,"9":2}');
  });

  it('law: key order does not matter, and the digest is the sha256 of the text', () => {
    const a = { b: [1, { y: 2, x: 'é' }], a: null, u: undefined };
    const b = { a: null, b: [1, { x: 'é', y: 2 }] };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":null,"b":[1,{"x":"é","y":2}]}');
    expect(canonicalDigest(a)).toBe(canonicalDigest(b));
    expect(canonicalDigest({ a: 1 })).not.toBe(canonicalDigest({ a: 2 }));
  });

  it('law: with the scenario options, it writes what the scenario hash wrote before', () => {
    fc.assert(
      fc.property(scenarioLike, (v) => scenarioCanonical({ v }) === previousScenarioCanonical({ v })),
      propertyOptions(300),
    );
    expect(scenarioCanonical({ h: Number.POSITIVE_INFINITY })).toBe('{"h":"Infinity"}');
    expect(canonicalJson({ h: Number.POSITIVE_INFINITY })).toBe('{"h":null}');
  });
});
