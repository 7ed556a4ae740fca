/**
 * The built-in change strategies, as the AWS calls a careful operator makes (the user guides in
 * README.md, "Sources").
 * Each is a process over the Operator: nothing here computes a timing; every delay comes from
 * the calls' effects on the model (propagation, association states, rotations, SDK caches).
 *
 * Per-instance work runs in parallel child processes, as a script that loops over a fleet with
 * background jobs would; IAM-wide work (creating a profile, swapping a role) is done once.
 */
import { type Process, ProcessStep, stepReturn, type Yieldable } from '../engine/index.ts';
import { isResponseName } from '../scenario/incident.ts';
import type { StrategyName } from '../scenario/types.ts';
import {
  ec2Request,
  fanOut,
  origin,
  revokeOlderSessions,
  type StrategyContext,
  stopThenStart,
  waitAssociated,
} from './context.ts';
import type { CallOutcome, CallRequest, InstanceRef } from './operator.ts';
import { readPath } from './operator.ts';
import { replaceInstances } from './replace-instances.ts';
import { responseProcess } from './responses.ts';
import {
  activeAssociation,
  associationsOfParams,
  callWithRetry,
  DESCRIBE_ASSOCIATIONS,
  describeAssociation,
  waitNoAssociation,
} from './strategies-common.ts';

export type { StrategyContext } from './context.ts';

const REPLACE_ASSOCIATION = 'ReplaceIamInstanceProfileAssociation';

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
    case 'replace-instances':
      return replaceInstances(ctx);
  }
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

/** 2. ReplaceIamInstanceProfileAssociation per instance (optionally then revoke the old role's sessions). */
export function* replaceProfile(ctx: StrategyContext, revoke: boolean): Process {
  const why = revoke ? 'replace-profile-revoke' : 'replace-profile';
  // One plan (and profile reference) for every instance of a batch (requests are read, never changed).
  let plan: ReplacePlan | undefined;
  const moved = yield* fanOut(ctx, why, (inst, profile, more, o) => {
    if (plan?.profileRef.Name !== profile || plan.more !== more)
      plan = { ctx, profileRef: { Name: profile }, more };
    return new ReplaceOne(plan, inst, o);
  });
  if (!moved || !revoke) return;
  // Replacing an association does not touch the old profile, so it still names the old role.
  const oldRoles = yield* currentRoles(ctx, why);
  const newRole = yield* newRoleName(ctx, why);
  for (const role of oldRoles) {
    if (role === newRole) continue;
    yield* revokeOlderSessions(ctx, role, why);
  }
}

interface ProfileRef {
  readonly Name: string;
}

/** What replace-profile's work is the same for on every instance of a batch (one object, not three fields of each). */
interface ReplacePlan {
  readonly ctx: StrategyContext;
  readonly profileRef: ProfileRef;
  /** Another batch follows (see runInBatches). */
  readonly more: boolean;
}

/**
 * replace-profile's work on one instance, the generator
 *
 *   const current = yield* describeAssociation(op, inst.id, inst.region, o);
 *   if (current === undefined) yield* associate(ctx, inst, profileRef, o);
 *   else yield* callWithRetry(op, Replace(current.AssociationId, profileRef), ['InvalidParameterValue']);
 *   if (more) yield* waitAssociated(ctx, inst, o);
 *
 * as a ProcessStep: a fleet's fan-out has one per instance in flight at once, and a suspended
 * generator keeps a frame several times the size of these fields.
 *
 * It is also the request of its describe and of its replace (the CallRequest members below say
 * the one of the current phase, and build the params when the call reads them): a fleet has a
 * request in flight per instance from the describe's start to the replace's end, and as objects
 * of their own (the describe's, the replace's and its params) they were ~150 bytes per instance
 * promoted out of the young generation, and two more cold objects for the replace to read.
 */
class ReplaceOne extends ProcessStep<Yieldable, void> implements CallRequest {
  /** The step being run: the describe, the move (replace or associate), the wait. */
  private inner: Generator<Yieldable, unknown, void> | undefined = undefined;
  private phase: 'describe' | 'move' | 'wait' = 'describe';
  /** The association the replace replaces (the describe's answer). */
  private associationId = '';

  constructor(
    private readonly plan: ReplacePlan,
    private readonly inst: InstanceRef,
    readonly origin: string,
  ) {
    super();
  }

  get service(): 'ec2' {
    return 'ec2';
  }

  get operation(): string {
    return this.phase === 'describe' ? DESCRIBE_ASSOCIATIONS : REPLACE_ASSOCIATION;
  }

  get params(): Readonly<Record<string, unknown>> {
    return this.phase === 'describe'
      ? associationsOfParams(this.inst.id)
      : { AssociationId: this.associationId, IamInstanceProfile: this.plan.profileRef };
  }

  get region(): string {
    return this.inst.region;
  }

  get shapeChecked(): true {
    return true;
  }

  protected advance(): IteratorResult<Yieldable, void> {
    const { inst, origin: o } = this;
    const { ctx, profileRef, more } = this.plan;
    for (;;) {
      this.inner ??= ctx.op.call(this);
      const step = this.inner.next();
      if (step.done !== true) return step;
      if (this.phase === 'describe') {
        const current = activeAssociation(step.value as CallOutcome);
        this.phase = 'move';
        if (current === undefined) this.inner = associate(ctx, inst, profileRef, o);
        else {
          this.associationId = current.AssociationId;
          this.inner = callWithRetry(ctx.op, this, ['InvalidParameterValue']);
        }
      } else if (this.phase === 'move' && more) {
        this.phase = 'wait';
        this.inner = waitAssociated(ctx, inst, o);
      } else {
        return stepReturn(undefined);
      }
    }
  }
}

/** 3. DisassociateIamInstanceProfile, wait until it is gone, then AssociateIamInstanceProfile. */
function* disassociateAssociate(ctx: StrategyContext): Process {
  const why = 'disassociate-associate';
  yield* fanOut(ctx, why, function* (inst, profile, more, o) {
    yield* reassociateOne(ctx, inst, profile, o);
    if (more) yield* waitAssociated(ctx, inst, o);
  });
}

function* reassociateOne(ctx: StrategyContext, inst: InstanceRef, profile: string, o: string): Process {
  const current = yield* describeAssociation(ctx.op, inst.id, inst.region, o);
  if (current !== undefined) {
    yield* ctx.op.call(
      ec2Request(inst, 'DisassociateIamInstanceProfile', { AssociationId: current.AssociationId }, o),
    );
    yield* waitNoAssociation(ctx.op, inst.id, inst.region, o);
  }
  yield* associate(ctx, inst, { Name: profile }, o);
}

/** AssociateIamInstanceProfile, retrying while the profile is not visible yet or the old association is still leaving. */
function associate(
  ctx: StrategyContext,
  inst: InstanceRef,
  profileRef: ProfileRef,
  o: string,
): Generator<Yieldable, CallOutcome, void> {
  return callWithRetry(
    ctx.op,
    ec2Request(
      inst,
      'AssociateIamInstanceProfile',
      { InstanceId: inst.id, IamInstanceProfile: profileRef },
      o,
    ),
    ASSOCIATE_RETRY,
  );
}

/** 4. Stop, move the association while stopped (replace is not allowed then), start. */
function* stopStart(ctx: StrategyContext): Process {
  const why = 'stop-start';
  // Each instance's work ends with it running again: finished as a batch needs it.
  yield* fanOut(ctx, why, (inst, profile, _more, o) => stopStartOne(ctx, inst, profile, o));
}

function* stopStartOne(ctx: StrategyContext, inst: InstanceRef, profile: string, o: string): Process {
  yield* stopThenStart(ctx, inst, o, () => reassociateOne(ctx, inst, profile, o));
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
