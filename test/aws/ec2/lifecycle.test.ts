/** Instance lifecycle: launch, stop, start, reboot, terminate, with their delays and events. */
import { describe, expect, it } from 'vitest';
import { Errors } from '../../../src/aws/errors.ts';
import { defaultDelaysMs, makeWorld, OTHER_REGION, REGION } from './world.ts';

const launch = (extra: Record<string, unknown> = {}) => ({ MinCount: 1, MaxCount: 1, ...extra });

describe('RunInstances', () => {
  it('starts instances pending and makes them running after instanceStart', () => {
    const w = makeWorld();
    const out = w.call(
      'RunInstances',
      launch({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web-1' }] }] }),
    );
    const id = out.Instances[0].InstanceId as string;
    expect(out.Instances[0].State).toEqual({ Code: 0, Name: 'pending' });
    expect(w.ec2.instance(id)).toMatchObject({ state: 'pending', region: REGION, name: 'web-1' });
    expect(w.events).toEqual([
      { type: 'instanceState', instanceId: id, state: 'pending', previous: undefined },
    ]);

    w.advance(defaultDelaysMs.instanceStart - 1);
    expect(w.ec2.instance(id)!.state).toBe('pending');
    w.advance(1);
    expect(w.ec2.instance(id)!.state).toBe('running');
    expect(w.events.at(-1)).toEqual({
      type: 'instanceState',
      instanceId: id,
      state: 'running',
      previous: 'pending',
    });
  });

  it('gives every instance of a multi-count launch its own association (moto: only the first)', () => {
    const w = makeWorld();
    const out = w.call('RunInstances', { MinCount: 3, MaxCount: 3, IamInstanceProfile: { Name: 'web' } });
    const ids = (out.Instances as { InstanceId: string }[]).map((i) => i.InstanceId);
    expect(new Set(ids).size).toBe(3);
    const assocs = w.associations();
    expect(assocs.map((a) => a.InstanceId).sort()).toEqual([...ids].sort());
    expect(new Set(assocs.map((a) => a.AssociationId)).size).toBe(3);
    expect(assocs.every((a) => a.State === 'associating')).toBe(true);
    // One reservation holds the whole launch.
    expect(w.call('DescribeInstances', {}).Reservations).toHaveLength(1);
    w.advance(defaultDelaysMs.associationSettle);
    expect(w.associations().every((a) => a.State === 'associated')).toBe(true);
    expect(w.events.filter((e) => e.type === 'associationSettled')).toHaveLength(3);
  });

  it('emits the launch event after the association exists, so a listener can read it', () => {
    const w = makeWorld();
    const seen: (string | undefined)[] = [];
    w.ec2.onEvent((e) => {
      if (e.type === 'instanceState' && e.state === 'pending')
        seen.push(w.ec2.activeAssociation(e.instanceId)?.State);
    });
    w.call('RunInstances', { MinCount: 2, MaxCount: 2, IamInstanceProfile: { Name: 'web' } });
    expect(seen).toEqual(['associating', 'associating']);
  });

  it('launches up to the cap between MinCount and MaxCount, and fails when MinCount exceeds it', () => {
    const w = makeWorld({ runInstancesCountMax: 4 });
    expect(w.call('RunInstances', { MinCount: 2, MaxCount: 10 }).Instances).toHaveLength(4);
    expect(w.fail('RunInstances', { MinCount: 5, MaxCount: 10 }).code).toBe('InstanceLimitExceeded');
  });
});

describe('DescribeInstances', () => {
  it('shows IamInstanceProfile.Id as the PROFILE id, not the association id', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'web' });
    const inst = w.call('DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0];
    const profile = w.iam.control.profiles.web!;
    expect(inst.IamInstanceProfile).toEqual({ Arn: profile.Arn, Id: profile.InstanceProfileId });
    expect(inst.IamInstanceProfile.Id).not.toBe(w.ec2.activeAssociation(id)!.AssociationId);
  });

  it('filters by instance-state-name and paginates with MaxResults / NextToken', () => {
    const w = makeWorld();
    const running = Array.from({ length: 6 }, (_, i) => w.running(`r${i}`));
    const stopped = w.ec2.seedInstance({ name: 's', region: REGION, state: 'stopped' });
    const stoppedOnly = w.call('DescribeInstances', {
      Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }],
    });
    expect(stoppedOnly.Reservations.flatMap((r: { Instances: unknown[] }) => r.Instances)).toEqual([
      expect.objectContaining({ InstanceId: stopped }),
    ]);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = w.call('DescribeInstances', {
        MaxResults: 5,
        Filters: [{ Name: 'instance-state-name', Values: ['running'] }],
        ...(token === undefined ? {} : { NextToken: token }),
      });
      for (const r of page.Reservations) for (const i of r.Instances) seen.push(i.InstanceId);
      token = page.NextToken;
      pages++;
    } while (token !== undefined && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toEqual(running);
  });

  it('rejects InstanceIds with MaxResults, MaxResults outside 5..1000, and unknown or malformed ids', () => {
    const w = makeWorld();
    const id = w.running();
    expect(w.fail('DescribeInstances', { InstanceIds: [id], MaxResults: 5 }).code).toBe(
      'InvalidParameterCombination',
    );
    expect(w.fail('DescribeInstances', { MaxResults: 4 }).code).toBe('InvalidParameterValue');
    expect(w.fail('DescribeInstances', { MaxResults: 1001 }).code).toBe('InvalidParameterValue');
    expect(w.fail('DescribeInstances', { InstanceIds: ['i-0123456789abcdef0'] }).code).toBe(
      'InvalidInstanceID.NotFound',
    );
    expect(w.fail('DescribeInstances', { InstanceIds: ['web-1'] }).code).toBe('InvalidInstanceID.Malformed');
    expect(w.fail('DescribeInstances', { NextToken: 'garbage' }).code).toBe('InvalidPaginationToken');
  });
});

describe('regions', () => {
  it('a call in one region does not see instances of another', () => {
    const w = makeWorld();
    const id = w.running('a', OTHER_REGION);
    expect(w.fail('StopInstances', { InstanceIds: [id] }, REGION).toJSON()).toEqual(
      Errors.instancesNotFound([id]).toJSON(),
    );
    expect(w.call('DescribeInstances', {}, REGION).Reservations).toEqual([]);
    expect(w.call('DescribeInstances', {}, OTHER_REGION).Reservations).toHaveLength(1);
    expect(w.ec2.instancesIn(REGION)).toEqual([]);
    expect(w.ec2.instancesIn(OTHER_REGION).map((i) => i.id)).toEqual([id]);
  });
});

describe('stop, start, reboot', () => {
  it('stop: running -> stopping -> stopped after instanceStop; repeat stops are no-ops', () => {
    const w = makeWorld();
    const id = w.running();
    const out = w.call('StopInstances', { InstanceIds: [id] });
    expect(out.StoppingInstances).toEqual([
      {
        InstanceId: id,
        CurrentState: { Code: 64, Name: 'stopping' },
        PreviousState: { Code: 16, Name: 'running' },
      },
    ]);
    expect(w.call('StopInstances', { InstanceIds: [id] }).StoppingInstances[0].CurrentState.Name).toBe(
      'stopping',
    );
    w.advance(defaultDelaysMs.instanceStop);
    expect(w.ec2.instance(id)!.state).toBe('stopped');
    expect(w.events.map((e) => e.type === 'instanceState' && `${e.previous}->${e.state}`)).toEqual([
      'running->stopping',
      'stopping->stopped',
    ]);
  });

  it('start: stopped -> pending -> running after instanceStart; starting a stopping instance fails', () => {
    const w = makeWorld();
    const id = w.running();
    w.call('StopInstances', { InstanceIds: [id] });
    const e = w.fail('StartInstances', { InstanceIds: [id] });
    expect(e.code).toBe('IncorrectInstanceState');
    w.advance(defaultDelaysMs.instanceStop);
    expect(w.call('StartInstances', { InstanceIds: [id] }).StartingInstances[0].CurrentState.Name).toBe(
      'pending',
    );
    w.advance(defaultDelaysMs.instanceStart);
    expect(w.ec2.instance(id)!.state).toBe('running');
  });

  it('stop of a pending instance fails with IncorrectInstanceState and changes nothing', () => {
    const w = makeWorld();
    const id = w.call('RunInstances', launch()).Instances[0].InstanceId;
    const before = w.scheduler.pendingCount;
    expect(w.fail('StopInstances', { InstanceIds: [id] }).code).toBe('IncorrectInstanceState');
    expect(w.scheduler.pendingCount).toBe(before);
    expect(w.ec2.instance(id)!.state).toBe('pending');
  });

  it('one bad instance fails the whole multi-instance call', () => {
    const w = makeWorld();
    const a = w.running('a');
    const b = w.ec2.seedInstance({ name: 'b', region: REGION, state: 'stopped' });
    w.call('StartInstances', { InstanceIds: [b] });
    expect(w.fail('StopInstances', { InstanceIds: [a, b] }).code).toBe('IncorrectInstanceState');
    expect(w.ec2.instance(a)!.state).toBe('running');
  });

  it('reboot: only running; `rebootStarted` at once (once per reboot), `rebooted` after instanceReboot', () => {
    const w = makeWorld();
    const id = w.running();
    expect(w.call('RebootInstances', { InstanceIds: [id] })).toEqual({});
    w.call('RebootInstances', { InstanceIds: [id] }); // joins the reboot in progress
    expect(w.ec2.instance(id)!.state).toBe('running');
    w.advance(defaultDelaysMs.instanceReboot);
    expect(w.events).toEqual([
      { type: 'rebootStarted', instanceId: id },
      { type: 'rebooted', instanceId: id },
    ]);

    const stopped = w.ec2.seedInstance({ name: 's', region: REGION, state: 'stopped' });
    expect(w.fail('RebootInstances', { InstanceIds: [stopped] }).code).toBe('IncorrectInstanceState');
  });

  it('a stop during a reboot cancels the pending `rebooted`', () => {
    const w = makeWorld();
    const id = w.running();
    w.call('RebootInstances', { InstanceIds: [id] });
    w.call('StopInstances', { InstanceIds: [id] });
    w.advance(defaultDelaysMs.instanceStop);
    expect(w.events.some((e) => e.type === 'rebooted')).toBe(false);
  });
});

describe('TerminateInstances', () => {
  it('shutting-down then terminated, and the association ends at once', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'web' });
    const assocId = w.ec2.activeAssociation(id)!.AssociationId;
    const out = w.call('TerminateInstances', { InstanceIds: [id] });
    expect(out.TerminatingInstances[0].CurrentState).toEqual({ Code: 32, Name: 'shutting-down' });
    expect(w.events).toEqual([
      { type: 'instanceState', instanceId: id, state: 'shutting-down', previous: 'running' },
      { type: 'associationEnded', instanceId: id, associationId: assocId, reason: 'terminated' },
    ]);
    expect(w.ec2.activeAssociation(id)).toBeUndefined();
    expect(w.associations()).toEqual([]);
    expect(w.fail('DisassociateIamInstanceProfile', { AssociationId: assocId }).code).toBe(
      'InvalidAssociationID.NotFound',
    );
    w.advance(defaultDelaysMs.instanceStop);
    expect(w.ec2.instance(id)!.state).toBe('terminated');
    expect(
      w.call('TerminateInstances', { InstanceIds: [id] }).TerminatingInstances[0].CurrentState.Name,
    ).toBe('terminated');
  });

  it('terminating a pending instance cancels its boot', () => {
    const w = makeWorld();
    const id = w.call('RunInstances', launch({ IamInstanceProfile: { Name: 'web' } })).Instances[0]
      .InstanceId;
    w.call('TerminateInstances', { InstanceIds: [id] });
    w.advance(60_000);
    expect(w.ec2.instance(id)!.state).toBe('terminated');
    expect(w.events.some((e) => e.type === 'associationSettled')).toBe(false);
    expect(w.events.some((e) => e.type === 'instanceState' && e.state === 'running')).toBe(false);
  });
});
