/** Roles, inline policies, and the authorization store that mirrors their statements by RoleId. */
import { describe, expect, it } from 'vitest';
import { allowPolicyDocument, evaluate, revokeOlderSessionsDocument } from '../../../src/aws/iam/policy.ts';
import { createProfile, createRole, makeIam, OTHER_REGION, TRUST } from './helpers.ts';

describe('CreateRole and GetRole', () => {
  it('return the AWS shape with an AROA id and defaults', () => {
    const w = makeIam();
    const role = createRole(w, 'App', {
      Path: '/svc/',
      Description: 'the app',
      Tags: [{ Key: 'k', Value: 'v' }],
    }).Role;
    expect(role).toEqual({
      Path: '/svc/',
      RoleName: 'App',
      RoleId: expect.stringMatching(/^AROA[A-Z0-9]{17}$/),
      Arn: 'arn:aws:iam::123456789012:role/svc/App',
      CreateDate: '2026-01-01T00:00:00.000Z',
      AssumeRolePolicyDocument: TRUST,
      MaxSessionDuration: 3600,
      Description: 'the app',
      Tags: [{ Key: 'k', Value: 'v' }],
    });
    w.settle();
    expect(w.call('GetRole', { RoleName: 'app' }).Role).toEqual({ ...role, RoleLastUsed: {} });
  });

  it('rejects duplicates regardless of case, bad trust policies, and out-of-range MaxSessionDuration', () => {
    const w = makeIam();
    createRole(w, 'App');
    const dup = w.fail('CreateRole', { RoleName: 'APP', AssumeRolePolicyDocument: TRUST });
    expect([dup.code, dup.statusCode, dup.message]).toEqual([
      'EntityAlreadyExists',
      409,
      'Role with name APP already exists.',
    ]);
    expect(w.fail('CreateRole', { RoleName: 'x', AssumeRolePolicyDocument: '{' }).code).toBe(
      'MalformedPolicyDocument',
    );
    const longTrust = JSON.stringify({
      Statement: [
        {
          Sid: 'x'.repeat(2100),
          Effect: 'Allow',
          Principal: { Service: 'ec2.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const quota = w.fail('CreateRole', { RoleName: 'x', AssumeRolePolicyDocument: longTrust });
    expect([quota.code, quota.message]).toEqual([
      'LimitExceeded',
      'Cannot exceed quota for ACLSizePerRole: 2048',
    ]);
    const session = w.fail('CreateRole', {
      RoleName: 'x',
      AssumeRolePolicyDocument: TRUST,
      MaxSessionDuration: 60,
    });
    expect(session.message).toContain(
      "at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    );
    expect(w.iam.version).toBe(1);
  });

  it('answers NoSuchEntity with AWS wording', () => {
    const w = makeIam();
    const e = w.fail('GetRole', { RoleName: 'ghost' });
    expect([e.code, e.statusCode, e.message]).toEqual([
      'NoSuchEntity',
      404,
      'The role with name ghost cannot be found.',
    ]);
  });
});

describe('DeleteRole', () => {
  it('is a DeleteConflict while the role is in any profile, then while it has inline policies', () => {
    const w = makeIam();
    createRole(w, 'r');
    createProfile(w, 'p1');
    createProfile(w, 'p2', 'r');
    w.call('PutRolePolicy', {
      RoleName: 'r',
      PolicyName: 'pol',
      PolicyDocument: allowPolicyDocument(['s3:*']),
    });
    const inProfile = w.fail('DeleteRole', { RoleName: 'r' });
    expect([inProfile.code, inProfile.statusCode, inProfile.message]).toEqual([
      'DeleteConflict',
      409,
      'Cannot delete entity, must remove roles from instance profile first.',
    ]);
    w.call('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'p2', RoleName: 'r' });
    const withPolicies = w.fail('DeleteRole', { RoleName: 'r' });
    expect([withPolicies.code, withPolicies.message]).toEqual([
      'DeleteConflict',
      'Cannot delete entity, must delete policies first.',
    ]);
    w.call('DeleteRolePolicy', { RoleName: 'r', PolicyName: 'pol' });
    w.call('DeleteRole', { RoleName: 'R' });
    expect(w.iam.control.roles).toEqual({});
  });
});

describe('inline policies', () => {
  it('put, get, list and delete by exact (case-sensitive) policy name', () => {
    const w = makeIam();
    createRole(w, 'r');
    const doc = allowPolicyDocument(['s3:GetObject']);
    w.call('PutRolePolicy', { RoleName: 'r', PolicyName: 'read', PolicyDocument: doc });
    w.call('PutRolePolicy', { RoleName: 'r', PolicyName: 'Read', PolicyDocument: doc });
    w.settle();
    expect(w.call('GetRolePolicy', { RoleName: 'R', PolicyName: 'read' })).toEqual({
      RoleName: 'r',
      PolicyName: 'read',
      PolicyDocument: doc,
    });
    expect(w.call('ListRolePolicies', { RoleName: 'r' })).toEqual({
      PolicyNames: ['Read', 'read'],
      IsTruncated: false,
    });
    const missing = w.fail('GetRolePolicy', { RoleName: 'r', PolicyName: 'READ' });
    expect([missing.code, missing.message]).toEqual([
      'NoSuchEntity',
      'The role policy with name READ cannot be found.',
    ]);
    expect(w.fail('DeleteRolePolicy', { RoleName: 'r', PolicyName: 'nope' }).code).toBe('NoSuchEntity');
    expect(w.fail('ListRolePolicies', { RoleName: 'ghost' }).code).toBe('NoSuchEntity');
  });

  it('rejects a malformed document without changing anything', () => {
    const w = makeIam();
    createRole(w, 'r');
    const before = [w.iam.version, w.authz.version];
    const e = w.fail('PutRolePolicy', {
      RoleName: 'r',
      PolicyName: 'p',
      PolicyDocument: '{"Statement":{"Effect":"Allow"}}',
    });
    expect([e.code, e.statusCode]).toEqual(['MalformedPolicyDocument', 400]);
    expect([w.iam.version, w.authz.version]).toEqual(before);
  });

  it('enforces the 10,240-character aggregate inline policy quota per role (whitespace not counted)', () => {
    const w = makeIam();
    createRole(w, 'r');
    const actions = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => `svc:${tag}${String(i).padStart(20, '0')}`);
    const big = allowPolicyDocument(actions(200, 'a'));
    expect(big.length).toBeGreaterThan(5200);
    w.call('PutRolePolicy', { RoleName: 'r', PolicyName: 'one', PolicyDocument: big });
    const e = w.fail('PutRolePolicy', {
      RoleName: 'r',
      PolicyName: 'two',
      PolicyDocument: allowPolicyDocument(actions(200, 'b')),
    });
    expect([e.code, e.message]).toEqual([
      'LimitExceeded',
      'Maximum policy size of 10240 bytes exceeded for role r',
    ]);
    // Replacing the same policy counts its new size only.
    w.call('PutRolePolicy', {
      RoleName: 'r',
      PolicyName: 'one',
      PolicyDocument: allowPolicyDocument(actions(200, 'c')),
    });
  });
});

describe('the authorization store', () => {
  it('mirrors each role under its RoleId: empty on create, statements on put/delete, gone on delete', () => {
    const w = makeIam();
    const roleId = createRole(w, 'r').Role.RoleId as string;
    expect(w.authz.control.roles[roleId]).toEqual({ RoleName: 'r', statements: [] });
    w.call('PutRolePolicy', {
      RoleName: 'r',
      PolicyName: 'b',
      PolicyDocument: allowPolicyDocument(['s3:*']),
    });
    w.call('PutRolePolicy', {
      RoleName: 'r',
      PolicyName: 'a',
      PolicyDocument: revokeOlderSessionsDocument(5_000),
    });
    expect(w.authz.control.roles[roleId]!.statements).toEqual([
      { Effect: 'Deny', Action: ['*'], tokenIssuedBeforeMs: 5_000 },
      { Effect: 'Allow', Action: ['s3:*'] },
    ]);
    w.call('DeleteRolePolicy', { RoleName: 'r', PolicyName: 'a' });
    expect(w.authz.control.roles[roleId]!.statements).toEqual([{ Effect: 'Allow', Action: ['s3:*'] }]);
    w.call('DeleteRolePolicy', { RoleName: 'r', PolicyName: 'b' });
    w.call('DeleteRole', { RoleName: 'r' });
    expect(w.authz.control.roles).toEqual({});
  });

  it('gives a recreated role a new RoleId, so old credentials never match it', () => {
    const w = makeIam();
    const first = createRole(w, 'r').Role.RoleId;
    w.call('DeleteRole', { RoleName: 'r' });
    const second = createRole(w, 'r').Role.RoleId;
    expect(second).not.toBe(first);
    expect(Object.keys(w.authz.control.roles)).toEqual([second]);
  });

  it('propagates with its own delay, separately from IAM state', () => {
    const w = makeIam({
      delay: { kind: 'fixed', valueMs: 1_000 },
      authzDelay: { kind: 'fixed', valueMs: 30_000 },
    });
    const roleId = createRole(w, 'r').Role.RoleId as string;
    w.advance(1_000);
    w.call('PutRolePolicy', {
      RoleName: 'r',
      PolicyName: 'p',
      PolicyDocument: allowPolicyDocument(['s3:*']),
    });
    w.advance(1_000);
    expect(w.call('GetRolePolicy', { RoleName: 'r', PolicyName: 'p' }, OTHER_REGION).PolicyName).toBe('p');
    const view = () => w.authz.view(OTHER_REGION)!.state.roles[roleId];
    expect(view()).toBeUndefined();
    w.advance(28_000);
    expect(view()).toEqual({ RoleName: 'r', statements: [] });
    expect(evaluate(view(), 's3:GetObject', 0)).toBe(false);
    w.advance(1_000);
    expect(evaluate(view(), 's3:GetObject', 0)).toBe(true);
  });
});

describe('CreateRole members stored and returned', () => {
  it('PermissionsBoundary and MaxSessionDuration come back from GetRole', () => {
    const w = makeIam();
    createRole(w, 'Bounded', {
      PermissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
      MaxSessionDuration: 7200,
    });
    w.settle();
    expect(w.call('GetRole', { RoleName: 'Bounded' }).Role).toMatchObject({
      MaxSessionDuration: 7200,
      PermissionsBoundary: {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/boundary',
      },
      RoleLastUsed: {},
    });
  });
});
