/**
 * What every strategy is given, and the shape the per-instance strategies share (find the target
 * profile, then work instance by instance, all at once or in batches).
 */
import type { Process, Yieldable } from '../engine/index.ts';
import type { BatchSpec, ChangeTarget } from '../scenario/types.ts';
import { runInBatches } from './batches.ts';
import type { CallRequest, InstanceRef, Operator } from './operator.ts';
import { readPath } from './operator.ts';
import { associationsOf, pollUntil, profileFor, waitInstanceState } from './strategies-common.ts';

export interface StrategyContext {
  readonly op: Operator;
  readonly targets: readonly InstanceRef[];
  readonly to: ChangeTarget;
  /** Per-instance strategies: roll the work out in these batches (absent: every instance at once). */
  readonly batch?: BatchSpec;
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

/**
 * The origin of a strategy's calls: the step's path and what the call is for. Joined rather than
 * concatenated: a join is one flat string, where `+` makes a rope of several parts; a fleet's
 * step records keep one origin per instance to the end of the run.
 */
export function origin(ctx: StrategyContext, what: string): string {
  return [ctx.origin, ' (', what, ')'].join('');
}

/** The label of a strategy's child process for `inst` (flat, as `origin` says why). */
function childLabel(why: string, inst: InstanceRef): string {
  return [why, ' ', inst.name].join('');
}

/**
 * An EC2 request about `inst`, made in its region. Only for the strategies' own requests, whose
 * `params` are in the operation's input shape (their values are strings and numbers the model
 * made), so the request is marked shapeChecked (see CallRequest).
 */
export function ec2Request(
  inst: InstanceRef,
  operation: string,
  params: Readonly<Record<string, unknown>>,
  o: string,
): CallRequest {
  return { service: 'ec2', operation, params, region: inst.region, origin: o, shapeChecked: true };
}

/**
 * StopInstances, wait until stopped, `whileStopped` (e.g. move the association), StartInstances,
 * wait until running: a restart as the stop-start strategy and the restarting responses make it.
 */
export function* stopThenStart(
  ctx: StrategyContext,
  inst: InstanceRef,
  o: string,
  whileStopped?: () => Process,
): Process {
  const { op } = ctx;
  yield* op.call(ec2Request(inst, 'StopInstances', { InstanceIds: [inst.id] }, o));
  yield* waitInstanceState(op, inst.id, inst.region, 'stopped', o);
  if (whileStopped !== undefined) yield* whileStopped();
  yield* op.call(ec2Request(inst, 'StartInstances', { InstanceIds: [inst.id] }, o));
  yield* waitInstanceState(op, inst.id, inst.region, 'running', o);
}

/**
 * The shape shared by the per-instance strategies: mark the start, find or create the target
 * profile, then run `one` for every target instance, all in parallel or batch by batch
 * (ctx.batch), and wait for all of them. `one`'s `more` says a batch follows (see
 * runInBatches). Returns false when there is no profile to move to.
 */
export function* fanOut(
  ctx: StrategyContext,
  why: string,
  one: (inst: InstanceRef, profile: string, more: boolean, o: string) => Process,
): Generator<Yieldable, boolean, void> {
  ctx.op.markChangeStart();
  // The regions are not held in this frame: it stays suspended for the whole fan-out.
  const profile = yield* profileFor(
    ctx.op,
    ctx.to,
    origin(ctx, why),
    ctx.targets.map((t) => t.region),
  );
  if (profile === undefined) return false;
  yield* eachTarget(ctx, why, (inst, more, o) => one(inst, profile, more, o));
  return true;
}

/**
 * Runs `work` for every target, all at once or in the step's batches (see runInBatches), each in
 * a child process labelled `WHY NAME`; `o` is the origin of the instance's calls,
 * `origin(ctx, 'WHY NAME')`, made once per instance.
 */
export function* eachTarget(
  ctx: StrategyContext,
  why: string,
  work: (inst: InstanceRef, more: boolean, o: string) => Process,
): Generator<Yieldable, void, void> {
  yield* runInBatches({
    op: ctx.op,
    items: ctx.targets,
    batch: ctx.batch,
    label: why,
    childLabel: (inst) => childLabel(why, inst),
    work: (inst, more, label) => work(inst, more, origin(ctx, label)),
  });
}

/**
 * Polls until the instance's association is `associated`: an association strategy's work on an
 * instance has taken effect (IMDS picks the new profile up only then).
 */
export function waitAssociated(
  ctx: StrategyContext,
  inst: InstanceRef,
  o: string,
): Generator<Yieldable, boolean, void> {
  return pollUntil(
    ctx.op,
    associationsOf(inst.id, inst.region, o),
    (response) => readPath(response, 'IamInstanceProfileAssociations.0.State') === 'associated',
  );
}

/** PutRolePolicy of `document` as inline policy `policyName` of `role`. */
export function* putRolePolicy(
  ctx: StrategyContext,
  role: string,
  policyName: string,
  document: string,
  why: string,
): Generator<Yieldable, void, void> {
  yield* ctx.op.call({
    service: 'iam',
    operation: 'PutRolePolicy',
    params: { RoleName: role, PolicyName: policyName, PolicyDocument: document },
    origin: origin(ctx, why),
  });
}

/** AWSRevokeOlderSessions on `role`: Deny * to sessions issued before now (IAM UG, revoke sessions). */
export function* revokeOlderSessions(
  ctx: StrategyContext,
  role: string,
  why: string,
): Generator<Yieldable, void, void> {
  yield* putRolePolicy(
    ctx,
    role,
    'AWSRevokeOlderSessions',
    ctx.policies.revokeOlderSessions(ctx.op.nowMs),
    why,
  );
}
