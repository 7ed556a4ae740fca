/**
 * The witness of a failure: the few facts that show it, small enough to read in a terminal. The
 * violation records themselves; the calls that led up to it (writes, failures and expectations:
 * successful reads are polls and explain nothing); and the IMDS and application timelines of the
 * instance involved around that time.
 */
import { metricCheckSubjects, missesCheck } from '../metrics.ts';
import type { RunResult, StepRecord, TimelineSegment } from '../result.ts';
import type { Scenario } from '../scenario/types.ts';
import { isWriteCall } from './liveness.ts';
import type { Checker, CheckFailure, Violation } from './types.ts';

export interface WitnessTimeline {
  readonly instance: string;
  readonly lane: 'imds' | 'app';
  readonly segments: readonly TimelineSegment[];
}

/** The few facts that show a failure: its violations, the calls around it, the timelines involved. */
export interface Witness {
  readonly violations: readonly Violation[];
  readonly calls: readonly StepRecord[];
  readonly timelines: readonly WitnessTimeline[];
}

const CALLS_BEFORE = 5;
const CALLS_AFTER = 2;
const SEGMENTS = 4;

/** The violation records, the calls that led up to the failure, and the timelines of the instance involved. */
export function buildWitness(
  result: RunResult,
  checkers: readonly Checker[],
  failure: CheckFailure,
  scenario: Scenario,
): Witness {
  const violations =
    checkers.find((c) => `invariant:${c.name}` === failure.key)?.violations.slice(0, 3) ?? [];
  let atMs = failure.atMs;
  let instance = failure.instance;
  let fromMs: number | undefined;
  if (failure.kind === 'expect') {
    atMs = result.steps.find(
      (s) => s.expectMet === false && `expect ${s.call} ${s.expect}` === failure.name,
    )?.atMs;
  } else if (failure.kind === 'runbook') {
    const origin = failure.name.slice('runbook '.length);
    atMs = result.steps.filter((s) => s.origin === origin).at(-1)?.atMs;
  } else if (failure.kind === 'metric') {
    const check = scenario.checks.find((c) => c.name === failure.name);
    const bad =
      check === undefined
        ? undefined
        : metricCheckSubjects(result.instances).find((i) => missesCheck(check, i.metrics[check.metric]));
    if (bad !== undefined && check !== undefined) {
      instance = bad.name;
      const v = bad.metrics[check.metric];
      fromMs = result.changeStartMs ?? 0;
      atMs = v === null ? result.horizonMs : fromMs + v;
    }
  }
  const at = atMs ?? result.horizonMs;
  // Writes, failures and expectations are what explain a failure; successful reads (polls) are noise.
  const telling = (s: StepRecord) => isWriteCall(s.call) || !s.ok || s.expect !== undefined;
  const calls = [
    ...result.steps.filter((s) => s.atMs <= at && telling(s)).slice(-CALLS_BEFORE),
    ...result.steps.filter((s) => s.atMs > at).slice(0, CALLS_AFTER),
  ];
  const timelines: WitnessTimeline[] = [];
  const ir = instance === undefined ? undefined : result.instances.find((i) => i.name === instance);
  if (ir !== undefined) {
    for (const [lane, segments] of [
      ['imds', ir.imdsTimeline],
      ['app', ir.appTimeline],
    ] as const) {
      const shown =
        fromMs !== undefined
          ? segments.filter((s) => s.toMs > fromMs! && s.fromMs <= at).slice(0, SEGMENTS)
          : segments.filter((s) => s.fromMs <= at).slice(-SEGMENTS);
      timelines.push({ instance: ir.name, lane, segments: shown });
    }
  }
  return { violations, calls, timelines };
}
