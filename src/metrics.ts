/**
 * Per-instance metrics, computed from the timeline lanes after the run (scenario time, ms after
 * the change started). Probe calls are counted from the lanes too: a probe at time t is allowed
 * exactly when the application's state at t allows the probe's action, so one segment gives the
 * outcome of every probe inside it without an event per call.
 */
import type { RecordedSegment } from './instance/timeline.ts';
import type {
  CheckOutcome,
  HoldingKind,
  InstanceMetrics,
  InstanceResult,
  StepRecord,
  TimelineSegment,
} from './result.ts';
import type { InstanceSpec, MetricCheck } from './scenario/types.ts';

export interface InstanceResultInput {
  readonly spec: InstanceSpec;
  readonly id: string;
  readonly sdk: string;
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

/** Number of probe ticks (phase + k * every, k >= 0) in [fromMs, toMs). */
export function ticksIn(fromMs: number, toMs: number, phaseMs: number, everyMs: number): number {
  const before = (x: number) => (x <= phaseMs ? 0 : Math.ceil((x - phaseMs) / everyMs));
  return Math.max(0, before(toMs) - before(fromMs));
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
          downtimeMs: null,
        }
      : {
          imdsNewRoleMs: firstReachedMs(imds, 'new', t0),
          appNewRoleMs: firstReachedMs(app, 'new', t0),
          oldRoleExposureMs: exposureEndMs(app, t0, input.horizonMs),
          credentialGapMs: totalMs(app, 'none', t0),
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
  const strip = (segments: readonly RecordedSegment[]): TimelineSegment[] =>
    input.timelines ? segments.map(({ probeAllowed: _p, ...rest }) => rest) : [];
  return {
    name: spec.name,
    id: input.id,
    region: spec.region,
    sdk: input.sdk,
    ...(spec.fleet !== undefined ? { fleet: spec.fleet } : {}),
    metrics,
    probes: { allowed, denied },
    imdsTimeline: strip(imds),
    appTimeline: strip(app),
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

/** One outcome per metric check: it holds when every instance meets it (a metric that never happened fails). */
export function metricCheckOutcomes(
  checks: readonly MetricCheck[],
  instances: readonly InstanceResult[],
): CheckOutcome[] {
  return checks.map((c) => {
    const failing = instances.filter((i) => {
      const v = i.metrics[c.metric];
      if (v === null) return true;
      if (c.maxMs !== undefined && v > c.maxMs) return true;
      return c.equalsMs !== undefined && v !== c.equalsMs;
    });
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
