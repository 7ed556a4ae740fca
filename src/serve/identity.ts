/**
 * Who made a request, from its access key id, and whether that caller may make it.
 *
 * - Keys that IMDS issued (ASIA…, recorded as the world issues them) belong to an instance's role
 *   session, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/i-…`; their calls are authorized against the
 *   enforcement view (role policies) of the instance's region at the current virtual instant,
 *   with the credentials' issue time (so a revoke's AWSRevokeOlderSessions deny applies), and
 *   fail once the credentials expired.
 * - Any other key is the operator running the tests: every call is allowed (iamsim models the
 *   instances' permissions, not the operator's).
 * - An ASIA… key IMDS never issued is an invalid token.
 */
import { AwsError, awsError } from '../aws/errors.ts';
import { evaluate } from '../aws/iam/policy.ts';
import { ACCOUNT_ID, type AuthzRole } from '../aws/iam/types.ts';
import type { Credentials } from '../instance/credentials.ts';

/** Credentials IMDS served to an instance, as the served world tracks them for identify and authorize. */
export interface ServedCredentials {
  readonly instance: string;
  readonly instanceId: string;
  readonly region: string;
  readonly creds: Credentials;
}

export type Caller =
  | { readonly kind: 'operator'; readonly accessKeyId: string }
  | { readonly kind: 'instance'; readonly accessKeyId: string; readonly issued: ServedCredentials }
  | { readonly kind: 'invalid'; readonly accessKeyId: string };

const OPERATOR_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/iamsim-operator`;
const OPERATOR_USER_ID = 'AIDAIAMSIMOPERATOR01';

function sessionArn(issued: ServedCredentials): string {
  return `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${issued.creds.roleName}/${issued.instanceId}`;
}

export function identify(accessKeyId: string, issued: ReadonlyMap<string, ServedCredentials>): Caller {
  const found = issued.get(accessKeyId);
  if (found !== undefined) return { kind: 'instance', accessKeyId, issued: found };
  if (accessKeyId.startsWith('ASIA')) return { kind: 'invalid', accessKeyId };
  return { kind: 'operator', accessKeyId };
}

/** STS GetCallerIdentity's answer for `caller`. */
export function callerIdentity(caller: Caller): Record<string, string> {
  if (caller.kind === 'instance') {
    return {
      UserId: `${caller.issued.creds.roleId}:${caller.issued.instanceId}`,
      Account: ACCOUNT_ID,
      Arn: sessionArn(caller.issued),
    };
  }
  return { UserId: OPERATOR_USER_ID, Account: ACCOUNT_ID, Arn: OPERATOR_ARN };
}

const Denials = {
  invalidToken: () =>
    awsError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.'),
  expired: () => awsError('ExpiredToken', 400, 'The security token included in the request is expired'),
};

/**
 * Whether `caller` may call `action` (`iam:GetInstanceProfile`) on `resource` now.
 * @returns undefined when allowed, else the AwsError AWS answers: InvalidClientTokenId,
 *   ExpiredToken, AccessDenied (IAM, STS) or UnauthorizedOperation (EC2), with AWS's wording for
 *   an explicit deny and for a missing allow.
 */
export function authorize(
  caller: Caller,
  action: string,
  resource: string,
  nowSchedulerMs: number,
  roleAt: (region: string, roleId: string) => AuthzRole | undefined,
): AwsError | undefined {
  if (caller.kind === 'operator') return undefined;
  if (caller.kind === 'invalid') return Denials.invalidToken();
  const { creds, region } = caller.issued;
  if (nowSchedulerMs >= creds.expiresAtMs) return Denials.expired();
  // GetCallerIdentity needs no permission (AWS: "No permissions are required").
  if (action === 'sts:GetCallerIdentity') return undefined;
  const role = roleAt(region, creds.roleId);
  if (evaluate(role, action, creds.issuedAtMs)) return undefined;
  const allowsOnly =
    role === undefined
      ? undefined
      : { ...role, statements: role.statements.filter((s) => s.Effect === 'Allow') };
  const explicit = evaluate(allowsOnly, action, creds.issuedAtMs);
  const why = explicit
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  const who = `User: ${sessionArn(caller.issued)} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
  if (action.startsWith('ec2:')) {
    // EC2 answers UnauthorizedOperation, 403, with an encoded message iamsim does not produce.
    return new AwsError(
      'UnauthorizedOperation',
      403,
      `You are not authorized to perform this operation. ${who}`,
    );
  }
  return new AwsError('AccessDenied', 403, who);
}
