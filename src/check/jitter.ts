/**
 * Swarm-style calibration for `iamsim check --jitter`: every run draws its own delays, so a
 * runbook is tested against a world that is sometimes much faster and sometimes much slower than
 * the calibration's central values, not only against their spread.
 *
 * For each delay except the IMDS rotation period and credential lifetime, a factor is drawn
 * log-uniformly in [JITTER_FACTOR_MIN, JITTER_FACTOR_MAX] (as likely to halve as to double) from
 * a stream named after the run's seed and the delay, and every time parameter of the delay's
 * distribution (median, p99, low, high, mean, value, scale, samples, and the min/max clamps) is
 * multiplied by it and rounded to whole ms; a lognormal given as mu/sigma has mu shifted by the
 * log of the factor. The distribution keeps its shape and moves as a whole. The factor is capped
 * so that no delay's maximum grows past JITTER_MAX_MS: a "delay" of hours is an outage, which
 * faults model, not calibration. The rotation period and lifetime are AWS's documented behaviour
 * (about hourly; about 6 h, renewed at least 5 min before expiry), not delays of a change, so
 * they stay as calibrated.
 */
import {
  type Calibration,
  type CalibrationEntry,
  type CalibrationKey,
  calibrationKeys,
} from '../calibration.ts';
import {
  DistributionError,
  type DistributionSpec,
  makeDistribution,
  RandomStreams,
} from '../engine/index.ts';

export const JITTER_FACTOR_MIN = 0.25;
export const JITTER_FACTOR_MAX = 4;
/** No jittered delay's maximum exceeds one hour (unless the calibration's own maximum already did). */
export const JITTER_MAX_MS = 3_600_000;

export const jitteredKeys: readonly CalibrationKey[] = calibrationKeys.filter(
  (k) => k !== 'imdsRotationPeriod' && k !== 'imdsCredentialLifetime',
);

export interface JitteredCalibration {
  readonly calibration: Calibration;
  /** The factor applied to each jittered delay (after the cap), rounded to two decimals. */
  readonly factors: Readonly<Partial<Record<CalibrationKey, number>>>;
}

/** The calibration for the run with root seed `seed`: the same seed always gives the same draws. */
export function jitterCalibration(calibration: Calibration, seed: number): JitteredCalibration {
  const streams = new RandomStreams(seed);
  const entries = { ...calibration } as Record<CalibrationKey, CalibrationEntry>;
  const factors: Partial<Record<CalibrationKey, number>> = {};
  for (const key of jitteredKeys) {
    const u = streams.stream(`check/jitter/${key}`).next();
    const drawn = JITTER_FACTOR_MIN * (JITTER_FACTOR_MAX / JITTER_FACTOR_MIN) ** u;
    const entry = calibration[key];
    const upperMs = makeDistribution(entry.spec).upperBoundMs;
    const cap = Number.isFinite(upperMs) && upperMs > 0 ? Math.max(1, JITTER_MAX_MS / upperMs) : drawn;
    const factor = Math.round(Math.min(drawn, cap) * 100) / 100;
    const spec = scaleSpec(entry.spec, factor);
    // Rounding can collapse a tiny distribution (a median and p99 of a few ms) into an invalid
    // one; such a delay keeps its calibrated values.
    if (spec === undefined) continue;
    entries[key] = { spec, source: `${entry.source} [jittered x${factor}]` };
    factors[key] = factor;
  }
  return { calibration: entries, factors };
}

/** `spec` with every time parameter multiplied by `factor`, or undefined when the result is invalid. */
export function scaleSpec(spec: DistributionSpec, factor: number): DistributionSpec | undefined {
  const s = (ms: number) => Math.round(ms * factor);
  const clamp = {
    ...(spec.minMs !== undefined ? { minMs: s(spec.minMs) } : {}),
    ...(spec.maxMs !== undefined ? { maxMs: s(spec.maxMs) } : {}),
  };
  let out: DistributionSpec;
  switch (spec.kind) {
    case 'fixed':
      out = { kind: 'fixed', valueMs: s(spec.valueMs), ...clamp };
      break;
    case 'uniform':
      out = { kind: 'uniform', lowMs: s(spec.lowMs), highMs: s(spec.highMs), ...clamp };
      break;
    case 'exponential':
      out = { kind: 'exponential', meanMs: s(spec.meanMs), ...clamp };
      break;
    case 'lognormal':
      out =
        'medianMs' in spec
          ? { kind: 'lognormal', medianMs: s(spec.medianMs), p99Ms: s(spec.p99Ms), ...clamp }
          : { kind: 'lognormal', mu: spec.mu + Math.log(factor), sigma: spec.sigma, ...clamp };
      break;
    case 'paretoExponential':
      out = {
        ...spec,
        paretoScaleMs: s(spec.paretoScaleMs),
        exponentialMeanMs: s(spec.exponentialMeanMs),
        ...clamp,
      };
      break;
    case 'empirical':
      out = { kind: 'empirical', samplesMs: spec.samplesMs.map(s), ...clamp };
      break;
  }
  try {
    makeDistribution(out);
    return out;
  } catch (e) {
    if (e instanceof DistributionError) return undefined;
    throw e;
  }
}
