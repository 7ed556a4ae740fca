import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/result.ts';
import { DeferredSteps } from '../../src/world/deferred-steps.ts';

describe('DeferredSteps', () => {
  it('gives back the plain records in order, as stepRecord makes them, after the records already there', () => {
    const steps = new DeferredSteps();
    const records: StepRecord[] = [
      { index: 0, atMs: 0, call: 'iam:GetRole', region: 'us-east-1', ok: true, origin: 'steps[0]' },
    ];
    steps.push(1, 12.5, 'ec2:DescribeIamInstanceProfileAssociations', 'eu-west-1', true, 'o (a)');
    steps.push(2, 13.25, 'ec2:ReplaceIamInstanceProfileAssociation', 'eu-west-1', false, 'o (a)');
    steps.push(3, -0.5, 'ec2:DescribeIamInstanceProfileAssociations', 'us-east-1', true, 'o (b)');
    expect(steps.length).toBe(3);
    steps.flush(records);
    expect(steps.length).toBe(0);
    expect(JSON.stringify(records)).toBe(
      JSON.stringify([
        { index: 0, atMs: 0, call: 'iam:GetRole', region: 'us-east-1', ok: true, origin: 'steps[0]' },
        {
          index: 1,
          atMs: 12.5,
          call: 'ec2:DescribeIamInstanceProfileAssociations',
          region: 'eu-west-1',
          ok: true,
          origin: 'o (a)',
        },
        {
          index: 2,
          atMs: 13.25,
          call: 'ec2:ReplaceIamInstanceProfileAssociation',
          region: 'eu-west-1',
          ok: false,
          origin: 'o (a)',
        },
        {
          index: 3,
          atMs: -0.5,
          call: 'ec2:DescribeIamInstanceProfileAssociations',
          region: 'us-east-1',
          ok: true,
          origin: 'o (b)',
        },
      ]),
    );
    // Flushed once: a second flush adds nothing, and later pushes follow.
    steps.flush(records);
    steps.push(4, 20, 'iam:GetRole', 'us-east-1', true, 'steps[1]');
    steps.flush(records);
    expect(records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
  });
});
