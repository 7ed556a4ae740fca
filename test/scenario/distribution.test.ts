import { describe, expect, it } from 'vitest';
import { toDistributionSpec } from '../../src/scenario/distribution.ts';
import type { RawDistribution } from '../../src/scenario/schema.ts';

describe('toDistributionSpec', () => {
  it.each<[RawDistribution, unknown]>([
    ['30s', { kind: 'fixed', valueMs: 30_000 }],
    [250, { kind: 'fixed', valueMs: 250 }],
    [
      { kind: 'fixed', value: '1s', max: '2s' },
      { kind: 'fixed', valueMs: 1000, maxMs: 2000 },
    ],
    [
      { kind: 'uniform', low: '1s', high: '1m' },
      { kind: 'uniform', lowMs: 1000, highMs: 60_000 },
    ],
    [
      { kind: 'exponential', mean: '5s', min: '1s' },
      { kind: 'exponential', meanMs: 5000, minMs: 1000 },
    ],
    [
      { kind: 'lognormal', median: '6s', p99: '60s', max: '2m' },
      { kind: 'lognormal', medianMs: 6000, p99Ms: 60_000, maxMs: 120_000 },
    ],
    [
      { kind: 'lognormal', mu: 8, sigma: 1.2 },
      { kind: 'lognormal', mu: 8, sigma: 1.2 },
    ],
    [
      {
        kind: 'paretoExponential',
        paretoWeight: 0.1,
        paretoScale: '10s',
        paretoShape: 1.5,
        exponentialMean: '3s',
      },
      {
        kind: 'paretoExponential',
        paretoWeight: 0.1,
        paretoScaleMs: 10_000,
        paretoShape: 1.5,
        exponentialMeanMs: 3000,
      },
    ],
    [
      { kind: 'empirical', samples: ['1s', 2500, '1m'] },
      { kind: 'empirical', samplesMs: [1000, 2500, 60_000] },
    ],
  ])('%j', (raw, spec) => {
    expect(toDistributionSpec(raw)).toEqual({ ok: true, spec });
  });

  it.each<[RawDistribution, string | undefined, string]>([
    [{ kind: 'lognormal', median: '10s', p99: '1s' }, 'p99', 'p99 (1s) must be at least median (10s)'],
    [{ kind: 'lognormal', median: '10s' }, 'p99', 'also needs p99'],
    [{ kind: 'lognormal', mu: 1 }, 'sigma', 'also needs sigma'],
    [{ kind: 'lognormal', median: '1s', p99: '2s', mu: 1, sigma: 1 }, undefined, 'not both'],
    [{ kind: 'lognormal', median: 0, p99: '1s' }, 'median', 'median must be a finite number > 0'],
    [{ kind: 'uniform', low: '1m', high: '1s' }, 'low', 'must not exceed high'],
    [{ kind: 'exponential', mean: 0 }, 'mean', 'mean must be'],
    [{ kind: 'empirical', samples: [] }, 'samples', 'non-empty'],
    [{ kind: 'fixed', value: '1s', min: '5s', max: '2s' }, 'min', 'must not exceed max'],
    [
      {
        kind: 'paretoExponential',
        paretoWeight: 2,
        paretoScale: '1s',
        paretoShape: 1,
        exponentialMean: '1s',
      },
      'paretoWeight',
      'within [0, 1]',
    ],
    [
      {
        kind: 'paretoExponential',
        paretoWeight: 0.5,
        paretoScale: '1s',
        paretoShape: -1,
        exponentialMean: '1s',
      },
      'paretoShape',
      'paretoShape must be',
    ],
  ])('%j is refused at %s', (raw, field, message) => {
    const result = toDistributionSpec(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.field).toBe(field);
      expect(result.message).toContain(message);
    }
  });
});
