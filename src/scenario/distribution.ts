/**
 * Distributions as scenario files write them (durations, unit-free parameter names) converted to
 * the kernel's DistributionSpec (every time field in ms), then checked by building them with
 * makeDistribution, so the loader and the simulator agree on what is valid.
 */
import { DistributionError, type DistributionSpec, makeDistribution } from '../engine/index.ts';
import { formatDuration, schemaDurationMs } from './duration.ts';
import type { RawDistribution } from './schema.ts';

export type DistributionResult =
  | { readonly ok: true; readonly spec: DistributionSpec }
  /** `field` is the YAML key at fault (e.g. `p99`, `samples.3`), when one can be named. */
  | { readonly ok: false; readonly field?: string; readonly message: string };

const ms = schemaDurationMs;

const optMs = (value: string | number | undefined) => (value === undefined ? {} : { ms: ms(value) });

export function toDistributionSpec(raw: RawDistribution): DistributionResult {
  if (typeof raw === 'string' || typeof raw === 'number') return check({ kind: 'fixed', valueMs: ms(raw) });
  const clampMin = optMs(raw.min);
  const clampMax = optMs(raw.max);
  const clamp = {
    ...('ms' in clampMin ? { minMs: clampMin.ms } : {}),
    ...('ms' in clampMax ? { maxMs: clampMax.ms } : {}),
  };
  switch (raw.kind) {
    case 'fixed':
      return check({ kind: 'fixed', valueMs: ms(raw.value), ...clamp });
    case 'uniform':
      return check({ kind: 'uniform', lowMs: ms(raw.low), highMs: ms(raw.high), ...clamp });
    case 'exponential':
      return check({ kind: 'exponential', meanMs: ms(raw.mean), ...clamp });
    case 'lognormal': {
      const byMedian = raw.median !== undefined || raw.p99 !== undefined;
      const byMu = raw.mu !== undefined || raw.sigma !== undefined;
      if (byMedian && byMu) {
        return { ok: false, message: 'a lognormal takes either median and p99, or mu and sigma, not both' };
      }
      if (byMu) {
        if (raw.mu === undefined)
          return { ok: false, field: 'mu', message: 'a lognormal with sigma also needs mu' };
        if (raw.sigma === undefined)
          return { ok: false, field: 'sigma', message: 'a lognormal with mu also needs sigma' };
        return check({ kind: 'lognormal', mu: raw.mu, sigma: raw.sigma, ...clamp });
      }
      if (raw.median === undefined)
        return { ok: false, field: 'median', message: 'a lognormal needs median and p99 (or mu and sigma)' };
      if (raw.p99 === undefined)
        return { ok: false, field: 'p99', message: 'a lognormal with median also needs p99' };
      return check({ kind: 'lognormal', medianMs: ms(raw.median), p99Ms: ms(raw.p99), ...clamp });
    }
    case 'paretoExponential':
      return check({
        kind: 'paretoExponential',
        paretoWeight: raw.paretoWeight,
        paretoScaleMs: ms(raw.paretoScale),
        paretoShape: raw.paretoShape,
        exponentialMeanMs: ms(raw.exponentialMean),
        ...clamp,
      });
    case 'empirical':
      return check({ kind: 'empirical', samplesMs: raw.samples.map(ms), ...clamp });
  }
}

/**
 * Validates by construction. The kernel's messages name its own fields (`p99Ms`, `samplesMs[3]`);
 * they are translated back to the YAML keys (`p99`, `samples.3`) the author wrote.
 */
function check(spec: DistributionSpec): DistributionResult {
  try {
    makeDistribution(spec);
    return { ok: true, spec };
  } catch (e) {
    if (!(e instanceof DistributionError)) throw e;
    const message = e.message
      .replace(/\b([a-z][A-Za-z0-9]*)Ms\b(\[(\d+)\])?/g, (_m, name: string, _i, index?: string) =>
        index === undefined ? name : `${name}.${index}`,
      )
      // The kernel quotes the values it compares in ms, in parentheses: show them as durations.
      .replace(/\((\d+)\)/g, (_m, n: string) => `(${formatDuration(Number(n))})`);
    const field = /^([a-zA-Z][a-zA-Z0-9]*(?:\.\d+)?)\b/.exec(message)?.[1];
    return field === undefined ? { ok: false, message } : { ok: false, field, message };
  }
}
