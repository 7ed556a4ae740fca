import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Distribution,
  DistributionError,
  type DistributionSpec,
  distributionOf,
  formatMs,
  makeDistribution,
} from '../../src/engine/distributions.ts';
import { RandomStream, RandomStreams } from '../../src/engine/random.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { correlation, draws, fraction, mean, quantile } from '../helpers/stats.ts';

/** `n` samples of `spec` from a stream with a fixed seed (per test, so tests do not share draws). */
function sample(spec: DistributionSpec, n: number, seed = 'distributions'): number[] {
  const dist = makeDistribution(spec);
  const rng = new RandomStream(seed);
  return draws(n, () => dist.sample(rng));
}

/** |actual - expected| <= tolerance * expected. */
function expectWithin(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    tolerance * expected,
  );
}

const N = 60_000;

describe('makeDistribution: sample statistics match the analytic values', () => {
  it('fixed always returns its value', () => {
    expect(new Set(sample({ kind: 'fixed', valueMs: 1500 }, 100))).toEqual(new Set([1500]));
  });

  it('uniform: mean (low+high)/2, every value in [low, high], ends reached', () => {
    const xs = sample({ kind: 'uniform', lowMs: 100, highMs: 300 }, N);
    expectWithin(mean(xs), 200, 0.01, 'mean');
    expect(Math.min(...xs)).toBe(100);
    expect(Math.max(...xs)).toBe(300);
    // Flat: each quarter of the range holds about a quarter of the samples.
    for (const [lo, hi] of [
      [100, 150],
      [150, 200],
      [200, 250],
      [250, 300],
    ] as const) {
      expectWithin(
        fraction(xs, (x) => x >= lo && x < hi),
        0.25,
        0.05,
        `[${lo}, ${hi})`,
      );
    }
  });

  it('exponential: mean is meanMs, median is meanMs * ln 2, p99 is meanMs * ln 100', () => {
    const xs = sample({ kind: 'exponential', meanMs: 2000 }, N);
    expectWithin(mean(xs), 2000, 0.02, 'mean');
    expectWithin(quantile(xs, 0.5), 2000 * Math.LN2, 0.02, 'median');
    expectWithin(quantile(xs, 0.99), 2000 * Math.log(100), 0.05, 'p99');
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
  });

  it('lognormal from median and p99 reproduces both', () => {
    const xs = sample({ kind: 'lognormal', medianMs: 6000, p99Ms: 60_000 }, N);
    expectWithin(quantile(xs, 0.5), 6000, 0.02, 'median');
    expectWithin(quantile(xs, 0.99), 60_000, 0.06, 'p99');
  });

  it('lognormal from mu and sigma: median exp(mu), mean exp(mu + sigma^2 / 2)', () => {
    const mu = Math.log(1000);
    const sigma = 0.5;
    const xs = sample({ kind: 'lognormal', mu, sigma }, N);
    expectWithin(quantile(xs, 0.5), 1000, 0.02, 'median');
    expectWithin(mean(xs), Math.exp(mu + sigma ** 2 / 2), 0.02, 'mean');
  });

  it('lognormal with sigma 0 is a point mass at exp(mu)', () => {
    expect(new Set(sample({ kind: 'lognormal', mu: Math.log(250), sigma: 0 }, 200))).toEqual(new Set([250]));
  });

  it('pareto+exponential: the tail weight is the fraction at or above x_m, and the tail follows the Pareto law', () => {
    const spec: DistributionSpec = {
      kind: 'paretoExponential',
      paretoWeight: 0.1,
      paretoScaleMs: 20_000,
      paretoShape: 1.5,
      exponentialMeanMs: 500,
    };
    const xs = sample(spec, N);
    // The exponential body reaches x_m with probability exp(-40): the mass above x_m is the tail weight.
    expectWithin(
      fraction(xs, (x) => x >= 20_000),
      0.1,
      0.06,
      'fraction >= xm',
    );
    const tail = xs.filter((x) => x >= 20_000);
    // Pareto survival: P(X > 2 x_m | tail) = 2^-alpha.
    expectWithin(
      fraction(tail, (x) => x > 40_000),
      2 ** -1.5,
      0.08,
      'P(> 2xm | tail)',
    );
    expectWithin(quantile(tail, 0.5), 20_000 * 2 ** (1 / 1.5), 0.05, 'tail median');
    // The body is the exponential: its median is mean * ln 2.
    const body = xs.filter((x) => x < 20_000);
    expectWithin(quantile(body, 0.5), 500 * Math.LN2, 0.03, 'body median');
  });

  it('pareto+exponential with weight 0 or 1 is purely one part', () => {
    const base = {
      kind: 'paretoExponential',
      paretoScaleMs: 1000,
      paretoShape: 2,
      exponentialMeanMs: 100,
    } as const;
    const onlyTail = sample({ ...base, paretoWeight: 1 }, 5000);
    expect(Math.min(...onlyTail)).toBeGreaterThanOrEqual(1000);
    const onlyBody = sample({ ...base, paretoWeight: 0 }, 5000);
    expectWithin(mean(onlyBody), 100, 0.05, 'body mean');
  });

  it('empirical draws only from its list, each entry about equally often', () => {
    const samplesMs = [10, 20, 20, 5000];
    const xs = sample({ kind: 'empirical', samplesMs }, N);
    expect(new Set(xs)).toEqual(new Set(samplesMs));
    expectWithin(
      fraction(xs, (x) => x === 20),
      0.5,
      0.03,
      'duplicate entry weight',
    );
    expectWithin(
      fraction(xs, (x) => x === 5000),
      0.25,
      0.04,
      'single entry weight',
    );
  });

  it('empirical accepts a list far longer than the call stack (measured traces can be long)', () => {
    const samplesMs = Array.from({ length: 300_000 }, (_, i) => i % 1000);
    expect(makeDistribution({ kind: 'empirical', samplesMs }).upperBoundMs).toBe(999);
  });

  it('empirical copies its list: later changes to the caller array do not leak in', () => {
    const samplesMs = [1, 2, 3];
    const dist = makeDistribution({ kind: 'empirical', samplesMs });
    samplesMs.push(1_000_000);
    const rng = new RandomStream('copy');
    expect(draws(500, () => dist.sample(rng)).every((x) => x <= 3)).toBe(true);
  });
});

describe('makeDistribution: clamps', () => {
  it('clamps an exponential into [minMs, maxMs], piling the cut-off mass on the bounds', () => {
    const xs = sample({ kind: 'exponential', meanMs: 1000, minMs: 200, maxMs: 1500 }, N);
    expect(Math.min(...xs)).toBe(200);
    expect(Math.max(...xs)).toBe(1500);
    // Samples are rounded before clamping: 200 collects everything below 199.5, 1500 everything above 1500.5.
    expectWithin(
      fraction(xs, (x) => x === 200),
      1 - Math.exp(-199.5 / 1000),
      0.05,
      'mass at minMs',
    );
    expectWithin(
      fraction(xs, (x) => x === 1500),
      Math.exp(-1499.5 / 1000),
      0.05,
      'mass at maxMs',
    );
  });

  it('a clamp above a fixed value lifts it; one below caps it', () => {
    expect(sample({ kind: 'fixed', valueMs: 5, minMs: 10 }, 3)).toEqual([10, 10, 10]);
    expect(sample({ kind: 'fixed', valueMs: 50, maxMs: 10 }, 3)).toEqual([10, 10, 10]);
  });

  it('models a hard cap: lognormal with maxMs never exceeds it', () => {
    const xs = sample({ kind: 'lognormal', medianMs: 6000, p99Ms: 200_000, maxMs: 120_000 }, N);
    expect(Math.max(...xs)).toBe(120_000);
  });
});

// Every kind of spec, with valid parameters and optional clamps, for the properties below.
// Clamp values are mostly whole, sometimes fractional (a scenario may say 2.5 s = 2500 ms, but
// nothing stops 0.5 ms); pairs with no whole millisecond between them are invalid and left out.
const clampValue = (max: number) =>
  fc.oneof(fc.integer({ min: 0, max }), fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true }));
const clampArb = fc
  .tuple(fc.option(clampValue(5000)), fc.option(clampValue(20_000)))
  .filter(([a, b]) => a === null || b === null || Math.ceil(Math.min(a, b)) <= Math.floor(Math.max(a, b)))
  .map(([a, b]) => {
    const clamp: { minMs?: number; maxMs?: number } = {};
    if (a !== null && b !== null) {
      clamp.minMs = Math.min(a, b);
      clamp.maxMs = Math.max(a, b);
    } else if (a !== null) clamp.minMs = a;
    else if (b !== null) clamp.maxMs = b;
    return clamp;
  });
const positiveMs = fc.double({ min: 0.5, max: 50_000, noNaN: true });
const naturalArb: fc.Arbitrary<DistributionSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('fixed' as const),
    valueMs: fc.double({ min: 0, max: 50_000, noNaN: true }),
  }),
  fc
    .tuple(fc.double({ min: 0, max: 20_000, noNaN: true }), fc.double({ min: 0, max: 20_000, noNaN: true }))
    .map(([a, b]) => ({ kind: 'uniform' as const, lowMs: Math.min(a, b), highMs: Math.max(a, b) })),
  fc.record({ kind: fc.constant('exponential' as const), meanMs: positiveMs }),
  fc
    .tuple(positiveMs, fc.double({ min: 1, max: 100, noNaN: true }))
    .map(([medianMs, k]) => ({ kind: 'lognormal' as const, medianMs, p99Ms: medianMs * k })),
  fc.record({
    kind: fc.constant('lognormal' as const),
    mu: fc.double({ min: -2, max: 10, noNaN: true }),
    sigma: fc.double({ min: 0, max: 2, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('paretoExponential' as const),
    paretoWeight: fc.double({ min: 0, max: 1, noNaN: true }),
    paretoScaleMs: positiveMs,
    paretoShape: fc.double({ min: 0.3, max: 5, noNaN: true }),
    exponentialMeanMs: positiveMs,
  }),
  fc.record({
    kind: fc.constant('empirical' as const),
    samplesMs: fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 20 }),
  }),
);
const specArb: fc.Arbitrary<DistributionSpec> = fc
  .tuple(naturalArb, clampArb)
  .map(([natural, clamp]) => ({ ...natural, ...clamp }) as DistributionSpec);

describe('makeDistribution: contracts over every kind (properties)', () => {
  it('samples are non-negative integers within [minMs, upperBoundMs]', () => {
    fc.assert(
      fc.property(specArb, fc.string(), (spec, seed) => {
        const dist = makeDistribution(spec);
        const rng = new RandomStream(seed);
        for (let i = 0; i < 50; i++) {
          const x = dist.sample(rng);
          expect(Number.isSafeInteger(x)).toBe(true);
          expect(x).toBeGreaterThanOrEqual(Math.ceil(spec.minMs ?? 0));
          expect(x).toBeLessThanOrEqual(dist.upperBoundMs);
          if (spec.maxMs !== undefined) expect(x).toBeLessThanOrEqual(spec.maxMs);
        }
      }),
      propertyOptions(500),
    );
  });

  it('upperBoundMs is attained when the distribution is bounded', () => {
    // For bounded kinds the bound must be tight, not just safe: a scheduler sizing a wait from it
    // would otherwise wait longer than needed.
    fc.assert(
      fc.property(specArb, (spec) => {
        const dist = makeDistribution(spec);
        if (!Number.isFinite(dist.upperBoundMs)) return;
        if (spec.kind === 'uniform' || spec.kind === 'empirical' || spec.kind === 'fixed') {
          const rng = new RandomStream('attain');
          let max = 0;
          for (let i = 0; i < 4000; i++) max = Math.max(max, dist.sample(rng));
          // The bound is reached, or it is the maxMs clamp and the natural range is so wide that
          // only the clamp limits it; either way, no sample is above it.
          if (spec.kind !== 'uniform') expect(max).toBe(dist.upperBoundMs);
          else expect(max).toBeLessThanOrEqual(dist.upperBoundMs);
        }
      }),
      propertyOptions(300),
    );
  });

  it('law: the same seed gives the same samples', () => {
    fc.assert(
      fc.property(specArb, fc.string(), (spec, seed) => {
        expect(sample(spec, 20, seed)).toEqual(sample(spec, 20, seed));
      }),
      propertyOptions(200),
    );
  });
});

describe('makeDistribution: streams', () => {
  it('different substream names give different, uncorrelated samples', () => {
    const dist = makeDistribution({ kind: 'lognormal', medianMs: 6000, p99Ms: 60_000 });
    const streams = new RandomStreams(99);
    const a = draws(20_000, () => dist.sample(streams.stream('instance/i-1/imds')));
    const b = draws(20_000, () => dist.sample(streams.stream('instance/i-2/imds')));
    expect(a).not.toEqual(b);
    // Rank-free check on log values (lognormal samples are heavy-tailed; logs are normal).
    expect(Math.abs(correlation(a.map(Math.log1p), b.map(Math.log1p)))).toBeLessThan(0.03);
  });
});

describe('makeDistribution: upperBoundMs', () => {
  it.each<[DistributionSpec, number]>([
    [{ kind: 'fixed', valueMs: 700 }, 700],
    [{ kind: 'uniform', lowMs: 10, highMs: 90 }, 90],
    [{ kind: 'uniform', lowMs: 10, highMs: 90, maxMs: 50 }, 50],
    [{ kind: 'exponential', meanMs: 10 }, Number.POSITIVE_INFINITY],
    [{ kind: 'exponential', meanMs: 10, maxMs: 120_000 }, 120_000],
    [{ kind: 'lognormal', medianMs: 6000, p99Ms: 60_000 }, Number.POSITIVE_INFINITY],
    [{ kind: 'lognormal', mu: Math.log(400), sigma: 0 }, 400],
    [
      {
        kind: 'paretoExponential',
        paretoWeight: 0.1,
        paretoScaleMs: 1,
        paretoShape: 1,
        exponentialMeanMs: 1,
      },
      Number.POSITIVE_INFINITY,
    ],
    [{ kind: 'empirical', samplesMs: [3, 99, 7] }, 99],
    [{ kind: 'empirical', samplesMs: [3, 99, 7], maxMs: 50 }, 50],
    [{ kind: 'fixed', valueMs: 5, minMs: 10 }, 10],
    [{ kind: 'fixed', valueMs: 5, minMs: 2.5 }, 5],
    [{ kind: 'uniform', lowMs: 0, highMs: 100, maxMs: 40.9 }, 40],
    [{ kind: 'uniform', lowMs: 0, highMs: 10.6 }, 11],
  ])('%o -> %d', (spec, expected) => {
    expect(makeDistribution(spec).upperBoundMs).toBe(expected);
  });
});

describe('makeDistribution: invalid parameters throw DistributionError naming the parameter', () => {
  const cases: [string, unknown, string][] = [
    ['fixed NaN', { kind: 'fixed', valueMs: Number.NaN }, 'valueMs'],
    ['fixed negative', { kind: 'fixed', valueMs: -1 }, 'valueMs'],
    ['uniform low > high', { kind: 'uniform', lowMs: 9, highMs: 3 }, 'lowMs'],
    ['uniform high Infinity', { kind: 'uniform', lowMs: 0, highMs: Number.POSITIVE_INFINITY }, 'highMs'],
    ['exponential mean 0', { kind: 'exponential', meanMs: 0 }, 'meanMs'],
    ['exponential mean string', { kind: 'exponential', meanMs: '5' }, 'meanMs'],
    ['lognormal median 0', { kind: 'lognormal', medianMs: 0, p99Ms: 10 }, 'medianMs'],
    ['lognormal p99 < median', { kind: 'lognormal', medianMs: 10, p99Ms: 5 }, 'p99Ms'],
    ['lognormal mu NaN', { kind: 'lognormal', mu: Number.NaN, sigma: 1 }, 'mu'],
    ['lognormal sigma negative', { kind: 'lognormal', mu: 0, sigma: -1 }, 'sigma'],
    [
      'pareto weight > 1',
      {
        kind: 'paretoExponential',
        paretoWeight: 1.5,
        paretoScaleMs: 1,
        paretoShape: 1,
        exponentialMeanMs: 1,
      },
      'paretoWeight',
    ],
    [
      'pareto weight NaN',
      {
        kind: 'paretoExponential',
        paretoWeight: Number.NaN,
        paretoScaleMs: 1,
        paretoShape: 1,
        exponentialMeanMs: 1,
      },
      'paretoWeight',
    ],
    [
      'pareto scale 0',
      {
        kind: 'paretoExponential',
        paretoWeight: 0.5,
        paretoScaleMs: 0,
        paretoShape: 1,
        exponentialMeanMs: 1,
      },
      'paretoScaleMs',
    ],
    [
      'pareto shape negative',
      {
        kind: 'paretoExponential',
        paretoWeight: 0.5,
        paretoScaleMs: 1,
        paretoShape: -2,
        exponentialMeanMs: 1,
      },
      'paretoShape',
    ],
    [
      'pareto exponential mean missing',
      { kind: 'paretoExponential', paretoWeight: 0.5, paretoScaleMs: 1, paretoShape: 2 },
      'exponentialMeanMs',
    ],
    ['empirical empty', { kind: 'empirical', samplesMs: [] }, 'samplesMs'],
    ['empirical bad entry', { kind: 'empirical', samplesMs: [1, -4] }, 'samplesMs[1]'],
    ['minMs negative', { kind: 'fixed', valueMs: 1, minMs: -1 }, 'minMs'],
    ['maxMs NaN', { kind: 'fixed', valueMs: 1, maxMs: Number.NaN }, 'maxMs'],
    ['minMs > maxMs', { kind: 'fixed', valueMs: 1, minMs: 10, maxMs: 5 }, 'minMs'],
    [
      'no whole ms between minMs and maxMs',
      { kind: 'uniform', lowMs: 0, highMs: 10, minMs: 2.5, maxMs: 2.7 },
      'maxMs',
    ],
    ['unknown kind', { kind: 'gamma', shape: 2 }, 'gamma'],
  ];
  it.each(cases)('%s', (_name, spec, parameter) => {
    let caught: unknown;
    try {
      makeDistribution(spec as DistributionSpec);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DistributionError);
    expect((caught as Error).message).toContain(parameter);
  });
});

describe('describe and formatMs', () => {
  it('describes the distribution and its clamps in readable units', () => {
    const d: Distribution = makeDistribution({
      kind: 'lognormal',
      medianMs: 6000,
      p99Ms: 60_000,
      maxMs: 120_000,
    });
    expect(d.describe()).toBe('lognormal(median 6s, p99 1m) max 2m');
    expect(makeDistribution({ kind: 'exponential', meanMs: 250, minMs: 10 }).describe()).toBe(
      'exponential(mean 250ms) min 10ms',
    );
  });

  it.each([
    [250, '250ms'],
    [1500, '1.5s'],
    [90_000, '1.5m'],
    [23_040_000, '6.4h'],
    [Number.POSITIVE_INFINITY, '∞'],
  ])('formatMs(%d) = %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});

describe('distributionOf', () => {
  it('gives one frozen distribution per spec object, sampling as makeDistribution does', () => {
    const spec: DistributionSpec = { kind: 'lognormal', medianMs: 1000, p99Ms: 5000, maxMs: 4000 };
    const shared = distributionOf(spec);
    expect(distributionOf(spec)).toBe(shared);
    expect(Object.isFrozen(shared)).toBe(true);
    // An equal spec that is another object gets its own.
    expect(distributionOf({ ...spec })).not.toBe(shared);
    const made = makeDistribution(spec);
    const a = new RandomStream('distribution-of');
    const b = new RandomStream('distribution-of');
    const draws = Array.from({ length: 200 }, () => [shared.sample(a), made.sample(b)]);
    expect(draws.every(([x, y]) => x === y)).toBe(true);
    expect(shared.describe()).toBe(made.describe());
    expect(shared.upperBoundMs).toBe(made.upperBoundMs);
  });
});
