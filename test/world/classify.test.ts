import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuthzState } from '../../src/aws/iam/types.ts';
import { changePlan } from '../../src/change-plan.ts';
import { IssuedCredentials } from '../../src/instance/credentials.ts';
import type { RegionView } from '../../src/replication/store.ts';
import { type ClassifiedInstance, CredentialClassifier } from '../../src/world/classify.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { makeScenario } from '../helpers/scenario.ts';

const REVOKED_BEFORE_MS = 1_000;
const allow = (...actions: string[]) => ({ Effect: 'Allow' as const, Action: actions });
const v1 = { RoleName: 'app-v1', statements: [allow('s3:GetObject', 'sqs:SendMessage')] };
const v2 = { RoleName: 'app-v2', statements: [allow('s3:GetObject', 'dynamodb:GetItem')] };
/** Enforcement snapshots: plain; app-v1 revoked for sets issued before REVOKED_BEFORE_MS; app-v1 gone. */
const snapshots: readonly AuthzState[] = [
  { roles: { R1: v1, R2: v2 } },
  {
    roles: {
      R1: {
        ...v1,
        statements: [
          ...v1.statements,
          { Effect: 'Deny', Action: ['*'], tokenIssuedBeforeMs: REVOKED_BEFORE_MS },
        ],
      },
      R2: v2,
    },
  },
  { roles: { R2: v2 } },
];
/** SCPs that deny app-v2 everything for sets issued before REVOKED_BEFORE_MS. */
const scp: AuthzState = {
  roles: {
    R2: {
      RoleName: 'app-v2',
      statements: [{ Effect: 'Deny', Action: ['*'], tokenIssuedBeforeMs: REVOKED_BEFORE_MS }],
    },
  },
};

function instance(classifier: CredentialClassifier, withScp: boolean): ClassifiedInstance {
  const view = (state: AuthzState): RegionView<AuthzState> => ({
    region: 'r',
    version: 0,
    state,
    appliedAtMs: 0,
  });
  return {
    oldRole: 'app-v1',
    oldPermissions: classifier.permissionsOfScenarioRole('app-v1'),
    authzView: view(snapshots[0]!),
    scpView: withScp ? view(scp) : undefined,
    probeIndex: classifier.actionIndex('sqs:SendMessage'),
    classifiedSnapshot: undefined,
    classifiedRoleId: undefined,
    classifiedRoleName: undefined,
    classifiedState: undefined,
  };
}

describe('CredentialClassifier', () => {
  it('law: an instance that keeps its last answer answers as one asked afresh every time', () => {
    const scenario = makeScenario({ instances: 1, strategy: 'replace-profile', probeEveryMs: 60_000 });
    const classifier = new CredentialClassifier(scenario, changePlan(scenario));
    // A question: which snapshot is in force, which role's set, issued when (either side of the revocation).
    const questionArb = fc.tuple(
      fc.nat({ max: snapshots.length - 1 }),
      fc.constantFrom(['R1', 'app-v1'], ['R2', 'app-v2']),
      fc.nat({ max: 2 * REVOKED_BEFORE_MS }),
    );
    fc.assert(
      fc.property(fc.boolean(), fc.array(questionArb, { maxLength: 30 }), (withScp, questions) => {
        const kept = instance(classifier, withScp);
        let key = 0;
        for (const [s, [roleId, roleName], issuedAtMs] of questions) {
          const creds = new IssuedCredentials(0, key++, roleName, roleId, issuedAtMs, issuedAtMs + 10_000);
          kept.authzView.state = snapshots[s]!;
          const fresh = instance(classifier, withScp);
          fresh.authzView.state = snapshots[s]!;
          expect(classifier.classify(kept, creds)).toBe(classifier.classify(fresh, creds));
        }
      }),
      propertyOptions(300),
    );
  });

  it('tells revoked sets of a role from later ones under the same snapshot', () => {
    const scenario = makeScenario({ instances: 1, strategy: 'replace-profile', probeEveryMs: 60_000 });
    const classifier = new CredentialClassifier(scenario, changePlan(scenario));
    const inst = instance(classifier, false);
    inst.authzView.state = snapshots[1]!;
    const before = new IssuedCredentials(0, 0, 'app-v1', 'R1', REVOKED_BEFORE_MS - 1, 10_000);
    const after = new IssuedCredentials(0, 1, 'app-v1', 'R1', REVOKED_BEFORE_MS, 10_000);
    expect(classifier.classify(inst, before)).toMatchObject({ kind: 'denied', probeAllowed: false });
    expect(classifier.classify(inst, after)).toMatchObject({ kind: 'old', probeAllowed: true });
    expect(classifier.classify(inst, before)).toMatchObject({ kind: 'denied' });
  });
});
