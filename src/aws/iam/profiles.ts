/**
 * The instance-profile operations. Reads use `ctx.readState` (possibly a lagging region view);
 * writes check and commit against `ctx.control`. Semantics and wording: the IAM API reference and
 * service model, not moto (README.md, "Sources").
 */
import { castDraft } from 'immer';
import { Errors } from '../errors.ts';
import { Shapes, TAGS_MAX } from './constraints.ts';
import { defineOperation, type OpContext, type Operation } from './operation.ts';
import { type PageRequest, paginate } from './paginate.ts';
import { entry, withEntry, withoutEntry } from './records.ts';
import { copyTags, profileArn, profileShape } from './responses.ts';
import type { IamState, InstanceProfile, Role, Tag } from './types.ts';
import type { ParamReader } from './validate.ts';

function profileIn(state: IamState, name: string): InstanceProfile {
  const profile = entry(state.profiles, name.toLowerCase());
  if (profile === undefined) throw Errors.noSuchProfile(name);
  return profile;
}

function roleIn(state: IamState, name: string): Role {
  const role = entry(state.roles, name.toLowerCase());
  if (role === undefined) throw Errors.noSuchRole(name);
  return role;
}

function putProfile(ctx: OpContext, profile: InstanceProfile): void {
  const key = profile.InstanceProfileName.toLowerCase();
  const profiles = withEntry(ctx.control.profiles, key, profile);
  ctx.commitIam((draft) => {
    draft.profiles = castDraft(profiles);
  });
}

export const createInstanceProfile = defineOperation({
  name: 'CreateInstanceProfile',
  write: true,
  parse: (r) => ({
    name: r.requiredString('InstanceProfileName', Shapes.instanceProfileName),
    path: r.optionalString('Path', Shapes.path) ?? '/',
    tags: r.tags('Tags', false) ?? [],
  }),
  run(ctx, { name, path, tags }) {
    // Names are unique regardless of case: `P1` collides with `p1`.
    if (entry(ctx.control.profiles, name.toLowerCase()) !== undefined) throw Errors.profileExists(name);
    const quota = ctx.model.profileQuota;
    if (Object.keys(ctx.control.profiles).length >= quota)
      throw Errors.accountQuota('InstanceProfilesPerAccount', quota);
    const profile: InstanceProfile = {
      InstanceProfileName: name,
      // Drawn only once the call is known to succeed, so failed calls do not shift later ids.
      InstanceProfileId: ctx.ids.instanceProfileId(),
      Arn: profileArn(path, name),
      Path: path,
      CreateDateMs: ctx.nowMs,
      Tags: tags,
    };
    putProfile(ctx, profile);
    return { InstanceProfile: profileShape(ctx.control, profile, true) };
  },
});

export const getInstanceProfile = defineOperation({
  name: 'GetInstanceProfile',
  write: false,
  parse: (r) => r.requiredString('InstanceProfileName', Shapes.instanceProfileName),
  run(ctx, name) {
    const state = ctx.readState;
    return { InstanceProfile: profileShape(state, profileIn(state, name), true) };
  },
});

/**
 * One page of a profile listing, sorted by name. List operations return no tags (use
 * GetInstanceProfile or ListInstanceProfileTags), as IAM does.
 */
function profilesPage(
  ctx: OpContext,
  state: IamState,
  listing: string,
  profiles: readonly InstanceProfile[],
  page: PageRequest,
) {
  const result = paginate(ctx.markers, listing, profiles, (p) => p.InstanceProfileName.toLowerCase(), page);
  return {
    InstanceProfiles: result.items.map((p) => profileShape(state, p, false)),
    IsTruncated: result.IsTruncated,
    ...(result.Marker === undefined ? {} : { Marker: result.Marker }),
  };
}

export const listInstanceProfiles = defineOperation({
  name: 'ListInstanceProfiles',
  write: false,
  parse: (r) => ({ prefix: r.optionalString('PathPrefix', Shapes.pathPrefix) ?? '/', page: r.page() }),
  run(ctx, { prefix, page }) {
    const state = ctx.readState;
    const matching = Object.values(state.profiles).filter((p) => p.Path.startsWith(prefix));
    return profilesPage(ctx, state, `ListInstanceProfiles ${prefix}`, matching, page);
  },
});

export const listInstanceProfilesForRole = defineOperation({
  name: 'ListInstanceProfilesForRole',
  write: false,
  parse: (r) => ({ roleName: r.requiredString('RoleName', Shapes.roleName), page: r.page() }),
  run(ctx, { roleName, page }) {
    const state = ctx.readState;
    // Unlike moto (empty list), IAM answers NoSuchEntity for an unknown role.
    const roleKey = roleIn(state, roleName).RoleName.toLowerCase();
    const holding = Object.values(state.profiles).filter((p) => p.roleKey === roleKey);
    return profilesPage(ctx, state, `ListInstanceProfilesForRole ${roleKey}`, holding, page);
  },
});

export const deleteInstanceProfile = defineOperation({
  name: 'DeleteInstanceProfile',
  write: true,
  parse: (r) => r.requiredString('InstanceProfileName', Shapes.instanceProfileName),
  run(ctx, name) {
    const profile = profileIn(ctx.control, name);
    if (profile.roleKey !== undefined) throw Errors.profileHasRole();
    const profiles = withoutEntry(ctx.control.profiles, profile.InstanceProfileName.toLowerCase());
    ctx.commitIam((draft) => {
      draft.profiles = castDraft(profiles);
    });
    return {};
  },
});

/** The parameters of AddRoleToInstanceProfile and RemoveRoleFromInstanceProfile. */
function profileAndRole(r: ParamReader): { profileName: string; roleName: string } {
  return {
    profileName: r.requiredString('InstanceProfileName', Shapes.instanceProfileName),
    roleName: r.requiredString('RoleName', Shapes.roleName),
  };
}

export const addRoleToInstanceProfile = defineOperation({
  name: 'AddRoleToInstanceProfile',
  write: true,
  parse: profileAndRole,
  run(ctx, { profileName, roleName }) {
    const profile = profileIn(ctx.control, profileName);
    const role = roleIn(ctx.control, roleName);
    // A profile holds at most one role and the cap cannot be raised; that includes re-adding the same role.
    if (profile.roleKey !== undefined) throw Errors.profileRoleQuota();
    putProfile(ctx, { ...profile, roleKey: role.RoleName.toLowerCase() });
    return {};
  },
});

export const removeRoleFromInstanceProfile = defineOperation({
  name: 'RemoveRoleFromInstanceProfile',
  write: true,
  parse: profileAndRole,
  run(ctx, { profileName, roleName }) {
    const profile = profileIn(ctx.control, profileName);
    const role = roleIn(ctx.control, roleName);
    if (profile.roleKey !== role.RoleName.toLowerCase())
      throw Errors.roleNotInProfile(profile.InstanceProfileName, roleName);
    const { roleKey: _removed, ...rest } = profile;
    putProfile(ctx, rest);
    return {};
  },
});

/** Applies `incoming` over `existing`: an equal key (case-sensitive, as IAM overwrites) keeps its place. */
function mergeTags(existing: readonly Tag[], incoming: readonly Tag[]): Tag[] {
  const merged = copyTags(existing);
  for (const tag of incoming) {
    const at = merged.findIndex((t) => t.Key === tag.Key);
    if (at >= 0) merged[at] = { Key: tag.Key, Value: tag.Value };
    else merged.push({ Key: tag.Key, Value: tag.Value });
  }
  return merged;
}

export const tagInstanceProfile = defineOperation({
  name: 'TagInstanceProfile',
  write: true,
  parse: (r) => ({
    name: r.requiredString('InstanceProfileName', Shapes.instanceProfileName),
    tags: r.tags('Tags', true) ?? [],
  }),
  run(ctx, { name, tags }) {
    const profile = profileIn(ctx.control, name);
    const merged = mergeTags(profile.Tags, tags);
    if (merged.length > TAGS_MAX) throw Errors.tagQuota('TagsPerInstanceProfile', TAGS_MAX);
    putProfile(ctx, { ...profile, Tags: merged });
    return {};
  },
});

export const untagInstanceProfile = defineOperation({
  name: 'UntagInstanceProfile',
  write: true,
  parse: (r) => ({
    name: r.requiredString('InstanceProfileName', Shapes.instanceProfileName),
    keys: r.tagKeys('TagKeys', true) ?? [],
  }),
  run(ctx, { name, keys }) {
    const profile = profileIn(ctx.control, name);
    // Removing a key the profile does not have succeeds and changes nothing.
    const kept = profile.Tags.filter((t) => !keys.includes(t.Key));
    if (kept.length !== profile.Tags.length) putProfile(ctx, { ...profile, Tags: kept });
    return {};
  },
});

export const listInstanceProfileTags = defineOperation({
  name: 'ListInstanceProfileTags',
  write: false,
  parse: (r) => ({
    name: r.requiredString('InstanceProfileName', Shapes.instanceProfileName),
    page: r.page(),
  }),
  run(ctx, { name, page }) {
    const profile = profileIn(ctx.readState, name);
    const scope = `ListInstanceProfileTags ${profile.InstanceProfileId}`;
    const result = paginate(ctx.markers, scope, profile.Tags, (t) => t.Key, page);
    return {
      Tags: copyTags(result.items),
      IsTruncated: result.IsTruncated,
      ...(result.Marker === undefined ? {} : { Marker: result.Marker }),
    };
  },
});

export const profileOperations: readonly Operation[] = [
  createInstanceProfile,
  getInstanceProfile,
  listInstanceProfiles,
  listInstanceProfilesForRole,
  deleteInstanceProfile,
  addRoleToInstanceProfile,
  removeRoleFromInstanceProfile,
  tagInstanceProfile,
  untagInstanceProfile,
  listInstanceProfileTags,
];
