/** Swarm jitter of the calibration: seeded, within its documented range, shape-preserving. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrationPresets } from '../../src/calibration.ts';
import {
  JITTER_FACTOR_MAX,
  JITTER_FACTOR_MIN,
  JITTER_MAX_MS,
  jitterCalibration,
  jitteredKeys,
  scaleSpec,
} from '../../src/check/jitter.ts';
import { makeDistribution } from '../../src/engine/index.ts';
import { propertyOptions } from '../helpers/fc.ts';

const base = calibrationPresets.default;

describe('jitterCalibration', () => {
  it('law: the same seed gives the same calibration; another seed another', () => {
    expect(jitterCalibration(base, 42)).toEqual(jitterCalibration(base, 42));
    expect(jitterCalibration(base, 43).factors).not.toEqual(jitterCalibration(base, 42).factors);
  });

  it('draws every factor within its range, caps maxima at an hour, and keeps rotation and lifetime', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const { calibration, factors } = jitterCalibration(base, seed);
        expect(Object.keys(factors).sort()).toEqual([...jitteredKeys].sort());
        for (const key of jitteredKeys) {
          const f = factors[key]!;
          expect(f).toBeGreaterThanOrEqual(JITTER_FACTOR_MIN);
          expect(f).toBeLessThanOrEqual(JITTER_FACTOR_MAX);
          const upper = makeDistribution(calibration[key].spec).upperBoundMs;
          expect(upper).toBeLessThanOrEqual(
            Math.max(JITTER_MAX_MS, makeDistribution(base[key].spec).upperBoundMs),
          );
        }
        expect(calibration.imdsRotationPeriod).toBe(base.imdsRotationPeriod);
        expect(calibration.imdsCredentialLifetime).toBe(base.imdsCredentialLifetime);
      }),
      propertyOptions(200),
    );
  });

  it('spreads factors over the whole range (log-uniform: as likely to halve as to double)', () => {
    const factors = Array.from(
      { length: 400 },
      (_, seed) => jitterCalibration(base, seed).factors.iamPropagation!,
    );
    expect(factors.filter((f) => f < 0.5).length).toBeGreaterThan(50);
    expect(factors.filter((f) => f > 2).length).toBeGreaterThan(50);
  });
});

describe('scaleSpec', () => {
  it('moves a distribution as a whole, in whole milliseconds', () => {
    expect(scaleSpec({ kind: 'lognormal', medianMs: 6000, p99Ms: 60_000, maxMs: 120_000 }, 0.5)).toEqual({
      kind: 'lognormal',
      medianMs: 3000,
      p99Ms: 30_000,
      maxMs: 60_000,
    });
    expect(scaleSpec({ kind: 'uniform', lowMs: 3, highMs: 7, minMs: 1 }, 1.5)).toEqual({
      kind: 'uniform',
      lowMs: 5,
      highMs: 11,
      minMs: 2,
    });
    const mu = scaleSpec({ kind: 'lognormal', mu: 8, sigma: 1 }, 2) as { mu: number; sigma: number };
    expect(mu.mu).toBeCloseTo(8 + Math.log(2));
    expect(mu.sigma).toBe(1);
    expect(scaleSpec({ kind: 'empirical', samplesMs: [10, 20] }, 0.25)).toEqual({
      kind: 'empirical',
      samplesMs: [3, 5],
    });
    expect(scaleSpec({ kind: 'fixed', valueMs: 0 }, 4)).toEqual({ kind: 'fixed', valueMs: 0 });
  });

  it('gives up (undefined) where rounding would make the distribution invalid', () => {
    expect(scaleSpec({ kind: 'exponential', meanMs: 1 }, 0.25)).toBeUndefined();
  });
});
