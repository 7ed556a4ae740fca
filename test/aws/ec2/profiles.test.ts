/** EC2 finds profiles through its region's IAM replica, by Name or ARN, as real AWS does. */
import { describe, expect, it } from 'vitest';
import { Errors } from '../../../src/aws/errors.ts';
import { makeWorld, OTHER_REGION, profile, REGION } from './world.ts';

describe('profile lookup through the region view', () => {
  it('names that are also Object.prototype keys are looked up as names, not inherited properties', () => {
    const w = makeWorld();
    const id = w.running();
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const e = w.fail('AssociateIamInstanceProfile', { InstanceId: id, IamInstanceProfile: { Name: name } });
      expect(e.toJSON()).toEqual(Errors.invalidProfileName(name).toJSON());
    }
  });

  it('rejects a profile the region has not seen yet with InvalidParameterValue, by name and by ARN', () => {
    const w = makeWorld({ iamDelayMs: 5_000 });
    const fresh = profile('fresh', 'WebRole');
    w.putProfile(fresh);
    const id = w.running();

    const byName = w.fail('AssociateIamInstanceProfile', {
      InstanceId: id,
      IamInstanceProfile: { Name: 'fresh' },
    });
    expect(byName.toJSON()).toEqual(Errors.invalidProfileName('fresh').toJSON());
    expect(byName.statusCode).toBe(400);
    const byArn = w.fail('RunInstances', {
      MinCount: 1,
      MaxCount: 1,
      IamInstanceProfile: { Arn: fresh.Arn },
    });
    expect(byArn.toJSON()).toEqual(Errors.invalidProfileArn(fresh.Arn).toJSON());

    // Once the version reaches the region, the same calls succeed.
    w.advance(5_000);
    expect(
      w.call('AssociateIamInstanceProfile', { InstanceId: id, IamInstanceProfile: { Name: 'fresh' } }),
    ).toMatchObject({
      IamInstanceProfileAssociation: {
        State: 'associating',
        IamInstanceProfile: { Id: fresh.InstanceProfileId },
      },
    });
    expect(
      w.call('RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Arn: fresh.Arn } }),
    ).toMatchObject({
      Instances: [{ State: { Name: 'pending' } }],
    });
  });

  it('a region sees only its own replica: one region may accept what another still rejects', () => {
    const w = makeWorld({ iamDelayMs: 5_000 });
    w.iam.addPartition(OTHER_REGION, { fromMs: 0, toMs: 60_000 });
    w.putProfile(profile('fresh', 'WebRole'));
    w.advance(5_000);
    const launch = { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'fresh' } };
    expect(w.call('RunInstances', launch, REGION).Instances).toHaveLength(1);
    expect(w.fail('RunInstances', launch, OTHER_REGION).code).toBe('InvalidParameterValue');
  });

  it('a deleted profile stays usable until the deletion reaches the region', () => {
    const w = makeWorld({ iamDelayMs: 5_000 });
    w.iam.commit((d) => {
      delete d.profiles.web;
    });
    expect(
      w.call('RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'web' } }).Instances,
    ).toHaveLength(1);
    w.advance(5_000);
    expect(
      w.fail('RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'web' } }).code,
    ).toBe('InvalidParameterValue');
  });

  it('matches names case-insensitively, and ARNs on account and path', () => {
    const w = makeWorld();
    const id = w.running();
    expect(
      w.call('AssociateIamInstanceProfile', { InstanceId: id, IamInstanceProfile: { Name: 'WEB' } }),
    ).toBeDefined();
    const wrongAccount = profile('web', 'WebRole').Arn.replace('123456789012', '210987654321');
    const wrongPath = profile('web', 'WebRole', '/team/').Arn;
    for (const arn of [wrongAccount, wrongPath, 'not-an-arn']) {
      const e = w.fail('RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Arn: arn } });
      expect(e.toJSON()).toEqual(Errors.invalidProfileArn(arn).toJSON());
    }
  });

  it('rejects Name and Arn together with InvalidParameterCombination', () => {
    const w = makeWorld();
    const p = profile('web', 'WebRole');
    const e = w.fail('RunInstances', {
      MinCount: 1,
      MaxCount: 1,
      IamInstanceProfile: { Name: 'web', Arn: p.Arn },
    });
    expect(e.code).toBe('InvalidParameterCombination');
  });
});

describe('role-less profiles', () => {
  it('RunInstances rejects a profile without a role: "has no associated IAM Roles"', () => {
    const w = makeWorld();
    const e = w.fail('RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'empty' } });
    expect(e.code).toBe('InvalidParameterValue');
    expect(e.message).toContain('has no associated IAM Roles');
    expect(w.ec2.instancesIn(REGION)).toHaveLength(0);
  });

  it('RunInstances rejects a profile whose role the region does not see yet', () => {
    const w = makeWorld({ iamDelayMs: 5_000 });
    w.iam.commit((d) => {
      d.profiles.empty = { ...d.profiles.empty!, roleKey: 'webrole' };
    });
    expect(
      w.fail('RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'empty' } }).message,
    ).toContain('has no associated IAM Roles');
    w.advance(5_000);
    expect(
      w.call('RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'empty' } }),
    ).toBeDefined();
  });

  it('AssociateIamInstanceProfile and Replace accept a role-less profile, as AWS does', () => {
    const w = makeWorld({ delaysMs: { associationSettle: 0 } });
    const id = w.running();
    const a = w.call('AssociateIamInstanceProfile', {
      InstanceId: id,
      IamInstanceProfile: { Name: 'empty' },
    });
    expect(a.IamInstanceProfileAssociation.State).toBe('associating');
    const r = w.call('ReplaceIamInstanceProfileAssociation', {
      AssociationId: a.IamInstanceProfileAssociation.AssociationId,
      IamInstanceProfile: { Name: 'empty' },
    });
    expect(r.IamInstanceProfileAssociation.State).toBe('associating');
  });
});
