/**
 * Tallies over N runs: for every invariant and every scenario check, how many runs failed it,
 * the worst value observed against its bound, and for metric checks the distribution of the
 * values every instance showed in every run, so a pass also says how close it came ("p99 of
 * appNewRoleMs 41m against a 45m bound").
 */

import { formatMs } from '../engine/index.ts';
import { metricCheckSubjects } from '../metrics.ts';
import type { RunResult } from '../result.ts';
import { formatDuration } from '../scenario/duration.ts';
import type { InvariantName, MetricCheck, Scenario } from '../scenario/types.ts';
import { invariantRegistry, livenessBoundMs } from './registry.ts';
import type { CheckFailure } from './types.ts';

export interface MetricDistribution {
  /** Instance values that happened (across all runs). */
  readonly count: number;
  /** Instance values that never happened within the horizon. */
  readonly never: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
}

export interface Tally {
  readonly name: string;
  readonly kind: CheckFailure['kind'];
  readonly runs: number;
  readonly runsFailed: number;
  /** The bound, as text: `max 5m`, `equals 0ms`, `within 1.4h`, `ok`; empty for an invariant without one. */
  readonly bound: string;
  /** The worst observed value, as text (`never` for a metric that did not happen), or empty when nothing was measured. */
  readonly worst: string;
  /** Metric checks: the worst value, ms (null: never happened in some instance). */
  readonly worstMs?: number | null;
  readonly distribution?: MetricDistribution;
  /** The first failure's detail, when any run failed. */
  readonly firstDetail?: string;
}

interface Row {
  readonly name: string;
  readonly kind: CheckFailure['kind'];
  runsFailed: number;
  bound: string;
  firstDetail?: string;
  /** Expects: the outcomes that missed, with counts. */
  readonly got: Map<string, number>;
  readonly metric?: MetricCheck;
  readonly values: number[];
  never: number;
}

/** Collects runs one by one; `tallies()` gives the table. */
export class Tallier {
  private readonly rows = new Map<string, Row>();
  private runs = 0;

  constructor(
    private readonly scenario: Scenario,
    invariants: readonly InvariantName[],
  ) {
    for (const name of invariants) {
      const kind = invariantRegistry[name].kind;
      this.row(`invariant:${name}`, name, kind).bound =
        kind === 'liveness' ? `within ${formatDuration(livenessBoundMs(scenario, name))}` : '';
    }
    for (const c of scenario.checks) {
      this.row(`metric:${c.name}`, c.name, 'metric', c).bound =
        c.maxMs !== undefined
          ? `max ${formatDuration(c.maxMs)}`
          : `equals ${formatDuration(c.equalsMs ?? 0)}`;
    }
  }

  private row(key: string, name: string, kind: CheckFailure['kind'], metric?: MetricCheck): Row {
    let row = this.rows.get(key);
    if (row === undefined) {
      row = {
        name,
        kind,
        runsFailed: 0,
        bound: '',
        got: new Map(),
        values: [],
        never: 0,
        ...(metric ? { metric } : {}),
      };
      this.rows.set(key, row);
    }
    return row;
  }

  /** Adds one run: its result and its failures (failuresOf). */
  add(result: RunResult, failures: readonly CheckFailure[]): void {
    this.runs++;
    // Expects that held are rows too, so a table over runs that all passed still lists them.
    for (const s of result.steps) {
      if (s.expect === undefined) continue;
      const row = this.row(`expect:expect ${s.call} ${s.expect}`, `expect ${s.call} ${s.expect}`, 'expect');
      row.bound = s.expect;
      if (s.expectMet === false) {
        const got = s.ok ? 'ok' : (s.error?.code ?? 'error');
        row.got.set(got, (row.got.get(got) ?? 0) + 1);
      }
    }
    for (const c of this.scenario.checks) {
      const row = this.rows.get(`metric:${c.name}`)!;
      for (const i of metricCheckSubjects(result.instances)) {
        const v = i.metrics[c.metric];
        if (v === null) row.never++;
        else row.values.push(v);
      }
    }
    for (const f of failures) {
      const row = this.row(f.key, f.name, f.kind);
      row.runsFailed++;
      row.firstDetail ??= f.detail;
    }
  }

  tallies(): Tally[] {
    return [...this.rows.values()].map((row) => {
      const base = {
        name: row.name,
        kind: row.kind,
        runs: this.runs,
        runsFailed: row.runsFailed,
        bound: row.bound,
        ...(row.firstDetail !== undefined ? { firstDetail: row.firstDetail } : {}),
      };
      if (row.metric !== undefined) {
        const sorted = [...row.values].sort((a, b) => a - b);
        const q = (p: number) =>
          sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
        const worstMs = worstOf(row.metric, sorted, row.never);
        return {
          ...base,
          worst: worstMs === null ? 'never' : formatMs(worstMs),
          worstMs,
          distribution: {
            count: sorted.length,
            never: row.never,
            p50Ms: q(0.5),
            p99Ms: q(0.99),
            maxMs: sorted.at(-1) ?? null,
          },
        };
      }
      if (row.kind === 'expect') {
        const got = [...row.got].sort((a, b) => b[1] - a[1]);
        return {
          ...base,
          worst: got.length === 0 ? row.bound : got.map(([code, n]) => `${code} x${n}`).join(', '),
        };
      }
      return { ...base, worst: row.runsFailed > 0 ? 'violated' : '' };
    });
  }
}

/** The value that misses `check` by the most: never, else the largest (max) or the farthest from the target (equals). */
function worstOf(check: MetricCheck, sorted: readonly number[], never: number): number | null {
  if (never > 0) return null;
  if (sorted.length === 0) return null;
  if (check.equalsMs === undefined) return sorted.at(-1)!;
  const target = check.equalsMs;
  const lo = sorted[0]!;
  const hi = sorted.at(-1)!;
  return Math.abs(hi - target) >= Math.abs(lo - target) ? hi : lo;
}
