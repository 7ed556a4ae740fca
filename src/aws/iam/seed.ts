/**
 * The scenario's initial IAM world, written straight into both stores at time 0 with
 * `ReplicatedStore.seed()`: it exists converged in every region before anything happens, so the
 * run does not start with a propagation wave nobody asked for.
 *
 * The same rules as the API apply (names, paths, tags, uniqueness regardless of case, quotas, the
 * role of a profile must exist), and a violation throws the AwsError the API would give, before
 * anything is written. IDs come from the service's IdFactory in creation order (roles, then
 * profiles, each in the order given), so they are deterministic per seed.
 */
import { castDraft } from 'immer';
import { Errors } from '../errors.ts';
import { Shapes } from './constraints.ts';
import type { IamService } from './iam.ts';
import { allowPolicyDocument, EC2_TRUST_POLICY_DOCUMENT, parsePolicyDocument } from './policy.ts';
import { entry, setEntry } from './records.ts';
import { profileArn, roleArn } from './responses.ts';
import { roleStatements } from './roles.ts';
import type { AuthzRole, InstanceProfile, Role, RolePolicy, Tag } from './types.ts';
import { ParamReader } from './validate.ts';

export interface SeedRole {
  readonly name: string;
  /** Default `/`. */
  readonly path?: string;
  /** Allowed action patterns, written as one inline policy (none when empty). */
  readonly allow: readonly string[];
}

export interface SeedProfile {
  readonly name: string;
  /** Default `/`. */
  readonly path?: string;
  readonly tags?: readonly Tag[];
  /** Name of the role the profile holds. */
  readonly role?: string;
}

/** Name of the inline policy that carries a seeded role's `allow` list. */
export const SEED_POLICY_NAME = 'iamsim-allow';

function checked<T>(params: Record<string, unknown>, read: (r: ParamReader) => T): T {
  const reader = ParamReader.of(params, Object.keys(params));
  const value = read(reader);
  reader.finish();
  return value;
}

/**
 * Seeds roles and instance profiles into `service`'s stores at time 0, replacing their (empty)
 * initial roles and profiles.
 * @throws AwsError when the world breaks an IAM rule; Error when either store already has commits.
 */
export function seedIamWorld(
  service: IamService,
  roles: readonly SeedRole[],
  profiles: readonly SeedProfile[],
): void {
  const { model, ids } = service;
  // Both stores or neither: check before validating so a late failure cannot leave one seeded.
  if (service.iam.version !== 0 || service.authz.version !== 0) {
    throw new Error('seedIamWorld: the IAM and authz stores must have no commits yet (seed at time 0)');
  }
  if (roles.length > model.roleQuota) throw Errors.accountQuota('RolesPerAccount', model.roleQuota);
  if (profiles.length > model.profileQuota) {
    throw Errors.accountQuota('InstanceProfilesPerAccount', model.profileQuota);
  }
  // Validate everything first: ids are drawn only for a world that will be written.
  const roleInputs = roles.map((r) => {
    const input = checked({ RoleName: r.name, Path: r.path ?? '/' }, (reader) => ({
      name: reader.requiredString('RoleName', Shapes.roleName),
      path: reader.requiredString('Path', Shapes.path),
    }));
    const document = r.allow.length > 0 ? allowPolicyDocument(r.allow) : undefined;
    return { ...input, document, statements: document === undefined ? [] : parsePolicyDocument(document) };
  });
  const profileInputs = profiles.map((p) =>
    checked({ InstanceProfileName: p.name, Path: p.path ?? '/', Tags: p.tags ?? [] }, (reader) => ({
      name: reader.requiredString('InstanceProfileName', Shapes.instanceProfileName),
      path: reader.requiredString('Path', Shapes.path),
      tags: reader.tags('Tags', false) ?? [],
      role: p.role,
    })),
  );
  const roleKeys = new Set<string>();
  for (const r of roleInputs) {
    if (roleKeys.has(r.name.toLowerCase())) throw Errors.roleExists(r.name);
    roleKeys.add(r.name.toLowerCase());
  }
  const profileKeys = new Set<string>();
  for (const p of profileInputs) {
    if (profileKeys.has(p.name.toLowerCase())) throw Errors.profileExists(p.name);
    profileKeys.add(p.name.toLowerCase());
    if (p.role !== undefined && !roleKeys.has(p.role.toLowerCase())) throw Errors.noSuchRole(p.role);
  }

  const roleRecords: Record<string, Role> = {};
  const authzRecords: Record<string, AuthzRole> = {};
  for (const r of roleInputs) {
    const policies: Record<string, RolePolicy> =
      r.document === undefined
        ? {}
        : {
            [SEED_POLICY_NAME]: {
              PolicyName: SEED_POLICY_NAME,
              PolicyDocument: r.document,
              statements: r.statements,
            },
          };
    const role: Role = {
      RoleName: r.name,
      RoleId: ids.roleId(),
      Arn: roleArn(r.path, r.name),
      Path: r.path,
      CreateDateMs: 0,
      AssumeRolePolicyDocument: EC2_TRUST_POLICY_DOCUMENT,
      MaxSessionDuration: 3600,
      Tags: [],
      policies,
    };
    setEntry(roleRecords, r.name.toLowerCase(), role);
    setEntry(authzRecords, role.RoleId, { RoleName: role.RoleName, statements: roleStatements(role) });
  }
  const profileRecords: Record<string, InstanceProfile> = {};
  for (const p of profileInputs) {
    const profile: InstanceProfile = {
      InstanceProfileName: p.name,
      InstanceProfileId: ids.instanceProfileId(),
      Arn: profileArn(p.path, p.name),
      Path: p.path,
      CreateDateMs: 0,
      Tags: p.tags,
      ...(p.role === undefined
        ? {}
        : { roleKey: entry(roleRecords, p.role.toLowerCase())!.RoleName.toLowerCase() }),
    };
    setEntry(profileRecords, p.name.toLowerCase(), profile);
  }
  service.iam.seed((draft) => {
    draft.roles = castDraft(roleRecords);
    draft.profiles = castDraft(profileRecords);
  });
  service.authz.seed((draft) => {
    draft.roles = castDraft(authzRecords);
  });
}
