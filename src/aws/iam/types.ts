/**
 * The IAM data model as the control plane holds it. A state is an immutable (immer-frozen)
 * snapshot; replicas in each region hold older or equal snapshots of the same shape.
 *
 * Keys of `roles` and `profiles` are lower-cased names, because IAM names are unique regardless
 * of case; the entity keeps the name as it was written.
 */

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/**
 * How the IAM model answers, as a scenario's `model:` section sets it. Defined here, with the
 * model that reads it, so the AWS layer imports nothing from scenario/ (scenario/types.ts
 * re-exports it as part of the Scenario type).
 */
export interface ModelOptions {
  /** Where IAM reads are answered: the caller region's (possibly lagging) view, or the control plane. */
  readonly iamReads: 'regionView' | 'readYourWrites';
  readonly profileQuota: number;
  readonly roleQuota: number;
  /** Region that IAM calls without an explicit region are made from. */
  readonly defaultRegion: string;
}

/** One statement of the simplified policy language (see aws/iam/policy.ts). */
export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  /** Action patterns such as `s3:GetObject`, `s3:*`, `*`. */
  readonly Action: readonly string[];
  /**
   * `DateLessThan: { "aws:TokenIssueTime": ISO }` as used by AWSRevokeOlderSessions, stored as
   * virtual ms: the statement applies only to credentials issued before this time.
   */
  readonly tokenIssuedBeforeMs?: number;
}

export interface RolePolicy {
  readonly PolicyName: string;
  /** The document as the caller sent it (JSON text), returned by GetRolePolicy. */
  readonly PolicyDocument: string;
  readonly statements: readonly PolicyStatement[];
}

export interface Role {
  readonly RoleName: string;
  readonly RoleId: string;
  readonly Arn: string;
  readonly Path: string;
  readonly CreateDateMs: number;
  readonly AssumeRolePolicyDocument: string;
  readonly Description?: string;
  readonly MaxSessionDuration: number;
  /** The managed policy ARN set as the role's permissions boundary (stored and returned; not enforced). */
  readonly PermissionsBoundaryArn?: string;
  readonly Tags: readonly Tag[];
  /** Inline policies by PolicyName (case-sensitive, as in IAM). */
  readonly policies: Readonly<Record<string, RolePolicy>>;
}

export interface InstanceProfile {
  readonly InstanceProfileName: string;
  readonly InstanceProfileId: string;
  readonly Arn: string;
  readonly Path: string;
  readonly CreateDateMs: number;
  readonly Tags: readonly Tag[];
  /** Lower-cased name of the role held (a profile holds zero or one role), or undefined. */
  readonly roleKey?: string;
}

export interface IamState {
  readonly roles: Readonly<Record<string, Role>>;
  readonly profiles: Readonly<Record<string, InstanceProfile>>;
}

export const emptyIamState: IamState = { roles: {}, profiles: {} };

/** The account id used in ARNs. Fixed: ARNs are part of deterministic output. */
export const ACCOUNT_ID = '123456789012';

/** Virtual time zero, as a wall-clock instant, for rendering CreateDate and TokenIssueTime. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1, 0, 0, 0);

/** Recently formatted instants: responses format the same few (launch and create times) on every call. */
const isoCache = new Map<number, string>();
/** Bound on the cache; past it the cache starts over, which only costs formatting again. */
const ISO_CACHE_MAX = 4096;

/** Virtual ms as the ISO 8601 text AWS returns, e.g. `2026-01-01T00:30:00.000Z`. */
export function isoFromSimMs(ms: number): string {
  let iso = isoCache.get(ms);
  if (iso === undefined) {
    if (isoCache.size >= ISO_CACHE_MAX) isoCache.clear();
    iso = new Date(SIM_EPOCH_MS + ms).toISOString();
    isoCache.set(ms, iso);
  }
  return iso;
}

/**
 * What enforcement points see (replicated separately from IamState, with the policy-propagation
 * delay): each role's statements, keyed by RoleId so that credentials of a deleted role never
 * match a recreated role of the same name.
 */
export interface AuthzRole {
  readonly RoleName: string;
  readonly statements: readonly PolicyStatement[];
}

export interface AuthzState {
  readonly roles: Readonly<Record<string, AuthzRole>>;
}

export const emptyAuthzState: AuthzState = { roles: {} };
