/**
 * Liveness checkers: once the changes stop, the world must settle within a bound.
 *
 * "The last change" is the latest of every write call the runbook made and the end of every
 * fault window. Write calls are observed (callExecuted): any IAM or EC2 operation that is not a
 * Get, List or Describe, whether it succeeded or not; counting a failed write can only move the
 * deadline later, never hide a violation. Fault ends come from the scenario: a partition holds
 * replication back until it heals, and an outage or a pause delays whatever was due inside it.
 * The initial world is converged at t=0, so a run without writes or faults has its last change
 * at 0.
 *
 * The property is judged once, at the end of the run (finished()), by reading the state the run
 * left: checkers never schedule anything, so the run is the same with or without them. When the
 * last change plus the bound lies after the end of the run, the run cannot judge the property and
 * the checker reports `unknown` instead of a verdict.
 */
import type { IamState } from '../aws/iam/types.ts';
import type { Calibration } from '../calibration.ts';
import { type CalibrationKey, calibrationKeys } from '../calibration.ts';
import { makeDistribution } from '../engine/index.ts';
import type { StepRecord } from '../result.ts';
import { formatDuration } from '../scenario/duration.ts';
import type { Scenario } from '../scenario/types.ts';
import type { WorldView } from '../simulate.ts';
import type { Checker, Violation } from './types.ts';

/** Whether a call (`service:Operation`) is a write: anything but Get*, List* and Describe*. */
export function isWriteCall(call: string): boolean {
  const operation = call.slice(call.indexOf(':') + 1);
  return !/^(Get|List|Describe)/.test(operation);
}

/** One term of the default bound: the largest value a calibrated delay can take, ms. */
export interface BoundTerm {
  /** The delay, or the larger of two that play the same part (`iamPropagation|policyPropagation`). */
  readonly delay: string;
  readonly maxMs: number;
}

/**
 * The default liveness bound: the chain of worst cases from a last write to IMDS serving the
 * profile's role. A write reaches every region within the larger propagation maximum; an
 * association settles within the larger settle maximum; an instance started last is running
 * within instanceStart's maximum; IMDS picks a settled association up within the pickup maximum;
 * and a role swapped inside a profile is read at the next scheduled rotation, at most one
 * rotation period after the region saw it. Partitions need no term: their ends are changes.
 * Infinite when one of the delays has no upper bound (an unclamped heavy tail).
 */
export function defaultLivenessBound(calibration: Calibration): { boundMs: number; terms: BoundTerm[] } {
  const max = (key: CalibrationKey) => makeDistribution(calibration[key].spec).upperBoundMs;
  const larger = (a: CalibrationKey, b: CalibrationKey): BoundTerm =>
    max(a) >= max(b) ? { delay: a, maxMs: max(a) } : { delay: b, maxMs: max(b) };
  const terms: BoundTerm[] = [
    larger('iamPropagation', 'policyPropagation'),
    larger('associationSettle', 'disassociationSettle'),
    { delay: 'instanceStart', maxMs: max('instanceStart') },
    { delay: 'imdsAssociationPickup', maxMs: max('imdsAssociationPickup') },
    { delay: 'imdsRotationPeriod', maxMs: max('imdsRotationPeriod') },
  ];
  return { boundMs: terms.reduce((sum, t) => sum + t.maxMs, 0), terms };
}

/** The first calibrated delay without an upper bound, if any (it makes the default bound infinite). */
export function unboundedDelay(calibration: Calibration): CalibrationKey | undefined {
  return calibrationKeys.find(
    (key) => !Number.isFinite(makeDistribution(calibration[key].spec).upperBoundMs),
  );
}

/** Scenario ms at which the last fault window of the scenario ends (0 without faults). */
export function lastFaultEndMs(scenario: Scenario): number {
  return scenario.faults.reduce((t, f) => Math.max(t, f.toMs), 0);
}

export interface LivenessOptions {
  /** How long after the last change the property must hold, ms (may be Infinity: never judged). */
  readonly boundMs: number;
  /** End of the scenario's last fault window, scenario ms. */
  readonly faultEndMs: number;
}

abstract class LivenessChecker implements Checker {
  abstract readonly name: string;
  readonly kind = 'liveness' as const;
  readonly violations: Violation[] = [];
  unknown: string | undefined;
  /** Scenario time of the last write call seen, ms. */
  private lastWriteMs = 0;
  protected world!: WorldView;

  constructor(readonly options: LivenessOptions) {}

  attach(world: WorldView): void {
    this.world = world;
  }

  callExecuted(record: StepRecord): void {
    if (isWriteCall(record.call)) this.lastWriteMs = Math.max(this.lastWriteMs, record.atMs);
  }

  /** Scenario time of the last change: the last write or the last fault end, ms. */
  get lastChangeMs(): number {
    return Math.max(this.lastWriteMs, this.options.faultEndMs);
  }

  finished(): void {
    const nowMs = this.world.scheduler.nowMs - this.world.offsetMs;
    const dueMs = this.lastChangeMs + this.options.boundMs;
    if (!(dueMs <= nowMs)) {
      this.unknown = Number.isFinite(dueMs)
        ? `the last change was at ${formatDuration(this.lastChangeMs)} and the bound is ${formatDuration(this.options.boundMs)}: due at ${formatDuration(dueMs)}, after the end of the run at ${formatDuration(nowMs)}`
        : 'the bound is infinite (a calibrated delay has no maximum); give the invariant a `within`';
      return;
    }
    this.unknown = undefined;
    this.judge(nowMs);
  }

  protected abstract judge(nowMs: number): void;

  protected violate(nowMs: number, detail: string, instance?: string): void {
    // A broken model can fail everywhere at once: the first few are the witnesses.
    if (this.violations.length >= 20) return;
    const since = `${formatDuration(nowMs - this.lastChangeMs)} after the last change at ${formatDuration(this.lastChangeMs)} (bound ${formatDuration(this.options.boundMs)})`;
    this.violations.push({
      check: this.name,
      atMs: nowMs,
      detail: `${detail}, ${since}`,
      ...(instance !== undefined ? { instance } : {}),
    });
  }

  /** Scenario instance names by instance id. */
  protected namesById(): Map<string, string> {
    const out = new Map<string, string>();
    for (const ref of this.world.refs.values()) out.set(ref.id, ref.name);
    return out;
  }
}

/**
 * Every region's view equals the control plane, in both replicated stores (IAM entities and
 * authorization), and every association has settled (none is associating or disassociating).
 */
export class LivenessConvergenceChecker extends LivenessChecker {
  readonly name = 'liveness-convergence';

  protected judge(nowMs: number): void {
    const { iamStore, authzStore, ec2 } = this.world;
    for (const store of [iamStore, authzStore] as const) {
      for (const region of store.regions) {
        const view = store.view(region)!;
        if (view.version !== store.version || view.state !== store.control) {
          this.violate(
            nowMs,
            `the ${store.name} view in ${region} is at version ${view.version}, the control plane at ${store.version}`,
          );
        }
      }
    }
    const names = this.namesById();
    for (const region of iamStore.regions) {
      for (const instance of ec2.instancesIn(region)) {
        const a = ec2.activeAssociation(instance.id);
        if (a === undefined || a.State === 'associated') continue;
        const name = names.get(instance.id);
        this.violate(nowMs, `association ${a.AssociationId} of ${instance.id} is still ${a.State}`, name);
      }
    }
  }
}

/**
 * Every running instance's IMDS serves the role its associated profile holds at the control
 * plane: credentials of that role (by role id, so a deleted and recreated role of the same name
 * does not count), or `iam/info` reporting the profile without a role or gone when that is the
 * truth (credentials issued earlier may then still be served: they stay valid until they expire),
 * or no `iam/` tree when the instance has no association.
 */
export class LivenessImdsRoleChecker extends LivenessChecker {
  readonly name = 'liveness-imds-role';

  protected judge(nowMs: number): void {
    const { ec2, iamStore, runtimes, refs, scheduler } = this.world;
    const control = iamStore.control;
    const profiles = profilesById(control);
    for (const [name, rt] of runtimes) {
      if (!rt.running) continue;
      const ref = refs.get(name);
      if (ref === undefined) continue;
      const imds = rt.imds;
      const served = imds.creds;
      const servedText =
        served === undefined
          ? 'no credentials'
          : `credentials of ${served.roleName} issued at ${formatDuration(Math.max(0, served.issuedAtMs - this.world.offsetMs))}`;
      const a = ec2.activeAssociation(ref.id);
      if (a === undefined) {
        if (imds.endpoint)
          this.violate(
            nowMs,
            `IMDS still has an iam/ tree (${servedText}) but ${ref.id} has no association`,
            name,
          );
        continue;
      }
      const profile = profiles.get(a.profileId);
      if (profile === undefined) {
        if (imds.info !== 'InstanceProfileNotFound')
          this.violate(
            nowMs,
            `IMDS reports ${imds.info} (${servedText}) but the associated profile ${a.profileId} no longer exists`,
            name,
          );
        continue;
      }
      const role = profile.roleKey === undefined ? undefined : control.roles[profile.roleKey];
      if (role === undefined) {
        if (imds.info !== 'noRole')
          this.violate(
            nowMs,
            `IMDS reports ${imds.info} (${servedText}) but profile ${profile.InstanceProfileName} holds no role at the control plane`,
            name,
          );
        continue;
      }
      const valid = served !== undefined && served.expiresAtMs > scheduler.nowMs;
      if (!imds.endpoint || !valid || served.roleId !== role.RoleId || imds.info !== 'ok') {
        this.violate(
          nowMs,
          `IMDS serves ${valid ? servedText : 'no valid credentials'}, but profile ${profile.InstanceProfileName} holds ${role.RoleName} at the control plane`,
          name,
        );
      }
    }
  }
}

function profilesById(state: IamState): Map<string, IamState['profiles'][string]> {
  const out = new Map<string, IamState['profiles'][string]>();
  for (const p of Object.values(state.profiles)) out.set(p.InstanceProfileId, p);
  return out;
}
