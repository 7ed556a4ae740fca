/**
 * Model-based test: random sequences of IAM operations against a small reference model of AWS's
 * rules, under instant propagation (a fixed 0 ms delay, drained after every call). Each command
 * predicts the outcome (ok or an error code) from the model, runs it, compares, and then the whole
 * control-plane state, every region view and the authorization store are checked against the model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowPolicyDocument } from '../../../src/aws/iam/policy.ts';
import type { Tag } from '../../../src/aws/iam/types.ts';
import { propertyOptions } from '../../helpers/fc.ts';
import { type IamWorld, type Json, makeIam, TRUST } from './helpers.ts';

const PROFILE_QUOTA = 3;
const ROLE_QUOTA = 2;

interface ModelProfile {
  readonly name: string;
  readonly path: string;
  tags: Tag[];
  /** Lower-cased role name. */
  role?: string;
}

interface ModelRole {
  readonly name: string;
  /** Policy name -> allowed actions. */
  readonly policies: Map<string, string[]>;
}

interface Model {
  readonly profiles: Map<string, ModelProfile>;
  readonly roles: Map<string, ModelRole>;
}

type Outcome = 'ok' | string;

function hasDuplicateKeys(tags: readonly Tag[]): boolean {
  return new Set(tags.map((t) => t.Key.toLowerCase())).size < tags.length;
}

function outcomeOf(w: IamWorld, operation: string, params: unknown): { outcome: Outcome; value?: Json } {
  const result = w.service.tryInvoke(operation, params, w.regions[0]!);
  w.settle();
  return result.ok ? { outcome: 'ok', value: result.value } : { outcome: result.error.code };
}

/** The control plane, every region view and the authorization store all agree with the model. */
function checkState(m: Model, w: IamWorld): void {
  const state = w.iam.control;
  expect(Object.keys(state.profiles).sort()).toEqual([...m.profiles.keys()].sort());
  for (const [key, mp] of m.profiles) {
    const p = state.profiles[key]!;
    expect([p.InstanceProfileName, p.Path, p.roleKey]).toEqual([mp.name, mp.path, mp.role]);
    expect(p.Tags).toEqual(mp.tags);
  }
  expect(Object.keys(state.roles).sort()).toEqual([...m.roles.keys()].sort());
  const authzIds: string[] = [];
  for (const [key, mr] of m.roles) {
    const r = state.roles[key]!;
    expect(r.RoleName).toBe(mr.name);
    expect(Object.keys(r.policies).sort()).toEqual([...mr.policies.keys()].sort());
    const allowed = [...mr.policies.keys()].sort().flatMap((name) => mr.policies.get(name)!);
    expect(w.authz.control.roles[r.RoleId]!.statements.flatMap((s) => s.Action)).toEqual(allowed);
    authzIds.push(r.RoleId);
  }
  expect(Object.keys(w.authz.control.roles).sort()).toEqual(authzIds.sort());
  for (const region of w.regions) {
    expect(w.iam.view(region)!.state).toBe(state);
    expect(w.authz.view(region)!.state).toBe(w.authz.control);
  }
}

abstract class IamCommand implements fc.Command<Model, IamWorld> {
  abstract readonly operation: string;
  abstract params(): Record<string, unknown>;
  /** The outcome AWS would give in state `m`. */
  abstract expected(m: Model): Outcome;
  /** Applies a successful call to the model, and checks its response. */
  abstract apply(m: Model, response: Json): void;
  check(): boolean {
    return true;
  }
  run(m: Model, w: IamWorld): void {
    const expected = this.expected(m);
    const { outcome, value } = outcomeOf(w, this.operation, this.params());
    expect(outcome, this.toString()).toBe(expected);
    if (outcome === 'ok') this.apply(m, value);
    checkState(m, w);
  }
  toString(): string {
    return `${this.operation}(${JSON.stringify(this.params())})`;
  }
}

class CreateProfile extends IamCommand {
  readonly operation = 'CreateInstanceProfile';
  constructor(
    readonly name: string,
    readonly path: string,
    readonly tags: Tag[],
  ) {
    super();
  }
  params() {
    return { InstanceProfileName: this.name, Path: this.path, Tags: this.tags };
  }
  expected(m: Model) {
    if (hasDuplicateKeys(this.tags)) return 'InvalidInput';
    if (m.profiles.has(this.name.toLowerCase())) return 'EntityAlreadyExists';
    return m.profiles.size >= PROFILE_QUOTA ? 'LimitExceeded' : 'ok';
  }
  apply(m: Model, response: Json) {
    m.profiles.set(this.name.toLowerCase(), { name: this.name, path: this.path, tags: [...this.tags] });
    expect(response.InstanceProfile.Arn).toBe(
      `arn:aws:iam::123456789012:instance-profile${this.path}${this.name}`,
    );
  }
}

class DeleteProfile extends IamCommand {
  readonly operation = 'DeleteInstanceProfile';
  constructor(readonly name: string) {
    super();
  }
  params() {
    return { InstanceProfileName: this.name };
  }
  expected(m: Model) {
    const p = m.profiles.get(this.name.toLowerCase());
    if (p === undefined) return 'NoSuchEntity';
    return p.role === undefined ? 'ok' : 'DeleteConflict';
  }
  apply(m: Model) {
    m.profiles.delete(this.name.toLowerCase());
  }
}

class AddRole extends IamCommand {
  readonly operation: string = 'AddRoleToInstanceProfile';
  constructor(
    readonly profile: string,
    readonly role: string,
  ) {
    super();
  }
  params() {
    return { InstanceProfileName: this.profile, RoleName: this.role };
  }
  expected(m: Model) {
    const p = m.profiles.get(this.profile.toLowerCase());
    if (p === undefined || !m.roles.has(this.role.toLowerCase())) return 'NoSuchEntity';
    return p.role === undefined ? 'ok' : 'LimitExceeded';
  }
  apply(m: Model) {
    m.profiles.get(this.profile.toLowerCase())!.role = this.role.toLowerCase();
  }
}

class RemoveRole extends AddRole {
  override readonly operation = 'RemoveRoleFromInstanceProfile';
  override expected(m: Model) {
    const p = m.profiles.get(this.profile.toLowerCase());
    if (p === undefined || !m.roles.has(this.role.toLowerCase())) return 'NoSuchEntity';
    return p.role === this.role.toLowerCase() ? 'ok' : 'NoSuchEntity';
  }
  override apply(m: Model) {
    delete m.profiles.get(this.profile.toLowerCase())!.role;
  }
}

class TagProfile extends IamCommand {
  readonly operation = 'TagInstanceProfile';
  constructor(
    readonly name: string,
    readonly tags: Tag[],
  ) {
    super();
  }
  params() {
    return { InstanceProfileName: this.name, Tags: this.tags };
  }
  private merged(p: ModelProfile): Tag[] {
    const out = [...p.tags];
    for (const t of this.tags) {
      const at = out.findIndex((o) => o.Key === t.Key);
      if (at >= 0) out[at] = t;
      else out.push(t);
    }
    return out;
  }
  expected(m: Model) {
    if (hasDuplicateKeys(this.tags)) return 'InvalidInput';
    const p = m.profiles.get(this.name.toLowerCase());
    if (p === undefined) return 'NoSuchEntity';
    return this.merged(p).length > 50 ? 'LimitExceeded' : 'ok';
  }
  apply(m: Model) {
    const p = m.profiles.get(this.name.toLowerCase())!;
    p.tags = this.merged(p);
  }
}

class UntagProfile extends IamCommand {
  readonly operation = 'UntagInstanceProfile';
  constructor(
    readonly name: string,
    readonly keys: string[],
  ) {
    super();
  }
  params() {
    return { InstanceProfileName: this.name, TagKeys: this.keys };
  }
  expected(m: Model) {
    return m.profiles.has(this.name.toLowerCase()) ? 'ok' : 'NoSuchEntity';
  }
  apply(m: Model) {
    const p = m.profiles.get(this.name.toLowerCase())!;
    p.tags = p.tags.filter((t) => !this.keys.includes(t.Key));
  }
}

class CreateRole extends IamCommand {
  readonly operation = 'CreateRole';
  constructor(readonly name: string) {
    super();
  }
  params() {
    return { RoleName: this.name, AssumeRolePolicyDocument: TRUST };
  }
  override toString() {
    return `CreateRole(${JSON.stringify(this.name)})`;
  }
  expected(m: Model) {
    if (m.roles.has(this.name.toLowerCase())) return 'EntityAlreadyExists';
    return m.roles.size >= ROLE_QUOTA ? 'LimitExceeded' : 'ok';
  }
  apply(m: Model) {
    m.roles.set(this.name.toLowerCase(), { name: this.name, policies: new Map() });
  }
}

class DeleteRole extends IamCommand {
  readonly operation = 'DeleteRole';
  constructor(readonly name: string) {
    super();
  }
  params() {
    return { RoleName: this.name };
  }
  expected(m: Model) {
    const key = this.name.toLowerCase();
    const r = m.roles.get(key);
    if (r === undefined) return 'NoSuchEntity';
    if ([...m.profiles.values()].some((p) => p.role === key)) return 'DeleteConflict';
    return r.policies.size > 0 ? 'DeleteConflict' : 'ok';
  }
  apply(m: Model) {
    m.roles.delete(this.name.toLowerCase());
  }
}

class PutPolicy extends IamCommand {
  readonly operation = 'PutRolePolicy';
  constructor(
    readonly role: string,
    readonly policy: string,
    readonly actions: string[],
  ) {
    super();
  }
  params() {
    return {
      RoleName: this.role,
      PolicyName: this.policy,
      PolicyDocument: allowPolicyDocument(this.actions),
    };
  }
  override toString() {
    return `PutRolePolicy(${JSON.stringify({ RoleName: this.role, PolicyName: this.policy, allow: this.actions })})`;
  }
  expected(m: Model) {
    return m.roles.has(this.role.toLowerCase()) ? 'ok' : 'NoSuchEntity';
  }
  apply(m: Model) {
    m.roles.get(this.role.toLowerCase())!.policies.set(this.policy, this.actions);
  }
}

class DeletePolicy extends IamCommand {
  readonly operation = 'DeleteRolePolicy';
  constructor(
    readonly role: string,
    readonly policy: string,
  ) {
    super();
  }
  params() {
    return { RoleName: this.role, PolicyName: this.policy };
  }
  expected(m: Model) {
    return m.roles.get(this.role.toLowerCase())?.policies.has(this.policy) ? 'ok' : 'NoSuchEntity';
  }
  apply(m: Model) {
    m.roles.get(this.role.toLowerCase())!.policies.delete(this.policy);
  }
}

/** A read whose whole response is predicted by the model. */
class GetProfile extends IamCommand {
  readonly operation = 'GetInstanceProfile';
  constructor(readonly name: string) {
    super();
  }
  params() {
    return { InstanceProfileName: this.name };
  }
  expected(m: Model) {
    return m.profiles.has(this.name.toLowerCase()) ? 'ok' : 'NoSuchEntity';
  }
  apply(m: Model, response: Json) {
    const p = m.profiles.get(this.name.toLowerCase())!;
    expect(response.InstanceProfile.InstanceProfileName).toBe(p.name);
    expect(response.InstanceProfile.Tags ?? []).toEqual(p.tags);
    const roleNames = response.InstanceProfile.Roles.map((r: { RoleName: string }) => r.RoleName);
    expect(roleNames).toEqual(p.role === undefined ? [] : [m.roles.get(p.role)!.name]);
  }
}

class ListProfiles extends IamCommand {
  readonly operation = 'ListInstanceProfiles';
  constructor(readonly maxItems: number) {
    super();
  }
  params() {
    return { MaxItems: this.maxItems };
  }
  expected() {
    return 'ok';
  }
  override run(m: Model, w: IamWorld) {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = w.call(this.operation, {
        MaxItems: this.maxItems,
        ...(marker === undefined ? {} : { Marker: marker }),
      });
      names.push(...page.InstanceProfiles.map((p: { InstanceProfileName: string }) => p.InstanceProfileName));
      marker = page.Marker;
    } while (marker !== undefined);
    const expected = [...m.profiles.keys()].sort().map((k) => m.profiles.get(k)!.name);
    expect(names).toEqual(expected);
  }
  apply() {}
}

const profileName = fc.constantFrom('p1', 'P1', 'p2', 'web', '__proto__');
const roleName = fc.constantFrom('r1', 'R1', 'r2', 'constructor');
const tagKey = fc.constantFrom('Env', 'env', 'team', 'owner');
const smallTags = fc.array(fc.record({ Key: tagKey, Value: fc.constantFrom('', 'a', 'b') }), {
  maxLength: 3,
});
const bulkTags = fc
  .tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 10, max: 30 }))
  .map(([from, n]) => Array.from({ length: n }, (_, i) => ({ Key: `k${from + i}`, Value: 'v' })));
const tags = fc.oneof({ weight: 4, arbitrary: smallTags }, { weight: 1, arbitrary: bulkTags });

const commands = [
  fc
    .tuple(profileName, fc.constantFrom('/', '/team/'), smallTags)
    .map(([n, p, t]) => new CreateProfile(n, p, t)),
  profileName.map((n) => new DeleteProfile(n)),
  fc.tuple(profileName, roleName).map(([p, r]) => new AddRole(p, r)),
  fc.tuple(profileName, roleName).map(([p, r]) => new RemoveRole(p, r)),
  fc.tuple(profileName, tags).map(([n, t]) => new TagProfile(n, t)),
  fc.tuple(profileName, fc.array(tagKey, { maxLength: 3 })).map(([n, k]) => new UntagProfile(n, k)),
  roleName.map((n) => new CreateRole(n)),
  roleName.map((n) => new DeleteRole(n)),
  fc
    .tuple(
      roleName,
      fc.constantFrom('read', 'Read', 'write'),
      fc.subarray(['s3:Get*', 'sqs:*', 'ec2:Describe*'], { minLength: 1 }),
    )
    .map(([r, p, a]) => new PutPolicy(r, p, a)),
  fc.tuple(roleName, fc.constantFrom('read', 'Read', 'write')).map(([r, p]) => new DeletePolicy(r, p)),
  profileName.map((n) => new GetProfile(n)),
  fc.integer({ min: 1, max: 3 }).map((n) => new ListProfiles(n)),
];

describe('model-based: IAM operations against a reference model', () => {
  it('predicts every outcome and the final state', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 80, size: 'max' }), (cmds) => {
        const setup = () => ({
          model: { profiles: new Map(), roles: new Map() } satisfies Model,
          real: makeIam({ model: { profileQuota: PROFILE_QUOTA, roleQuota: ROLE_QUOTA } }),
        });
        fc.modelRun(setup, cmds);
      }),
      propertyOptions(300),
    );
  });
});
