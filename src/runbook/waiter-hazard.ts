/**
 * The hazard of `aws iam wait instance-profile-exists`: its only success acceptor is HTTP 200 on
 * GetInstanceProfile (botocore data/iam/2010-05-08/waiters-2.json, InstanceProfileExists), so it
 * passes as soon as the region's view has the profile, whether or not that view shows the role in
 * it yet. This reads it off a run's recorded calls: the poll that ended the waiter is the last
 * successful GetInstanceProfile of the waiter's step, and its response shows what the view held.
 */
import type { StepRecord } from '../result.ts';

/**
 * Whether the waiter step at `origin` (e.g. `steps.2`) passed while its region's view showed the
 * profile without a role: true / false, or undefined when it never passed (or responses were not
 * kept: run with responses).
 */
export function waiterPassedWithoutRole(steps: readonly StepRecord[], origin: string): boolean | undefined {
  let last: StepRecord | undefined;
  for (const s of steps) {
    if (s.origin === origin && s.call === 'iam:GetInstanceProfile' && s.ok) last = s;
  }
  if (last === undefined || last.response === undefined) return undefined;
  const roles = (last.response as { InstanceProfile?: { Roles?: unknown[] } }).InstanceProfile?.Roles;
  return roles === undefined || roles.length === 0;
}

export interface WaiterHazardShare {
  readonly runs: number;
  /** Runs where the waiter passed. */
  readonly passed: number;
  /** Of those, runs where the view still showed no role. */
  readonly withoutRole: number;
  /** withoutRole / runs (0 when there are no runs). */
  readonly share: number;
}

/** Over many runs' recorded calls: how often the waiter at `origin` passed before the role showed. */
export function waiterHazardShare(
  runs: readonly (readonly StepRecord[])[],
  origin: string,
): WaiterHazardShare {
  let passed = 0;
  let withoutRole = 0;
  for (const steps of runs) {
    const v = waiterPassedWithoutRole(steps, origin);
    if (v !== undefined) passed++;
    if (v === true) withoutRole++;
  }
  return { runs: runs.length, passed, withoutRole, share: runs.length === 0 ? 0 : withoutRole / runs.length };
}
