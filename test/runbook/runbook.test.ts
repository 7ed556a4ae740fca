/** Runbooks as operators write them: set -e, CLI retries, waitUntil matchers and AWS waiters. */
import { describe, expect, it } from 'vitest';
import { models, serviceNames } from '../../src/aws/catalogue.ts';
import { backoffMs, isRetryable } from '../../src/runbook/retry.ts';
import { searchPath } from '../../src/runbook/waiters.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { runSteps } from '../helpers/run-yaml.ts';

const WORLD = `
name: t
seed: 3
horizon: 2h
regions: [us-east-1, eu-west-1]
roles:
  - { name: app-v1, allow: ["s3:GetObject"] }
  - { name: app-v2, allow: ["s3:PutObject"] }
instanceProfiles:
  - { name: web, role: app-v1 }
instances:
  - { name: a, id: i-0123456789abcdef0, region: us-east-1, instanceProfile: web }
`;

const run = (steps: string, extra = '', seed = 3) => runSteps(`${WORLD}${extra}`, steps, seed).result;

const failures = (r: ReturnType<typeof run>) => r.checks.filter((c) => !c.ok);

describe('set -e', () => {
  const steps = `
  - call: iam:GetInstanceProfile
    params: { InstanceProfileName: nope }
    expect: ok
  - aws: aws iam get-role --role-name app-v1
  - aws: aws iam get-role --role-name app-v2
`;
  it('a failed expect stops the runbook; the rest is reported as not run', () => {
    const r = run(steps);
    expect(r.steps.map((s) => s.call)).toEqual(['iam:GetInstanceProfile']);
    const stop = failures(r).find((c) => c.detail.includes('not run'));
    expect(stop?.detail).toContain('not run: steps.1, steps.2');
    expect(stop?.name).toBe('runbook steps.0');
  });

  it('onFailure: continue goes on', () => {
    const r = run(steps.replace('expect: ok', 'expect: ok\n    onFailure: continue'));
    expect(r.steps.map((s) => s.call)).toEqual(['iam:GetInstanceProfile', 'iam:GetRole', 'iam:GetRole']);
    expect(failures(r).some((c) => c.detail.includes('not run'))).toBe(false);
  });

  it('a timed-out waitUntil stops the runbook, also inside forEach', () => {
    const r = run(`
  - forEach: { instances: [a] }
    steps:
      - waitUntil:
          call: iam:GetRole
          params: { RoleName: app-v1 }
          path: Role.RoleName
          equals: nobody
          timeout: 10s
      - aws: aws iam get-role --role-name app-v2
  - aws: aws iam get-role --role-name app-v2
`);
    expect(r.steps.every((s) => s.call === 'iam:GetRole' && s.ok)).toBe(true);
    expect(failures(r).map((c) => c.detail)).toEqual([
      'waitUntil timed out after 10s: Role.RoleName never equalled "nobody"',
      'the runbook stopped here (set -e; onFailure: continue goes on); not run: steps.0.steps.1, steps.1',
    ]);
  });
});

describe('retries as the AWS CLI makes them', () => {
  const pause = `
faults:
  - controlPlanePause: { from: 0s, to: 1h }
`;
  it('standard mode: 3 attempts on a 5xx, jittered backoff, then the failure stands', () => {
    const r = run(`  - aws: aws iam create-instance-profile --instance-profile-name p2\n`, pause);
    expect(r.steps.map((s) => s.error?.code)).toEqual(['ServiceFailure', 'ServiceFailure', 'ServiceFailure']);
    // Delay before retry i is rand × min(2^(i-1), 20) s, plus the API latency of the next call.
    const gap1 = r.steps[1]!.atMs - r.steps[0]!.atMs;
    const gap2 = r.steps[2]!.atMs - r.steps[1]!.atMs;
    expect(gap1).toBeLessThan(1000 + 5000);
    expect(gap2).toBeLessThan(2000 + 5000);
  });

  it('legacy mode makes 5 attempts; maxAttempts overrides; a step may set its own', () => {
    expect(
      run(
        `  - aws: aws iam create-instance-profile --instance-profile-name p2\n`,
        `${pause}\nretry: { mode: legacy }`,
      ).steps,
    ).toHaveLength(5);
    expect(
      run(
        `  - aws: aws iam create-instance-profile --instance-profile-name p2\n    retry: { mode: standard, maxAttempts: 7 }\n`,
        pause,
      ).steps,
    ).toHaveLength(7);
  });

  it('does not retry a client error', () => {
    expect(run(`  - aws: aws iam get-role --role-name nobody\n`).steps).toHaveLength(1);
  });

  it('an expect judges the final attempt only', () => {
    const r = run(
      `  - aws: aws iam create-instance-profile --instance-profile-name p2\n    expect: ok\n    retry: { mode: standard, maxAttempts: 10 }\n`,
      `
faults:
  - controlPlanePause: { from: 0s, to: 2s }
`,
    );
    expect(r.steps.at(-1)?.ok).toBe(true);
    expect(r.steps.filter((s) => s.expect !== undefined)).toHaveLength(1);
    expect(failures(r)).toEqual([]);
  });

  it('a built-in strategy rides out a few minutes of control-plane pause, and gives up on a long one', () => {
    const strategy = `
  - strategy: swap-role-in-profile
    targets: { instances: [a] }
    to: { role: app-v2 }
    at: 1m
`;
    const short = run(strategy, `\nfaults:\n  - controlPlanePause: { from: 1m, to: 3m }\n`);
    expect(short.steps.some((s) => s.error?.code === 'ServiceFailure')).toBe(true);
    expect(short.steps.filter((s) => s.call === 'iam:AddRoleToInstanceProfile').at(-1)?.ok).toBe(true);
    expect(failures(short)).toEqual([]);
    const long = run(strategy, `\nfaults:\n  - controlPlanePause: { from: 1m, to: 1h }\n`);
    expect(failures(long)[0]?.detail).toMatch(/^gave up after \d+ attempts: ServiceFailure$/);
  });

  it('the rules follow botocore', () => {
    const err = (code: string, statusCode: number) => ({ code, statusCode, message: '' });
    expect(isRetryable('standard', 'iam', err('ServiceFailure', 500))).toBe(true);
    expect(isRetryable('standard', 'ec2', err('RequestLimitExceeded', 503))).toBe(true);
    expect(isRetryable('standard', 'iam', err('Throttling', 400))).toBe(true);
    expect(isRetryable('standard', 'iam', err('NoSuchEntity', 404))).toBe(false);
    expect(isRetryable('legacy', 'iam', err('Throttling', 400))).toBe(true);
    expect(isRetryable('legacy', 'iam', err('RequestLimitExceeded', 503))).toBe(true);
    expect(isRetryable('legacy', 'iam', err('RequestLimitExceeded', 400))).toBe(false);
    expect(isRetryable('legacy', 'iam', err('InvalidParameterValue', 400))).toBe(false);
    expect(backoffMs('standard', 1, 0.5)).toBe(500);
    expect(backoffMs('standard', 10, 0.5)).toBe(10_000);
    expect(backoffMs('legacy', 10, 0.5)).toBe(256_000);
  });
});

describe('waitUntil matchers', () => {
  it('absent, length and in', () => {
    const r = run(
      `
  - call: ec2:DisassociateIamInstanceProfile
    params: { AssociationId: "\${assoc}" }
    at: 0s
  - waitUntil:
      call: ec2:DescribeIamInstanceProfileAssociations
      params: { Filters: [{ Name: instance-id, Values: [i-0123456789abcdef0] }] }
      path: IamInstanceProfileAssociations
      length: 0
      timeout: 5m
  - waitUntil:
      call: ec2:DescribeIamInstanceProfileAssociations
      params: { Filters: [{ Name: instance-id, Values: [i-0123456789abcdef0] }] }
      path: IamInstanceProfileAssociations.0
      absent: true
  - waitUntil:
      call: ec2:DescribeInstances
      params: { InstanceIds: [i-0123456789abcdef0] }
      path: Reservations.0.Instances.0.State.Name
      in: [running, stopped]
`.replace(
        '  - call: ec2:DisassociateIamInstanceProfile\n    params: { AssociationId: "${assoc}" }\n    at: 0s\n',
        `  - call: ec2:DescribeIamInstanceProfileAssociations
    save: { assoc: IamInstanceProfileAssociations.0.AssociationId }
  - call: ec2:DisassociateIamInstanceProfile
    params: { AssociationId: "\${assoc}" }
`,
      ),
    );
    expect(failures(r)).toEqual([]);
    const polls = r.steps.filter((s) => s.origin === 'steps.2');
    expect(polls.length).toBeGreaterThan(1);
  });

  it('exactly one matcher per waitUntil', () => {
    const loaded = loadScenario(`${WORLD}
steps:
  - waitUntil: { call: iam:GetRole, params: { RoleName: app-v1 }, path: Role, absent: true, length: 0 }
`);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok)
      expect(loaded.problems[0]?.message).toBe(
        'give exactly one of equals, absent, length or in (got absent, length)',
      );
  });
});

describe('AWS CLI waiters', () => {
  it('aws iam wait instance-profile-exists polls every second until GetInstanceProfile answers', () => {
    const r = run(`
  - aws: aws iam create-instance-profile --instance-profile-name p2
    region: eu-west-1
  - aws: aws iam wait instance-profile-exists --instance-profile-name p2
    region: eu-west-1
  - aws: aws iam get-instance-profile --instance-profile-name p2
    region: eu-west-1
    expect: ok
`);
    expect(failures(r)).toEqual([]);
    const polls = r.steps.filter((s) => s.origin === 'steps.1');
    expect(polls.at(-1)?.ok).toBe(true);
    for (let i = 1; i < polls.length; i++)
      expect(polls[i]!.atMs - polls[i - 1]!.atMs).toBeGreaterThanOrEqual(1000);
  });

  it('aws ec2 wait instance-running / instance-stopped follow the 15 s delay', () => {
    const r = run(`
  - aws: aws ec2 stop-instances --instance-ids i-0123456789abcdef0
  - aws: aws ec2 wait instance-stopped --instance-ids i-0123456789abcdef0
  - aws: aws ec2 start-instances --instance-ids i-0123456789abcdef0
    expect: ok
  - aws: aws ec2 wait instance-running --instance-ids i-0123456789abcdef0
  - aws: aws ec2 wait instance-status-ok --instance-ids i-0123456789abcdef0
`);
    expect(failures(r)).toEqual([]);
    const polls = r.steps.filter((s) => s.origin === 'steps.1');
    for (let i = 1; i < polls.length; i++)
      expect(polls[i]!.atMs - polls[i - 1]!.atMs).toBeGreaterThanOrEqual(15_000);
  });

  it('a waiter that runs out fails like the CLI (exit 255) and stops the runbook', () => {
    const r = run(`
  - aws: aws ec2 wait instance-stopped --instance-ids i-0123456789abcdef0
  - aws: aws iam get-role --role-name app-v1
`);
    const polls = r.steps.filter((s) => s.origin === 'steps.0');
    expect(polls).toHaveLength(40);
    expect(failures(r).map((c) => c.detail)).toEqual([
      'ec2 wait instance-stopped failed (exit status 255): Waiter InstanceStopped failed: Max attempts exceeded',
      'the runbook stopped here (set -e; onFailure: continue goes on); not run: steps.1',
    ]);
  });

  it('an unknown waiter is refused at load time', () => {
    const loaded = loadScenario(
      `${WORLD}\nsteps:\n  - aws: aws iam wait profile-exists --instance-profile-name p\n`,
    );
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.problems[0]?.message).toContain('unknown iam waiter "profile-exists"');
  });

  it('every vendored waiter expression is in the supported JMESPath subset', () => {
    for (const service of serviceNames) {
      for (const w of Object.values(models[service].waiters)) {
        for (const a of w.acceptors)
          if (a.argument !== undefined) expect(() => searchPath(a.argument!, {})).not.toThrow();
      }
    }
    expect(
      searchPath('Reservations[].Instances[].State.Name', {
        Reservations: [
          { Instances: [{ State: { Name: 'a' } }, { State: { Name: 'b' } }] },
          { Instances: [] },
        ],
      }),
    ).toEqual(['a', 'b']);
  });
});
