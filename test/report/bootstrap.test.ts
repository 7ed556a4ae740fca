// The fast cluster bootstrap against the definition: for every resample, draw the same clusters,
// build the resampled multiset, sort it and read its quantiles. The two must agree exactly, since
// committed reports are byte-identical only if they do.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.ts';
import { clusterBootstrapQuantiles } from '../../src/report/bootstrap.ts';
import { quantileSorted, type ValueInterval } from '../../src/report/stats.ts';
import { propertyOptions } from '../helpers/fc.ts';

function bootstrapByDefinition(
  clusters: readonly (readonly number[])[],
  ps: readonly number[],
  resamples: number,
  confidence: number,
  seed: string,
): ValueInterval[] {
  const rng = new RandomStream(seed);
  const g = clusters.length;
  const estimates: number[][] = ps.map(() => []);
  for (let r = 0; r < resamples; r++) {
    const resample: number[] = [];
    for (let i = 0; i < g; i++) resample.push(...clusters[Math.floor(rng.next() * g)]!);
    resample.sort((a, b) => a - b);
    ps.forEach((p, j) => {
      estimates[j]!.push(resample.length === 0 ? Number.POSITIVE_INFINITY : quantileSorted(resample, p));
    });
  }
  const tail = (1 - confidence) / 2;
  return estimates.map((e) => {
    e.sort((a, b) => a - b);
    return { low: quantileSorted(e, tail), high: quantileSorted(e, 1 - tail) };
  });
}

// Whole numbers with many ties (the packed fast path), or any doubles (the general path); both
// with censored values and empty clusters.
const wholeValue = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) },
  { weight: 1, arbitrary: fc.constant(Number.POSITIVE_INFINITY) },
);
const anyValue = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }) },
  {
    weight: 3,
    arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
  },
  { weight: 1, arbitrary: fc.constant(Number.POSITIVE_INFINITY) },
);
const clustersOf = (value: fc.Arbitrary<number>) =>
  fc
    .array(fc.array(value, { maxLength: 12 }), { minLength: 1, maxLength: 25 })
    .filter((cs) => cs.some((c) => c.length > 0));
const clustersArb = fc.oneof(clustersOf(wholeValue), clustersOf(anyValue));
const psArb = fc.array(
  fc.oneof(fc.constantFrom(0, 0.5, 0.9, 0.99, 0.999, 1), fc.double({ min: 0, max: 1, noNaN: true })),
  { minLength: 1, maxLength: 5 },
);

describe('cluster bootstrap', () => {
  it('gives exactly the intervals of sorting every resample', () => {
    fc.assert(
      fc.property(
        clustersArb,
        psArb,
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(0.8, 0.95),
        fc.string({ maxLength: 6 }),
        (clusters, ps, resamples, confidence, seed) => {
          const fast = clusterBootstrapQuantiles(clusters, ps, {
            resamples,
            confidence,
            rng: new RandomStream(seed),
          });
          expect(fast).toEqual(bootstrapByDefinition(clusters, ps, resamples, confidence, seed));
        },
      ),
      propertyOptions(300),
    );
  });

  it('agrees with the definition on a sweep-sized sample of skewed, clustered values', () => {
    // 300 seeds x 40 instances: a per-seed shift plus own noise, 2% censored.
    const rng = new RandomStream('bootstrap/sweep-sized');
    const clusters = Array.from({ length: 300 }, () => {
      const shared = rng.next() * 5_000;
      return Array.from({ length: 40 }, () =>
        rng.next() < 0.02 ? Number.POSITIVE_INFINITY : Math.round(shared + 60_000 * rng.next() ** 3),
      );
    });
    const ps = [0.5, 0.9, 0.99];
    const fast = clusterBootstrapQuantiles(clusters, ps, {
      resamples: 200,
      confidence: 0.95,
      rng: new RandomStream('s'),
    });
    expect(fast).toEqual(bootstrapByDefinition(clusters, ps, 200, 0.95, 's'));
  });
});
