/**
 * Seeded cluster bootstrap for quantiles.
 *
 * Why a cluster bootstrap: a comparison yields one sample per (seed, instance), and instances of
 * the same seed share draws (one IAM propagation delay per region, one API timeline), so they are
 * not independent. Resampling whole seeds keeps that dependence and gives honest, wider intervals
 * where the order-statistic interval (which assumes i.i.d. samples) would be too narrow. With one
 * value per cluster it is the ordinary bootstrap.
 *
 * Cost: each resample is one linear walk over the pooled values, sorted once up front, weighting
 * each value by how many times its cluster was drawn.
 */
import type { RandomSource } from '../engine/random.ts';
import { quantileSorted, type ValueInterval } from './stats.ts';

export interface BootstrapOptions {
  /** Number of resamples; more is smoother and slower (cost is linear). */
  readonly resamples: number;
  readonly confidence: number;
  /** A seeded stream: the same stream state gives the same intervals. */
  readonly rng: RandomSource;
}

/** Hard cap on resamples: "put a limit on everything". */
export const MAX_RESAMPLES = 100_000;

/**
 * Percentile-bootstrap intervals for several quantiles at once. `clusters[c]` holds cluster c's
 * values with +Infinity for censored ones. Each resample draws as many clusters as there are, with
 * replacement, computes every type-7 quantile of the pooled resample, and the interval is the
 * (alpha/2, 1 - alpha/2) quantiles of those estimates. Returns one interval per entry of `ps`.
 * @throws RangeError for no clusters, an empty pool, or a resample count outside [1, MAX_RESAMPLES].
 */
export function clusterBootstrapQuantiles(
  clusters: readonly (readonly number[])[],
  ps: readonly number[],
  options: BootstrapOptions,
): ValueInterval[] {
  const { resamples, confidence, rng } = options;
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > MAX_RESAMPLES) {
    throw new RangeError(`resamples must be an integer in [1, ${MAX_RESAMPLES}], got ${resamples}`);
  }
  const g = clusters.length;
  if (g === 0) throw new RangeError('bootstrap needs at least one cluster');
  const pooled: { value: number; cluster: number }[] = [];
  clusters.forEach((values, cluster) => {
    for (const value of values) pooled.push({ value, cluster });
  });
  if (pooled.length === 0) throw new RangeError('bootstrap of an empty sample');
  // Stable order for equal values (cluster index breaks ties) so results never depend on sort internals.
  pooled.sort((a, b) => a.value - b.value || a.cluster - b.cluster);
  const sizes = clusters.map((c) => c.length);

  const estimates: number[][] = ps.map(() => []);
  const weights = new Float64Array(g);
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    let total = 0;
    for (let i = 0; i < g; i++) {
      const c = Math.floor(rng.next() * g);
      weights[c]! += 1;
      total += sizes[c]!;
    }
    if (total === 0) {
      // Only empty clusters were drawn: this resample says nothing; count it as censored (conservative).
      for (const e of estimates) e.push(Number.POSITIVE_INFINITY);
      continue;
    }
    const quantiles = weightedQuantiles(pooled, weights, total, ps);
    quantiles.forEach((q, j) => {
      estimates[j]!.push(q);
    });
  }
  const tail = (1 - confidence) / 2;
  return estimates.map((e) => {
    e.sort((a, b) => a - b);
    return { low: quantileSorted(e, tail), high: quantileSorted(e, 1 - tail) };
  });
}

/**
 * Type-7 quantiles of the multiset in which pooled[i] appears weights[pooled[i].cluster] times,
 * all read in one walk over the pooled values.
 */
function weightedQuantiles(
  pooled: readonly { value: number; cluster: number }[],
  weights: Float64Array,
  total: number,
  ps: readonly number[],
): number[] {
  // Each quantile needs the values at two adjacent 0-based ranks; collect all ranks, walk once.
  const ranks = ps.flatMap((p) => {
    const lo = Math.floor((total - 1) * p);
    return [lo, Math.min(lo + 1, total - 1)];
  });
  const order = ranks.map((_, i) => i).sort((a, b) => ranks[a]! - ranks[b]!);
  const values = new Array<number>(ranks.length);
  let seen = 0;
  let k = 0;
  for (const item of pooled) {
    seen += weights[item.cluster]!;
    while (k < order.length && seen > ranks[order[k]!]!) values[order[k++]!] = item.value;
    if (k === order.length) break;
  }
  return ps.map((p, j) => {
    const h = (total - 1) * p;
    const frac = h - Math.floor(h);
    const a = values[2 * j]!;
    if (frac === 0) return a;
    const b = values[2 * j + 1]!;
    return Number.isFinite(b) ? a + frac * (b - a) : Number.POSITIVE_INFINITY;
  });
}
