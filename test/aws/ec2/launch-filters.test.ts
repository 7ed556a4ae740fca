/** RunInstances' stored members, the instance shape, ids, tags and Describe filters with wildcards. */
import { describe, expect, it } from 'vitest';
import { wildcardPattern } from '../../../src/aws/ec2/filters.ts';
import { simulate } from '../../../src/simulate.ts';
import { loadYaml } from '../../helpers/run-yaml.ts';
import { makeWorld } from './world.ts';

const launch = (w: ReturnType<typeof makeWorld>, params: Record<string, unknown> = {}) =>
  w.call('RunInstances', { MinCount: 1, MaxCount: 1, ...params }).Instances[0];

describe('RunInstances keeps what the request says', () => {
  it('stores MetadataOptions and returns them with the members EC2 always returns', () => {
    const w = makeWorld();
    const i = launch(w, {
      ImageId: 'ami-12345678',
      InstanceType: 't3.micro',
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: '2' },
      Placement: { AvailabilityZone: 'eu-west-1b' },
      Monitoring: { Enabled: true },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Role', Value: 'web' }] }],
      SecurityGroupIds: ['sg-12345678'],
      UserData: 'IyEvYmluL3NoCg==',
    });
    expect(i).toMatchObject({
      AmiLaunchIndex: 0,
      ImageId: 'ami-12345678',
      InstanceType: 't3.micro',
      Architecture: 'x86_64',
      Hypervisor: 'xen',
      Monitoring: { State: 'enabled' },
      ProductCodes: [],
      RootDeviceType: 'ebs',
      VirtualizationType: 'hvm',
      Placement: { AvailabilityZone: 'eu-west-1b' },
      MetadataOptions: { State: 'applied', HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
      Tags: [{ Key: 'Role', Value: 'web' }],
    });
    expect(w.ec2.instance(i.InstanceId)?.launch?.metadataOptions.HttpTokens).toBe('required');
    const described = w.call('DescribeInstances', { InstanceIds: [i.InstanceId] }).Reservations[0]
      .Instances[0];
    expect(described).toEqual(i);
  });

  it('shows EbsOptimized as the launch asked, in its echoed place, and the ebs-optimized filter agrees', () => {
    const w = makeWorld();
    const on = launch(w, { EbsOptimized: true });
    const off = launch(w, { EbsOptimized: false });
    const plain = launch(w);
    expect([on.EbsOptimized, off.EbsOptimized, plain.EbsOptimized]).toEqual([true, false, false]);
    // The echoed member keeps the place the request gave it: first, before AmiLaunchIndex.
    expect(Object.keys(on)[0]).toBe('EbsOptimized');
    const described = (id: string) =>
      w.call('DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0].EbsOptimized;
    expect([described(on.InstanceId), described(off.InstanceId)]).toEqual([true, false]);
    const filtered = w
      .call('DescribeInstances', { Filters: [{ Name: 'ebs-optimized', Values: ['true'] }] })
      .Reservations.flatMap((r: { Instances: { InstanceId: string }[] }) =>
        r.Instances.map((i) => i.InstanceId),
      );
    expect(filtered).toEqual([on.InstanceId]);
  });

  it('numbers the instances of one launch with AmiLaunchIndex', () => {
    const w = makeWorld();
    const r = w.call('RunInstances', { MinCount: 3, MaxCount: 3 });
    expect(r.Instances.map((i: { AmiLaunchIndex: number }) => i.AmiLaunchIndex)).toEqual([0, 1, 2]);
  });

  it('refuses reserved tag keys, out-of-range hop limits, enum values outside the model and zones of other regions', () => {
    const w = makeWorld();
    const tag = w.fail('RunInstances', {
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws:owner', Value: 'x' }] }],
    });
    expect([tag.code, tag.message]).toEqual([
      'InvalidParameterValue',
      "Tag keys starting with 'aws:' are reserved for internal use",
    ]);
    expect(
      w.fail('RunInstances', { MinCount: 1, MaxCount: 1, MetadataOptions: { HttpPutResponseHopLimit: 65 } })
        .code,
    ).toBe('InvalidParameterValue');
    const token = w.fail('RunInstances', {
      MinCount: 1,
      MaxCount: 1,
      MetadataOptions: { HttpTokens: 'always' },
    });
    expect(token.message).toBe(
      'Value (always) for parameter MetadataOptions.HttpTokens is invalid. Expected one of: optional, required.',
    );
    expect(
      w.fail('RunInstances', { MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } })
        .message,
    ).toBe('Invalid availability zone: [us-east-1a]');
  });

  it('answers a malformed instance id with InvalidInstanceID.Malformed', () => {
    const w = makeWorld();
    expect(w.fail('DescribeInstances', { InstanceIds: ['i-123'] }).code).toBe('InvalidInstanceID.Malformed');
    expect(w.fail('DescribeInstances', { InstanceIds: ['i-0123456789abcdef0'] }).code).toBe(
      'InvalidInstanceID.NotFound',
    );
  });
});

describe('Describe filters', () => {
  const ids = (r: { Reservations: { Instances: { InstanceId: string }[] }[] }) =>
    r.Reservations.flatMap((x) => x.Instances.map((i) => i.InstanceId)).sort();

  it('find a fleet by tag, tag key, profile, type and zone, with * and ? wildcards', () => {
    const w = makeWorld();
    const web = launch(w, {
      InstanceType: 't3.micro',
      IamInstanceProfile: { Name: 'web' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Role', Value: 'web-blue' }] }],
    }).InstanceId;
    const db = launch(w, {
      InstanceType: 'r5.large',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Tier', Value: 'db' }] }],
    }).InstanceId;
    const describe = (Name: string, Values: string[]) =>
      ids(w.call('DescribeInstances', { Filters: [{ Name, Values }] }));
    expect(describe('tag:Role', ['web-*'])).toEqual([web]);
    expect(describe('tag:Role', ['web-????'])).toEqual([web]);
    expect(describe('tag:Role', ['web-???'])).toEqual([]);
    expect(describe('tag-key', ['Tier'])).toEqual([db]);
    expect(describe('instance-type', ['t3.*', 'r5.large'])).toEqual([web, db].sort());
    expect(describe('availability-zone', ['eu-west-1a'])).toEqual([web, db].sort());
    const profileArn = w.ec2.activeAssociation(web)!.profileArn;
    expect(describe('iam-instance-profile.arn', [profileArn])).toEqual([web]);
    expect(describe('iam-instance-profile.id', ['AIPA*'])).toEqual([web]);
    expect(describe('instance-state-name', ['pending'])).toEqual([web, db].sort());
  });

  it('refuses a filter name the operation does not know, in EC2 wording', () => {
    const w = makeWorld();
    const e = w.fail('DescribeInstances', { Filters: [{ Name: 'flavour', Values: ['x'] }] });
    expect([e.code, e.message]).toEqual(['InvalidParameterValue', "The filter 'flavour' is invalid"]);
    expect(
      w.fail('DescribeIamInstanceProfileAssociations', {
        Filters: [{ Name: 'instance-type', Values: ['x'] }],
      }).code,
    ).toBe('InvalidParameterValue');
  });

  it('escape wildcards with a backslash', () => {
    expect(wildcardPattern('a\\*b').test('a*b')).toBe(true);
    expect(wildcardPattern('a\\*b').test('axb')).toBe(false);
    expect(wildcardPattern('a*').test('a')).toBe(true);
    expect(wildcardPattern('a?').test('a')).toBe(false);
    expect(wildcardPattern('A*').test('abc')).toBe(false);
  });

  it('DescribeInstanceStatus reads initializing, then ok', () => {
    const w = makeWorld();
    const id = launch(w).InstanceId;
    w.advance(60_000);
    const status = () =>
      w.call('DescribeInstanceStatus', { InstanceIds: [id] }).InstanceStatuses[0]?.InstanceStatus.Status;
    expect(status()).toBe('initializing');
    w.advance(5 * 60_000);
    expect(status()).toBe('ok');
  });
});

describe("the scenario's own instances carry their tags", () => {
  it('a runbook finds its fleet by tag, and the untouched fleet is not found', () => {
    const scenario = loadYaml(`
name: by-tag
horizon: 1h
regions: [us-east-1]
roles: [{ name: app-v1, allow: ["s3:GetObject"] }, { name: batch, allow: ["sqs:ReceiveMessage"] }]
instanceProfiles: [{ name: web, role: app-v1 }, { name: batch, role: batch }]
fleets:
  - { name: web, count: 3, region: us-east-1, instanceProfile: web, tags: { Role: web, Team: shop } }
  - { name: batch, count: 2, region: us-east-1, instanceProfile: batch, tags: { Role: batch } }
steps:
  - aws: aws ec2 describe-instances --filters Name=tag:Role,Values=web Name=tag-key,Values=Team
    at: 1m
`);
    const run = simulate(scenario, { seed: 1, timelines: false });
    const response = run.steps[0]!.response as {
      Reservations: { Instances: { Tags: { Key: string; Value: string }[] }[] }[];
    };
    const found = response.Reservations.flatMap((r) => r.Instances);
    expect(found.map((i) => i.Tags)).toEqual(
      ['web-0', 'web-1', 'web-2'].map((name) => [
        { Key: 'Name', Value: name },
        { Key: 'Role', Value: 'web' },
        { Key: 'Team', Value: 'shop' },
      ]),
    );
  });
});
