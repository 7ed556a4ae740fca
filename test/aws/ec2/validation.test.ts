/** Every bad input is an AwsError in EC2's wording, and a failed call changes nothing. */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../../src/aws/errors.ts';
import { makeWorld, REGION, type World } from './world.ts';

/** A world with one instance of each interesting kind, and a function that reads its whole state. */
function populated() {
  const w = makeWorld();
  const running = w.ec2.seedInstance({ name: 'r', region: REGION, state: 'running', profileName: 'web' });
  const bare = w.running('bare');
  const assocId = w.ec2.activeAssociation(running)!.AssociationId;
  const fingerprint = () =>
    JSON.stringify({
      instances: w.call('DescribeInstances', {}),
      associations: w.call('DescribeIamInstanceProfileAssociations', {}),
      pending: w.scheduler.pendingCount,
      events: w.events.length,
    });
  return { w, running, bare, assocId, fingerprint };
}

type Case = readonly [operation: string, params: unknown, code: string];

function cases(running: string, bare: string, assocId: string): Case[] {
  return [
    ['NoSuchOperation', {}, 'InvalidAction'],
    ['RunInstances', 'not an object', 'InvalidParameterValue'],
    ['RunInstances', [], 'InvalidParameterValue'],
    ['RunInstances', {}, 'MissingParameter'],
    ['RunInstances', { MinCount: 1 }, 'MissingParameter'],
    ['RunInstances', { MinCount: 0, MaxCount: 1 }, 'InvalidParameterValue'],
    ['RunInstances', { MinCount: 2, MaxCount: 1 }, 'InvalidParameterValue'],
    ['RunInstances', { MinCount: 1.5, MaxCount: 2 }, 'InvalidParameterValue'],
    ['RunInstances', { MinCount: '1', MaxCount: 'two' }, 'InvalidParameterValue'],
    ['RunInstances', { MinCount: 1, MaxCount: 1, Bogus: 1 }, 'UnknownParameter'],
    ['RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: 'web' }, 'InvalidParameterValue'],
    ['RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: {} }, 'MissingParameter'],
    ['RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Id: 'x' } }, 'UnknownParameter'],
    ['RunInstances', { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 7 } }, 'InvalidParameterValue'],
    [
      'RunInstances',
      { MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'nope' } },
      'InvalidParameterValue',
    ],
    ['RunInstances', { MinCount: 1, MaxCount: 1, TagSpecifications: 'x' }, 'InvalidParameterValue'],
    ['RunInstances', { MinCount: 1, MaxCount: 1, TagSpecifications: [{ Tags: [] }] }, 'MissingParameter'],
    [
      'RunInstances',
      { MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [1] }] },
      'InvalidParameterValue',
    ],
    ['RunInstances', { MinCount: 1, MaxCount: 1, DryRun: true }, 'DryRunOperation'],
    ['RunInstances', { MinCount: 1, MaxCount: 1, DryRun: 'maybe' }, 'InvalidParameterValue'],
    ['DescribeInstances', { InstanceIds: 'i-1' }, 'InvalidParameterValue'],
    ['DescribeInstances', { InstanceIds: [''] }, 'InvalidParameterValue'],
    ['DescribeInstances', { Filters: {} }, 'InvalidParameterValue'],
    ['DescribeInstances', { Filters: [{ Values: ['x'] }] }, 'MissingParameter'],
    ['DescribeInstances', { Filters: [{ Name: 'vpc-id', Values: ['x'] }] }, 'InvalidParameterValue'],
    ['DescribeInstances', { Filters: [{ Name: 'instance-id', Values: 'x' }] }, 'InvalidParameterValue'],
    ['StopInstances', {}, 'MissingParameter'],
    ['StopInstances', { InstanceIds: [] }, 'MissingParameter'],
    ['StopInstances', { InstanceIds: [running, 'i-00000000000000000'] }, 'InvalidInstanceID.NotFound'],
    ['StopInstances', { InstanceIds: [running], DryRun: true }, 'DryRunOperation'],
    ['StartInstances', { InstanceIds: [running, 'bad'] }, 'InvalidInstanceID.Malformed'],
    ['RebootInstances', { InstanceIds: null }, 'MissingParameter'],
    ['TerminateInstances', { InstanceIds: [running], Hibernate: true }, 'UnknownParameter'],
    ['TerminateInstances', { InstanceIds: [running], DryRun: true }, 'DryRunOperation'],
    ['AssociateIamInstanceProfile', { InstanceId: bare }, 'MissingParameter'],
    ['AssociateIamInstanceProfile', { IamInstanceProfile: { Name: 'web' } }, 'MissingParameter'],
    [
      'AssociateIamInstanceProfile',
      { InstanceId: 42, IamInstanceProfile: { Name: 'web' } },
      'InvalidParameterValue',
    ],
    [
      'AssociateIamInstanceProfile',
      { InstanceId: bare, IamInstanceProfile: { Name: 'nope' } },
      'InvalidParameterValue',
    ],
    [
      'AssociateIamInstanceProfile',
      { InstanceId: running, IamInstanceProfile: { Name: 'other' } },
      'IncorrectState',
    ],
    [
      'AssociateIamInstanceProfile',
      { InstanceId: 'i-00000000000000000', IamInstanceProfile: { Name: 'web' } },
      'InvalidInstanceID.NotFound',
    ],
    ['DescribeIamInstanceProfileAssociations', { AssociationIds: 'x' }, 'InvalidParameterValue'],
    ['DescribeIamInstanceProfileAssociations', { MaxResults: 3 }, 'InvalidParameterValue'],
    ['DescribeIamInstanceProfileAssociations', { DryRun: true }, 'UnknownParameter'],
    ['ReplaceIamInstanceProfileAssociation', { AssociationId: assocId }, 'MissingParameter'],
    ['ReplaceIamInstanceProfileAssociation', { IamInstanceProfile: { Name: 'web' } }, 'MissingParameter'],
    [
      'ReplaceIamInstanceProfileAssociation',
      { AssociationId: assocId, IamInstanceProfile: { Arn: 'arn:x' } },
      'InvalidParameterValue',
    ],
    ['DisassociateIamInstanceProfile', {}, 'MissingParameter'],
    ['DisassociateIamInstanceProfile', { AssociationId: ['x'] }, 'InvalidParameterValue'],
  ];
}

describe('bad input', () => {
  it('every bad call throws an AwsError with the expected code and changes nothing', () => {
    const { w, running, bare, assocId, fingerprint } = populated();
    const before = fingerprint();
    for (const [operation, params, code] of cases(running, bare, assocId)) {
      let thrown: unknown;
      try {
        w.ec2.invoke(operation, params, REGION);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `${operation} ${JSON.stringify(params)}`).toBeInstanceOf(AwsError);
      expect((thrown as AwsError).code, `${operation} ${JSON.stringify(params)}`).toBe(code);
      expect((thrown as AwsError).statusCode).toBeGreaterThanOrEqual(400);
      expect(fingerprint(), `${operation} ${JSON.stringify(params)}`).toBe(before);
    }
  });

  it('failed calls draw no ids and no delays: the next launch is the same as in an untouched world', () => {
    const launchOnce = (world: World) =>
      world.call('RunInstances', { MinCount: 2, MaxCount: 2, IamInstanceProfile: { Name: 'web' } });
    const a = populated();
    for (const [operation, params] of cases(a.running, a.bare, a.assocId)) {
      try {
        a.w.ec2.invoke(operation, params, REGION);
      } catch {
        // expected
      }
    }
    const b = populated();
    expect(launchOnce(a.w)).toEqual(launchOnce(b.w));
  });

  it('an unknown region is InvalidRegion', () => {
    const w = makeWorld();
    expect(w.fail('DescribeInstances', {}, 'mars-north-1').code).toBe('InvalidRegion');
  });

  it('accepts undefined or null params as an empty request', () => {
    const w = makeWorld();
    expect(w.ec2.invoke('DescribeInstances', undefined, REGION)).toEqual({ Reservations: [] });
    expect(w.ec2.invoke('DescribeIamInstanceProfileAssociations', null, REGION)).toEqual({
      IamInstanceProfileAssociations: [],
    });
  });
});
