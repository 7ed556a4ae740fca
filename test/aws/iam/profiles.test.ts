/**
 * Instance-profile semantics, one test per rule of the IAM API reference and of "Where the model
 * follows AWS rather than moto" (README.md, "Sources").
 */
import { describe, expect, it } from 'vitest';
import { createProfile, createRole, makeIam, OTHER_REGION, TRUST } from './helpers.ts';

describe('CreateInstanceProfile and GetInstanceProfile', () => {
  it('return the AWS shape: AIPA id, ARN with path, ISO CreateDate, empty Roles, Tags when set', () => {
    const w = makeIam();
    w.advance(90_000);
    const created = w.call('CreateInstanceProfile', {
      InstanceProfileName: 'Web',
      Path: '/apps/',
      Tags: [{ Key: 'team', Value: 'blue' }],
    }).InstanceProfile;
    expect(created).toEqual({
      Path: '/apps/',
      InstanceProfileName: 'Web',
      InstanceProfileId: expect.stringMatching(/^AIPA[A-Z0-9]{17}$/),
      Arn: 'arn:aws:iam::123456789012:instance-profile/apps/Web',
      CreateDate: '2026-01-01T00:01:30.000Z',
      Roles: [],
      Tags: [{ Key: 'team', Value: 'blue' }],
    });
    w.settle();
    expect(w.call('GetInstanceProfile', { InstanceProfileName: 'Web' }).InstanceProfile).toEqual(created);
  });

  it('includes the role, and omits Tags when there are none', () => {
    const w = makeIam();
    const role = createRole(w, 'AppRole', { Path: '/svc/' }).Role;
    createProfile(w, 'app', 'AppRole');
    w.settle();
    const profile = w.call('GetInstanceProfile', { InstanceProfileName: 'app' }).InstanceProfile;
    expect(profile.Tags).toBeUndefined();
    expect(profile.Roles).toEqual([
      {
        Path: '/svc/',
        RoleName: 'AppRole',
        RoleId: role.RoleId,
        Arn: 'arn:aws:iam::123456789012:role/svc/AppRole',
        CreateDate: '2026-01-01T00:00:00.000Z',
        AssumeRolePolicyDocument: TRUST,
      },
    ]);
  });
});

describe('names are unique regardless of case', () => {
  it('answers EntityAlreadyExists (409) for P1 after p1, and finds p1 when asked for P1', () => {
    const w = makeIam();
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p1' });
    const e = w.fail('CreateInstanceProfile', { InstanceProfileName: 'P1' });
    expect([e.code, e.statusCode, e.message]).toEqual([
      'EntityAlreadyExists',
      409,
      'Instance Profile P1 already exists.',
    ]);
    w.settle();
    expect(
      w.call('GetInstanceProfile', { InstanceProfileName: 'P1' }).InstanceProfile.InstanceProfileName,
    ).toBe('p1');
  });

  it('treats __proto__ and constructor as ordinary names', () => {
    const w = makeIam();
    expect(w.fail('GetInstanceProfile', { InstanceProfileName: 'constructor' }).code).toBe('NoSuchEntity');
    w.call('CreateInstanceProfile', { InstanceProfileName: '__proto__' });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'constructor' });
    w.settle();
    expect(
      w.call('GetInstanceProfile', { InstanceProfileName: '__proto__' }).InstanceProfile.InstanceProfileName,
    ).toBe('__proto__');
    expect(
      w
        .call('ListInstanceProfiles')
        .InstanceProfiles.map((p: { InstanceProfileName: string }) => p.InstanceProfileName),
    ).toEqual(['__proto__', 'constructor']);
    w.call('DeleteInstanceProfile', { InstanceProfileName: '__proto__' });
    expect(Object.keys(w.iam.control.profiles)).toEqual(['constructor']);
  });
});

describe('roles in profiles', () => {
  it('allows one role per profile: a second (or the same again) is LimitExceeded', () => {
    const w = makeIam();
    createRole(w, 'a');
    createRole(w, 'b');
    createProfile(w, 'p', 'a');
    for (const role of ['b', 'a']) {
      const e = w.fail('AddRoleToInstanceProfile', { InstanceProfileName: 'p', RoleName: role });
      expect([e.code, e.statusCode, e.message]).toEqual([
        'LimitExceeded',
        409,
        'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
      ]);
    }
  });

  it('lets one role sit in many profiles', () => {
    const w = makeIam();
    createRole(w, 'shared');
    createProfile(w, 'p1', 'shared');
    createProfile(w, 'p2', 'shared');
    w.settle();
    const listed = w.call('ListInstanceProfilesForRole', { RoleName: 'SHARED' });
    expect(
      listed.InstanceProfiles.map((p: { InstanceProfileName: string }) => p.InstanceProfileName),
    ).toEqual(['p1', 'p2']);
    expect(listed.IsTruncated).toBe(false);
  });

  it('answers NoSuchEntity when removing a role the profile does not hold', () => {
    const w = makeIam();
    createRole(w, 'a');
    createRole(w, 'b');
    createProfile(w, 'p', 'a');
    const e = w.fail('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'p', RoleName: 'b' });
    expect([e.code, e.statusCode]).toEqual(['NoSuchEntity', 404]);
    w.call('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'p', RoleName: 'A' });
    expect(w.iam.control.profiles.p?.roleKey).toBeUndefined();
    expect(w.fail('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'p', RoleName: 'a' }).code).toBe(
      'NoSuchEntity',
    );
  });

  it('answers NoSuchEntity for ListInstanceProfilesForRole on an unknown role (moto: empty list)', () => {
    const w = makeIam();
    const e = w.fail('ListInstanceProfilesForRole', { RoleName: 'ghost' });
    expect([e.code, e.message]).toEqual(['NoSuchEntity', 'The role with name ghost cannot be found.']);
  });
});

describe('NoSuchEntity wording', () => {
  it('uses AWS text for profiles and roles', () => {
    const w = makeIam();
    expect(w.fail('GetInstanceProfile', { InstanceProfileName: 'nope' }).message).toBe(
      'Instance Profile nope cannot be found.',
    );
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p' });
    const e = w.fail('AddRoleToInstanceProfile', { InstanceProfileName: 'p', RoleName: 'ghost' });
    expect([e.code, e.statusCode, e.message]).toEqual([
      'NoSuchEntity',
      404,
      'The role with name ghost cannot be found.',
    ]);
    expect(w.fail('DeleteInstanceProfile', { InstanceProfileName: 'nope' }).code).toBe('NoSuchEntity');
    expect(w.fail('TagInstanceProfile', { InstanceProfileName: 'nope', Tags: [] }).code).toBe('NoSuchEntity');
  });
});

describe('DeleteInstanceProfile', () => {
  it('is a DeleteConflict while the profile holds a role; a recreated profile gets a new id', () => {
    const w = makeIam();
    createRole(w, 'r');
    createProfile(w, 'p', 'r');
    const id = w.iam.control.profiles.p!.InstanceProfileId;
    const e = w.fail('DeleteInstanceProfile', { InstanceProfileName: 'p' });
    expect([e.code, e.statusCode, e.message]).toEqual([
      'DeleteConflict',
      409,
      'Cannot delete entity, must remove roles from instance profile first.',
    ]);
    w.call('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'p', RoleName: 'r' });
    w.call('DeleteInstanceProfile', { InstanceProfileName: 'p' });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p' });
    expect(w.iam.control.profiles.p!.InstanceProfileId).not.toBe(id);
  });
});

describe('account quotas', () => {
  it('answers LimitExceeded (409) past the profile and role quotas', () => {
    const w = makeIam({ model: { profileQuota: 2, roleQuota: 1 } });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'a' });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'b' });
    const e = w.fail('CreateInstanceProfile', { InstanceProfileName: 'c' });
    expect([e.code, e.statusCode, e.message]).toEqual([
      'LimitExceeded',
      409,
      'Cannot exceed quota for InstanceProfilesPerAccount: 2',
    ]);
    createRole(w, 'r1');
    expect(w.fail('CreateRole', { RoleName: 'r2', AssumeRolePolicyDocument: TRUST }).message).toBe(
      'Cannot exceed quota for RolesPerAccount: 1',
    );
    w.call('DeleteInstanceProfile', { InstanceProfileName: 'a' });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'c' });
  });
});

describe('tags', () => {
  it('overwrites a tag with the same key (case-sensitive) and keeps its place; another case is another tag', () => {
    const w = makeIam();
    w.call('CreateInstanceProfile', {
      InstanceProfileName: 'p',
      Tags: [
        { Key: 'Env', Value: 'dev' },
        { Key: 'team', Value: 'a' },
      ],
    });
    w.call('TagInstanceProfile', {
      InstanceProfileName: 'p',
      Tags: [
        { Key: 'Env', Value: 'prod' },
        { Key: 'owner', Value: 'me' },
      ],
    });
    w.call('TagInstanceProfile', { InstanceProfileName: 'p', Tags: [{ Key: 'env', Value: 'lower' }] });
    expect(w.iam.control.profiles.p!.Tags).toEqual([
      { Key: 'Env', Value: 'prod' },
      { Key: 'team', Value: 'a' },
      { Key: 'owner', Value: 'me' },
      { Key: 'env', Value: 'lower' },
    ]);
  });

  it('answers LimitExceeded when the profile would hold more than 50 tags, changing nothing', () => {
    const w = makeIam();
    const tags = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ Key: `k${from + i}`, Value: '' }));
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p', Tags: tags(0, 40) });
    w.call('TagInstanceProfile', { InstanceProfileName: 'p', Tags: tags(30, 20) });
    const version = w.iam.version;
    const e = w.fail('TagInstanceProfile', { InstanceProfileName: 'p', Tags: tags(50, 1) });
    expect([e.code, e.statusCode]).toEqual(['LimitExceeded', 409]);
    expect(w.iam.version).toBe(version);
    expect(w.iam.control.profiles.p!.Tags).toHaveLength(50);
  });

  it('untags missing keys without error', () => {
    const w = makeIam();
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p', Tags: [{ Key: 'a', Value: '1' }] });
    w.call('UntagInstanceProfile', { InstanceProfileName: 'p', TagKeys: ['missing', 'A'] });
    w.call('UntagInstanceProfile', { InstanceProfileName: 'p', TagKeys: ['a'] });
    w.call('UntagInstanceProfile', { InstanceProfileName: 'p', TagKeys: ['a'] });
    expect(w.iam.control.profiles.p!.Tags).toEqual([]);
  });
});

describe('ListInstanceProfiles', () => {
  it('returns roles but no tags, filtered by PathPrefix, sorted by name', () => {
    const w = makeIam();
    createRole(w, 'r');
    w.call('CreateInstanceProfile', {
      InstanceProfileName: 'b',
      Path: '/team/',
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'A', Path: '/team/x/' });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'c', Path: '/other/' });
    w.call('AddRoleToInstanceProfile', { InstanceProfileName: 'b', RoleName: 'r' });
    w.settle();
    const listed = w.call('ListInstanceProfiles', { PathPrefix: '/team/' });
    expect(listed.IsTruncated).toBe(false);
    expect(listed.Marker).toBeUndefined();
    expect(
      listed.InstanceProfiles.map((p: { InstanceProfileName: string }) => p.InstanceProfileName),
    ).toEqual(['A', 'b']);
    for (const p of listed.InstanceProfiles) expect(p).not.toHaveProperty('Tags');
    expect(listed.InstanceProfiles[1].Roles[0].RoleName).toBe('r');
    expect(w.call('ListInstanceProfiles').InstanceProfiles).toHaveLength(3);
  });

  it('reports the tags through ListInstanceProfileTags', () => {
    const w = makeIam();
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p', Tags: [{ Key: 'k', Value: 'v' }] });
    w.settle();
    expect(w.call('ListInstanceProfileTags', { InstanceProfileName: 'p' })).toEqual({
      Tags: [{ Key: 'k', Value: 'v' }],
      IsTruncated: false,
    });
  });
});

describe('control-plane pause', () => {
  it('fails writes with ServiceFailure (500) during the pause and still answers reads', () => {
    const w = makeIam({ pauses: [{ fromMs: 10_000, toMs: 20_000 }] });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'before' });
    w.advance(10_000);
    const e = w.fail('CreateInstanceProfile', { InstanceProfileName: 'during' });
    expect([e.code, e.statusCode]).toEqual(['ServiceFailure', 500]);
    expect(w.fail('PutRolePolicy', { RoleName: 'x', PolicyName: 'p', PolicyDocument: '{}' }).code).toBe(
      'ServiceFailure',
    );
    expect(
      w.call('GetInstanceProfile', { InstanceProfileName: 'before' }, OTHER_REGION).InstanceProfile,
    ).toBeDefined();
    w.advance(10_000);
    w.call('CreateInstanceProfile', { InstanceProfileName: 'after' });
  });
});

describe('failed calls', () => {
  it('change nothing and do not consume ids', () => {
    const plain = makeIam();
    plain.call('CreateInstanceProfile', { InstanceProfileName: 'a' });
    plain.call('CreateInstanceProfile', { InstanceProfileName: 'b' });

    const w = makeIam();
    w.call('CreateInstanceProfile', { InstanceProfileName: 'a' });
    const snapshot = w.iam.control;
    w.fail('CreateInstanceProfile', { InstanceProfileName: 'A' });
    w.fail('CreateInstanceProfile', { InstanceProfileName: 'b', Path: 'bad' });
    w.fail('AddRoleToInstanceProfile', { InstanceProfileName: 'a', RoleName: 'ghost' });
    w.fail('TagInstanceProfile', { InstanceProfileName: 'a', Tags: [{ Key: 'k' }, { Key: 'K' }] });
    expect(w.iam.control).toBe(snapshot);
    expect(w.iam.version).toBe(1);
    w.call('CreateInstanceProfile', { InstanceProfileName: 'b' });
    // Ids are drawn only once a call is known to succeed, so the failures did not shift them.
    expect(w.iam.control.profiles.b!.InstanceProfileId).toBe(plain.iam.control.profiles.b!.InstanceProfileId);
  });
});
