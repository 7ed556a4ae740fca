/**
 * The incident responses (issue #13), as the AWS calls a responder makes. Like the change
 * strategies, none computes a timing: how long the stolen credentials stay usable and how long
 * the application is out emerge from the calls' effects (policy propagation, SCP propagation,
 * association states, IMDS rotations, SDK caches) and from the attacker's reads.
 *
 * Each acts on the comparison's targets: the instances of the compromised role (a revoke applies
 * to every user of the role, so the whole fleet's outage is what the response costs).
 */
import type { Process, Yieldable } from '../engine/index.ts';
import type { ResponseName } from '../scenario/incident.ts';
import {
  eachTarget,
  origin,
  putRolePolicy,
  revokeOlderSessions,
  type StrategyContext,
  stopThenStart,
} from './context.ts';
import { readPath } from './operator.ts';
import { currentRoles, distinctProfiles, replaceProfile, roleInProfile } from './strategies.ts';
import { describeAssociation } from './strategies-common.ts';

/** The inline policy a deny-all response puts on the role. */
const DENY_ALL_POLICY_NAME = 'IncidentDenyAll';

const DENY_ALL_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'] }],
});

export function responseProcess(name: ResponseName, ctx: StrategyContext): Process {
  switch (name) {
    case 'none':
      return noResponse(ctx);
    case 'revoke-sessions':
      return revokeSessions(ctx);
    case 'revoke-then-stop-start':
      return revokeThenStopStart(ctx);
    case 'disassociate':
      return disassociate(ctx);
    case 'remove-role-from-profile':
      return removeRoleFromProfile(ctx);
    case 'deny-all-policy':
      return denyAll(ctx);
    case 'rotate-role':
      return rotateRole(ctx);
    case 'scp':
      return scp(ctx);
    case 'scp-then-stop-start':
      return scpThenStopStart(ctx);
  }
}

/** The baseline: the responder is paged and does nothing. */
function* noResponse(ctx: StrategyContext): Process {
  ctx.op.markChangeStart();
  // Nothing else: the change window opens and the attacker keeps what it holds.
  yield 0;
}

/** AWSRevokeOlderSessions on each current role: Deny * to sessions issued before now (IAM UG, revoke sessions). */
function* revoke(ctx: StrategyContext, why: string): Generator<Yieldable, void, void> {
  for (const role of yield* currentRoles(ctx, why)) {
    yield* revokeOlderSessions(ctx, role, why);
  }
}

function* revokeSessions(ctx: StrategyContext): Process {
  ctx.op.markChangeStart();
  yield* revoke(ctx, 'revoke-sessions');
}

/**
 * Revoke, then stop and start every target, so each application restarts with credentials
 * issued after the revocation instant (IMDS issues a fresh set on start), which the deny spares.
 */
function* revokeThenStopStart(ctx: StrategyContext): Process {
  const why = 'revoke-then-stop-start';
  ctx.op.markChangeStart();
  yield* revoke(ctx, why);
  yield* restartAll(ctx, why);
}

/**
 * Stops and starts every target, all at once or in the step's batches (a batch is done when its
 * instances run again), and waits for all of them.
 */
function* restartAll(ctx: StrategyContext, why: string): Generator<Yieldable, void, void> {
  yield* eachTarget(ctx, why, (inst, _more, o) => stopThenStart(ctx, inst, o));
}

/**
 * DisassociateIamInstanceProfile on every target (all at once or in the step's batches): IMDS
 * stops serving; issued sets stay valid.
 */
function* disassociate(ctx: StrategyContext): Process {
  const why = 'disassociate';
  ctx.op.markChangeStart();
  yield* eachTarget(ctx, why, function* (inst, _more, o): Process {
    const current = yield* describeAssociation(ctx.op, inst.id, inst.region, o);
    if (current === undefined) return;
    yield* ctx.op.call({
      service: 'ec2',
      operation: 'DisassociateIamInstanceProfile',
      params: { AssociationId: current.AssociationId },
      region: inst.region,
      origin: o,
    });
  });
}

/** RemoveRoleFromInstanceProfile on the targets' profiles: IMDS issues nothing new; issued sets stay valid. */
function* removeRoleFromProfile(ctx: StrategyContext): Process {
  const why = 'remove-role-from-profile';
  ctx.op.markChangeStart();
  for (const profile of distinctProfiles(ctx)) {
    const role = yield* roleInProfile(ctx, profile, why);
    if (role === undefined) continue;
    yield* ctx.op.call({
      service: 'iam',
      operation: 'RemoveRoleFromInstanceProfile',
      params: { InstanceProfileName: profile, RoleName: role },
      origin: origin(ctx, why),
    });
  }
}

/** An inline Deny * on the role, for every session whenever issued: the application is out too. */
function* denyAll(ctx: StrategyContext): Process {
  const why = 'deny-all-policy';
  ctx.op.markChangeStart();
  for (const role of yield* currentRoles(ctx, why))
    yield* putRolePolicy(ctx, role, DENY_ALL_POLICY_NAME, DENY_ALL_DOCUMENT, why);
}

/**
 * Rotate to a standby role with the same permissions (the comparison's `to`): replace every
 * target's association, then deny everything to the old role.
 */
function* rotateRole(ctx: StrategyContext): Process {
  const why = 'rotate-role';
  const oldRoles = yield* currentRoles(ctx, why);
  yield* replaceProfile(ctx, false);
  const newRole = 'role' in ctx.to ? ctx.to.role : undefined;
  for (const role of oldRoles) {
    if (role === newRole) continue;
    yield* putRolePolicy(ctx, role, DENY_ALL_POLICY_NAME, DENY_ALL_DOCUMENT, why);
  }
}

/**
 * An organization SCP denying the role's sessions issued before now (CreatePolicy + AttachPolicy
 * from the management account): the stolen role cannot delete it, and it reaches enforcement on
 * its own propagation path.
 */
function* scp(ctx: StrategyContext): Process {
  ctx.op.markChangeStart();
  yield* attachScp(ctx, 'scp');
}

/** The SCP, then a restart of every target, so the applications get sets issued after its instant. */
function* scpThenStopStart(ctx: StrategyContext): Process {
  const why = 'scp-then-stop-start';
  ctx.op.markChangeStart();
  yield* attachScp(ctx, why);
  yield* restartAll(ctx, why);
}

function* attachScp(ctx: StrategyContext, why: string): Generator<Yieldable, void, void> {
  for (const role of yield* currentRoles(ctx, why)) {
    const got = yield* ctx.op.call({
      service: 'iam',
      operation: 'GetRole',
      params: { RoleName: role },
      origin: origin(ctx, why),
    });
    const arn = readPath(got.response, 'Role.Arn');
    if (typeof arn !== 'string') continue;
    // The revoke's own deny (Deny * before now), narrowed to the role's sessions.
    const doc = JSON.parse(ctx.policies.revokeOlderSessions(ctx.op.nowMs)) as {
      Statement: { Condition: Record<string, unknown> }[];
    };
    for (const s of doc.Statement) s.Condition = { ...s.Condition, ArnEquals: { 'aws:PrincipalArn': arn } };
    const created = yield* ctx.op.call({
      service: 'organizations',
      operation: 'CreatePolicy',
      params: { Name: `incident-${role}`, Type: 'SERVICE_CONTROL_POLICY', Content: JSON.stringify(doc) },
      origin: origin(ctx, why),
    });
    const id = readPath(created.response, 'Policy.PolicySummary.Id');
    if (typeof id !== 'string') continue;
    yield* ctx.op.call({
      service: 'organizations',
      operation: 'AttachPolicy',
      params: { PolicyId: id, TargetId: 'r-root' },
      origin: origin(ctx, why),
    });
  }
}
