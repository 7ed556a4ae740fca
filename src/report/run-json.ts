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
  return [...runJsonParts(result, scenarioHash, version)].join('');
}

/** Stands for a list in the document's frame (see runJsonParts); a string no result holds raw. */
const LIST_MARK = '\u0000list\u0000';

/**
 * runJson's text in parts, the same characters: the frame, then each step and each instance by
 * itself. Why: at ~4 KB per instance the document of a large fleet outgrows the longest string
 * V8 makes (2^29 - 24 characters, ~120,000 instances), and `run --json` would crash on its own
 * output; in parts it is written as it is made. Each element is its JSON.stringify at two
 * spaces, its lines indented to the list's depth (a member of the top-level object), as
 * JSON.stringify(doc, null, 2) lays it out.
 */
export function* runJsonParts(result: RunResult, scenarioHash: string, version: string): Generator<string> {
  const doc = runDoc(result, scenarioHash, version);
  // The lists keep their places among the members (replacing a member keeps its position).
  const frame = JSON.stringify({ ...doc, steps: LIST_MARK, instances: LIST_MARK }, null, 2);
  const mark = JSON.stringify(LIST_MARK);
  const first = frame.indexOf(`"steps": ${mark}`) + '"steps": '.length;
  const second = frame.indexOf(`"instances": ${mark}`) + '"instances": '.length;
  yield frame.slice(0, first);
  yield* listParts(doc.steps);
  yield frame.slice(first + mark.length, second);
  yield* listParts(doc.instances);
  yield `${frame.slice(second + mark.length)}\n`;
}

/** A list that is a member of the top-level object, as JSON.stringify(doc, null, 2) writes it. */
function* listParts(items: readonly unknown[]): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  for (let k = 0; k < items.length; k++) {
    yield `${k === 0 ? '[\n    ' : ',\n    '}${JSON.stringify(items[k], null, 2).replaceAll('\n', '\n    ')}`;
  }
  yield '\n  ]';
}

/** The document's members, in their order. */
function runDoc(result: RunResult, scenarioHash: string, version: string) {
  return {
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
}
