/**
 * Removing the role from a profile, with nothing added (issue 17, after the field research it
 * cites: instances kept using the removed role's credentials for hours; re-adding the same role
 * did not refresh them; deleting the role did end their use):
 * - IMDS keeps serving the set it issued until it expires, and iam/info says the profile holds no role;
 * - re-adding the same role is picked up only at the next scheduled rotation;
 * - deleting the role (its inline policies must go first: DeleteConflict otherwise) ends the old
 *   credentials' use through enforcement: once the policy deletion reaches the region, nothing
 *   allows the calls, while IMDS still serves the same, now useless, set.
 */
import { describe, expect, it } from 'vitest';
import { type Credentials, copyCredentials } from '../../src/instance/credentials.ts';
import { simulate, type WorldView } from '../../src/simulate.ts';
import { loadYaml } from '../helpers/run-yaml.ts';

const M = 60_000;

function scenario(steps: string): string {
  return `
name: remove-role
seed: 4
horizon: 5h
regions: [us-east-1]
roles:
  - { name: app-v1, allow: ["s3:GetObject"] }
instanceProfiles:
  - { name: web, role: app-v1 }
instances:
  - { name: a, id: i-0123456789abcdef0, region: us-east-1, instanceProfile: web, probe: { action: "s3:GetObject", every: 1m } }
steps:
${steps}`;
}

interface Sample {
  readonly atMs: number;
  readonly origin: string;
  readonly info: string;
  readonly creds: Credentials | undefined;
}

/** Runs the scenario and samples IMDS at every recorded call (observers only read). */
function runSampling(text: string, seed = 4) {
  const scenario = loadYaml(text);
  let world: WorldView | undefined;
  const samples: Sample[] = [];
  const result = simulate(scenario, {
    seed,
    observers: [
      {
        attach: (w) => {
          world = w;
        },
        callExecuted: (record) => {
          const imds = world!.runtimes.get('a')!.imds;
          samples.push({
            atMs: record.atMs,
            origin: record.origin,
            info: imds.info,
            creds: imds.creds === undefined ? undefined : copyCredentials(imds.creds),
          });
        },
      },
    ],
  });
  return { result, samples, offsetMs: world!.offsetMs };
}

describe('removing the role from a profile', () => {
  it('keeps the issued set, reports no role, and re-adding the same role waits for the next rotation', () => {
    const { samples, offsetMs } = runSampling(
      scenario(`
  - aws: aws iam remove-role-from-instance-profile --instance-profile-name web --role-name app-v1
    at: 30m
  - aws: aws iam get-role --role-name app-v1
    at: 3h
  - aws: aws iam add-role-to-instance-profile --instance-profile-name web --role-name app-v1
  - aws: aws iam get-role --role-name app-v1
    after: 2m
  - aws: aws iam get-role --role-name app-v1
    after: 70m
`),
    );
    const at = (origin: string) => samples.find((s) => s.origin === origin)!;
    const removed = at('steps.1');
    // Still the set issued before the removal, still valid 2.5 hours later; iam/info: no role.
    expect(removed.info).toBe('noRole');
    expect(removed.creds?.roleName).toBe('app-v1');
    expect(removed.creds!.issuedAtMs - offsetMs).toBeLessThan(30 * M);
    expect(removed.creds!.expiresAtMs - offsetMs).toBeGreaterThan(3 * 60 * M);
    // Re-added: iam/info says ok at once, but the served set is the same until the rotation.
    const readded = at('steps.3');
    expect(readded.info).toBe('ok');
    expect(readded.creds?.accessKeyId).toBe(removed.creds?.accessKeyId);
    const later = at('steps.4');
    expect(later.creds?.accessKeyId).not.toBe(removed.creds?.accessKeyId);
    expect(later.creds!.issuedAtMs - offsetMs).toBeGreaterThan(3 * 60 * M);
  });

  it('deleting the role ends the old credentials through enforcement; IMDS still serves the same set', () => {
    const { result, samples } = runSampling(
      scenario(`
  - aws: aws iam remove-role-from-instance-profile --instance-profile-name web --role-name app-v1
    at: 30m
  - aws: aws iam delete-role --role-name app-v1
    expect: DeleteConflict
  - aws: aws iam delete-role-policy --role-name app-v1 --policy-name iamsim-allow
  - aws: aws iam delete-role --role-name app-v1
    expect: ok
  - aws: aws iam list-instance-profiles
    at: 1h
`),
    );
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    const before = samples.find((s) => s.origin === 'steps.0')!;
    const after = samples.find((s) => s.origin === 'steps.4')!;
    expect(after.creds?.accessKeyId).toBe(before.creds?.accessKeyId);
    // Allowed until the deletion reached enforcement (policyPropagation, at most 5 min), denied after.
    const probes = result.instances[0]!.probes;
    const minutesAfterDelete = (5 * 60 - 30) * 1;
    expect(probes.denied).toBeGreaterThan(minutesAfterDelete - 6);
    expect(probes.denied).toBeLessThanOrEqual(minutesAfterDelete + 1);
  });
});
