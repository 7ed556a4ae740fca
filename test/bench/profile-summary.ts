/**
 * Summarises V8 CPU profiles (`node --cpu-prof`) by self time: the functions where the samples
 * landed, not those that merely called them. Several profiles (one per thread) are summed.
 *
 *   node --import tsx test/bench/profile-summary.ts [--top 10] [--inclusive NAME]... FILE.cpuprofile...
 *
 * Prints one row per function (self ms, share of busy time, name, file), heaviest first, and for
 * each --inclusive NAME the time spent inside that function, callees included.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The parts of the `.cpuprofile` format (Chrome DevTools protocol `Profiler.Profile`) read here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly children?: readonly number[];
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
      readonly columnNumber: number;
    };
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  /** Microseconds since the previous sample, one per sample. */
  readonly timeDeltas?: readonly number[];
}

export interface SelfTimeRow {
  /**
   * `name (file)`, or `(anonymous) (file@line:col)`: tsx compiles a module to one line, so
   * positions say little beyond telling anonymous functions apart.
   */
  readonly fn: string;
  readonly selfMs: number;
  /** selfMs over the busy total (every sample but `(idle)`), 0..1. */
  readonly share: number;
}

/** What V8 records while a thread waits; a thread per tsx loader and per idle worker adds plenty. */
const IDLE = '(idle)';

function frameKey(frame: CpuProfile['nodes'][number]['callFrame'], root: string): string {
  if (frame.url === '') return frame.functionName;
  const path = frame.url.startsWith('file://') ? relative(root, new URL(frame.url).pathname) : frame.url;
  if (frame.functionName !== '') return `${frame.functionName} (${path})`;
  // Positions are 0-based in the protocol.
  return `(anonymous) (${path}@${frame.lineNumber + 1}:${frame.columnNumber + 1})`;
}

/**
 * Self time per function over all `profiles`, heaviest first. A sample's time is the delta that
 * follows it (V8 records the delta before each sample, so the next delta is the time spent there).
 */
export function selfTimes(profiles: readonly CpuProfile[], root = process.cwd()): SelfTimeRow[] {
  const totals = new Map<string, number>();
  let busyUs = 0;
  for (const profile of profiles) {
    const keyOf = new Map(profile.nodes.map((n) => [n.id, frameKey(n.callFrame, root)]));
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const us = deltas[i + 1] ?? 0;
      const key = keyOf.get(samples[i]!) ?? '(unknown)';
      totals.set(key, (totals.get(key) ?? 0) + us);
      if (key !== IDLE) busyUs += us;
    }
  }
  return [...totals.entries()]
    .map(([key, us]) => ({
      fn: key,
      selfMs: us / 1000,
      share: key === IDLE || busyUs === 0 ? 0 : us / busyUs,
    }))
    .sort((a, b) => b.selfMs - a.selfMs || (a.fn < b.fn ? -1 : 1));
}

/**
 * Busy time spent inside any function whose name is `functionName` (its callees included, each
 * sample counted once however deep the recursion), over all `profiles`: ms and share of busy time.
 */
export function inclusiveTime(
  profiles: readonly CpuProfile[],
  functionName: string,
): { readonly ms: number; readonly share: number } {
  let insideUs = 0;
  let busyUs = 0;
  for (const profile of profiles) {
    const parentOf = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const inside = new Map<number, boolean>();
    const isInside = (id: number): boolean => {
      let known = inside.get(id);
      if (known === undefined) {
        const parent = parentOf.get(id);
        known =
          byId.get(id)?.callFrame.functionName === functionName || (parent !== undefined && isInside(parent));
        inside.set(id, known);
      }
      return known;
    };
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const id = samples[i]!;
      const us = deltas[i + 1] ?? 0;
      if (byId.get(id)?.callFrame.functionName === IDLE) continue;
      busyUs += us;
      if (isInside(id)) insideUs += us;
    }
  }
  return { ms: insideUs / 1000, share: busyUs > 0 ? insideUs / busyUs : 0 };
}

/** A fixed-width table: the busy total, then the top `top` busy rows (idle time left out). */
export function renderSelfTimes(rows: readonly SelfTimeRow[], top: number): string {
  const busy = rows.filter((r) => r.fn !== IDLE);
  const totalMs = busy.reduce((sum, r) => sum + r.selfMs, 0);
  const lines = busy
    .slice(0, top)
    .map((r) => `${r.selfMs.toFixed(0).padStart(8)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.fn}`);
  return [`${totalMs.toFixed(0).padStart(8)} ms 100.0%  (busy, all threads)`, ...lines].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    options: {
      top: { type: 'string', default: '10' },
      inclusive: { type: 'string', multiple: true, default: [] },
    },
    allowPositionals: true,
  });
  const profiles = positionals.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CpuProfile);
  process.stdout.write(`${renderSelfTimes(selfTimes(profiles), Number(values.top))}\n`);
  for (const name of values.inclusive) {
    const { ms, share } = inclusiveTime(profiles, name);
    process.stdout.write(`inside ${name}: ${ms.toFixed(0)} ms, ${(share * 100).toFixed(1)}% of busy time\n`);
  }
}
