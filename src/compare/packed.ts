/**
 * Job results in the compact form they cross threads in. A sweep's jobs return ~10^5 target
 * samples per strategy, each an object with a nested metrics object; structured-cloned, that is
 * ~18 KB per 100-instance job (every key and string written out again), which the main thread
 * then parses and collects. Packed, a chunk's samples are one Float64Array of metric values and
 * one Int32Array of indices into a table of the chunk's distinct strings, and the main thread
 * rebuilds the same objects (same keys, same order, same values) from them.
 */
import { hasKeys, packMetricValues, stringTable, unpackMetricValues } from '../parallel/packed-instances.ts';
import type { JobResult, JobSample } from './jobs.ts';

/** A chunk of job results with their samples taken out into columns. */
export interface PackedJobs {
  /** The results, each with `samples` emptied (its place among the keys kept). */
  readonly results: readonly JobResult[];
  /** The samples' metric keys, in the order every sample's metrics object has them. */
  readonly metricKeys: readonly string[];
  /** How many samples each result had. */
  readonly sizes: Int32Array;
  /** The distinct instance, SDK and region names of the chunk. */
  readonly strings: readonly string[];
  /** Per sample: its instance, SDK and region as indices into `strings`. */
  readonly names: Int32Array;
  /** Per sample: its metric values in `metricKeys` order, null as NaN. */
  readonly values: Float64Array;
}

/** The keys of a sample, in the order runJob writes them and unpacking rebuilds them. */
const SAMPLE_KEYS = ['instance', 'sdk', 'region', 'metrics'];

/**
 * Packs `results`; undefined when their samples do not all have the form packing keeps exactly
 * (the same metric keys in the same order, numbers or null, never NaN): those travel as they are.
 */
export function packJobResults(results: readonly JobResult[]): PackedJobs | undefined {
  const first = results.find((r) => r.samples.length > 0)?.samples[0];
  const metricKeys = first === undefined ? [] : Object.keys(first.metrics);
  const count = results.reduce((sum, r) => sum + r.samples.length, 0);
  const names = new Int32Array(count * 3);
  const values = new Float64Array(count * metricKeys.length);
  const { strings, intern } = stringTable();
  let n = 0;
  for (const r of results) {
    for (const s of r.samples) {
      if (!hasKeys(s, SAMPLE_KEYS) || !hasKeys(s.metrics, metricKeys)) return undefined;
      names[n * 3] = intern(s.instance);
      names[n * 3 + 1] = intern(s.sdk);
      names[n * 3 + 2] = intern(s.region);
      if (!packMetricValues(s.metrics, metricKeys, values, n * metricKeys.length)) return undefined;
      n++;
    }
  }
  return {
    results: results.map((r) => ({ ...r, samples: [] })),
    metricKeys,
    sizes: Int32Array.from(results, (r) => r.samples.length),
    strings,
    names,
    values,
  };
}

/** The results `packJobResults` packed, equal to them key for key and value for value. */
export function unpackJobResults(packed: PackedJobs): JobResult[] {
  const { metricKeys, strings, names, values } = packed;
  let n = 0;
  return packed.results.map((r, j) => {
    const size = packed.sizes[j]!;
    const samples: JobSample[] = new Array(size);
    for (let i = 0; i < size; i++, n++) {
      samples[i] = {
        instance: strings[names[n * 3]!]!,
        sdk: strings[names[n * 3 + 1]!]!,
        region: strings[names[n * 3 + 2]!]!,
        metrics: unpackMetricValues(values, metricKeys, n * metricKeys.length),
      };
    }
    return { ...r, samples };
  });
}
