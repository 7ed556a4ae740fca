/**
 * Forced re-association: a new association (a new association id) makes IMDS fetch credentials for
 * the profile's current role when it picks the association up, even when it is the same profile
 * seconds later ("To force the change, you must disassociate the instance profile and then
 * associate the instance profile", IAM User Guide). Before, IMDS compared profile ids and kept the
 * old role until its next hourly rotation (686 of 800 instances over 5 minutes on these seeds).
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.ts';
import { loadYaml } from '../helpers/run-yaml.ts';

const SEEDS = 200;

function scenario(waitForView: boolean): string {
  return `
name: reassociate-same-profile
horizon: 3h
regions: [us-east-1]
roles:
  - { name: app-v1, allow: ["s3:GetObject"] }
  - { name: app-v2, allow: ["s3:PutObject"] }
instanceProfiles:
  - { name: web, role: app-v1 }
fleets:
  - { name: web, count: 4, region: us-east-1, instanceProfile: web }
change:
  to: { role: app-v2 }
steps:
  - aws: aws iam remove-role-from-instance-profile --instance-profile-name web --role-name app-v1
    at: 30m
  - aws: aws iam add-role-to-instance-profile --instance-profile-name web --role-name app-v2
${
  waitForView
    ? `  - waitUntil:
      call: iam:GetInstanceProfile
      params: { InstanceProfileName: web }
      path: InstanceProfile.Roles.0.RoleName
      equals: app-v2
      every: 1s
`
    : ''
}  - forEach: { fleet: web }
    steps:
      - aws: aws ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values=\${inst.id}
        save: { associationId: IamInstanceProfileAssociations.0.AssociationId }
      - aws: aws ec2 disassociate-iam-instance-profile --association-id \${associationId}
      # Associate is refused (IncorrectState) while the old association is still disassociating:
      # retry it like an until loop, with no other pause.
      - waitUntil:
          call: ec2:AssociateIamInstanceProfile
          params: { InstanceId: "\${inst.id}", IamInstanceProfile: { Name: web } }
          path: IamInstanceProfileAssociation.State
          equals: associating
          every: 1s
          timeout: 5m
`;
}

function imdsNewRoleMs(waitForView: boolean): number[] {
  const loaded = loadYaml(scenario(waitForView));
  const out: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = simulate(loaded, { seed, timelines: false, responses: false });
    expect(
      r.checks.filter((c) => !c.ok),
      `seed ${seed}`,
    ).toEqual([]);
    for (const i of r.instances) out.push(i.metrics.imdsNewRoleMs ?? Number.POSITIVE_INFINITY);
  }
  return out;
}

describe('disassociate + associate of the same profile forces fresh credentials', () => {
  it(`once the region's IAM view shows the swapped role, every instance gets it within 5 minutes (${SEEDS} seeds)`, () => {
    const ms = imdsNewRoleMs(true);
    expect(Math.max(...ms)).toBeLessThan(5 * 60 * 1000);
  });

  it('without waiting for the view, only a fetch that lands before the swap reaches the region waits for the next rotation', () => {
    // AWS's procedure waits first: "You must then wait for the change to appear across all of AWS
    // because of eventual consistency. To force the change, you must disassociate ... and then
    // associate" (AddRoleToInstanceProfile, IAM API reference); this form skips the wait.
    // The tail left is IAM propagation (iamPropagation p99 60 s, at most 2 min): EC2 resolves the
    // profile's role through the region's view, so a fetch that lands first still gets app-v1 (or
    // a profile without role) and IMDS keeps that until its next rotation. Measured: 174 of 800
    // over 5 minutes (before this change: 686 of 800).
    const ms = imdsNewRoleMs(false);
    const over = ms.filter((v) => v > 5 * 60 * 1000).length;
    expect(over).toBeLessThan(ms.length * 0.3);
    expect(over).toBeGreaterThan(0);
  });
});
