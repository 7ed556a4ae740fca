/** aws lines of paginated operations page through the results and merge them, as the CLI does. */
import { describe, expect, it } from 'vitest';
import { runSteps } from '../helpers/run-yaml.ts';

const WORLD = `
name: pages
seed: 2
horizon: 1h
regions: [us-east-1]
roles:
  - { name: app-v1, allow: ["s3:GetObject"] }
instanceProfiles:
  - { name: web, role: app-v1 }
fleets:
  - { name: web, count: 12, region: us-east-1, instanceProfile: web }
`;

const run = (steps: string) => runSteps(WORLD, steps, 2).result;

describe('CLI pagination in aws lines', () => {
  it('--page-size 5 makes three calls and one merged answer', () => {
    const r = run(`
  - aws: aws ec2 describe-iam-instance-profile-associations --page-size 5
    save: { last: IamInstanceProfileAssociations.11.AssociationId }
  - aws: aws ec2 describe-iam-instance-profile-associations --page-size 5
    save: { none: IamInstanceProfileAssociations.12.AssociationId }
    onFailure: continue
`);
    const pages = r.steps.filter((s) => s.origin === 'steps.0');
    expect(pages).toHaveLength(3);
    expect(
      pages.map(
        (p) =>
          (p.response as { IamInstanceProfileAssociations: unknown[] }).IamInstanceProfileAssociations.length,
      ),
    ).toEqual([5, 5, 2]);
    // The 12th association was saved from the merged answer; there is no 13th.
    expect(r.checks.filter((c) => !c.ok).map((c) => c.detail)).toEqual([
      'save none: nothing at IamInstanceProfileAssociations.12.AssociationId in the response',
    ]);
  });

  it('--max-items returns a NextToken that --starting-token resumes from, mid-page included', () => {
    const r = run(`
  - aws: aws ec2 describe-iam-instance-profile-associations --page-size 5 --max-items 7
    save: { token: NextToken, seventh: IamInstanceProfileAssociations.6.AssociationId }
  - aws: aws ec2 describe-iam-instance-profile-associations --page-size 5 --starting-token \${token}
    save: { eighth: IamInstanceProfileAssociations.0.AssociationId, rest: IamInstanceProfileAssociations.4.AssociationId }
  - aws: aws ec2 describe-iam-instance-profile-associations
    save: { all: IamInstanceProfileAssociations }
`);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
    const all = (
      r.steps.at(-1)!.response as { IamInstanceProfileAssociations: { AssociationId: string }[] }
    ).IamInstanceProfileAssociations.map((a) => a.AssociationId);
    const second = r.steps.filter((s) => s.origin === 'steps.1');
    const resumed = second.flatMap(
      (s) =>
        (s.response as { IamInstanceProfileAssociations: { AssociationId: string }[] })
          .IamInstanceProfileAssociations,
    );
    // The resumed command refetches the 7th page-start and skips the 2 items already returned.
    expect(resumed.map((a) => a.AssociationId).slice(2)).toEqual(all.slice(7));
  });
});
