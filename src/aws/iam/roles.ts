/**
 * The role and inline-policy operations. Every write that changes what a role may do also commits
 * the role's statements to the authorization store (keyed by RoleId), which replicates to the
 * enforcement points with its own delay; IAM state and authorization therefore converge
 * separately, as they do in AWS ("policy edits take a few minutes", README.md, "Sources").
 */
import { castDraft } from 'immer';
import { byString } from '../../canonical-json.ts';
import { Errors } from '../errors.ts';
import { MAX_SESSION_DURATION_S, Shapes } from './constraints.ts';
import { defineOperation, type OpContext, type Operation } from './operation.ts';
import { paginate } from './paginate.ts';
import { checkTrustPolicyDocument, parsePolicyDocument } from './policy.ts';
import { entry, withEntry, withoutEntry } from './records.ts';
import { roleArn, roleShape } from './responses.ts';
import type { IamState, PolicyStatement, Role } from './types.ts';

/** Role trust policy length quota, characters without whitespace (IAM quotas page; adjustable to 4096, modelled at the default). */
export const TRUST_POLICY_CHARS_MAX = 2048;
/** Aggregate inline policy size per role, characters without whitespace (IAM quotas page). */
export const ROLE_INLINE_POLICY_CHARS_MAX = 10240;
/** MaxSessionDuration default, seconds. */
const MAX_SESSION_DURATION_DEFAULT_S = 3600;

/** IAM does not count whitespace against policy size quotas. */
function policyChars(document: string): number {
  return document.replace(/\s/g, '').length;
}

function roleIn(state: IamState, name: string): Role {
  const role = entry(state.roles, name.toLowerCase());
  if (role === undefined) throw Errors.noSuchRole(name);
  return role;
}

/** A role's effective statements: every inline policy, in policy-name order. */
export function roleStatements(role: Role): PolicyStatement[] {
  return Object.keys(role.policies)
    .sort(byString)
    .flatMap((name) => entry(role.policies, name)?.statements ?? []);
}

/** Commits `role` to IAM and its statements to the authorization store. */
function putRole(ctx: OpContext, role: Role): void {
  const roles = withEntry(ctx.control.roles, role.RoleName.toLowerCase(), role);
  ctx.commitIam((draft) => {
    draft.roles = castDraft(roles);
  });
  const authzRoles = withEntry(ctx.authz.roles, role.RoleId, {
    RoleName: role.RoleName,
    statements: roleStatements(role),
  });
  ctx.commitAuthz((draft) => {
    draft.roles = castDraft(authzRoles);
  });
}

export const createRole = defineOperation({
  name: 'CreateRole',
  write: true,
  parse: (r) => ({
    path: r.optionalString('Path', Shapes.path) ?? '/',
    name: r.requiredString('RoleName', Shapes.roleName),
    trust: r.requiredString('AssumeRolePolicyDocument', Shapes.policyDocument),
    description: r.optionalString('Description', Shapes.roleDescription),
    maxSessionDurationS: r.optionalInteger('MaxSessionDuration', MAX_SESSION_DURATION_S),
    permissionsBoundary: r.optionalString('PermissionsBoundary', Shapes.arn),
    tags: r.tags('Tags', false) ?? [],
  }),
  run(ctx, input) {
    checkTrustPolicyDocument(input.trust);
    if (policyChars(input.trust) > TRUST_POLICY_CHARS_MAX)
      throw Errors.trustPolicyQuota(TRUST_POLICY_CHARS_MAX);
    if (entry(ctx.control.roles, input.name.toLowerCase()) !== undefined) throw Errors.roleExists(input.name);
    const quota = ctx.model.roleQuota;
    if (Object.keys(ctx.control.roles).length >= quota) throw Errors.accountQuota('RolesPerAccount', quota);
    const role: Role = {
      RoleName: input.name,
      RoleId: ctx.ids.roleId(),
      Arn: roleArn(input.path, input.name),
      Path: input.path,
      CreateDateMs: ctx.nowMs,
      AssumeRolePolicyDocument: input.trust,
      ...(input.description === undefined ? {} : { Description: input.description }),
      MaxSessionDuration: input.maxSessionDurationS ?? MAX_SESSION_DURATION_DEFAULT_S,
      ...(input.permissionsBoundary === undefined
        ? {}
        : { PermissionsBoundaryArn: input.permissionsBoundary }),
      Tags: input.tags,
      policies: {},
    };
    putRole(ctx, role);
    return { Role: roleShape(role) };
  },
});

export const getRole = defineOperation({
  name: 'GetRole',
  write: false,
  parse: (r) => r.requiredString('RoleName', Shapes.roleName),
  // RoleLastUsed is always present in GetRole; the model does not track use, so it is empty, as
  // AWS returns it for a role not used within its tracking period (IAM API reference, RoleLastUsed).
  run: (ctx, name) => ({ Role: { ...roleShape(roleIn(ctx.readState, name)), RoleLastUsed: {} } }),
});

export const deleteRole = defineOperation({
  name: 'DeleteRole',
  write: true,
  parse: (r) => r.requiredString('RoleName', Shapes.roleName),
  run(ctx, name) {
    const role = roleIn(ctx.control, name);
    const key = role.RoleName.toLowerCase();
    // The API does not clean up (unlike the console): profiles first, then inline policies.
    if (Object.values(ctx.control.profiles).some((p) => p.roleKey === key)) throw Errors.roleInProfile();
    if (Object.keys(role.policies).length > 0) throw Errors.roleHasPolicies();
    const roles = withoutEntry(ctx.control.roles, key);
    const authzRoles = withoutEntry(ctx.authz.roles, role.RoleId);
    ctx.commitIam((draft) => {
      draft.roles = castDraft(roles);
    });
    ctx.commitAuthz((draft) => {
      draft.roles = castDraft(authzRoles);
    });
    return {};
  },
});

export const putRolePolicy = defineOperation({
  name: 'PutRolePolicy',
  write: true,
  parse: (r) => ({
    roleName: r.requiredString('RoleName', Shapes.roleName),
    policyName: r.requiredString('PolicyName', Shapes.policyName),
    document: r.requiredString('PolicyDocument', Shapes.policyDocument),
  }),
  run(ctx, { roleName, policyName, document }) {
    const role = roleIn(ctx.control, roleName);
    const statements = parsePolicyDocument(document);
    const policies = withEntry(role.policies, policyName, {
      PolicyName: policyName,
      PolicyDocument: document,
      statements,
    });
    const totalChars = Object.values(policies).reduce((sum, p) => sum + policyChars(p.PolicyDocument), 0);
    if (totalChars > ROLE_INLINE_POLICY_CHARS_MAX) {
      throw Errors.rolePolicySizeQuota(role.RoleName, ROLE_INLINE_POLICY_CHARS_MAX);
    }
    putRole(ctx, { ...role, policies });
    return {};
  },
});

export const getRolePolicy = defineOperation({
  name: 'GetRolePolicy',
  write: false,
  parse: (r) => ({
    roleName: r.requiredString('RoleName', Shapes.roleName),
    policyName: r.requiredString('PolicyName', Shapes.policyName),
  }),
  run(ctx, { roleName, policyName }) {
    const role = roleIn(ctx.readState, roleName);
    const policy = entry(role.policies, policyName);
    if (policy === undefined) throw Errors.noSuchRolePolicy(role.RoleName, policyName);
    // The document as written; IAM URL-encodes it on the wire and the SDKs decode it again.
    return { RoleName: role.RoleName, PolicyName: policy.PolicyName, PolicyDocument: policy.PolicyDocument };
  },
});

export const deleteRolePolicy = defineOperation({
  name: 'DeleteRolePolicy',
  write: true,
  parse: (r) => ({
    roleName: r.requiredString('RoleName', Shapes.roleName),
    policyName: r.requiredString('PolicyName', Shapes.policyName),
  }),
  run(ctx, { roleName, policyName }) {
    const role = roleIn(ctx.control, roleName);
    if (entry(role.policies, policyName) === undefined)
      throw Errors.noSuchRolePolicy(role.RoleName, policyName);
    putRole(ctx, { ...role, policies: withoutEntry(role.policies, policyName) });
    return {};
  },
});

export const listRolePolicies = defineOperation({
  name: 'ListRolePolicies',
  write: false,
  parse: (r) => ({ roleName: r.requiredString('RoleName', Shapes.roleName), page: r.page() }),
  run(ctx, { roleName, page }) {
    const role = roleIn(ctx.readState, roleName);
    const scope = `ListRolePolicies ${role.RoleId}`;
    const result = paginate(ctx.markers, scope, Object.keys(role.policies), (name) => name, page);
    return {
      PolicyNames: result.items,
      IsTruncated: result.IsTruncated,
      ...(result.Marker === undefined ? {} : { Marker: result.Marker }),
    };
  },
});

export const roleOperations: readonly Operation[] = [
  createRole,
  getRole,
  deleteRole,
  putRolePolicy,
  getRolePolicy,
  deleteRolePolicy,
  listRolePolicies,
];
