/**
 * EC2's describes of one instance (its associations, which a strategy asks once per instance; the
 * instance itself, which a waiter polls) take a shorter path for the request the simulator makes;
 * their answers must be the ones the general path gives.
 */
import { describe, expect, it } from 'vitest';
import { makeWorld, OTHER_REGION, REGION, type World } from './world.ts';

const OP = 'DescribeIamInstanceProfileAssociations';

/**
 * The answer to `params` in `region` as asked, marked shapeChecked or not, and through the general
 * path (the same request with a MaxResults no answer here reaches, which the short path declines),
 * or the error each throws.
 */
function paths(w: World, params: Record<string, unknown>, region = REGION) {
  const answer = (p: unknown, shapeChecked: boolean) => {
    try {
      return { ok: w.ec2.invoke(OP, p, region, shapeChecked) };
    } catch (e) {
      return { error: String(e) };
    }
  };
  return {
    marked: answer(params, true),
    unmarked: answer(params, false),
    general: answer({ ...params, MaxResults: 1000 }, false),
  };
}

const byInstance = (id: string) => ({ Filters: [{ Name: 'instance-id', Values: [id] }] });

describe('DescribeIamInstanceProfileAssociations of one instance', () => {
  it('answers as the general path in every association state, region and form', () => {
    const w = makeWorld();
    const none = w.running('none');
    const associated = w.ec2.seedInstance({
      name: 'a',
      region: REGION,
      state: 'running',
      profileName: 'web',
    });
    const associating = w.running('b');
    w.call('AssociateIamInstanceProfile', { InstanceId: associating, IamInstanceProfile: { Name: 'web' } });
    const leaving = w.ec2.seedInstance({ name: 'c', region: REGION, state: 'running', profileName: 'web' });
    w.call('DisassociateIamInstanceProfile', {
      AssociationId: w.ec2.activeAssociation(leaving)!.AssociationId,
    });
    const elsewhere = w.ec2.seedInstance({
      name: 'd',
      region: OTHER_REGION,
      state: 'running',
      profileName: 'web',
    });
    const requests = [
      ...[none, associated, associating, leaving, elsewhere].map(byInstance),
      byInstance('i-0123456789abcdef0'),
      byInstance('i-*'),
      { Filters: [{ Name: 'instance-id', Values: [associated, associating] }] },
      { Filters: [{ Name: 'state', Values: ['associated'] }] },
      { ...byInstance(associated), MaxResults: 5 },
      {},
    ];
    let answered = 0;
    for (const params of requests) {
      for (const region of [REGION, OTHER_REGION]) {
        const { marked, unmarked, general } = paths(w, params, region);
        expect({ params, region, answer: marked }).toEqual({ params, region, answer: general });
        expect({ params, region, answer: unmarked }).toEqual({ params, region, answer: general });
        if ('ok' in marked)
          answered += (marked.ok as { IamInstanceProfileAssociations: unknown[] })
            .IamInstanceProfileAssociations.length;
      }
    }
    // Not all empty: the comparison saw associations in each live state.
    expect(answered).toBeGreaterThan(4);
  });
});

/** The answer to `params` in `region` as text (member order included), or the error thrown. */
function answerText(w: World, op: string, params: unknown, region = REGION, shapeChecked = false): string {
  try {
    return JSON.stringify(w.ec2.invoke(op, params, region, shapeChecked));
  } catch (e) {
    return String(e);
  }
}

describe('DescribeInstances of one instance', () => {
  it('answers as the general path, byte for byte, in every state, region and launch form', () => {
    const w = makeWorld();
    const seeded = w.ec2.seedInstance({
      name: 'a',
      region: REGION,
      state: 'running',
      profileName: 'web',
      tags: [{ Key: 'team', Value: 'x' }],
    });
    const bare = w.running('b');
    const elsewhere = w.ec2.seedInstance({ name: 'c', region: OTHER_REGION, state: 'stopped' });
    const launch = (params: Record<string, unknown>) =>
      (
        w.call('RunInstances', { MinCount: 1, MaxCount: 1, ...params }).Instances as { InstanceId: string }[]
      )[0]!.InstanceId;
    const launched = [
      launch({}),
      launch({ KeyName: 'k' }),
      launch({ ClientToken: 'tok', EbsOptimized: true, SubnetId: 'subnet-1' }),
      launch({
        KeyName: 'k',
        Placement: { AvailabilityZone: `${REGION}b` },
        Monitoring: { Enabled: true },
        MetadataOptions: { HttpTokens: 'required' },
        IamInstanceProfile: { Name: 'web' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'l' }] }],
      }),
    ];
    const ids = [seeded, bare, elsewhere, ...launched, 'i-0123456789abcdef0', 'i-bad'];
    const leaving = () =>
      w.call('DisassociateIamInstanceProfile', {
        AssociationId: w.ec2.activeAssociation(seeded)!.AssociationId,
      });
    // Pending, running, stopping (the profile hidden while disassociating), stopped, terminated.
    const phases = [
      () => {},
      () => w.advance(600_000),
      () => {
        leaving();
        w.call('StopInstances', { InstanceIds: [bare, launched[0]] });
      },
      () => w.advance(600_000),
      () => w.call('TerminateInstances', { InstanceIds: [launched[1]] }),
    ];
    const states = new Set<string>();
    for (const phase of phases) {
      phase();
      for (const id of ids) {
        for (const region of [REGION, OTHER_REGION]) {
          const params = { InstanceIds: [id] };
          // DryRun false changes nothing but takes the general path.
          const general = answerText(w, 'DescribeInstances', { ...params, DryRun: false }, region);
          for (const shapeChecked of [true, false]) {
            const answer = answerText(w, 'DescribeInstances', params, region, shapeChecked);
            expect({ id, region, answer }).toEqual({ id, region, answer: general });
          }
          const state = /"State":\{"Code":\d+,"Name":"([a-z-]+)"/.exec(general)?.[1];
          if (state !== undefined) states.add(state);
        }
      }
    }
    // Not all errors: the comparison saw instances in each state.
    expect([...states].sort()).toEqual(['pending', 'running', 'shutting-down', 'stopped', 'stopping']);
  });

  it('shares only frozen parts between responses, so no caller can change a later answer', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'web' });
    const first = w.call('DescribeInstances', { InstanceIds: [id] });
    const before = JSON.stringify(first);
    const instance = first.Reservations[0].Instances[0];
    // ESM is strict: a write to a frozen part throws.
    expect(() => instance.Tags.push({ Key: 'x', Value: 'y' })).toThrow(TypeError);
    expect(() => {
      instance.Tags[0].Value = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      instance.State.Name = 'stopped';
    }).toThrow(TypeError);
    expect(() => {
      instance.Placement.AvailabilityZone = 'nowhere';
    }).toThrow(TypeError);
    expect(() => instance.ProductCodes.push('p')).toThrow(TypeError);
    // The response's own object is the caller's to change.
    instance.InstanceType = 'changed';
    expect(JSON.stringify(w.call('DescribeInstances', { InstanceIds: [id] }))).toBe(before);
  });
});

describe('DescribeInstances of one instance in transition', () => {
  it('gives the kept answer, frozen, until the state it shows changes', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'web' });
    const poll = () => w.call('DescribeInstances', { InstanceIds: [id] });
    const stateOf = (answer: { Reservations: { Instances: { State: { Name: string } }[] }[] }) =>
      answer.Reservations[0]!.Instances[0]!.State.Name;
    // Settled: a new answer each time, the caller's own.
    expect(poll()).not.toBe(poll());
    w.call('StopInstances', { InstanceIds: [id] });
    const stopping = poll();
    expect(stateOf(stopping)).toBe('stopping');
    expect(poll()).toBe(stopping);
    expect(Object.isFrozen(stopping.Reservations[0].Instances[0].IamInstanceProfile)).toBe(true);
    expect(() => {
      stopping.Reservations[0].Instances[0].InstanceType = 'changed';
    }).toThrow(TypeError);
    expect(() => stopping.Reservations.push({})).toThrow(TypeError);
    w.advance(600_000);
    expect(stateOf(poll())).toBe('stopped');
    w.call('StartInstances', { InstanceIds: [id] });
    const pending = poll();
    expect(stateOf(pending)).toBe('pending');
    expect(poll()).toBe(pending);
    expect(JSON.stringify(pending)).toBe(
      JSON.stringify(w.call('DescribeInstances', { InstanceIds: [id], DryRun: false })),
    );
  });
});
