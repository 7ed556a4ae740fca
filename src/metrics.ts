/**
 * Per-instance metrics, computed from the timeline lanes after the run (scenario time, ms after
 * the change started). Probe calls are counted from the lanes too: a probe at time t is allowed
 * exactly when the application's state at t allows the probe's action, so one segment gives the
 * outcome of every probe inside it without an event per call.
 */
import type { RecordedSegment } from './instance/timeline.ts';
import {
  type CheckOutcome,
  type FleetMetrics,
  type HoldingKind,
  type InstanceMetrics,
  type InstanceResult,
  isUp,
  type StepRecord,
  type TimelineSegment,
} from './result.ts';
import type { InstanceSpec, MetricCheck } from './scenario/types.ts';

export interface InstanceResultInput {
  readonly spec: InstanceSpec;
  readonly id: string;
  readonly sdk: string;
  /** Whether the instance is one of the change's targets. */
  readonly target: boolean;
  readonly imds: readonly RecordedSegment[];
  readonly app: readonly RecordedSegment[];
  readonly changeStartMs: number | null;
  readonly horizonMs: number;
  readonly probePhaseMs: number;
  readonly timelines: boolean;
}

/** Time from `startMs` until the first segment of `kind` (null if none within the horizon). */
export function firstReachedMs(
  segments: readonly TimelineSegment[],
  kind: HoldingKind,
  startMs: number,
): number | null {
  for (const s of segments) {
    if (s.kind === kind && s.toMs > startMs) return Math.max(s.fromMs, startMs) - startMs;
  }
  return null;
}

/**
 * Time from `startMs` until the application last held accepted old credentials: 0 if it never did
 * after the start, null if it still does at the end of the horizon (exposure not over).
 */
export function exposureEndMs(
  segments: readonly TimelineSegment[],
  startMs: number,
  endMs: number,
): number | null {
  let last = 0;
  for (const s of segments) {
    if (s.kind !== 'old' || s.toMs <= startMs) continue;
    if (s.toMs >= endMs) return null;
    last = Math.max(last, s.toMs - startMs);
  }
  return last;
}

/** Total time in segments of `kind` after `startMs`. */
export function totalMs(segments: readonly TimelineSegment[], kind: HoldingKind, startMs: number): number {
  let sum = 0;
  for (const s of segments) {
    if (s.kind !== kind || s.toMs <= startMs) continue;
    sum += s.toMs - Math.max(s.fromMs, startMs);
  }
  return sum;
}

/**
 * Whether what a lane holds changed after `startMs`: some later segment differs in kind or role
 * from the one in force at `startMs` (a rotation to a fresh set of the same role is no change).
 */
function changedAfter(segments: readonly TimelineSegment[], startMs: number): boolean {
  const before = segments.find((s) => s.fromMs <= startMs && s.toMs > startMs);
  if (before === undefined) return false;
  return segments.some((s) => s.toMs > startMs && (s.kind !== before.kind || s.role !== before.role));
}

/**
 * How many targets go up (+) or down (-) at each instant of [startMs, horizonMs], by instant.
 * Integer counts: the deltas of disjoint sets of targets add up to those of their union exactly,
 * which is how a run split over workers gets the same fleet measures (src/parallel/).
 */
export function upDeltas(
  apps: readonly (readonly TimelineSegment[])[],
  startMs: number | null,
  horizonMs: number,
): Map<number, number> {
  const deltas = new Map<number, number>();
  // No change (or one at or past the horizon): nothing is measured.
  if (startMs === null || startMs >= horizonMs) return deltas;
  const add = (atMs: number, d: number) => deltas.set(atMs, (deltas.get(atMs) ?? 0) + d);
  for (const segments of apps) {
    for (const s of segments) {
      if (!isUp(s.kind)) continue;
      const fromMs = Math.max(s.fromMs, startMs);
      const toMs = Math.min(s.toMs, horizonMs);
      if (toMs <= fromMs) continue;
      add(fromMs, 1);
      add(toMs, -1);
    }
  }
  return deltas;
}

/**
 * The fleet measures of `targets` targets whose ups and downs are `deltas` (see upDeltas): the
 * lowest share of targets up (running with accepted credentials) at any instant of [startMs,
 * horizonMs). A sweep over the instants where some target goes up or down; instants where one
 * goes down and another up are taken together, as they happen at the same virtual millisecond.
 */
export function minUpShareOf(
  deltas: ReadonlyMap<number, number>,
  targets: number,
  startMs: number | null,
  horizonMs: number,
): FleetMetrics {
  if (startMs === null || targets === 0 || startMs >= horizonMs) return { minUpShare: null };
  // Before any event at startMs nobody counts as up; the first batch is at startMs itself (or
  // later, when no target is up at the start: then the minimum is 0).
  const instants = [...deltas.keys()].sort((a, b) => a - b);
  let up = 0;
  let min = instants[0] === startMs ? Number.POSITIVE_INFINITY : 0;
  for (const t of instants) {
    up += deltas.get(t)!;
    if (t < horizonMs) min = Math.min(min, up);
  }
  if (!Number.isFinite(min)) min = up;
  return { minUpShare: Math.round((min / targets) * 1e6) / 1e6 };
}

/** Number of probe ticks (phase + k * every, k >= 0) in [fromMs, toMs). */
export function ticksIn(fromMs: number, toMs: number, phaseMs: number, everyMs: number): number {
  return Math.max(0, ticksBefore(toMs, phaseMs, everyMs) - ticksBefore(fromMs, phaseMs, everyMs));
}

/**
 * Probe ticks before `x`. A function of its own, not a closure in ticksIn: it runs per segment of
 * every instance, and a named closure made per call costs an allocation (and, run through tsx,
 * whose keepNames labels every named closure, a property store as well).
 */
function ticksBefore(x: number, phaseMs: number, everyMs: number): number {
  return x <= phaseMs ? 0 : Math.ceil((x - phaseMs) / everyMs);
}

/** The timeline of every result without timelines: one list, not two per instance of a fleet. */
const NO_TIMELINE: readonly TimelineSegment[] = Object.freeze([]);

/** A lane's segments as a result's timeline (without the probe flag), or none without timelines. */
function timelineOf(segments: readonly RecordedSegment[], timelines: boolean): readonly TimelineSegment[] {
  return timelines ? segments.map(({ probeAllowed: _p, ...rest }) => rest) : NO_TIMELINE;
}

export function computeInstanceResult(input: InstanceResultInput): InstanceResult {
  const { spec, app, imds, changeStartMs: t0 } = input;
  const metrics: InstanceMetrics =
    t0 === null
      ? {
          imdsNewRoleMs: null,
          appNewRoleMs: null,
          oldRoleExposureMs: null,
          credentialGapMs: null,
          deniedMs: null,
          downtimeMs: null,
        }
      : {
          imdsNewRoleMs: firstReachedMs(imds, 'new', t0),
          appNewRoleMs: firstReachedMs(app, 'new', t0),
          oldRoleExposureMs: exposureEndMs(app, t0, input.horizonMs),
          credentialGapMs: totalMs(app, 'none', t0),
          deniedMs: totalMs(app, 'denied', t0),
          downtimeMs: totalMs(app, 'down', t0),
        };
  let allowed = 0;
  let denied = 0;
  if (spec.probe !== undefined) {
    for (const s of app) {
      if (s.kind === 'down') continue;
      const n = ticksIn(s.fromMs, s.toMs, input.probePhaseMs, spec.probe.everyMs);
      if (s.probeAllowed) allowed += n;
      else denied += n;
    }
  }
  return {
    name: spec.name,
    id: input.id,
    region: spec.region,
    sdk: input.sdk,
    ...(spec.fleet !== undefined ? { fleet: spec.fleet } : {}),
    target: input.target,
    affected: !input.target && t0 !== null && (changedAfter(imds, t0) || changedAfter(app, t0)),
    metrics,
    probes: { allowed, denied },
    imdsTimeline: timelineOf(imds, input.timelines),
    appTimeline: timelineOf(app, input.timelines),
  };
}

/** One outcome per call that carried an `expect`. */
export function expectationOutcomes(records: readonly StepRecord[]): CheckOutcome[] {
  return records
    .filter((r) => r.expect !== undefined)
    .map((r) => {
      const got = r.ok ? 'ok' : r.error?.code;
      return {
        name: `expect ${r.call} ${r.expect}`,
        kind: 'expect',
        ok: r.expectMet === true,
        detail: r.expectMet ? `${r.origin}: got ${got}` : `${r.origin}: expected ${r.expect}, got ${got}`,
      };
    });
}

/** Whether a metric value misses a check: it never happened, is over `max`, or differs from `equals`. */
export function missesCheck(check: MetricCheck, value: number | null): boolean {
  if (value === null) return true;
  if (check.maxMs !== undefined && value > check.maxMs) return true;
  return check.equalsMs !== undefined && value !== check.equalsMs;
}

/**
 * The instances a metric check is about: like every metric, the change's targets (every
 * instance when the run makes no change, so nothing is a target).
 */
export function metricCheckSubjects(instances: readonly InstanceResult[]): readonly InstanceResult[] {
  const targets = instances.filter((i) => i.target);
  return targets.length > 0 ? targets : instances;
}

/** One outcome per metric check: it holds when every instance meets it (a metric that never happened fails). */
export function metricCheckOutcomes(
  checks: readonly MetricCheck[],
  instances: readonly InstanceResult[],
): CheckOutcome[] {
  return checks.map((c) => {
    const failing = instances.filter((i) => missesCheck(c, i.metrics[c.metric]));
    return {
      name: c.name,
      kind: 'metric',
      ok: failing.length === 0,
      detail:
        failing.length === 0
          ? `${c.metric} holds for all ${instances.length} instances`
          : `${c.metric} fails for ${failing.length} of ${instances.length} instances: ` +
            failing
              .slice(0, 5)
              .map((i) => `${i.name}=${i.metrics[c.metric] ?? 'never'}`)
              .join(', '),
    };
  });
}
