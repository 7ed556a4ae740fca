/** Association state machine and rules, following real AWS (README.md, "Sources"). */
import { describe, expect, it } from 'vitest';
import { Errors } from '../../../src/aws/errors.ts';
import { defaultDelaysMs, makeWorld, REGION } from './world.ts';

const web = { Name: 'web' };
const other = { Name: 'other' };

describe('associate and disassociate', () => {
  it('associate -> associating, then associated after associationSettle, with an event', () => {
    const w = makeWorld();
    const id = w.running();
    const out = w.call('AssociateIamInstanceProfile', { InstanceId: id, IamInstanceProfile: web });
    const a = out.IamInstanceProfileAssociation;
    const profile = w.iam.control.profiles.web!;
    expect(a).toMatchObject({
      InstanceId: id,
      State: 'associating',
      IamInstanceProfile: { Arn: profile.Arn, Id: profile.InstanceProfileId },
    });
    expect(a.AssociationId).toMatch(/^iip-assoc-[0-9a-f]{17}$/);
    w.advance(defaultDelaysMs.associationSettle - 1);
    expect(w.associations()[0]!.State).toBe('associating');
    expect(w.events).toEqual([]);
    w.advance(1);
    expect(w.associations()[0]!.State).toBe('associated');
    expect(w.ec2.activeAssociation(id)).toMatchObject({
      AssociationId: a.AssociationId,
      State: 'associated',
    });
    expect(w.events).toEqual([
      {
        type: 'associationSettled',
        instanceId: id,
        associationId: a.AssociationId,
        profileId: profile.InstanceProfileId,
      },
    ]);
  });

  it('disassociate -> disassociating, then gone from describe after disassociationSettle', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'web' });
    const assocId = w.ec2.activeAssociation(id)!.AssociationId;
    const out = w.call('DisassociateIamInstanceProfile', { AssociationId: assocId });
    expect(out.IamInstanceProfileAssociation).toMatchObject({
      AssociationId: assocId,
      State: 'disassociating',
    });
    // DescribeInstances stops showing the profile once it is going away.
    expect(w.call('DescribeInstances', {}).Reservations[0].Instances[0].IamInstanceProfile).toBeUndefined();
    // A repeated disassociate reports the same record and does not restart the clock.
    w.advance(1_000);
    expect(
      w.call('DisassociateIamInstanceProfile', { AssociationId: assocId }).IamInstanceProfileAssociation
        .State,
    ).toBe('disassociating');
    w.advance(defaultDelaysMs.disassociationSettle - 1_000 - 1);
    expect(w.associations({ Filters: [{ Name: 'state', Values: ['disassociating'] }] })).toHaveLength(1);
    w.advance(1);
    expect(w.associations()).toEqual([]);
    expect(w.ec2.activeAssociation(id)).toBeUndefined();
    expect(w.events).toEqual([
      { type: 'associationEnded', instanceId: id, associationId: assocId, reason: 'disassociated' },
    ]);
    expect(w.fail('DisassociateIamInstanceProfile', { AssociationId: assocId }).code).toBe(
      'InvalidAssociationID.NotFound',
    );
  });

  it('disassociating an association that is still associating cancels its settle', () => {
    const w = makeWorld();
    const id = w.running();
    const a = w.call('AssociateIamInstanceProfile', {
      InstanceId: id,
      IamInstanceProfile: web,
    }).IamInstanceProfileAssociation;
    w.call('DisassociateIamInstanceProfile', { AssociationId: a.AssociationId });
    w.advance(60_000);
    expect(w.events.map((e) => e.type)).toEqual(['associationEnded']);
  });

  it('allows one live association per instance, a disassociating one included', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'web' });
    const expected = Errors.existingAssociation(id).toJSON();
    expect(
      w.fail('AssociateIamInstanceProfile', { InstanceId: id, IamInstanceProfile: other }).toJSON(),
    ).toEqual(expected);
    w.call('DisassociateIamInstanceProfile', { AssociationId: w.ec2.activeAssociation(id)!.AssociationId });
    expect(
      w.fail('AssociateIamInstanceProfile', { InstanceId: id, IamInstanceProfile: other }).toJSON(),
    ).toEqual(expected);
    w.advance(defaultDelaysMs.disassociationSettle);
    expect(
      w.call('AssociateIamInstanceProfile', { InstanceId: id, IamInstanceProfile: other }),
    ).toBeDefined();
  });

  it('associates and disassociates only on running or stopped instances (pending is refused)', () => {
    const w = makeWorld();
    const pending = w.call('RunInstances', { MinCount: 1, MaxCount: 1 }).Instances[0].InstanceId;
    const e = w.fail('AssociateIamInstanceProfile', { InstanceId: pending, IamInstanceProfile: web });
    expect(e.code).toBe('IncorrectInstanceState');
    expect(e.statusCode).toBe(400);

    const stopped = w.ec2.seedInstance({ name: 's', region: REGION, state: 'stopped' });
    const a = w.call('AssociateIamInstanceProfile', { InstanceId: stopped, IamInstanceProfile: web });
    expect(a.IamInstanceProfileAssociation.State).toBe('associating');

    const stopping = w.ec2.seedInstance({ name: 'x', region: REGION, state: 'running', profileName: 'web' });
    w.call('StopInstances', { InstanceIds: [stopping] });
    const assocId = w.ec2.activeAssociation(stopping)!.AssociationId;
    expect(w.fail('DisassociateIamInstanceProfile', { AssociationId: assocId }).code).toBe(
      'IncorrectInstanceState',
    );
    w.advance(defaultDelaysMs.instanceStop);
    expect(w.call('DisassociateIamInstanceProfile', { AssociationId: assocId })).toBeDefined();
  });
});

describe('ReplaceIamInstanceProfileAssociation', () => {
  it('returns a NEW association id in associating; the old record disappears at once', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'web' });
    const oldId = w.ec2.activeAssociation(id)!.AssociationId;
    const out = w.call('ReplaceIamInstanceProfileAssociation', {
      AssociationId: oldId,
      IamInstanceProfile: other,
    });
    const neu = out.IamInstanceProfileAssociation;
    const otherProfile = w.iam.control.profiles.other!;
    expect(neu.AssociationId).not.toBe(oldId);
    expect(neu).toMatchObject({
      InstanceId: id,
      State: 'associating',
      IamInstanceProfile: { Id: otherProfile.InstanceProfileId },
    });
    expect(w.associations().map((a) => a.AssociationId)).toEqual([neu.AssociationId]);
    expect(w.fail('DescribeIamInstanceProfileAssociations', { AssociationIds: [oldId] }).code).toBe(
      'InvalidAssociationID.NotFound',
    );
    expect(w.events).toEqual([
      { type: 'associationEnded', instanceId: id, associationId: oldId, reason: 'replaced' },
    ]);
    w.advance(defaultDelaysMs.associationSettle);
    expect(w.associations()[0]!.State).toBe('associated');
    expect(w.events.at(-1)).toEqual({
      type: 'associationSettled',
      instanceId: id,
      associationId: neu.AssociationId,
      profileId: otherProfile.InstanceProfileId,
    });
  });

  it('works on an association that is still associating', () => {
    const w = makeWorld();
    const id = w.running();
    const a = w.call('AssociateIamInstanceProfile', {
      InstanceId: id,
      IamInstanceProfile: web,
    }).IamInstanceProfileAssociation;
    const r = w.call('ReplaceIamInstanceProfileAssociation', {
      AssociationId: a.AssociationId,
      IamInstanceProfile: other,
    });
    w.advance(60_000);
    // The first association never settled: its timer went with it.
    expect(w.events.filter((e) => e.type === 'associationSettled')).toEqual([
      expect.objectContaining({ associationId: r.IamInstanceProfileAssociation.AssociationId }),
    ]);
  });

  it('on a stopped instance: IncorrectState "is not the active association" (aws-cli#5251)', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'stopped', profileName: 'web' });
    const assocId = w.ec2.activeAssociation(id)!.AssociationId;
    const e = w.fail('ReplaceIamInstanceProfileAssociation', {
      AssociationId: assocId,
      IamInstanceProfile: other,
    });
    expect(e.toJSON()).toEqual(Errors.notActiveAssociation(assocId).toJSON());
    expect(w.ec2.activeAssociation(id)!.AssociationId).toBe(assocId);
  });

  it('on a disassociating association: IncorrectState "is not the active association"', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'web' });
    const assocId = w.ec2.activeAssociation(id)!.AssociationId;
    w.call('DisassociateIamInstanceProfile', { AssociationId: assocId });
    const e = w.fail('ReplaceIamInstanceProfileAssociation', {
      AssociationId: assocId,
      IamInstanceProfile: other,
    });
    expect(e.code).toBe('IncorrectState');
    expect(e.message).toBe(`The association ${assocId} is not the active association`);
  });

  it('on a pending instance: refused too', () => {
    const w = makeWorld();
    w.call('RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: web });
    const assocId = w.associations()[0]!.AssociationId;
    expect(
      w.fail('ReplaceIamInstanceProfileAssociation', { AssociationId: assocId, IamInstanceProfile: other })
        .code,
    ).toBe('IncorrectState');
  });
});

describe('unknown association ids', () => {
  it('InvalidAssociationID.NotFound for replace, disassociate and describe', () => {
    const w = makeWorld();
    const ghost = 'iip-assoc-0123456789abcdef0';
    const expected = Errors.associationNotFound(ghost).toJSON();
    expect(w.fail('DisassociateIamInstanceProfile', { AssociationId: ghost }).toJSON()).toEqual(expected);
    expect(
      w
        .fail('ReplaceIamInstanceProfileAssociation', { AssociationId: ghost, IamInstanceProfile: web })
        .toJSON(),
    ).toEqual(expected);
    expect(w.fail('DescribeIamInstanceProfileAssociations', { AssociationIds: [ghost] }).toJSON()).toEqual(
      expected,
    );
  });

  it('an association of another region is unknown here', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'a', region: 'us-east-1', state: 'running', profileName: 'web' });
    const assocId = w.ec2.activeAssociation(id)!.AssociationId;
    expect(w.fail('DisassociateIamInstanceProfile', { AssociationId: assocId }, REGION).code).toBe(
      'InvalidAssociationID.NotFound',
    );
    expect(w.associations({}, REGION)).toEqual([]);
  });
});

describe('DescribeIamInstanceProfileAssociations', () => {
  it('filters by instance-id and state', () => {
    const w = makeWorld();
    const a = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'web' });
    const b = w.running('b');
    w.call('AssociateIamInstanceProfile', { InstanceId: b, IamInstanceProfile: other });
    expect(
      w.associations({ Filters: [{ Name: 'instance-id', Values: [b] }] }).map((x) => x.InstanceId),
    ).toEqual([b]);
    expect(
      w.associations({ Filters: [{ Name: 'state', Values: ['associated'] }] }).map((x) => x.InstanceId),
    ).toEqual([a]);
    expect(
      w
        .associations({
          Filters: [
            { Name: 'instance-id', Values: [a, b] },
            { Name: 'state', Values: ['associating'] },
          ],
        })
        .map((x) => x.InstanceId),
    ).toEqual([b]);
    expect(
      w.fail('DescribeIamInstanceProfileAssociations', { Filters: [{ Name: 'profile', Values: ['x'] }] })
        .code,
    ).toBe('InvalidParameterValue');
  });

  it('paginates with MaxResults 5..1000 and NextToken, each association exactly once', () => {
    const w = makeWorld();
    const ids = Array.from({ length: 12 }, (_, i) =>
      w.ec2.seedInstance({ name: `n${i}`, region: REGION, state: 'running', profileName: 'web' }),
    );
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = w.call('DescribeIamInstanceProfileAssociations', {
        MaxResults: 5,
        ...(token === undefined ? {} : { NextToken: token }),
      });
      expect(out.IamInstanceProfileAssociations.length).toBeLessThanOrEqual(5);
      for (const a of out.IamInstanceProfileAssociations) seen.push(a.InstanceId);
      token = out.NextToken;
      pages++;
    } while (token !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    for (const bad of [4, 1001, 0, 'x']) {
      expect(w.fail('DescribeIamInstanceProfileAssociations', { MaxResults: bad }).code).toBe(
        'InvalidParameterValue',
      );
    }
    expect(w.fail('DescribeIamInstanceProfileAssociations', { NextToken: 'nope' }).code).toBe(
      'InvalidPaginationToken',
    );
  });

  it('a page boundary survives associations ending between pages', () => {
    const w = makeWorld();
    const ids = Array.from({ length: 10 }, (_, i) =>
      w.ec2.seedInstance({ name: `n${i}`, region: REGION, state: 'running', profileName: 'web' }),
    );
    const first = w.call('DescribeIamInstanceProfileAssociations', { MaxResults: 5 });
    // End one association already returned and one not yet returned.
    w.call('TerminateInstances', { InstanceIds: [ids[0], ids[7]] });
    const second = w.call('DescribeIamInstanceProfileAssociations', {
      MaxResults: 5,
      NextToken: first.NextToken,
    });
    expect(second.IamInstanceProfileAssociations.map((a: { InstanceId: string }) => a.InstanceId)).toEqual([
      ids[5],
      ids[6],
      ids[8],
      ids[9],
    ]);
    expect(second.NextToken).toBeUndefined();
  });
});
