/**
 * A slice's instance results in the compact form they cross threads in. Structured-cloned, a
 * result is a graph of four objects whose every key and short string is written out and parsed
 * again: at a million instances the half a pool thread sends took ~2.9 s to write there and
 * ~2.5 s to read here, after both threads had finished simulating (measured). Packed, the
 * numbers travel as a few typed arrays, the repeated strings (region, SDK, fleet) once each, and
 * this thread rebuilds the same objects: the same keys in the same order, the same values.
 */
import type { InstanceMetrics, InstanceResult } from '../result.ts';
import type { SlicePart } from './slice.ts';

/** Instance results with their common fields taken out into columns. */
export interface PackedInstances {
  readonly count: number;
  readonly names: readonly string[];
  readonly ids: readonly string[];
  /** The metric keys, in the order every result's metrics object has them. */
  readonly metricKeys: readonly string[];
  /** The distinct region, SDK and fleet names. */
  readonly strings: readonly string[];
  /** Per result: its region, SDK and fleet as indices into `strings` (fleet -1: none). */
  readonly labels: Int32Array;
  /** Per result: bit 0 target, bit 1 affected. */
  readonly flags: Uint8Array;
  /** Per result: its metric values in `metricKeys` order, null as NaN. */
  readonly metrics: Float64Array;
  /** Per result: probes allowed, denied. */
  readonly probes: Float64Array;
  /** The results that carry more (timeline segments, a replacement, causes): index, and those fields. */
  readonly extras: readonly (readonly [number, Extra])[];
}

/** What packing leaves as it is. */
type Extra = Pick<InstanceResult, 'imdsTimeline' | 'appTimeline' | 'replacedBy' | 'causes'>;

/**
 * The keys of a result, in the order computeInstanceResult writes them: fleet, replacedBy and
 * causes only when present (so 8 lists, made once).
 */
const RESULT_KEYS: readonly (readonly string[])[] = Array.from({ length: 8 }, (_, bits) => [
  'name',
  'id',
  'region',
  'sdk',
  ...(bits & 1 ? ['fleet'] : []),
  'target',
  'affected',
  'metrics',
  'probes',
  'imdsTimeline',
  'appTimeline',
  ...(bits & 2 ? ['replacedBy'] : []),
  ...(bits & 4 ? ['causes'] : []),
]);

function resultKeys(r: InstanceResult): readonly string[] {
  return RESULT_KEYS[
    (r.fleet !== undefined ? 1 : 0) | (r.replacedBy !== undefined ? 2 : 0) | (r.causes !== undefined ? 4 : 0)
  ]!;
}
const PROBE_KEYS = ['allowed', 'denied'];

/** Whether `o`'s own enumerable keys are exactly `keys`, in that order. */
export function hasKeys(o: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in o) if (keys[i++] !== key) return false;
  return i === keys.length;
}

/**
 * Writes `metrics`' values (keys `keys`, in order) to `out` from `at`, null as NaN; false when one
 * is neither a number nor null, or is NaN (which unpacking would turn into null).
 */
export function packMetricValues(
  metrics: object,
  keys: readonly string[],
  out: Float64Array,
  at: number,
): boolean {
  for (let k = 0; k < keys.length; k++) {
    const v = (metrics as Record<string, unknown>)[keys[k]!];
    if (v === null) out[at + k] = Number.NaN;
    else if (typeof v === 'number' && !Number.isNaN(v)) out[at + k] = v;
    else return false;
  }
  return true;
}

/** The metrics object packMetricValues packed at `at`. */
export function unpackMetricValues(
  values: Float64Array,
  keys: readonly string[],
  at: number,
): InstanceMetrics {
  const metrics: Record<string, number | null> = {};
  for (let k = 0; k < keys.length; k++) {
    const v = values[at + k]!;
    metrics[keys[k]!] = Number.isNaN(v) ? null : v;
  }
  return metrics as unknown as InstanceMetrics;
}

/** A string table that hands out each distinct string's index. */
export function stringTable(): { readonly strings: string[]; intern(s: string): number } {
  const strings: string[] = [];
  const indexOf = new Map<string, number>();
  return {
    strings,
    intern(s) {
      let i = indexOf.get(s);
      if (i === undefined) {
        i = strings.length;
        strings.push(s);
        indexOf.set(s, i);
      }
      return i;
    },
  };
}

/**
 * Packs `results`; undefined when one does not have the form packing rebuilds exactly (keys in
 * computeInstanceResult's order, metric values numbers or null): those travel as they are.
 */
export function packInstances(results: readonly InstanceResult[]): PackedInstances | undefined {
  const n = results.length;
  const metricKeys = n === 0 ? [] : Object.keys(results[0]!.metrics);
  const m = metricKeys.length;
  const table = stringTable();
  const names: string[] = new Array(n);
  const ids: string[] = new Array(n);
  const labels = new Int32Array(n * 3);
  const flags = new Uint8Array(n);
  const metrics = new Float64Array(n * m);
  const probes = new Float64Array(n * 2);
  const extras: [number, Extra][] = [];
  for (let i = 0; i < n; i++) {
    const r = results[i]!;
    if (!hasKeys(r, resultKeys(r)) || !hasKeys(r.metrics, metricKeys) || !hasKeys(r.probes, PROBE_KEYS))
      return undefined;
    if (!packMetricValues(r.metrics, metricKeys, metrics, i * m)) return undefined;
    names[i] = r.name;
    ids[i] = r.id;
    labels[i * 3] = table.intern(r.region);
    labels[i * 3 + 1] = table.intern(r.sdk);
    labels[i * 3 + 2] = r.fleet === undefined ? -1 : table.intern(r.fleet);
    flags[i] = (r.target ? 1 : 0) | (r.affected ? 2 : 0);
    probes[i * 2] = r.probes.allowed;
    probes[i * 2 + 1] = r.probes.denied;
    if (
      r.imdsTimeline.length > 0 ||
      r.appTimeline.length > 0 ||
      r.replacedBy !== undefined ||
      r.causes !== undefined
    ) {
      const { imdsTimeline, appTimeline, replacedBy, causes } = r;
      extras.push([i, { imdsTimeline, appTimeline, replacedBy, causes }]);
    }
  }
  return { count: n, names, ids, metricKeys, strings: table.strings, labels, flags, metrics, probes, extras };
}

/** The results `packInstances` packed, equal to them key for key and value for value. */
export function unpackInstances(packed: PackedInstances): InstanceResult[] {
  const { names, ids, metricKeys, strings, labels, flags, metrics, probes } = packed;
  const extras = new Map(packed.extras);
  const m = metricKeys.length;
  const out: InstanceResult[] = new Array(packed.count);
  for (let i = 0; i < packed.count; i++) {
    const fleet = labels[i * 3 + 2]!;
    const extra = extras.get(i);
    const name = names[i]!;
    const id = ids[i]!;
    const region = strings[labels[i * 3]!]!;
    const sdk = strings[labels[i * 3 + 1]!]!;
    const target = (flags[i]! & 1) !== 0;
    const affected = (flags[i]! & 2) !== 0;
    const metricsOf = unpackMetricValues(metrics, metricKeys, i * m);
    const probesOf = { allowed: probes[i * 2]!, denied: probes[i * 2 + 1]! };
    if (extra === undefined && fleet >= 0) {
      // The common case as one literal: no intermediate objects.
      out[i] = {
        name,
        id,
        region,
        sdk,
        fleet: strings[fleet]!,
        target,
        affected,
        metrics: metricsOf,
        probes: probesOf,
        imdsTimeline: [],
        appTimeline: [],
      };
      continue;
    }
    out[i] = {
      name,
      id,
      region,
      sdk,
      ...(fleet >= 0 ? { fleet: strings[fleet]! } : {}),
      target,
      affected,
      metrics: metricsOf,
      probes: probesOf,
      imdsTimeline: extra?.imdsTimeline ?? [],
      appTimeline: extra?.appTimeline ?? [],
      ...(extra?.replacedBy !== undefined ? { replacedBy: extra.replacedBy } : {}),
      ...(extra?.causes !== undefined ? { causes: extra.causes } : {}),
    };
  }
  return out;
}

/** `part` as it crosses to another thread: its instances packed when they pack. */
export function packSlicePart(part: SlicePart): SlicePart {
  const packed = packInstances(part.instances);
  return packed === undefined ? part : { ...part, instances: [], packed };
}

/** A part packSlicePart made, with its instances back. */
export function unpackSlicePart(part: SlicePart): SlicePart {
  if (part.packed === undefined) return part;
  const { packed, ...rest } = part;
  return { ...rest, instances: unpackInstances(packed) };
}
