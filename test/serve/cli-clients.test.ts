/**
 * The AWS CLI (v1) and boto3 against `iamsim serve`: a subset of the profile operations, with the
 * eventual-consistency race, through each client's own parsers; the outcomes must equal those of
 * `iamsim run` on the session's recording. Where a client is not on the machine the test is
 * skipped with a printed reason.
 */
import { execFile, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  type ClientOutcome,
  expectSameAsRun,
  policyText,
  runPython,
  type Served,
  withServer,
} from './helpers.ts';

type Step =
  | { readonly advance: number }
  | { readonly service: 'iam' | 'ec2'; readonly op: string; readonly params: Record<string, unknown> };

/** The subset: the race (associate too early, then after the propagation delay) and the neighbours. */
function steps(served: Served): Step[] {
  const batch = served.server.imds.find((i) => i.instance === 'batch')!.instanceId;
  const associate = {
    service: 'ec2',
    op: 'AssociateIamInstanceProfile',
    params: { InstanceId: batch, IamInstanceProfile: { Name: 'cli-p' } },
  } as const;
  return [
    {
      service: 'iam',
      op: 'CreateInstanceProfile',
      params: { InstanceProfileName: 'cli-p', Tags: [{ Key: 'k', Value: 'v' }] },
    },
    {
      service: 'iam',
      op: 'AddRoleToInstanceProfile',
      params: { InstanceProfileName: 'cli-p', RoleName: 'app-v2' },
    },
    associate,
    { service: 'iam', op: 'GetInstanceProfile', params: { InstanceProfileName: 'cli-p' } },
    { advance: 150_000 },
    { service: 'iam', op: 'GetInstanceProfile', params: { InstanceProfileName: 'cli-p' } },
    associate,
    {
      service: 'ec2',
      op: 'DescribeIamInstanceProfileAssociations',
      params: { Filters: [{ Name: 'instance-id', Values: [batch] }] },
    },
    { service: 'iam', op: 'ListInstanceProfilesForRole', params: { RoleName: 'app-v2' } },
    {
      service: 'ec2',
      op: 'RunInstances',
      params: { ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'cli-p' } },
    },
    {
      service: 'iam',
      op: 'RemoveRoleFromInstanceProfile',
      params: { InstanceProfileName: 'cli-p', RoleName: 'app-v2' },
    },
    { service: 'iam', op: 'DeleteInstanceProfile', params: { InstanceProfileName: 'nope' } },
  ];
}

/** Timestamps in whatever ISO form a client prints them (`+00:00`, `.000Z`), compared as instants. */
function sameInstants(value: unknown): unknown {
  return instants(policyText(value));
}

function instants(value: unknown): unknown {
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(value))
    return new Date(value).toISOString();
  if (Array.isArray(value)) return value.map(instants);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, instants(v)]));
  return value;
}

function kebab(name: string): string {
  return name.replace(/(?<!^)(?=[A-Z])/g, '-').toLowerCase();
}

function available(command: string, args: string[]): string | undefined {
  const probe = spawnSync(command, args, { encoding: 'utf8' });
  return probe.status === 0 ? `${probe.stdout}${probe.stderr}`.trim() : undefined;
}

const awsCli = available('aws', ['--version']);
const boto3 = available('python3', ['-c', 'import boto3; print(boto3.__version__)']);
if (awsCli === undefined) console.log('skipped the AWS CLI test: `aws` is not on this machine');
if (boto3 === undefined) console.log('skipped the boto3 test: python3 with boto3 is not on this machine');

describe('other clients against iamsim serve', () => {
  it.skipIf(awsCli === undefined)(
    `the AWS CLI (${awsCli})`,
    async () => {
      const outcomes: ClientOutcome[] = [];
      const recording = await withServer({}, async (served) => {
        const env = {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'AKIAOPERATORAWSCLI',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_MAX_ATTEMPTS: '1',
          AWS_RETRY_MODE: 'standard',
          AWS_PAGER: '',
        };
        for (const step of steps(served)) {
          if ('advance' in step) {
            await served.advance(step.advance);
            continue;
          }
          const args = [
            '--endpoint-url',
            served.server.url,
            '--output',
            'json',
            step.service,
            kebab(step.op),
          ];
          args.push('--cli-input-json', JSON.stringify(step.params));
          const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
            execFile('aws', args, { env, timeout: 30_000 }, (error, stdout, stderr) =>
              resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
            );
          });
          const call = `${step.service}:${step.op}`;
          if (result.code === 0) {
            outcomes.push({
              call,
              ok: true,
              response: result.stdout.trim() === '' ? {} : JSON.parse(result.stdout),
            });
          } else {
            const m =
              /An error occurred \(([^)]+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(
                result.stderr,
              );
            expect(m, result.stderr).not.toBeNull();
            outcomes.push({ call, ok: false, error: { code: m![1]!, message: m![2]!.trim() } });
          }
        }
        return served.session.recordingYaml();
      });
      expect(outcomes.find((o) => o.call === 'ec2:AssociateIamInstanceProfile')?.error?.code).toBe(
        'InvalidParameterValue',
      );
      // The CLI pages through list operations itself and prints no IsTruncated / Marker.
      const withoutPaging = (v: unknown): unknown => {
        const same = sameInstants(v);
        if (same === null || typeof same !== 'object' || Array.isArray(same)) return same;
        const { IsTruncated: _t, Marker: _m, NextToken: _n, ...rest } = same as Record<string, unknown>;
        return rest;
      };
      await expectSameAsRun(outcomes, recording, withoutPaging);
    },
    120_000,
  );

  it.skipIf(boto3 === undefined)(
    `boto3 ${boto3}`,
    async () => {
      const recordingAndOutcomes = await withServer({}, async (served) => {
        const out = await runPython('boto3_calls.py', [served.server.url], JSON.stringify(steps(served)));
        return {
          recording: served.session.recordingYaml(),
          outcomes: JSON.parse(out) as (ClientOutcome & { className?: string })[],
        };
      });
      const { outcomes, recording } = recordingAndOutcomes;
      // boto3 raises the modelled class for IAM errors (NoSuchEntityException for NoSuchEntity).
      const missing = outcomes.find((o) => o.call === 'iam:DeleteInstanceProfile')!;
      expect(missing.className).toBe('NoSuchEntityException');
      await expectSameAsRun(
        outcomes.map(({ className: _, ...o }) => o),
        recording,
        sameInstants,
      );
    },
    120_000,
  );
});
