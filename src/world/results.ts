/**
 * The per-instance results of a finished run, from each instance's recorded lanes: a replaced
 * slot's lanes merged with its replacement's (its application is the slot's), targets marked,
 * metrics and probe counts computed. Pure: what the World hands over, in scenario order.
 */

import { sdkPolicy } from '../instance/sdk.ts';
import type { RecordedSegment } from '../instance/timeline.ts';
import { computeInstanceResult } from '../metrics.ts';
import type { InstanceResult } from '../result.ts';
import type { InstanceSpec, Scenario } from '../scenario/types.ts';
import { mergeLane, type Replacement, slotResult, takeoverMs } from './slots.ts';

/** What the results need of the World (scenario times throughout). */
export interface ResultsInput {
  readonly scenario: Scenario;
  /** The change's targets, by name. */
  readonly targets: ReadonlySet<string>;
  /** An instance's id and its two recorded lanes. */
  lanesOf(name: string): {
    readonly id: string;
    readonly imds: readonly RecordedSegment[];
    readonly app: readonly RecordedSegment[];
  };
  /** The lanes of the instance launched in a slot's place, if it was replaced. */
  replacementLanes(name: string):
    | {
        readonly replacement: Replacement;
        readonly imds: readonly RecordedSegment[];
        readonly app: readonly RecordedSegment[];
      }
    | undefined;
  /** The phase of the instance's probe calls (drawn from its own stream). */
  probePhaseMs(spec: InstanceSpec): number;
  readonly changeStartMs: number | null;
  readonly timelines: boolean;
}

/**
 * Every scenario instance's result, and the targets' application lanes (merged for replaced
 * slots), which the fleet and incident measures read.
 */
export function instanceResults(input: ResultsInput): {
  instances: InstanceResult[];
  targetApps: (readonly RecordedSegment[])[];
} {
  const { scenario } = input;
  const targets = input.targets;
  const targetApps: (readonly RecordedSegment[])[] = [];
  const instances = scenario.instances.map((spec) => {
    const own = input.lanesOf(spec.name);
    let { imds, app } = own;
    const next = input.replacementLanes(spec.name);
    if (next !== undefined) {
      const atMs = takeoverMs(app, next.app);
      imds = mergeLane(imds, next.imds, atMs);
      app = mergeLane(app, next.app, atMs);
    }
    const target = targets.has(spec.name);
    // A replaced slot counts with its merged lanes: the replacement's application is the slot's.
    if (target) targetApps.push(app);
    const result = computeInstanceResult({
      spec,
      id: own.id,
      sdk: sdkPolicy(spec.sdk).name,
      target,
      imds,
      app,
      changeStartMs: input.changeStartMs,
      horizonMs: scenario.horizonMs,
      probePhaseMs: input.probePhaseMs(spec),
      timelines: input.timelines,
    });
    return next === undefined
      ? result
      : slotResult(result, next.replacement, own.app, input.changeStartMs, scenario.horizonMs);
  });
  return { instances, targetApps };
}
