/** Console procedures expand into the calls the console makes, visible in the run's steps. */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.ts';
import { scenarioToYaml } from '../../src/scenario/to-yaml.ts';
import { runSteps } from '../helpers/run-yaml.ts';

const WORLD = `
name: console
seed: 2
horizon: 1h
regions: [us-east-1]
roles:
  - { name: app-v1, allow: ["s3:GetObject"] }
instanceProfiles:
  - { name: web, role: app-v1 }
`;

const run = (steps: string) => runSteps(WORLD, steps, 2);

const calls = (r: ReturnType<typeof run>['result']) =>
  r.steps.map((s) => `${s.call} ${s.ok ? 'ok' : s.error?.code}`);

describe('console procedures', () => {
  it('create-role-for-ec2 makes the role and a same-name profile holding it; launch-with-role picks that profile', () => {
    const { result } = run(`
  - console: create-role-for-ec2
    role: app-v2
    allow: ["s3:PutObject"]
  - wait: 2m
  - console: launch-with-role
    instanceProfile: app-v2
    count: 2
`);
    expect(calls(result)).toEqual([
      'iam:CreateRole ok',
      'iam:PutRolePolicy ok',
      'iam:CreateInstanceProfile ok',
      'iam:AddRoleToInstanceProfile ok',
      'iam:ListInstanceProfiles ok',
      'ec2:RunInstances ok',
    ]);
    expect(result.steps[0]!.origin).toBe('steps.0 (console create-role-for-ec2)');
    const run_ = result.steps[5]!.response as { Instances: { IamInstanceProfile: { Arn: string } }[] };
    expect(run_.Instances).toHaveLength(2);
    expect(run_.Instances[0]!.IamInstanceProfile.Arn).toBe(
      'arn:aws:iam::123456789012:instance-profile/app-v2',
    );
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('launch-with-role lists instance profile names, not role names', () => {
    const { result } = run(`
  - console: launch-with-role
    instanceProfile: app-v1
`);
    expect(calls(result)).toEqual(['iam:ListInstanceProfiles ok']);
    expect(result.checks.find((c) => !c.ok)?.detail).toBe(
      "the console's IAM role list (instance profile names) has no app-v1: web",
    );
  });

  it('delete-role deletes the role with its same-name profile, and refuses a role held by another profile', () => {
    const { result } = run(`
  - console: create-role-for-ec2
    role: app-v2
    allow: ["s3:PutObject"]
  - wait: 3m
  - console: delete-role
    role: app-v2
  - console: delete-role
    role: app-v1
`);
    expect(calls(result).slice(4)).toEqual([
      'iam:ListInstanceProfilesForRole ok',
      'iam:ListRolePolicies ok',
      'iam:DeleteRolePolicy ok',
      'iam:RemoveRoleFromInstanceProfile ok',
      'iam:DeleteInstanceProfile ok',
      'iam:DeleteRole ok',
      'iam:ListInstanceProfilesForRole ok',
    ]);
    expect(result.checks.find((c) => !c.ok)?.detail).toBe(
      'the console deletes a role only with its same-name instance profile; app-v1 is also in web',
    );
  });

  it('round-trips through YAML and refuses arguments a procedure does not take', () => {
    const { scenario } = run(`
  - console: create-role-for-ec2
    role: app-v2
    onFailure: continue
`);
    const again = loadScenario(scenarioToYaml(scenario));
    expect(again.ok && again.scenario.steps).toEqual(
      scenario.steps.map((s) => ({ ...s, source: expect.anything() })),
    );
    const bad = loadScenario(`${WORLD}\nsteps:\n  - console: delete-role\n    instanceProfile: web\n`);
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.problems.map((p) => p.message)).toEqual([
        'console delete-role needs role',
        'console delete-role takes no instanceProfile',
      ]);
  });
});
