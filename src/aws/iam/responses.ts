/**
 * Responses: IAM entities as the API returns them (field names and order of the IAM API
 * model), rendered from a state snapshot. Dates are ISO strings of virtual time.
 */
import { entry } from './records.ts';
import {
  ACCOUNT_ID,
  type IamState,
  type InstanceProfile,
  isoFromSimMs,
  type Role,
  type Tag,
} from './types.ts';

export function profileArn(path: string, name: string): string {
  return `arn:aws:iam::${ACCOUNT_ID}:instance-profile${path}${name}`;
}

export function roleArn(path: string, name: string): string {
  return `arn:aws:iam::${ACCOUNT_ID}:role${path}${name}`;
}

export interface RoleInProfileShape {
  readonly Path: string;
  readonly RoleName: string;
  readonly RoleId: string;
  readonly Arn: string;
  readonly CreateDate: string;
  readonly AssumeRolePolicyDocument: string;
}

export interface RoleShape extends RoleInProfileShape {
  readonly Description?: string;
  readonly MaxSessionDuration: number;
  readonly PermissionsBoundary?: {
    readonly PermissionsBoundaryType: 'Policy';
    readonly PermissionsBoundaryArn: string;
  };
  readonly Tags?: Tag[];
}

export interface InstanceProfileShape {
  readonly Path: string;
  readonly InstanceProfileName: string;
  readonly InstanceProfileId: string;
  readonly Arn: string;
  readonly CreateDate: string;
  readonly Roles: RoleInProfileShape[];
  readonly Tags?: Tag[];
}

/** Copies tags so callers never hold references into (frozen) state. */
export function copyTags(tags: readonly Tag[]): Tag[] {
  return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}

function roleInProfile(role: Role): RoleInProfileShape {
  return {
    Path: role.Path,
    RoleName: role.RoleName,
    RoleId: role.RoleId,
    Arn: role.Arn,
    CreateDate: isoFromSimMs(role.CreateDateMs),
    AssumeRolePolicyDocument: role.AssumeRolePolicyDocument,
  };
}

/** GetRole / CreateRole. Tags only when the role has some (the query protocol omits empty lists). */
export function roleShape(role: Role): RoleShape {
  const base: RoleShape = { ...roleInProfile(role), MaxSessionDuration: role.MaxSessionDuration };
  const withDescription = role.Description === undefined ? base : { ...base, Description: role.Description };
  const withBoundary =
    role.PermissionsBoundaryArn === undefined
      ? withDescription
      : {
          ...withDescription,
          PermissionsBoundary: {
            PermissionsBoundaryType: 'Policy' as const,
            PermissionsBoundaryArn: role.PermissionsBoundaryArn,
          },
        };
  return role.Tags.length > 0 ? { ...withBoundary, Tags: copyTags(role.Tags) } : withBoundary;
}

/**
 * An instance profile with its role resolved in the same snapshot. List operations pass
 * `withTags: false`: ListInstanceProfiles does not return tags (the IAM API reference).
 */
export function profileShape(
  state: IamState,
  profile: InstanceProfile,
  withTags: boolean,
): InstanceProfileShape {
  const role = profile.roleKey === undefined ? undefined : entry(state.roles, profile.roleKey);
  const shape: InstanceProfileShape = {
    Path: profile.Path,
    InstanceProfileName: profile.InstanceProfileName,
    InstanceProfileId: profile.InstanceProfileId,
    Arn: profile.Arn,
    CreateDate: isoFromSimMs(profile.CreateDateMs),
    Roles: role === undefined ? [] : [roleInProfile(role)],
  };
  return withTags && profile.Tags.length > 0 ? { ...shape, Tags: copyTags(profile.Tags) } : shape;
}
