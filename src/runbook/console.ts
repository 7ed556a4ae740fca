/**
 * Console procedures as the AWS calls the console makes, so a runbook written from console
 * instructions behaves as the console does (IAM User Guide,
 * "Use instance profiles": "If you use the AWS Management Console to create a role for Amazon EC2,
 * the console automatically creates an instance profile and gives it the same name as the role
 * … the list of roles that's displayed is actually a list of instance profile names"):
 *
 * - create-role-for-ec2: CreateRole (EC2 trust policy), PutRolePolicy (the permissions chosen),
 *   CreateInstanceProfile with the role's name, AddRoleToInstanceProfile;
 * - launch-with-role: ListInstanceProfiles (the console's "IAM role" list is instance profile
 *   names), then RunInstances with the picked profile's ARN;
 * - delete-role: ListInstanceProfilesForRole, ListRolePolicies, DeleteRolePolicy for each,
 *   RemoveRoleFromInstanceProfile and DeleteInstanceProfile for the same-name profile, DeleteRole.
 *   A role held by a profile of another name is refused before anything changes [INF: the
 *   console deletes a role together with its same-name profile only].
 *
 * Each call is recorded with the step's origin and the procedure's name; a failed call fails the
 * step (and so stops the runbook unless `onFailure: continue`).
 */
import { EC2_TRUST_POLICY_DOCUMENT } from '../aws/iam/policy.ts';
import type { Yieldable } from '../engine/index.ts';
import type { ConsoleStep, RetrySpec } from '../scenario/types.ts';
import { type CallOutcome, type CallRequest, type Operator, readPath } from './operator.ts';
import type { RetryClient } from './retry.ts';

export interface ConsoleContext {
  readonly op: Operator;
  readonly client: RetryClient;
  readonly retry: RetrySpec;
  /** The inline policy name and document builder the scenario's roles use. */
  readonly policyName: string;
  allowDocument(actions: readonly string[]): string;
}

/** Runs the procedure; true when it failed (a call failed, or the console would refuse). */
export function* consoleProcedure(
  step: ConsoleStep,
  ctx: ConsoleContext,
): Generator<Yieldable, boolean, void> {
  const origin = `${step.source.path} (console ${step.action})`;
  const call = (
    service: 'iam' | 'ec2',
    operation: string,
    params: Record<string, unknown>,
    region?: string,
  ) =>
    ctx.client.call(
      ctx.op,
      { service, operation, params, origin, ...(region === undefined ? {} : { region }) } as CallRequest,
      ctx.retry,
    );
  const failed = (outcome: CallOutcome, what: string): boolean => {
    if (outcome.ok) return false;
    ctx.op.fail(origin, `${what} failed: ${outcome.error?.code} ${outcome.error?.message ?? ''}`.trim());
    return true;
  };

  switch (step.action) {
    case 'create-role-for-ec2': {
      const role = step.role!;
      let r = yield* call('iam', 'CreateRole', {
        RoleName: role,
        AssumeRolePolicyDocument: EC2_TRUST_POLICY_DOCUMENT,
      });
      if (failed(r, 'CreateRole')) return true;
      if (step.allow !== undefined) {
        r = yield* call('iam', 'PutRolePolicy', {
          RoleName: role,
          PolicyName: ctx.policyName,
          PolicyDocument: ctx.allowDocument(step.allow),
        });
        if (failed(r, 'PutRolePolicy')) return true;
      }
      r = yield* call('iam', 'CreateInstanceProfile', { InstanceProfileName: role });
      if (failed(r, 'CreateInstanceProfile')) return true;
      r = yield* call('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: role, RoleName: role });
      return failed(r, 'AddRoleToInstanceProfile');
    }
    case 'launch-with-role': {
      const wanted = step.instanceProfile!;
      const list = yield* call('iam', 'ListInstanceProfiles', { MaxItems: 1000 }, step.region);
      if (failed(list, 'ListInstanceProfiles')) return true;
      const profiles = (readPath(list.response, 'InstanceProfiles') ?? []) as {
        InstanceProfileName: string;
        Arn: string;
      }[];
      const picked = profiles.find((p) => p.InstanceProfileName === wanted);
      if (picked === undefined) {
        ctx.op.fail(
          origin,
          `the console's IAM role list (instance profile names) has no ${wanted}: ${profiles.map((p) => p.InstanceProfileName).join(', ') || 'empty'}`,
        );
        return true;
      }
      const count = step.count ?? 1;
      const run = yield* call(
        'ec2',
        'RunInstances',
        { MinCount: count, MaxCount: count, IamInstanceProfile: { Arn: picked.Arn } },
        step.region,
      );
      return failed(run, 'RunInstances');
    }
    case 'delete-role': {
      const role = step.role!;
      const held = yield* call('iam', 'ListInstanceProfilesForRole', { RoleName: role });
      if (failed(held, 'ListInstanceProfilesForRole')) return true;
      const names = (
        (readPath(held.response, 'InstanceProfiles') ?? []) as { InstanceProfileName: string }[]
      ).map((p) => p.InstanceProfileName);
      const others = names.filter((n) => n !== role);
      if (others.length > 0) {
        ctx.op.fail(
          origin,
          `the console deletes a role only with its same-name instance profile; ${role} is also in ${others.join(', ')}`,
        );
        return true;
      }
      const policies = yield* call('iam', 'ListRolePolicies', { RoleName: role });
      if (failed(policies, 'ListRolePolicies')) return true;
      for (const name of (readPath(policies.response, 'PolicyNames') ?? []) as string[]) {
        const r = yield* call('iam', 'DeleteRolePolicy', { RoleName: role, PolicyName: name });
        if (failed(r, 'DeleteRolePolicy')) return true;
      }
      if (names.includes(role)) {
        let r = yield* call('iam', 'RemoveRoleFromInstanceProfile', {
          InstanceProfileName: role,
          RoleName: role,
        });
        if (failed(r, 'RemoveRoleFromInstanceProfile')) return true;
        r = yield* call('iam', 'DeleteInstanceProfile', { InstanceProfileName: role });
        if (failed(r, 'DeleteInstanceProfile')) return true;
      }
      const r = yield* call('iam', 'DeleteRole', { RoleName: role });
      return failed(r, 'DeleteRole');
    }
  }
}
