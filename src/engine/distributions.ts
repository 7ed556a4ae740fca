/**
 * Delay distributions, validated at construction and sampled as integer milliseconds.
 *
 * Every parameter name ends in its unit (`medianMs`, `meanMs`) or is dimensionless by nature
 * (`sigma`, `shape`, `weight`). Each distribution may be clamped with `minMs` / `maxMs`; a clamp
 * is how "hard caps" such as Terraform's 2-minute IAM wait are modelled.
 */
import { type RandomSource, standardNormal } from './random.ts';

/** z-score of the 99th percentile of the standard normal distribution. */
const Z_P99 = 2.3263478740408408;

interface Clamp {
  /** Lower clamp on samples, ms. */
  readonly minMs?: number;
  /** Upper clamp on samples, ms. */
  readonly maxMs?: number;
}

export type DistributionSpec =
  | ({ readonly kind: 'fixed'; readonly valueMs: number } & Clamp)
  | ({ readonly kind: 'uniform'; readonly lowMs: number; readonly highMs: number } & Clamp)
  | ({ readonly kind: 'exponential'; readonly meanMs: number } & Clamp)
  | ({ readonly kind: 'lognormal'; readonly medianMs: number; readonly p99Ms: number } & Clamp)
  | ({ readonly kind: 'lognormal'; readonly mu: number; readonly sigma: number } & Clamp)
  | ({
      readonly kind: 'paretoExponential';
      /** Probability of drawing from the Pareto tail, in [0, 1]. */
      readonly paretoWeight: number;
      /** Pareto scale x_m, ms (the smallest tail value). */
      readonly paretoScaleMs: number;
      /** Pareto shape alpha (> 0); smaller is heavier. */
      readonly paretoShape: number;
      /** Mean of the exponential body, ms. */
      readonly exponentialMeanMs: number;
    } & Clamp)
  | ({ readonly kind: 'empirical'; readonly samplesMs: readonly number[] } & Clamp);

export class DistributionError extends Error {
  override readonly name = 'DistributionError';
}

export interface Distribution {
  readonly spec: DistributionSpec;
  /** Draws one value, rounded to an integer number of ms and clamped; never negative. */
  sample(rng: RandomSource): number;
  /** Largest value this distribution can return, ms (Infinity for unbounded tails without a clamp). */
  readonly upperBoundMs: number;
  /** A short human description, e.g. `lognormal(median 6s, p99 60s) max 120s`. */
  describe(): string;
}

function finiteNonNegative(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new DistributionError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
}

function positive(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new DistributionError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
}

/** Formats a millisecond value compactly for descriptions: 250ms, 6s, 1.5m, 6.4h. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  const abs = Math.abs(ms);
  const trim = (v: number) => String(Number(v.toFixed(2)));
  if (abs < 1000) return `${trim(ms)}ms`;
  if (abs < 60_000) return `${trim(ms / 1000)}s`;
  if (abs < 3_600_000) return `${trim(ms / 60_000)}m`;
  return `${trim(ms / 3_600_000)}h`;
}

/** A drawn value as a sample: rounded to whole ms, then clamped to [minMs, maxMs]. */
function roundClamped(x: number, minMs: number, maxMs: number): number {
  const v = Math.round(x);
  if (v < minMs) return Math.ceil(minMs);
  if (v > maxMs) return Math.floor(maxMs);
  return v;
}

/**
 * Distributions made by distributionOf, by spec: a comparison runs one scenario, and so the same
 * calibration specs, for every seed.
 */
const distributionsBySpec = new WeakMap<DistributionSpec, Distribution>();

/**
 * makeDistribution of `spec`, the same (frozen) object for the same spec object: distributions
 * hold no state (a sample's randomness comes from the stream it is given).
 * @throws DistributionError naming the bad parameter.
 */
export function distributionOf(spec: DistributionSpec): Distribution {
  let d = distributionsBySpec.get(spec);
  if (d === undefined) {
    d = Object.freeze(makeDistribution(spec));
    distributionsBySpec.set(spec, d);
  }
  return d;
}

/**
 * Builds a distribution from its spec.
 * @throws DistributionError naming the bad parameter.
 */
export function makeDistribution(spec: DistributionSpec): Distribution {
  const minMs = spec.minMs ?? 0;
  const maxMs = spec.maxMs ?? Number.POSITIVE_INFINITY;
  finiteNonNegative('minMs', minMs);
  if (spec.maxMs !== undefined) finiteNonNegative('maxMs', spec.maxMs);
  if (minMs > maxMs) throw new DistributionError(`minMs (${minMs}) must not exceed maxMs (${maxMs})`);
  // Samples are whole milliseconds: a clamp such as [2.5, 2.7] admits none, and would return values outside it.
  if (Math.ceil(minMs) > Math.floor(maxMs)) {
    throw new DistributionError(
      `minMs (${minMs}) and maxMs (${maxMs}) must include at least one whole millisecond`,
    );
  }

  // Each kind gets a sample function of its own, the draw written into it, rather than one shared
  // sample() calling a `draw` closure: that call site in one shared function sees every kind of
  // a world (megamorphic), is not inlined, and then returns each draw, a fraction, as a boxed
  // number: an allocation per sample, and a fleet's run draws about a million.
  let sample: (rng: RandomSource) => number;
  // The description, made when asked (reports ask; a run makes a dozen distributions and asks none).
  let natural: () => string;
  let naturalUpper = Number.POSITIVE_INFINITY;
  switch (spec.kind) {
    case 'fixed': {
      finiteNonNegative('valueMs', spec.valueMs);
      const v = spec.valueMs;
      sample = () => roundClamped(v, minMs, maxMs);
      natural = () => `fixed ${formatMs(v)}`;
      naturalUpper = v;
      break;
    }
    case 'uniform': {
      finiteNonNegative('lowMs', spec.lowMs);
      finiteNonNegative('highMs', spec.highMs);
      if (spec.lowMs > spec.highMs)
        throw new DistributionError(`lowMs (${spec.lowMs}) must not exceed highMs (${spec.highMs})`);
      const lo = spec.lowMs;
      const width = spec.highMs - spec.lowMs;
      sample = (rng) => roundClamped(lo + rng.next() * width, minMs, maxMs);
      natural = () => `uniform(${formatMs(lo)}..${formatMs(spec.highMs)})`;
      naturalUpper = spec.highMs;
      break;
    }
    case 'exponential': {
      positive('meanMs', spec.meanMs);
      const mean = spec.meanMs;
      sample = (rng) => roundClamped(-mean * Math.log(1 - rng.next()), minMs, maxMs);
      natural = () => `exponential(mean ${formatMs(mean)})`;
      break;
    }
    case 'lognormal': {
      let mu: number;
      let sigma: number;
      if ('medianMs' in spec) {
        positive('medianMs', spec.medianMs);
        positive('p99Ms', spec.p99Ms);
        if (spec.p99Ms < spec.medianMs) {
          throw new DistributionError(`p99Ms (${spec.p99Ms}) must be at least medianMs (${spec.medianMs})`);
        }
        mu = Math.log(spec.medianMs);
        sigma = Math.log(spec.p99Ms / spec.medianMs) / Z_P99;
        natural = () => `lognormal(median ${formatMs(spec.medianMs)}, p99 ${formatMs(spec.p99Ms)})`;
      } else {
        if (!Number.isFinite(spec.mu))
          throw new DistributionError(`mu must be finite, got ${String(spec.mu)}`);
        finiteNonNegative('sigma', spec.sigma);
        mu = spec.mu;
        sigma = spec.sigma;
        natural = () => `lognormal(mu ${mu}, sigma ${sigma})`;
      }
      sample = (rng) => roundClamped(Math.exp(mu + sigma * standardNormal(rng)), minMs, maxMs);
      if (sigma === 0) naturalUpper = Math.exp(mu);
      break;
    }
    case 'paretoExponential': {
      const w = spec.paretoWeight;
      if (typeof w !== 'number' || !(w >= 0 && w <= 1)) {
        throw new DistributionError(`paretoWeight must be within [0, 1], got ${String(w)}`);
      }
      positive('paretoScaleMs', spec.paretoScaleMs);
      positive('paretoShape', spec.paretoShape);
      positive('exponentialMeanMs', spec.exponentialMeanMs);
      const { paretoScaleMs: xm, paretoShape: alpha, exponentialMeanMs: mean } = spec;
      sample = (rng) =>
        roundClamped(
          rng.next() < w ? xm / (1 - rng.next()) ** (1 / alpha) : -mean * Math.log(1 - rng.next()),
          minMs,
          maxMs,
        );
      natural = () =>
        `pareto+exponential(w ${w}, xm ${formatMs(xm)}, alpha ${alpha}, mean ${formatMs(mean)})`;
      break;
    }
    case 'empirical': {
      const samples = spec.samplesMs;
      if (!Array.isArray(samples) || samples.length === 0) {
        throw new DistributionError('samplesMs must be a non-empty list of durations');
      }
      samples.forEach((s, i) => {
        finiteNonNegative(`samplesMs[${i}]`, s);
      });
      const copy = [...samples];
      sample = (rng) => roundClamped(copy[Math.floor(rng.next() * copy.length)]!, minMs, maxMs);
      natural = () => `empirical(${copy.length} samples)`;
      // A loop, not Math.max(...copy): spreading a list of ~150k+ samples overflows the call stack.
      naturalUpper = copy.reduce((max, x) => Math.max(max, x), 0);
      break;
    }
    default: {
      const kind = (spec as { kind?: unknown }).kind;
      throw new DistributionError(`unknown distribution kind ${JSON.stringify(kind)}`);
    }
  }
  const clampText = () =>
    (spec.minMs !== undefined ? ` min ${formatMs(minMs)}` : '') +
    (spec.maxMs !== undefined ? ` max ${formatMs(maxMs)}` : '');
  // A sample is rounded, then clamped (roundClamped). Rounding is monotonic, so the largest rounded draw is
  // round(naturalUpper); the upper clamp cuts it to floor(maxMs); and a lower clamp above the
  // whole natural range lifts every sample to ceil(minMs) (fixed 5 ms with minMs 10 returns 10).
  const upperBoundMs = Math.max(Math.ceil(minMs), Math.min(Math.round(naturalUpper), Math.floor(maxMs)));
  return {
    spec,
    upperBoundMs,
    sample,
    describe: () => natural() + clampText(),
  };
}
