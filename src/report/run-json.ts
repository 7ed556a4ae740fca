/**
 * The JSON document of `iamsim run --json` (its shape is in the README), from a run's result:
 * what `run` prints and what `serve`'s report endpoint answers.
 */
import type { InstanceResult, RunResult, TimelineSegment } from '../result.ts';

/**
 * One list of segments for both lanes, ordered by start time (IMDS before the application at
 * equal times): `lane` says whether the segment is what IMDS served or what the application held.
 */
function timelineOf(i: InstanceResult): ({ lane: 'imds' | 'app' } & TimelineSegment)[] {
  const tagged = [
    ...i.imdsTimeline.map((s) => ({ lane: 'imds' as const, ...s })),
    ...i.appTimeline.map((s) => ({ lane: 'app' as const, ...s })),
  ];
  return tagged.sort((a, b) => a.fromMs - b.fromMs || (a.lane === b.lane ? 0 : a.lane === 'imds' ? -1 : 1));
}

/** The JSON document of `run --json` (see README): stable key order, volatile fields named. */
export function runJson(result: RunResult, scenarioHash: string, version: string): string {
  const doc = {
    scenario: result.scenario,
    seed: result.seed,
    scenarioHash,
    version,
    changeStartMs: result.changeStartMs,
    judgedBy: result.judgedBy,
    fleet: result.fleet,
    eventsProcessed: result.eventsProcessed,
    steps: result.steps.map((s) => ({
      index: s.index,
      atMs: s.atMs,
      call: s.call,
      region: s.region,
      origin: s.origin,
      ok: s.ok,
      ...(s.response !== undefined ? { response: s.response } : {}),
      ...(s.error !== undefined ? { error: s.error } : {}),
      ...(s.expect !== undefined ? { expect: s.expect, expectMet: s.expectMet } : {}),
      ...(s.cause !== undefined ? { cause: s.cause } : {}),
    })),
    instances: result.instances.map((i) => ({
      name: i.name,
      id: i.id,
      region: i.region,
      sdk: i.sdk,
      ...(i.fleet !== undefined ? { fleet: i.fleet } : {}),
      target: i.target,
      ...(i.target ? {} : { affected: i.affected }),
      metrics: i.metrics,
      ...(i.causes !== undefined ? { causes: i.causes } : {}),
      probes: i.probes,
      timeline: timelineOf(i),
    })),
    checks: result.checks,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
