/**
 * Step records kept as a few numbers each until they are read, instead of as objects.
 *
 * Why: a fleet's runbook makes a few calls per instance, all at nearly the same moment, and a
 * run keeps every call's record to its end. As objects (72 bytes, plus a boxed `atMs`) they are
 * a large share of what a recording of the shared world (src/world/replay.ts) holds live at a
 * million instances, and every major GC during the fan-out marks them again. Most of them are
 * plain: no response kept, no error, no expectation. Those wait here, in typed arrays, and become
 * the same objects (calls.ts' plainStepRecord) when the records are read.
 */
import type { StepRecord } from '../result.ts';
import { plainStepRecord } from './calls.ts';
import { bytes, doubles, ints } from './replay.ts';

/** Calls a fleet-wide change makes per instance at the least (replace-profile's describe and replace). */
const CALLS_PER_INSTANCE = 2;

export class DeferredSteps {
  private readonly indexes: ReturnType<typeof ints>;
  private readonly times: ReturnType<typeof doubles>;
  /** Per record: its call and region, as a position in `kinds` (a run has a handful). */
  private readonly kindOf: ReturnType<typeof ints>;
  private readonly oks: ReturnType<typeof bytes>;
  /** Shared by the records of one instance's calls (a strategy makes the origin once per instance). */
  private readonly origins: string[] = [];
  private readonly kinds: { readonly call: string; readonly region: string }[] = [];
  private readonly kindIndex = new Map<string, Map<string, number>>();

  /**
   * `instances`: how many instances the world's runbook makes calls for (0: no fleet to expect).
   * A world makes this before it builds its fleet, so that the arrays, sized for the fleet's
   * calls, are allocated while the heap is small instead of doubling during the fan-out
   * (replay.ts, EVENTS_PER_INSTANCE, says why that matters).
   */
  constructor(instances = 0) {
    const expected = CALLS_PER_INSTANCE * instances;
    this.indexes = ints(expected);
    this.times = doubles(expected);
    this.kindOf = ints(expected);
    this.oks = bytes(expected);
  }

  /** Holds a plain record (see stepRecord) until flush; records pushed to `records` meanwhile must come after it, so flush first. */
  push(index: number, atMs: number, call: string, region: string, ok: boolean, origin: string): void {
    this.indexes.push(index);
    this.times.push(atMs);
    this.kindOf.push(this.kind(call, region));
    this.oks.push(ok ? 1 : 0);
    this.origins.push(origin);
  }

  get length(): number {
    return this.origins.length;
  }

  /** Appends every record held, in order, to `records`, and holds none. */
  flush(records: StepRecord[]): void {
    const n = this.origins.length;
    if (n === 0) return;
    const indexes = this.indexes.data;
    const times = this.times.data;
    const kindOf = this.kindOf.data;
    const oks = this.oks.data;
    for (let i = 0; i < n; i++) {
      const kind = this.kinds[kindOf[i]!]!;
      records.push(
        plainStepRecord(indexes[i]!, times[i]!, kind.call, kind.region, oks[i] === 1, this.origins[i]!),
      );
    }
    this.indexes.length = 0;
    this.times.length = 0;
    this.kindOf.length = 0;
    this.oks.length = 0;
    this.origins.length = 0;
  }

  private kind(call: string, region: string): number {
    let byRegion = this.kindIndex.get(call);
    if (byRegion === undefined) {
      byRegion = new Map();
      this.kindIndex.set(call, byRegion);
    }
    let k = byRegion.get(region);
    if (k === undefined) {
      k = this.kinds.length;
      this.kinds.push({ call, region });
      byRegion.set(region, k);
    }
    return k;
  }
}
