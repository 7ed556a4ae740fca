/**
 * One catalogue for `validate` and `run`: for every supported operation and every member of its
 * input shape, a scenario calling the operation with that member loads, and the run does not refuse
 * the member (it may still fail for a reason of state, which validate cannot know). A member that
 * is not in the model is refused by both, naming the member.
 */

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  checkStructure,
  frontEndOptions,
  inputShape,
  models,
  operationNames,
  type ServiceName,
  type Shape,
  serviceNames,
  shapeOf,
} from '../../src/aws/catalogue.ts';
import { Ec2Service } from '../../src/aws/ec2/ec2.ts';
import { iamOperationNames } from '../../src/aws/iam/iam.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { simulate } from '../../src/simulate.ts';

/** Strings that satisfy the models' string shapes; the first that fits a shape is used. */
const CANDIDATE_STRINGS = [
  'web',
  '/',
  'arn:aws:iam::123456789012:policy/boundary',
  '{"Version":"2012-10-17","Statement":[]}',
];

function sample(service: ServiceName, shape: Shape, depth: number): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      if (depth > 3) return out;
      for (const name of shape.required ?? []) {
        out[name] = sample(service, shapeOf(service, shape.members![name]!.shape), depth + 1);
      }
      return out;
    }
    case 'list':
      return [sample(service, shapeOf(service, shape.member!.shape), depth + 1)];
    case 'map':
      return {};
    case 'integer':
    case 'long':
      return Math.max(shape.min ?? 5, 5);
    case 'double':
    case 'float':
      return 1;
    case 'boolean':
      return false;
    default: {
      if (shape.enum !== undefined) return shape.enum[0];
      const fits = CANDIDATE_STRINGS.find(
        (s) =>
          s.length >= (shape.min ?? 0) &&
          s.length <= (shape.max ?? Number.MAX_SAFE_INTEGER) &&
          (shape.pattern === undefined || new RegExp(`^(?:${shape.pattern})$`, 'u').test(s)),
      );
      if (fits === undefined) throw new Error(`no sample string fits ${JSON.stringify(shape)}`);
      return fits;
    }
  }
}

function paramsWith(service: ServiceName, operation: string, member: string): Record<string, unknown> {
  const shape = inputShape(service, operation);
  const params: Record<string, unknown> = {};
  for (const name of [...(shape.required ?? []), member]) {
    params[name] = sample(service, shapeOf(service, shape.members![name]!.shape), 1);
  }
  if (service === 'ec2' && 'InstanceIds' in params) params.InstanceIds = ['i-0123456789abcdef0'];
  if ('InstanceId' in params) params.InstanceId = 'i-0123456789abcdef0';
  if ('DryRun' in params) params.DryRun = false;
  return params;
}

function scenarioText(call: string, params: Record<string, unknown>): string {
  return stringify({
    name: 'member',
    seed: 1,
    horizon: '10m',
    regions: ['us-east-1'],
    roles: [{ name: 'web', allow: ['s3:GetObject'] }],
    instanceProfiles: [{ name: 'web', role: 'web' }],
    instances: [{ name: 'a', id: 'i-0123456789abcdef0', region: 'us-east-1', instanceProfile: 'web' }],
    steps: [{ call, params }],
  });
}

/** Errors that mean "the request's structure was refused": validate should have refused it too. */
function isShapeRefusal(error: { code: string; message: string } | undefined): boolean {
  if (error === undefined) return false;
  if (error.code === 'UnknownParameter' || error.code === 'InvalidAction') return true;
  return /Expected (a|an|one of)|must be of type/.test(error.message);
}

const cases = serviceNames.flatMap((service) =>
  operationNames(service).flatMap((operation) =>
    Object.keys(inputShape(service, operation).members ?? {}).map((member) => ({
      service,
      operation,
      member,
    })),
  ),
);

describe('the operation catalogue', () => {
  it('lists exactly the operations the services implement', () => {
    expect([...iamOperationNames].sort()).toEqual([...operationNames('iam')].sort());
    const ec2 = new Ec2Service({ regions: [] } as never);
    const unknown = operationNames('ec2').filter((op) => {
      try {
        ec2.invoke(op, {}, 'nowhere');
        return false;
      } catch (e) {
        return (e as { code?: string }).code === 'InvalidAction';
      }
    });
    expect(unknown).toEqual([]);
  });

  it('records its source', () => {
    for (const service of serviceNames) {
      expect(models[service].source.package).toBe('botocore');
      expect(models[service].source.version).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it(`every member of every supported operation loads and is accepted by run (${cases.length} members)`, () => {
    const refused: string[] = [];
    for (const { service, operation, member } of cases) {
      const params = paramsWith(service, operation, member);
      const loaded = loadScenario(scenarioText(`${service}:${operation}`, params));
      if (!loaded.ok) {
        refused.push(`${service}:${operation}.${member}: validate refused: ${loaded.problems[0]?.message}`);
        continue;
      }
      const result = simulate(loaded.scenario, { seed: 1 });
      const step = result.steps[0]!;
      if (isShapeRefusal(step.error)) {
        refused.push(
          `${service}:${operation}.${member}: run refused: ${step.error!.code} ${step.error!.message}`,
        );
      }
    }
    expect(refused).toEqual([]);
  });

  it('names every problem by its path: members by name, list items by index', () => {
    const problems = checkStructure(
      'ec2',
      inputShape('ec2', 'DescribeIamInstanceProfileAssociations'),
      {
        Filters: [
          { Name: 'instance-id', Values: ['i-1', 7] },
          { Nme: 'x', Values: 'not-a-list' },
        ],
        MaxResults: 'many',
        Bogus: 1,
      },
      frontEndOptions('ec2'),
    );
    expect(problems.map((p) => [p.kind, p.path])).toEqual([
      ['type', 'Filters.0.Values.1'],
      ['unknown', 'Filters.1.Nme'],
      ['type', 'Filters.1.Values'],
      ['type', 'MaxResults'],
      ['unknown', 'Bogus'],
    ]);
    expect(problems[3]!.message).toBe(
      'Value (many) for parameter MaxResults is invalid. Expected an integer.',
    );
    const nested = checkStructure(
      'ec2',
      shapeOf('ec2', 'Filter'),
      { Values: [1] },
      frontEndOptions('ec2'),
      'Top',
    );
    expect(nested.map((p) => p.path)).toEqual(['Top.Values.0']);
  });

  it('a member outside the model is refused by validate and by run, both naming it', () => {
    for (const service of serviceNames) {
      for (const operation of operationNames(service)) {
        const params = {
          ...paramsWith(
            service,
            operation,
            Object.keys(inputShape(service, operation).members ?? {})[0] ?? 'x',
          ),
          Bogus: 'x',
        };
        const refusedByLoad = loadScenario(scenarioText(`${service}:${operation}`, params));
        expect(refusedByLoad.ok, `${service}:${operation}`).toBe(false);
        if (!refusedByLoad.ok) {
          expect(refusedByLoad.problems.map((p) => p.message).join('\n')).toContain(
            'unknown parameter Bogus',
          );
        }
        // The run side: the same call with the member slipped in after loading.
        const { Bogus: _, ...valid } = params;
        const loaded = loadScenario(scenarioText(`${service}:${operation}`, valid));
        if (!loaded.ok) throw new Error(`${service}:${operation}: ${loaded.problems[0]?.message}`);
        const step = loaded.scenario.steps[0]!;
        const scenario = { ...loaded.scenario, steps: [{ ...step, params: { ...valid, Bogus: 'x' } }] };
        const error = simulate(scenario, { seed: 1 }).steps[0]!.error;
        expect(error?.code, `${service}:${operation}`).toMatch(/UnknownParameter|ValidationError/);
        expect(error?.message).toContain('Bogus');
      }
    }
  });
});
