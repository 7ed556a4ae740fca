/**
 * Requests marked shapeChecked (the strategies' own, built in their operation's input shape) skip
 * the services' shape check, which a fleet's fan-out would pay for on every call. These tests show
 * that the skip cannot change an outcome (every marked request passes the check it skips, for
 * every strategy, batched or not) and that a user's request is still checked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkStructure, frontEndOptions, inputShape } from '../../src/aws/catalogue.ts';
import { Ec2Service } from '../../src/aws/ec2/ec2.ts';
import { type StrategyName, strategyNames } from '../../src/scenario/types.ts';
import { openWorld, simulate } from '../../src/simulate.ts';
import { runSteps } from '../helpers/run-yaml.ts';
import { makeScenario } from '../helpers/scenario.ts';

const invoke = Ec2Service.prototype.invoke;
afterEach(() => {
  Ec2Service.prototype.invoke = invoke;
});

/** Every EC2 request a run makes, with whether it was marked and the shape check's problems. */
function watchEc2(): { operation: string; shapeChecked: boolean; problems: string[] }[] {
  const seen: { operation: string; shapeChecked: boolean; problems: string[] }[] = [];
  Ec2Service.prototype.invoke = function (operation, params, region, shapeChecked = false) {
    const problems = checkStructure('ec2', inputShape('ec2', operation), params, frontEndOptions('ec2'));
    seen.push({ operation, shapeChecked, problems: problems.map((p) => p.message) });
    return invoke.call(this, operation, params, region, shapeChecked);
  };
  return seen;
}

function strategyRun(strategy: StrategyName, batched: boolean) {
  const scenario = makeScenario({ instances: 4, regions: ['us-east-1', 'eu-west-1'], strategy });
  const steps = scenario.steps.map((s) =>
    s.kind === 'strategy' && batched ? { ...s, batch: { count: 2, pauseMs: 60_000 } } : s,
  );
  return simulate({ ...scenario, steps }, { seed: 7 });
}

describe('shapeChecked requests', () => {
  it.each(strategyNames.flatMap((s) => [[s, false] as const, [s, true] as const]))(
    '%s (batched: %s): its EC2 requests are marked, and each passes the shape check it skips',
    (strategy, batched) => {
      const seen = watchEc2();
      strategyRun(strategy, batched);
      // A strategy that calls EC2 marks its requests (all but `disassociate`'s one call).
      const unmarked = seen.filter((s) => !s.shapeChecked).map((s) => s.operation);
      expect([...new Set(unmarked)]).toEqual(
        strategy === 'disassociate' ? ['DisassociateIamInstanceProfile'] : [],
      );
      for (const r of seen.filter((s) => s.shapeChecked)) {
        expect({ operation: r.operation, problems: r.problems }).toEqual({
          operation: r.operation,
          problems: [],
        });
      }
    },
  );

  it('the per-instance strategies mark their EC2 requests', () => {
    const seen = watchEc2();
    strategyRun('replace-profile', true);
    const marked = new Set(seen.filter((s) => s.shapeChecked).map((s) => s.operation));
    expect([...marked].sort()).toEqual([
      'DescribeIamInstanceProfileAssociations',
      'ReplaceIamInstanceProfileAssociation',
    ]);
  });
});

describe('a user-written request is still checked', () => {
  // One instance with a profile, in flow style.
  const world = [
    'name: t',
    'horizon: 1h',
    'regions: [us-east-1]',
    'roles: [{ name: app-v1, allow: ["s3:GetObject"] }]',
    'instanceProfiles: [{ name: web, role: app-v1 }]',
    'instances: [{ name: a, id: i-0123456789abcdef0, region: us-east-1, instanceProfile: web }]',
  ].join('\n');

  it('a runbook call whose substituted value has the wrong type fails the shape check', () => {
    const seen = watchEc2();
    const { result } = runSteps(
      world,
      `
  - call: ec2:DescribeIamInstanceProfileAssociations
    params: { Filters: [{ Name: instance-id, Values: [i-0123456789abcdef0] }] }
    save: { rows: IamInstanceProfileAssociations }
  - call: ec2:DescribeIamInstanceProfileAssociations
    params: { Filters: [{ Name: instance-id, Values: "\${rows}" }] }
    onFailure: continue
`,
      3,
    );
    expect(seen.every((s) => !s.shapeChecked)).toBe(true);
    expect(result.steps[1]?.error?.code).toBe('InvalidParameterValue');
    expect(result.steps[1]?.error?.message).toContain('Filters.0.Values');
  });

  it('a served call with an unknown member is refused', () => {
    const world = openWorld(makeScenario({ instances: 1 }), { seed: 1 });
    const outcome = world.call({
      service: 'ec2',
      operation: 'DescribeIamInstanceProfileAssociations',
      params: { Filters: [{ Name: 'instance-id', Values: ['i-0123456789abcdef0'] }], Bogus: 1 },
      origin: 'serve',
    });
    expect(outcome.error?.code).toBe('UnknownParameter');
  });
});
