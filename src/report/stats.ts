/**
 * Distribution-free statistics over samples that may be right-censored.
 *
 * A metric that "did not happen within the observation window" arrives as null. It is not
 * missing: the instance was watched for the whole window and the event never came, so its true
 * value is at least the window. We therefore sort it as +Infinity, after every observed value.
 * Rank-based statistics (quantiles, order-statistic intervals, the empirical CDF) stay exact under
 * that convention as long as the answer does not depend on *how far* beyond the window a
 * censored value lies; where it would, the answer is reported as censored ("> window").
 *
 * Everything here is pure and deterministic; the one randomised method (the bootstrap) takes a
 * seeded source (bootstrap.ts) and never an unseeded generator.
 */

function checkProbability(p: number, openInterval: boolean): void {
  const ok = openInterval ? p > 0 && p < 1 : p >= 0 && p <= 1;
  if (!ok) throw new RangeError(`probability must be within ${openInterval ? '(0, 1)' : '[0, 1]'}, got ${p}`);
}

/**
 * The p-quantile of an ascending sample by linear interpolation between order statistics
 * (Hyndman & Fan type 7, the default of R and NumPy): with h = (n - 1) p, the value is
 * x[floor(h)] + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)]), 0-based.
 *
 * Censoring: if the interpolation gives any weight to a censored (+Infinity) value the result is
 * +Infinity. That is conservative on purpose: the true quantile is then somewhere above the last
 * observed value and we cannot say where, and for a runbook "wait longer than we watched" is the
 * safe reading.
 * @throws RangeError for an empty sample or p outside [0, 1].
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  checkProbability(p, false);
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  const a = sorted[lo]!;
  if (frac === 0 || lo + 1 >= n) return a;
  const b = sorted[lo + 1]!;
  if (!Number.isFinite(b)) return Number.POSITIVE_INFINITY;
  return a + frac * (b - a);
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf; absolute error < 1.5e-7, ample for rank choice). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Two-sided standard normal quantile for a confidence level (0.95 -> 1.959964), by bisection on normalCdf. */
export function zForConfidence(confidence: number): number {
  checkProbability(confidence, true);
  const target = 1 - (1 - confidence) / 2;
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Above this n the binomial CDF is taken from the normal approximation (exact is O(n) per call). */
const EXACT_BINOMIAL_MAX_N = 100_000;

/**
 * The binomial CDF table F(k) = P(B <= k), k = 0..n, for B ~ Binomial(n, p), computed exactly:
 * the pmf by its recurrence in log space (so (1-p)^n underflowing does not zero every term) and
 * summed in order. For n above EXACT_BINOMIAL_MAX_N, the normal approximation with continuity
 * correction.
 */
export function binomialCdfTable(n: number, p: number): Float64Array {
  checkProbability(p, true);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const cdf = new Float64Array(n + 1);
  if (n > EXACT_BINOMIAL_MAX_N) {
    const mean = n * p;
    const sd = Math.sqrt(n * p * (1 - p));
    for (let k = 0; k <= n; k++) cdf[k] = normalCdf((k + 0.5 - mean) / sd);
    return cdf;
  }
  const logOdds = Math.log(p / (1 - p));
  let logPmf = n * Math.log1p(-p);
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    sum += Math.exp(logPmf);
    cdf[k] = Math.min(1, sum);
    logPmf += Math.log((n - k) / (k + 1)) + logOdds;
  }
  return cdf;
}

/** 1-based ranks of the order statistics bounding a quantile; 0 and n + 1 mean unbounded. */
export interface RankInterval {
  readonly lowRank: number;
  readonly highRank: number;
}

/**
 * Distribution-free confidence interval for the p-quantile q from n i.i.d. samples: the number of
 * samples below q is B ~ Binomial(n, p), so P(X(l) <= q <= X(u)) >= P(l <= B <= u - 1) =
 * F(u - 1) - F(l - 1). We take the equal-tailed choice: the largest l with F(l - 1) <= alpha/2
 * and the smallest u with F(u - 1) >= 1 - alpha/2, so each tail misses with probability at most
 * alpha/2 and coverage is at least `confidence` (conservative because B is discrete).
 * When no rank satisfies a tail (n too small for that p), the bound is 0 (below every sample) or
 * n + 1 (above every sample): the data cannot bound the quantile on that side.
 */
export function orderStatisticRanks(n: number, p: number, confidence: number): RankInterval {
  checkProbability(confidence, true);
  const tail = (1 - confidence) / 2;
  const cdf = binomialCdfTable(n, p);
  let lowRank = 0;
  while (lowRank < n && cdf[lowRank]! <= tail) lowRank++;
  let highRank = 1;
  while (highRank <= n && cdf[highRank - 1]! < 1 - tail) highRank++;
  return { lowRank, highRank };
}

/** The smallest n for which the order-statistic interval of the p-quantile has a finite upper rank. */
export function minSamplesForUpperBound(p: number, confidence: number): number {
  checkProbability(p, true);
  // The upper rank exists iff F(n - 1) = 1 - p^n >= 1 - alpha/2, i.e. p^n <= alpha/2.
  return Math.ceil(Math.log((1 - confidence) / 2) / Math.log(p));
}

/** A confidence interval in the sample's units; -Infinity / +Infinity where unbounded or censored. */
export interface ValueInterval {
  readonly low: number;
  readonly high: number;
}

/** Order-statistic interval for the p-quantile of an ascending (censored-last) sample. */
export function quantileIntervalSorted(
  sorted: readonly number[],
  p: number,
  confidence: number,
): ValueInterval {
  const n = sorted.length;
  if (n === 0) throw new RangeError('interval of an empty sample');
  const { lowRank, highRank } = orderStatisticRanks(n, p, confidence);
  return {
    low: lowRank === 0 ? Number.NEGATIVE_INFINITY : sorted[lowRank - 1]!,
    high: highRank > n ? Number.POSITIVE_INFINITY : sorted[highRank - 1]!,
  };
}

/** Number of sample values <= t in an ascending sample (censored values never count). */
export function countAtMost(sorted: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Wilson score interval for a proportion k/n. Chosen over the normal (Wald) interval because it
 * stays inside [0, 1] and behaves at k = 0 and k = n, which is exactly where t-visibility curves
 * spend most of their length.
 */
export function wilsonInterval(k: number, n: number, confidence: number): ValueInterval {
  if (n <= 0) throw new RangeError(`n must be positive, got ${n}`);
  const z = zForConfidence(confidence);
  const phat = k / n;
  const z2n = (z * z) / n;
  const centre = (phat + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((phat * (1 - phat)) / n + z2n / (4 * n))) / (1 + z2n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Log-spaced grid from `fromMs` to `toMs` inclusive, `perDecade` points per factor of ten, rounded
 * to whole ms and de-duplicated. Log spacing because the interesting times span seconds (IMDS
 * after an association change) to hours (SDK caches), as in PBS's t-visibility plots.
 */
export function logGrid(fromMs: number, toMs: number, perDecade: number): number[] {
  if (!(fromMs > 0) || !(toMs >= fromMs) || !Number.isFinite(toMs)) {
    throw new RangeError(`log grid needs 0 < fromMs <= toMs < Infinity, got ${fromMs}..${toMs}`);
  }
  const decades = Math.log10(toMs / fromMs);
  const steps = Math.ceil(decades * perDecade);
  const out: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const v = Math.round(Math.min(toMs, fromMs * 10 ** (i / perDecade)));
    if (out.length === 0 || v > out[out.length - 1]!) out.push(v);
  }
  if (out[out.length - 1] !== Math.round(toMs)) out.push(Math.round(toMs));
  return out;
}

/** Rounds a probability or share to 6 decimals, so reports print the same digits everywhere. */
export const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;
