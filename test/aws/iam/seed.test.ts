/** seedIamWorld: the scenario's initial IAM world, converged everywhere at t=0, with deterministic ids. */
import { describe, expect, it } from 'vitest';
import { seedIamWorld } from '../../../src/aws/iam/iam.ts';
import { evaluate } from '../../../src/aws/iam/policy.ts';
import { makeIam, OTHER_REGION } from './helpers.ts';

const roles = [
  { name: 'OldRole', path: '/', allow: ['s3:GetObject'] },
  { name: 'NewRole', path: '/apps/', allow: ['s3:*', 'sqs:SendMessage'] },
  { name: 'Bare', allow: [] },
];
const profiles = [
  { name: 'web', path: '/', tags: [{ Key: 'team', Value: 'blue' }], role: 'oldrole' },
  { name: 'spare', tags: [] },
];

describe('seedIamWorld', () => {
  it('writes roles, profiles and authorization into every region at t=0 without commits', () => {
    const w = makeIam({ delay: { kind: 'fixed', valueMs: 60_000 } });
    seedIamWorld(w.service, roles, profiles);
    expect([w.iam.version, w.authz.version, w.scheduler.pendingCount]).toEqual([0, 0, 0]);
    const profile = w.call(
      'GetInstanceProfile',
      { InstanceProfileName: 'web' },
      OTHER_REGION,
    ).InstanceProfile;
    expect(profile).toMatchObject({
      Path: '/',
      Arn: 'arn:aws:iam::123456789012:instance-profile/web',
      CreateDate: '2026-01-01T00:00:00.000Z',
      Tags: [{ Key: 'team', Value: 'blue' }],
      Roles: [{ RoleName: 'OldRole', Arn: 'arn:aws:iam::123456789012:role/OldRole' }],
    });
    expect(w.call('GetRole', { RoleName: 'NewRole' }).Role.Arn).toBe(
      'arn:aws:iam::123456789012:role/apps/NewRole',
    );
    expect(w.call('ListRolePolicies', { RoleName: 'NewRole' }).PolicyNames).toEqual(['iamsim-allow']);
    expect(w.call('ListRolePolicies', { RoleName: 'Bare' }).PolicyNames).toEqual([]);

    const newRoleId = w.iam.control.roles.newrole!.RoleId;
    const authz = w.authz.view(OTHER_REGION)!.state.roles[newRoleId];
    expect(evaluate(authz, 'sqs:SendMessage', 0)).toBe(true);
    expect(evaluate(authz, 'sqs:ReceiveMessage', 0)).toBe(false);
    expect(w.authz.control.roles[w.iam.control.roles.bare!.RoleId]).toEqual({
      RoleName: 'Bare',
      statements: [],
    });
  });

  it('draws ids in creation order (roles, then profiles), the same for the same seed', () => {
    const ids = () => {
      const w = makeIam({ seed: 99 });
      seedIamWorld(w.service, roles, profiles);
      return [
        ...Object.values(w.iam.control.roles).map((r) => r.RoleId),
        ...Object.values(w.iam.control.profiles).map((p) => p.InstanceProfileId),
      ];
    };
    expect(ids()).toEqual(ids());
    const w = makeIam({ seed: 99 });
    seedIamWorld(w.service, roles, profiles);
    const later = makeIam({ seed: 99 });
    const first = later.call('CreateRole', {
      RoleName: 'x',
      AssumeRolePolicyDocument: w.iam.control.roles.oldrole!.AssumeRolePolicyDocument,
    });
    expect(first.Role.RoleId).toBe(w.iam.control.roles.oldrole!.RoleId);
  });

  it('applies the API rules and throws the AwsError the API would give, writing nothing', () => {
    const cases: [Parameters<typeof seedIamWorld>[1], Parameters<typeof seedIamWorld>[2], string][] = [
      [
        [
          { name: 'a', allow: [] },
          { name: 'A', allow: [] },
        ],
        [],
        'EntityAlreadyExists',
      ],
      [[], [{ name: 'p', role: 'ghost' }], 'NoSuchEntity'],
      [[{ name: 'bad name', allow: [] }], [], 'ValidationError'],
      [[], [{ name: 'p', path: 'nope' }], 'ValidationError'],
      [[{ name: 'r', allow: ['GetObject'] }], [], 'MalformedPolicyDocument'],
    ];
    for (const [r, p, code] of cases) {
      const w = makeIam();
      expect(() => seedIamWorld(w.service, r, p)).toThrow(expect.objectContaining({ code }));
      expect(w.iam.control.roles).toEqual({});
    }
    const quota = makeIam({ model: { roleQuota: 1 } });
    expect(() => seedIamWorld(quota.service, roles, [])).toThrow(
      expect.objectContaining({ code: 'LimitExceeded' }),
    );
  });

  it('refuses to seed after the first commit', () => {
    const w = makeIam();
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p' });
    expect(() => seedIamWorld(w.service, roles, profiles)).toThrow(/no commits/);
  });
});
