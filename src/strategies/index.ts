/**
 * The built-in change strategies, as the AWS calls a careful operator makes (aws-facts.md 6.3).
 * Each is a process over the Operator: nothing here computes a timing; every delay comes from
 * the calls' effects on the model (propagation, association states, rotations, SDK caches).
 *
 * Per-instance work runs in parallel child processes, as a script that loops over a fleet with
 * background jobs would; IAM-wide work (creating a profile, swapping a role) is done once.
 */
import { allOf, type Process, type Yieldable } from '../engine/index.ts';
import { isResponseName } from '../incident/types.ts';
import type { InstanceRef, Operator } from '../runbook/operator.ts';
import { readPath } from '../runbook/operator.ts';
import {
  callWithRetry,
  describeAssociation,
  profileFor,
  waitInstanceState,
  waitNoAssociation,
} from '../runbook/strategies-common.ts';
import type { ChangeTarget, StrategyName } from '../scenario/types.ts';
import { responseProcess } from './responses.ts';

export interface StrategyContext {
  readonly op: Operator;
  readonly targets: readonly InstanceRef[];
  readonly to: ChangeTarget;
  /** Scenario path of the step, for call records. */
  readonly origin: string;
  /** The allowed actions of a scenario role (for edit-policy). */
  roleAllow(roleName: string): readonly string[] | undefined;
  /** Builds policy documents (from the IAM policy module). */
  readonly policies: {
    allow(actions: readonly string[]): string;
    revokeOlderSessions(beforeMs: number): string;
  };
  /** Name of the inline policy the scenario's roles were created with. */
  readonly scenarioPolicyName: string;
}

/** EC2 errors a careful operator retries: the profile is not yet visible, or the old association is still leaving. */
const ASSOCIATE_RETRY = ['InvalidParameterValue', 'IncorrectState'];

export function strategyProcess(name: StrategyName, ctx: StrategyContext): Process {
  if (isResponseName(name)) return responseProcess(name, ctx);
  switch (name) {
    case 'swap-role-in-profile':
      return swapRoleInProfile(ctx);
    case 'replace-profile':
      return replaceProfile(ctx, false);
    case 'replace-profile-revoke':
      return replaceProfile(ctx, true);
    case 'disassociate-associate':
      return disassociateAssociate(ctx);
    case 'stop-start':
      return stopStart(ctx);
    case 'edit-policy':
      return editPolicy(ctx);
  }
}

export function origin(ctx: StrategyContext, what: string): string {
  return `${ctx.origin} (${what})`;
}

export function distinctProfiles(ctx: StrategyContext): string[] {
  const names = new Set<string>();
  for (const t of ctx.targets) if (t.initialProfile !== undefined) names.add(t.initialProfile);
  return [...names].sort();
}

/** Reads the role a profile holds now (as the operator's IAM view answers). */
export function* roleInProfile(
  ctx: StrategyContext,
  profile: string,
  why: string,
): Generator<Yieldable, string | undefined, void> {
  const got = yield* ctx.op.call({
    service: 'iam',
    operation: 'GetInstanceProfile',
    params: { InstanceProfileName: profile },
    origin: origin(ctx, why),
  });
  const role = readPath(got.response, 'InstanceProfile.Roles.0.RoleName');
  return typeof role === 'string' ? role : undefined;
}

/** The roles the targets' profiles hold now, sorted. */
export function* currentRoles(ctx: StrategyContext, why: string): Generator<Yieldable, string[], void> {
  const roles = new Set<string>();
  for (const p of distinctProfiles(ctx)) {
    const r = yield* roleInProfile(ctx, p, why);
    if (r !== undefined) roles.add(r);
  }
  return [...roles].sort();
}

function* newRoleName(ctx: StrategyContext, why: string): Generator<Yieldable, string | undefined, void> {
  if ('role' in ctx.to) return ctx.to.role;
  return yield* roleInProfile(ctx, ctx.to.instanceProfile, why);
}

/** 1. RemoveRoleFromInstanceProfile + AddRoleToInstanceProfile on each target's profile. */
function* swapRoleInProfile(ctx: StrategyContext): Process {
  const why = 'swap-role-in-profile';
  ctx.op.markChangeStart();
  const newRole = yield* newRoleName(ctx, why);
  if (newRole === undefined) return;
  for (const profile of distinctProfiles(ctx)) {
    const oldRole = yield* roleInProfile(ctx, profile, why);
    if (oldRole === newRole) continue;
    if (oldRole !== undefined) {
      yield* ctx.op.call({
        service: 'iam',
        operation: 'RemoveRoleFromInstanceProfile',
        params: { InstanceProfileName: profile, RoleName: oldRole },
        origin: origin(ctx, why),
      });
    }
    yield* ctx.op.call({
      service: 'iam',
      operation: 'AddRoleToInstanceProfile',
      params: { InstanceProfileName: profile, RoleName: newRole },
      origin: origin(ctx, why),
    });
  }
}

/**
 * The shape shared by the association strategies: mark the start, find or create the target
 * profile, then run `one` for every target instance in parallel and wait for all of them.
 * Returns false when there is no profile to move to.
 */
function* fanOut(
  ctx: StrategyContext,
  why: string,
  one: (inst: InstanceRef, profile: string) => Process,
): Generator<Yieldable, boolean, void> {
  ctx.op.markChangeStart();
  const regions = ctx.targets.map((t) => t.region);
  const profile = yield* profileFor(ctx.op, ctx.to, origin(ctx, why), regions);
  if (profile === undefined) return false;
  const done = ctx.targets.map((inst) => ctx.op.spawn(`${why} ${inst.name}`, one(inst, profile)));
  yield allOf(`${why}.all`, done);
  return true;
}

/** 2. ReplaceIamInstanceProfileAssociation per instance (optionally then revoke the old role's sessions). */
export function* replaceProfile(ctx: StrategyContext, revoke: boolean): Process {
  const why = revoke ? 'replace-profile-revoke' : 'replace-profile';
  const moved = yield* fanOut(ctx, why, (inst, profile) => replaceOne(ctx, inst, profile, why));
  if (!moved || !revoke) return;
  // Replacing an association does not touch the old profile, so it still names the old role.
  const oldRoles = yield* currentRoles(ctx, why);
  const newRole = yield* newRoleName(ctx, why);
  for (const role of oldRoles) {
    if (role === newRole) continue;
    // AWSRevokeOlderSessions: deny every action to sessions issued before now (IAM UG, revoke sessions).
    yield* ctx.op.call({
      service: 'iam',
      operation: 'PutRolePolicy',
      params: {
        RoleName: role,
        PolicyName: 'AWSRevokeOlderSessions',
        PolicyDocument: ctx.policies.revokeOlderSessions(ctx.op.nowMs),
      },
      origin: origin(ctx, why),
    });
  }
}

function* replaceOne(ctx: StrategyContext, inst: InstanceRef, profile: string, why: string): Process {
  const o = origin(ctx, `${why} ${inst.name}`);
  const current = yield* describeAssociation(ctx.op, inst.id, inst.region, o);
  if (current === undefined) {
    yield* associate(ctx, inst, profile, o);
    return;
  }
  yield* callWithRetry(
    ctx.op,
    {
      service: 'ec2',
      operation: 'ReplaceIamInstanceProfileAssociation',
      params: { AssociationId: current.AssociationId, IamInstanceProfile: { Name: profile } },
      region: inst.region,
      origin: o,
    },
    ['InvalidParameterValue'],
  );
}

/** 3. DisassociateIamInstanceProfile, wait until it is gone, then AssociateIamInstanceProfile. */
function* disassociateAssociate(ctx: StrategyContext): Process {
  const why = 'disassociate-associate';
  yield* fanOut(ctx, why, (inst, profile) => reassociateOne(ctx, inst, profile, why));
}

function* reassociateOne(ctx: StrategyContext, inst: InstanceRef, profile: string, why: string): Process {
  const o = origin(ctx, `${why} ${inst.name}`);
  const current = yield* describeAssociation(ctx.op, inst.id, inst.region, o);
  if (current !== undefined) {
    yield* ctx.op.call({
      service: 'ec2',
      operation: 'DisassociateIamInstanceProfile',
      params: { AssociationId: current.AssociationId },
      region: inst.region,
      origin: o,
    });
    yield* waitNoAssociation(ctx.op, inst.id, inst.region, o);
  }
  yield* associate(ctx, inst, profile, o);
}

/** AssociateIamInstanceProfile, retrying while the profile is not visible yet or the old association is still leaving. */
function* associate(
  ctx: StrategyContext,
  inst: InstanceRef,
  profile: string,
  o: string,
): Generator<Yieldable, void, void> {
  yield* callWithRetry(
    ctx.op,
    {
      service: 'ec2',
      operation: 'AssociateIamInstanceProfile',
      params: { InstanceId: inst.id, IamInstanceProfile: { Name: profile } },
      region: inst.region,
      origin: o,
    },
    ASSOCIATE_RETRY,
  );
}

/** 4. Stop, move the association while stopped (replace is not allowed then), start. */
function* stopStart(ctx: StrategyContext): Process {
  const why = 'stop-start';
  yield* fanOut(ctx, why, (inst, profile) => stopStartOne(ctx, inst, profile, why));
}

function* stopStartOne(ctx: StrategyContext, inst: InstanceRef, profile: string, why: string): Process {
  const o = origin(ctx, `${why} ${inst.name}`);
  const { op } = ctx;
  yield* op.call({
    service: 'ec2',
    operation: 'StopInstances',
    params: { InstanceIds: [inst.id] },
    region: inst.region,
    origin: o,
  });
  yield* waitInstanceState(op, inst.id, inst.region, 'stopped', o);
  yield* reassociateOne(ctx, inst, profile, why);
  yield* op.call({
    service: 'ec2',
    operation: 'StartInstances',
    params: { InstanceIds: [inst.id] },
    region: inst.region,
    origin: o,
  });
  yield* waitInstanceState(op, inst.id, inst.region, 'running', o);
}

/** Edit the current role's policy in place to the target role's permissions. */
function* editPolicy(ctx: StrategyContext): Process {
  const why = 'edit-policy';
  ctx.op.markChangeStart();
  const newRole = yield* newRoleName(ctx, why);
  if (newRole === undefined) return;
  const actions = ctx.roleAllow(newRole);
  if (actions === undefined) {
    ctx.op.fail(origin(ctx, why), `role ${newRole} is not a scenario role, so its permissions are unknown`);
    return;
  }
  for (const profile of distinctProfiles(ctx)) {
    const oldRole = yield* roleInProfile(ctx, profile, why);
    if (oldRole === undefined || oldRole === newRole) continue;
    yield* ctx.op.call({
      service: 'iam',
      operation: 'PutRolePolicy',
      params: {
        RoleName: oldRole,
        PolicyName: ctx.scenarioPolicyName,
        PolicyDocument: ctx.policies.allow(actions),
      },
      origin: origin(ctx, why),
    });
  }
}
