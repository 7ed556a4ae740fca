/**
 * The hazard of `aws iam wait instance-profile-exists`: its only success acceptor is HTTP 200 on
 * GetInstanceProfile (botocore data/iam/2010-05-08/waiters-2.json, InstanceProfileExists), so it
 * passes as soon as the region's view has the profile, whether or not that view shows the role in
 * it yet. The runbook records each waiter that passed with what its passing poll showed; this
 * counts, over many runs, how often a profile waiter passed before the role did.
 */
import type { WaiterHazard, WaiterPass } from '../result.ts';
import type { CallOutcome } from './operator.ts';

/** The one waiter with this hazard; the others' passes are not recorded. */
const PROFILE_WAITER = 'InstanceProfileExists';

/**
 * What a waiter that passed now with `outcome` records: for the profile waiter, whether the
 * profile showed a role; undefined for any other waiter (nothing reads their passes).
 */
export function waiterPass(
  waiter: string,
  origin: string,
  region: string,
  atMs: number,
  outcome: CallOutcome,
): WaiterPass | undefined {
  if (waiter !== PROFILE_WAITER) return undefined;
  const roles = (outcome.response as { InstanceProfile?: { Roles?: unknown[] } } | undefined)?.InstanceProfile
    ?.Roles;
  return { origin, waiter, region, atMs, roleShown: roles !== undefined && roles.length > 0 };
}

/**
 * Over many runs' waiter passes (one list per run), each profile waiter step that passed in any
 * run, in the order first seen.
 */
export function waiterHazards(runs: readonly (readonly WaiterPass[])[]): WaiterHazard[] {
  const steps = new Map<
    string,
    { waiter: string; regions: Set<string>; passed: number; withoutRole: number }
  >();
  for (const passes of runs) {
    const seen = new Map<string, boolean>();
    for (const p of passes) {
      let step = steps.get(p.origin);
      if (step === undefined) {
        step = { waiter: p.waiter, regions: new Set(), passed: 0, withoutRole: 0 };
        steps.set(p.origin, step);
      }
      step.regions.add(p.region);
      seen.set(p.origin, (seen.get(p.origin) ?? false) || !p.roleShown);
    }
    for (const [origin, withoutRole] of seen) {
      const step = steps.get(origin)!;
      step.passed++;
      if (withoutRole) step.withoutRole++;
    }
  }
  return [...steps].map(([origin, s]) => ({
    origin,
    waiter: s.waiter,
    regions: [...s.regions].sort(),
    runs: runs.length,
    runsPassed: s.passed,
    runsWithoutRole: s.withoutRole,
  }));
}
