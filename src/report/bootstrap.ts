/**
 * Seeded cluster bootstrap for quantiles.
 *
 * Why a cluster bootstrap: a comparison yields one sample per (seed, instance), and instances of
 * the same seed share draws (one IAM propagation delay per region, one API timeline), so they are
 * not independent. Resampling whole seeds keeps that dependence and gives honest, wider intervals
 * where the order-statistic interval (which assumes i.i.d. samples) would be too narrow. With one
 * value per cluster it is the ordinary bootstrap.
 *
 * Cost: the pooled values are sorted once up front, equal values in cluster order (so results
 * never depend on sort internals; a value's rank is all that matters). A resample is then a
 * multiset in which each pooled value counts as many times as its cluster was drawn. Its
 * quantile lands close to the whole sample's, so each quantile has an anchor (the whole sample's
 * order statistic) with, per cluster, how many of its values lie below it; adding those up while
 * drawing gives the anchor's rank in the resample, and the quantile is found by a short walk from
 * there instead of a walk over the whole pool. The answer is exactly the order statistic a full
 * sort of the resample would give (a test compares the two); only the work is shared.
 */
import { Alea, type RandomSource } from '../engine/random.ts';
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
 * The pooled sample sorted once: values ascending (censored +Infinity last; equal values in
 * cluster order) and each one's cluster, with every cluster's size. Its values are the whole
 * sample sorted, so a caller that needs both (summarize.ts) sorts once.
 */
export interface BootstrapPool {
  readonly values: Float64Array;
  readonly clusterOf: Int32Array;
  readonly sizes: Int32Array;
}

/**
 * The pool of a sample given row by row: `values[i]` belongs to cluster `clusterOfRow[i]`
 * (0 .. clusters-1); rows of one cluster keep their order among equal values.
 */
export function bootstrapPool(
  values: Float64Array,
  clusterOfRow: Int32Array,
  clusters: number,
): BootstrapPool {
  const sizes = clusterSizes(clusterOfRow, clusters);
  return packedPool(values, clusterOfRow, sizes) ?? comparedPool(values, clusterOfRow, sizes);
}

// Each long loop below is a function of its own that returns right after it: V8 compiles a hot
// loop on the fly (on-stack replacement) and reuses that code at the next call, and code after
// the loop that had not run yet then threw it away at every call (measured: one deoptimisation
// per pool, ~250 per sweep).

function clusterSizes(clusterOfRow: Int32Array, clusters: number): Int32Array {
  const sizes = new Int32Array(clusters);
  for (let i = 0; i < clusterOfRow.length; i++) sizes[clusterOfRow[i]!]!++;
  return sizes;
}

/** The pool of a sample given cluster by cluster (clusters[c] holds cluster c's values). */
function poolOf(clusters: readonly (readonly number[])[]): BootstrapPool {
  const n = clusters.reduce((sum, c) => sum + c.length, 0);
  const values = new Float64Array(n);
  const clusterOfRow = new Int32Array(n);
  let i = 0;
  clusters.forEach((list, c) => {
    for (const v of list) {
      values[i] = v;
      clusterOfRow[i++] = c;
    }
  });
  return bootstrapPool(values, clusterOfRow, clusters.length);
}

/**
 * The pool of a sample of whole non-negative numbers (what metrics in ms are) and +Infinity, by
 * one native sort: each finite value and its cluster packed into one exact double
 * (value * 2^k + cluster, 2^k > clusters), sorted without a comparator, and unpacked. Censored
 * values go last in cluster order. Undefined when some value does not fit that form.
 */
function packedPool(
  values: Float64Array,
  clusterOfRow: Int32Array,
  sizes: Int32Array,
): BootstrapPool | undefined {
  const n = values.length;
  let shift = 1;
  while (shift < sizes.length) shift *= 2;
  const keys = new Float64Array(n);
  const censored = new Int32Array(n);
  const finite = packKeys(values, clusterOfRow, shift, keys, censored);
  if (finite < 0) return undefined;
  keys.subarray(0, finite).sort();
  censored.subarray(0, n - finite).sort();
  return { ...unpackKeys(keys, finite, censored, shift), sizes };
}

/**
 * Writes the keys of the finite values to `keys` and the clusters of the censored ones to
 * `censored`; returns how many values were finite, or -1 when one does not fit the packed form.
 */
function packKeys(
  values: Float64Array,
  clusterOfRow: Int32Array,
  shift: number,
  keys: Float64Array,
  censored: Int32Array,
): number {
  // value * shift + cluster must stay below 2^53 to be exact.
  const valueMax = 2 ** 53 / shift - 1;
  let finite = 0;
  let infinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === Number.POSITIVE_INFINITY) censored[infinite++] = clusterOfRow[i]!;
    else if (Number.isInteger(v) && v >= 0 && v <= valueMax && !Object.is(v, -0))
      keys[finite++] = v * shift + clusterOfRow[i]!;
    else return -1;
  }
  return finite;
}

/** The sorted values and their clusters from the sorted keys and censored clusters. */
function unpackKeys(
  keys: Float64Array,
  finite: number,
  censored: Int32Array,
  shift: number,
): { values: Float64Array; clusterOf: Int32Array } {
  const n = keys.length;
  const values = new Float64Array(n);
  const clusterOf = new Int32Array(n);
  for (let k = 0; k < finite; k++) {
    const key = keys[k]!;
    const v = Math.floor(key / shift);
    values[k] = v;
    clusterOf[k] = key - v * shift;
  }
  for (let k = finite; k < n; k++) {
    values[k] = Number.POSITIVE_INFINITY;
    clusterOf[k] = censored[k - finite]!;
  }
  return { values, clusterOf };
}

/** The pool of any sample, by a comparator sort: (value, cluster, row) order. */
function comparedPool(values: Float64Array, clusterOfRow: Int32Array, sizes: Int32Array): BootstrapPool {
  const order = Uint32Array.from({ length: values.length }, (_, k) => k).sort(
    (a, b) => values[a]! - values[b]! || clusterOfRow[a]! - clusterOfRow[b]! || a - b,
  );
  return {
    values: Float64Array.from(order, (k) => values[k]!),
    clusterOf: Int32Array.from(order, (k) => clusterOfRow[k]!),
    sizes,
  };
}

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
  // No clusters pool to no sizes, which poolBootstrapQuantiles refuses.
  return poolBootstrapQuantiles(poolOf(clusters), ps, options);
}

/** clusterBootstrapQuantiles of a sample already pooled (see bootstrapPool). */
export function poolBootstrapQuantiles(
  pool: BootstrapPool,
  ps: readonly number[],
  options: BootstrapOptions,
): ValueInterval[] {
  const { resamples, confidence, rng } = options;
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > MAX_RESAMPLES) {
    throw new RangeError(`resamples must be an integer in [1, ${MAX_RESAMPLES}], got ${resamples}`);
  }
  const g = pool.sizes.length;
  if (g === 0) throw new RangeError('bootstrap needs at least one cluster');
  const n = pool.values.length;
  if (n === 0) throw new RangeError('bootstrap of an empty sample');
  const { values, clusterOf, sizes } = pool;

  // One anchor per quantile: its pooled index, and per cluster how many values lie before it
  // (cluster-major, so the draw loop reads one cluster's counts together).
  const anchors = Int32Array.from(ps, (p) => Math.floor((n - 1) * p));
  const a = anchors.length;
  const below = new Int32Array(g * a);
  {
    const seen = new Int32Array(g);
    const byIndex = [...anchors.keys()].sort((x, y) => anchors[x]! - anchors[y]!);
    let k = 0;
    for (const j of byIndex) {
      for (; k < anchors[j]!; k++) seen[clusterOf[k]!]!++;
      for (let c = 0; c < g; c++) below[c * a + j] = seen[c]!;
    }
  }

  const estimates = ps.map(() => new Float64Array(resamples));
  const weights = new Int32Array(g);
  const anchorRanks = new Float64Array(a);
  const draws = new Int32Array(g);
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    anchorRanks.fill(0);
    drawClusters(rng, draws, g);
    let total = 0;
    for (let i = 0; i < g; i++) {
      const c = draws[i]!;
      weights[c]!++;
      total += sizes[c]!;
      for (let j = 0; j < a; j++) anchorRanks[j]! += below[c * a + j]!;
    }
    for (let j = 0; j < a; j++) {
      // Only empty clusters drawn: this resample says nothing; count it as censored (conservative).
      estimates[j]![r] =
        total === 0
          ? Number.POSITIVE_INFINITY
          : resampledQuantile(values, clusterOf, weights, total, ps[j]!, anchors[j]!, anchorRanks[j]!);
    }
  }
  const tail = (1 - confidence) / 2;
  return estimates.map((e) => {
    e.sort();
    return { low: quantileSorted(e, tail), high: quantileSorted(e, 1 - tail) };
  });
}

/** A resample's clusters, `Math.floor(rng.next() * g)` each, in one go when the stream can (Alea.drawIndices). */
function drawClusters(rng: RandomSource, out: Int32Array, g: number): void {
  if (rng instanceof Alea) rng.drawIndices(out, g);
  else for (let i = 0; i < out.length; i++) out[i] = Math.floor(rng.next() * g);
}

/**
 * The type-7 p-quantile of the multiset in which values[k] appears weights[clusterOf[k]] times
 * (`total` values in all), walking from pooled index `anchor`, before which the multiset has
 * `anchorRank` values.
 */
function resampledQuantile(
  values: Float64Array,
  clusterOf: Int32Array,
  weights: Int32Array,
  total: number,
  p: number,
  anchor: number,
  anchorRank: number,
): number {
  const h = (total - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  // The pooled index holding 0-based rank `lo`: the k with rank(k) <= lo < rank(k) + weight(k),
  // where rank(k) counts the multiset's values before index k.
  let k = anchor;
  let rank = anchorRank;
  if (rank <= lo) {
    for (;;) {
      const next = rank + weights[clusterOf[k]!]!;
      if (next > lo) break;
      rank = next;
      k++;
    }
  } else {
    do {
      k--;
      rank -= weights[clusterOf[k]!]!;
    } while (rank > lo);
  }
  const x = values[k]!;
  if (frac === 0) return x;
  // Rank lo + 1 (which exists, since frac > 0 means lo < total - 1): this value again if it has
  // copies left, else the next pooled value that was drawn at all.
  let y = x;
  if (rank + weights[clusterOf[k]!]! <= lo + 1) {
    do k++;
    while (weights[clusterOf[k]!]! === 0);
    y = values[k]!;
  }
  return Number.isFinite(y) ? x + frac * (y - x) : Number.POSITIVE_INFINITY;
}
