/** Seeding the initial world, and the per-instance random streams that keep runs comparable. */
import { describe, expect, it } from 'vitest';
import type { DistributionSpec } from '../../../src/engine/index.ts';
import { makeWorld, profile, REGION } from './world.ts';

describe('seedInstance', () => {
  it('creates the instance with its association already associated, scheduling and emitting nothing', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ name: 'web-1', region: REGION, state: 'running', profileName: 'web' });
    expect(w.ec2.instance(id)).toMatchObject({
      id,
      name: 'web-1',
      region: REGION,
      state: 'running',
      launchTimeMs: 0,
    });
    expect(w.ec2.activeAssociation(id)).toMatchObject({
      State: 'associated',
      profileId: w.iam.control.profiles.web!.InstanceProfileId,
    });
    expect(w.scheduler.pendingCount).toBe(0);
    expect(w.events).toEqual([]);
    const stopped = w.ec2.seedInstance({ name: 'idle', region: REGION, state: 'stopped' });
    expect(w.ec2.instance(stopped)!.state).toBe('stopped');
    expect(w.ec2.activeAssociation(stopped)).toBeUndefined();
    expect(w.ec2.instancesIn(REGION).map((i) => i.name)).toEqual(['web-1', 'idle']);
  });

  it('a seeded instance has its own reservation and a Name tag before the scenario tags', () => {
    const w = makeWorld();
    const plain = w.ec2.seedInstance({ name: 'web-1', region: REGION, state: 'running' });
    const tagged = w.ec2.seedInstance({
      name: 'web-2',
      region: REGION,
      state: 'running',
      tags: [{ Key: 'team', Value: 'blue' }],
    });
    const rows = w
      .call('DescribeInstances', {})
      .Reservations.map(
        (r: { ReservationId: string; Instances: { InstanceId: string; Tags: unknown }[] }) => [
          r.ReservationId,
          r.Instances.map((i) => [i.InstanceId, i.Tags]),
        ],
      );
    expect(rows).toEqual([
      [`r-${plain.slice(2)}`, [[plain, [{ Key: 'Name', Value: 'web-1' }]]]],
      [
        `r-${tagged.slice(2)}`,
        [
          [
            tagged,
            [
              { Key: 'Name', Value: 'web-2' },
              { Key: 'team', Value: 'blue' },
            ],
          ],
        ],
      ],
    ]);
    const ids = (filter: unknown) =>
      w
        .call('DescribeInstances', { Filters: [filter] })
        .Reservations.flatMap((r: { Instances: { InstanceId: string }[] }) =>
          r.Instances.map((i) => i.InstanceId),
        );
    expect(ids({ Name: 'reservation-id', Values: [`r-${tagged.slice(2)}`] })).toEqual([tagged]);
    expect(ids({ Name: 'tag:Name', Values: ['web-1'] })).toEqual([plain]);
    expect(ids({ Name: 'tag-key', Values: ['team'] })).toEqual([tagged]);
  });

  it('resolves the profile through the IAM control plane, not the region view', () => {
    const w = makeWorld({ iamDelayMs: 5_000 });
    w.putProfile(profile('fresh', 'WebRole'));
    const id = w.ec2.seedInstance({ name: 'a', region: REGION, state: 'running', profileName: 'Fresh' });
    expect(w.ec2.activeAssociation(id)!.profileId).toBe(profile('fresh').InstanceProfileId);
  });

  it('keeps an explicit id and never draws it again; rejects duplicates, unknown regions and profiles', () => {
    const w = makeWorld();
    const id = w.ec2.seedInstance({ id: 'i-0123456789abcdef0', name: 'a', region: REGION, state: 'running' });
    expect(id).toBe('i-0123456789abcdef0');
    expect(w.call('DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0].InstanceId).toBe(
      id,
    );
    expect(() => w.ec2.seedInstance({ id, name: 'b', region: REGION, state: 'running' })).toThrow(
      /already used/,
    );
    expect(() => w.ec2.seedInstance({ name: 'c', region: 'mars-1', state: 'running' })).toThrow(
      /not modelled/,
    );
    expect(() => w.ec2.seedInstance({ id: 'web-1', name: 'e', region: REGION, state: 'running' })).toThrow(
      /not of the form/,
    );
    expect(() =>
      w.ec2.seedInstance({ name: 'd', region: REGION, state: 'running', profileName: 'nope' }),
    ).toThrow(/does not exist/);
  });
});

describe('random streams', () => {
  const lognormal: DistributionSpec = { kind: 'lognormal', medianMs: 30_000, p99Ms: 120_000 };

  /** When the instance `i-…a1` reaches `stopped` after a stop at t=0, in a world with `others` more instances. */
  function stoppedAtMs(others: number): number {
    const w = makeWorld({ delaySpecs: { instanceStop: lognormal, instanceStart: lognormal } });
    for (let i = 0; i < others; i++)
      w.ec2.seedInstance({
        id: `i-${String(i).padStart(17, '0')}`,
        name: `o${i}`,
        region: REGION,
        state: 'running',
      });
    const id = w.ec2.seedInstance({ id: 'i-00000000000000aa1', name: 'x', region: REGION, state: 'running' });
    const all = w.ec2.instancesIn(REGION).map((i) => i.id);
    w.call('StopInstances', { InstanceIds: all });
    let at = -1;
    w.ec2.onEvent((e) => {
      if (e.type === 'instanceState' && e.instanceId === id && e.state === 'stopped') at = w.scheduler.nowMs;
    });
    w.advance(3_600_000);
    return at;
  }

  it('an instance draws its delays from its own stream: adding instances does not change its timing', () => {
    const alone = stoppedAtMs(0);
    expect(alone).toBeGreaterThan(0);
    expect(stoppedAtMs(5)).toBe(alone);
    expect(stoppedAtMs(50)).toBe(alone);
  });

  it('the same seed gives the same run', () => {
    const run = () => {
      const w = makeWorld({ delaySpecs: { associationSettle: lognormal, instanceStart: lognormal } });
      const trace: string[] = [];
      w.ec2.onEvent((e) => trace.push(`${w.scheduler.nowMs} ${JSON.stringify(e)}`));
      w.call('RunInstances', { MinCount: 5, MaxCount: 5, IamInstanceProfile: { Name: 'web' } });
      w.advance(600_000);
      return trace;
    };
    const first = run();
    // 5 launches, 5 boots, 5 settled associations.
    expect(first.length).toBe(15);
    expect(run()).toEqual(first);
  });
});
