/**
 * What a run measures: the change a scenario makes (from its first strategy step, or its
 * `change:` section), and the role each instance starts with. Pure functions of the scenario.
 */
import { resolveTargets as resolveIn } from './scenario/targets.ts';
import type {
  ChangeTarget,
  InstanceSpec,
  Scenario,
  Step,
  StrategyStep,
  TargetSpec,
} from './scenario/types.ts';

/** The change whose effect the metrics measure: from the first strategy step, or the scenario's `change`. */
export interface ChangePlan {
  /** Role the change moves to, if known (a scenario role, or the role of a scenario profile). */
  readonly newRole: string | undefined;
  /** Declared start (scenario ms); otherwise the strategy's first call, or the runbook's first call. */
  readonly atMs?: number;
  /** True when the start is the runbook's first call (a `change` without `at`). */
  readonly startsAtFirstCall: boolean;
  /** The instances the change is meant for, by name in scenario order: metrics aggregate only these. */
  readonly targets: readonly string[];
  /**
   * How new and old credentials are told apart: by the role they were issued for, or by
   * effective permissions when the change keeps the role and rewrites its policy (edit-policy).
   */
  readonly judgedBy: 'role' | 'permissions';
}

/** The role of the instance's initial profile, per the scenario. */
export function initialRole(scenario: Scenario, spec: InstanceSpec): string | undefined {
  if (spec.instanceProfile === undefined) return undefined;
  const p = scenario.instanceProfiles.find(
    (x) => x.name.toLowerCase() === spec.instanceProfile!.toLowerCase(),
  );
  return p?.role;
}

/** The instances a target names, in scenario order. */
function resolveTargets(scenario: Scenario, targets: TargetSpec): string[] {
  return resolveIn(targets, scenario.fleets, scenario.instances);
}

/** Every strategy and forEach target of the steps, in step order. */
function stepTargets(steps: readonly Step[]): TargetSpec[] {
  return steps.flatMap((s): TargetSpec[] =>
    s.kind === 'strategy' ? [s.targets] : s.kind === 'forEach' ? [s.targets, ...stepTargets(s.steps)] : [],
  );
}

/**
 * The targets of a runbook written as plain calls: `change.targets`, else `compare.targets`, else
 * what its strategy and forEach steps name, else every instance.
 */
function runbookTargets(scenario: Scenario): string[] {
  const declared = scenario.change?.targets ?? scenario.compare?.targets;
  if (declared !== undefined) return resolveTargets(scenario, declared);
  const named = stepTargets(scenario.steps);
  if (named.length === 0) return scenario.instances.map((i) => i.name);
  const all = new Set(named.flatMap((t) => resolveTargets(scenario, t)));
  return scenario.instances.filter((i) => all.has(i.name)).map((i) => i.name);
}

/** The first strategy step of `steps`, looking inside forEach steps too. */
export function findStrategy(steps: readonly Step[]): StrategyStep | undefined {
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
  if (step !== undefined)
    return {
      newRole: targetRole(scenario, step.to),
      startsAtFirstCall: false,
      targets: resolveTargets(scenario, step.targets),
      judgedBy: step.strategy === 'edit-policy' ? 'permissions' : 'role',
    };
  const change = scenario.change;
  if (change === undefined) return undefined;
  return {
    newRole: targetRole(scenario, change.to),
    ...(change.atMs !== undefined ? { atMs: change.atMs } : {}),
    startsAtFirstCall: change.atMs === undefined,
    targets: runbookTargets(scenario),
    judgedBy: 'role',
  };
}
