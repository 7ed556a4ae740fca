import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.ts';
import { clusterBootstrapQuantiles } from '../../src/report/bootstrap.ts';
import {
  binomialCdfTable,
  countAtMost,
  logGrid,
  minSamplesForUpperBound,
  normalCdf,
  orderStatisticRanks,
  quantileIntervalSorted,
  quantileSorted,
  wilsonInterval,
  zForConfidence,
} from '../../src/report/stats.ts';

/** Metric values ascending, censored (null) last as +Infinity: the order the quantile functions read. */
function sortCensored(values: readonly (number | null)[]): number[] {
  return values.map((v) => (v === null ? Number.POSITIVE_INFINITY : v)).sort((a, b) => a - b);
}

const ONE_TO_TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('quantileSorted (type 7)', () => {
  it('matches hand-computed values (R: quantile(1:10, p))', () => {
    // h = (n - 1) p; value = x[floor h] + frac * (next - x[floor h]), 0-based.
    expect(quantileSorted(ONE_TO_TEN, 0)).toBe(1);
    expect(quantileSorted(ONE_TO_TEN, 0.5)).toBe(5.5); // h = 4.5: 5 + 0.5 * 1
    expect(quantileSorted(ONE_TO_TEN, 0.9)).toBeCloseTo(9.1, 12); // h = 8.1
    expect(quantileSorted(ONE_TO_TEN, 0.99)).toBeCloseTo(9.91, 12); // h = 8.91
    expect(quantileSorted(ONE_TO_TEN, 0.25)).toBeCloseTo(3.25, 12); // h = 2.25
    expect(quantileSorted(ONE_TO_TEN, 1)).toBe(10);
    expect(quantileSorted([10, 20, 40], 0.75)).toBe(30); // h = 1.5: 20 + 0.5 * 20
    expect(quantileSorted([7], 0.99)).toBe(7);
  });

  it('rejects empty samples and probabilities outside [0, 1]', () => {
    expect(() => quantileSorted([], 0.5)).toThrow(/empty/);
    expect(() => quantileSorted([1], 1.5)).toThrow(/probability/);
    expect(() => quantileSorted([1], Number.NaN)).toThrow(/probability/);
  });
});

describe('censoring', () => {
  it('sorts nulls last as +Infinity', () => {
    expect(sortCensored([5, null, 1, 3])).toEqual([1, 3, 5, Number.POSITIVE_INFINITY]);
  });

  it('is censored exactly when the interpolation touches a censored sample', () => {
    const s = sortCensored([1, 2, 3, null]); // [1, 2, 3, Inf]
    expect(quantileSorted(s, 0.5)).toBe(2.5); // h = 1.5: between 2 and 3
    expect(quantileSorted(s, 2 / 3)).toBeCloseTo(3, 12); // h = 2 exactly: the last observed value
    expect(quantileSorted(s, 0.7)).toBe(Number.POSITIVE_INFINITY); // h = 2.1: needs the censored one
    expect(quantileSorted(s, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts censored values as never happening', () => {
    const s = sortCensored([1, 2, null, 2]);
    expect(countAtMost(s, 2)).toBe(3);
    expect(countAtMost(s, 1e300)).toBe(3);
    expect(countAtMost(s, 0)).toBe(0);
  });

  it('bounds intervals by censored values as +Infinity', () => {
    const s = sortCensored([...ONE_TO_TEN, null, null, null, null, null, null, null, null, null, null]);
    const ci = quantileIntervalSorted(s, 0.5, 0.95);
    expect(Number.isFinite(ci.low)).toBe(true);
    expect(ci.high).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('binomial CDF and order-statistic ranks', () => {
  it('matches exact binomial values', () => {
    const cdf = binomialCdfTable(10, 0.5);
    expect(cdf[0]).toBeCloseTo(1 / 1024, 15);
    expect(cdf[2]).toBeCloseTo(56 / 1024, 15); // 1 + 10 + 45
    expect(cdf[8]).toBeCloseTo(1 - 11 / 1024, 15);
    expect(cdf[10]).toBeCloseTo(1, 15);
  });

  it('survives n where (1 - p)^n underflows', () => {
    const cdf = binomialCdfTable(5000, 0.5);
    expect(cdf[2500]!).toBeGreaterThan(0.5);
    expect(cdf[2500]!).toBeLessThan(0.52);
  });

  it('gives the textbook ranks for the median', () => {
    // n = 10: (x(2), x(9)), coverage 97.9%; n = 100: (x(40), x(61)) (Conover, Practical Nonparametric Statistics).
    expect(orderStatisticRanks(10, 0.5, 0.95)).toEqual({ lowRank: 2, highRank: 9 });
    expect(orderStatisticRanks(100, 0.5, 0.95)).toEqual({ lowRank: 40, highRank: 61 });
    expect(quantileIntervalSorted(ONE_TO_TEN, 0.5, 0.95)).toEqual({ low: 2, high: 9 });
  });

  it('reports unbounded sides when n is too small', () => {
    expect(orderStatisticRanks(5, 0.5, 0.95)).toEqual({ lowRank: 0, highRank: 6 });
    expect(quantileIntervalSorted([1, 2, 3, 4, 5], 0.5, 0.95)).toEqual({
      low: Number.NEGATIVE_INFINITY,
      high: Number.POSITIVE_INFINITY,
    });
  });

  it('knows how many samples a finite upper bound needs', () => {
    expect(minSamplesForUpperBound(0.99, 0.95)).toBe(368);
    expect(minSamplesForUpperBound(0.999, 0.95)).toBe(3688);
    expect(orderStatisticRanks(3688, 0.999, 0.95).highRank).toBeLessThanOrEqual(3688);
    expect(orderStatisticRanks(3687, 0.999, 0.95).highRank).toBe(3688);
  });

  it('uses the normal approximation above 100,000 samples and agrees with exact ranks near the boundary', () => {
    const exact = orderStatisticRanks(100_000, 0.9, 0.95);
    const approx = orderStatisticRanks(100_001, 0.9, 0.95);
    expect(Math.abs(approx.lowRank - exact.lowRank)).toBeLessThanOrEqual(2);
    expect(Math.abs(approx.highRank - exact.highRank)).toBeLessThanOrEqual(2);
  });

  it('has normal helpers accurate enough for rank choice', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(zForConfidence(0.95)).toBeCloseTo(1.959964, 4);
  });
});

/** Exponential(mean 1) samples of size n, sorted. */
function exponentialSample(rng: RandomStream, n: number): number[] {
  return Array.from({ length: n }, () => -Math.log(1 - rng.next())).sort((a, b) => a - b);
}

describe('confidence interval coverage (fixed seeds)', () => {
  const cases = [
    { p: 0.5, n: 100, truth: Math.LN2 },
    { p: 0.9, n: 100, truth: Math.log(10) },
    { p: 0.5, n: 25, truth: Math.LN2 },
    { p: 0.99, n: 1000, truth: Math.log(100) },
  ];
  for (const { p, n, truth } of cases) {
    it(`order-statistic 95% CI of the p${p * 100} covers the truth about 95% of the time (n = ${n})`, () => {
      const rng = new RandomStream(`coverage/order-statistic/${p}/${n}`);
      const reps = 2000;
      let covered = 0;
      for (let r = 0; r < reps; r++) {
        const ci = quantileIntervalSorted(exponentialSample(rng, n), p, 0.95);
        if (ci.low <= truth && truth <= ci.high) covered++;
      }
      // Discrete ranks make the interval conservative: at least 95% in theory, a little above in practice.
      expect(covered / reps).toBeGreaterThanOrEqual(0.93);
      expect(covered / reps).toBeLessThanOrEqual(0.99);
    });
  }

  it('bootstrap 95% CI of the median covers the truth about 95% of the time (n = 100)', () => {
    const rng = new RandomStream('coverage/bootstrap');
    const reps = 400;
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const sample = exponentialSample(rng, 100).map((v) => [v]);
      const [ci] = clusterBootstrapQuantiles(sample, [0.5], { resamples: 400, confidence: 0.95, rng });
      if (ci!.low <= Math.LN2 && Math.LN2 <= ci!.high) covered++;
    }
    expect(covered / reps).toBeGreaterThanOrEqual(0.9);
    expect(covered / reps).toBeLessThanOrEqual(0.99);
  });

  it('cluster bootstrap keeps its coverage when samples share a per-seed effect; the i.i.d. interval does not', () => {
    // 30 "seeds" x 10 "instances"; value = seed effect + own noise, both N(0, 1): marginal N(0, 2), median 0.
    const rng = new RandomStream('coverage/clustered');
    const reps = 300;
    let clusterCovered = 0;
    let iidCovered = 0;
    for (let r = 0; r < reps; r++) {
      const clusters = Array.from({ length: 30 }, () => {
        const shared = rng.normal();
        return Array.from({ length: 10 }, () => shared + rng.normal());
      });
      const [ci] = clusterBootstrapQuantiles(clusters, [0.5], { resamples: 300, confidence: 0.95, rng });
      if (ci!.low <= 0 && 0 <= ci!.high) clusterCovered++;
      const iid = quantileIntervalSorted(
        clusters.flat().sort((a, b) => a - b),
        0.5,
        0.95,
      );
      if (iid.low <= 0 && 0 <= iid.high) iidCovered++;
    }
    expect(clusterCovered / reps).toBeGreaterThanOrEqual(0.88);
    expect(iidCovered / reps).toBeLessThan(0.8);
  });

  it('bootstrap is reproducible from the stream name and propagates censoring', () => {
    const data = [
      [1, 2, 3],
      [4, Number.POSITIVE_INFINITY],
      [5, 6],
    ];
    const run = () =>
      clusterBootstrapQuantiles(data, [0.5, 0.99], {
        resamples: 200,
        confidence: 0.95,
        rng: new RandomStream('x'),
      });
    expect(run()).toEqual(run());
    expect(run()[1]!.high).toBe(Number.POSITIVE_INFINITY);
    expect(() =>
      clusterBootstrapQuantiles([], [0.5], { resamples: 10, confidence: 0.95, rng: new RandomStream('x') }),
    ).toThrow();
    expect(() =>
      clusterBootstrapQuantiles(data, [0.5], { resamples: 0, confidence: 0.95, rng: new RandomStream('x') }),
    ).toThrow(/resamples/);
  });
});

describe('Wilson interval and log grid', () => {
  it('matches known Wilson bounds', () => {
    const zero = wilsonInterval(0, 10, 0.95);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.2775, 4);
    const half = wilsonInterval(50, 100, 0.95);
    expect(half.low).toBeCloseTo(0.4038, 4);
    expect(half.high).toBeCloseTo(0.5962, 4);
    expect(wilsonInterval(10, 10, 0.95).high).toBe(1);
  });

  it('spans 1 s to the window, strictly increasing, whole ms', () => {
    const grid = logGrid(1000, 6.5 * 3_600_000, 10);
    expect(grid[0]).toBe(1000);
    expect(grid[grid.length - 1]).toBe(6.5 * 3_600_000);
    for (let i = 1; i < grid.length; i++) expect(grid[i]!).toBeGreaterThan(grid[i - 1]!);
    expect(grid.every(Number.isInteger)).toBe(true);
    expect(grid).toContain(10_000);
    expect(() => logGrid(0, 10, 10)).toThrow(RangeError);
  });
});
