/**
 * What a run measures: the change a scenario makes (from its first strategy step, or its
 * `change:` section), and the role each instance starts with. Pure functions of the scenario.
 */
import type { ChangeTarget, InstanceSpec, Scenario, Step, StrategyStep } from './scenario/types.ts';

/** The change whose effect the metrics measure: from the first strategy step, or the scenario's `change`. */
export interface ChangePlan {
  /** Role the change moves to, if known (a scenario role, or the role of a scenario profile). */
  readonly newRole: string | undefined;
  /** Declared start (scenario ms); otherwise the strategy's first call, or the runbook's first call. */
  readonly atMs?: number;
  /** True when the start is the runbook's first call (a `change` without `at`). */
  readonly startsAtFirstCall: boolean;
}

/** The role of the instance's initial profile, per the scenario. */
export function initialRole(scenario: Scenario, spec: InstanceSpec): string | undefined {
  if (spec.instanceProfile === undefined) return undefined;
  const p = scenario.instanceProfiles.find(
    (x) => x.name.toLowerCase() === spec.instanceProfile!.toLowerCase(),
  );
  return p?.role;
}

function findStrategy(steps: readonly Step[]): StrategyStep | undefined {
  for (const s of steps) {
    if (s.kind === 'strategy') return s;
    if (s.kind === 'forEach') {
      const inner = findStrategy(s.steps);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/** The role a change target names: the role itself, or the role of the named scenario profile. */
function targetRole(scenario: Scenario, to: ChangeTarget): string | undefined {
  if ('role' in to) return to.role;
  return scenario.instanceProfiles.find((p) => p.name.toLowerCase() === to.instanceProfile.toLowerCase())
    ?.role;
}

export function changePlan(scenario: Scenario): ChangePlan | undefined {
  const step = findStrategy(scenario.steps);
  if (step !== undefined) return { newRole: targetRole(scenario, step.to), startsAtFirstCall: false };
  const change = scenario.change;
  if (change === undefined) return undefined;
  return {
    newRole: targetRole(scenario, change.to),
    ...(change.atMs !== undefined ? { atMs: change.atMs } : {}),
    startsAtFirstCall: change.atMs === undefined,
  };
}
