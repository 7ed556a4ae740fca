/**
 * Properties over generated incidents (fixed fast-check seed; FC_SEED / FC_PATH replay a failure,
 * see test/helpers/fc.ts): exposure is never negative, no stolen credential is usable after it
 * expires, and, once the foothold is gone, no response lengthens the exposure compared with no
 * response on the same seed (common random numbers). The pure judgement (exposure.ts) is checked
 * on generated credentials and enforcement histories as well.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuthzState } from '../../src/aws/iam/types.ts';
import {
  type EnforcementSnapshot,
  type HeldCredential,
  usableIntervals,
} from '../../src/incident/exposure.ts';
import { responseNames } from '../../src/scenario/incident.ts';
import type { StrategyName } from '../../src/scenario/types.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { DETECTION_MS, H, M, outcome, runIncident } from './world.ts';

const responses: StrategyName[] = [
  ...responseNames,
  'stop-start',
  'replace-profile',
  'replace-profile-revoke',
];

const incidentArb = (footholdMaxMin: number) =>
  fc.record({
    seed: fc.integer({ min: 1, max: 10_000 }),
    response: fc.constantFrom(...responses),
    atMin: fc.integer({ min: 30, max: 150 }),
    footholdMin: fc.integer({ min: 1, max: footholdMaxMin }),
    via: fc.constantFrom('ssrf', 'shell'),
    tokens: fc.constantFrom('optional', 'required'),
    from: fc.constantFrom('outside-aws', 'instance'),
    perimeter: fc.boolean(),
    chainEveryMin: fc.option(fc.integer({ min: 10, max: 70 }), { nil: undefined }),
    counterMove: fc.boolean(),
  });

type Generated = ReturnType<typeof incidentArb> extends fc.Arbitrary<infer T> ? T : never;

function run(g: Generated, response: StrategyName) {
  return runIncident(response, g.seed, {
    horizon: '12h',
    fleet: { imds: { tokens: g.tokens } },
    incident: {
      at: `${g.atMin}m`,
      foothold: `${g.footholdMin}m`,
      via: g.via,
      from: g.from,
      ...(g.chainEveryMin === undefined
        ? {}
        : { chain: { role: 'data-reader', every: `${g.chainEveryMin}m` } }),
      ...(g.counterMove ? { counterMove: {} } : {}),
    },
    top: g.perimeter ? { dataPerimeter: { roles: ['web-app'] } } : {},
  });
}

describe('generated incidents', () => {
  it('exposure is never negative, and nothing is usable after the last stolen credential expires', () => {
    fc.assert(
      fc.property(incidentArb(4 * 60), (g) => {
        const o = outcome(run(g, g.response));
        for (const v of [
          o.attackerExposureMs,
          o.attackerExposureFromResponseMs,
          o.attackerAllowedCalls,
          o.chainedAfterResponseMs,
        ]) {
          if (v !== null) expect(v).toBeGreaterThanOrEqual(0);
        }
        if (o.theftMs === null) {
          expect(o.attackerExposureMs).toBe(0);
          return;
        }
        // Usable until at most the expiry of the last credential held (the horizon is 12 h).
        expect(o.heldUntilMs).not.toBeNull();
        if (o.heldUntilMs! < 12 * H) expect(o.attackerExposureMs).not.toBeNull();
        if (o.attackerExposureMs !== null)
          expect(o.theftMs + o.attackerExposureMs).toBeLessThanOrEqual(o.heldUntilMs!);
      }),
      propertyOptions(30),
    );
  });

  it('once the foothold is gone, no response lengthens the exposure of the same seed', () => {
    fc.assert(
      fc.property(incidentArb(DETECTION_MS / M - 1), (g) => {
        const none = outcome(run(g, 'none'));
        const r = outcome(run(g, g.response));
        expect(r.theftMs).toBe(none.theftMs);
        if (none.attackerExposureMs === null) return; // unbounded either way is not longer
        expect(r.attackerExposureMs).not.toBeNull();
        expect(r.attackerExposureMs!).toBeLessThanOrEqual(none.attackerExposureMs);
        if (r.attackerAllowedCalls !== null)
          expect(r.attackerAllowedCalls).toBeLessThanOrEqual(none.attackerAllowedCalls!);
      }),
      propertyOptions(30),
    );
  });
});

describe('the judgement of held credentials', () => {
  const deny = (beforeMs?: number): AuthzState => ({
    roles: {
      R1: {
        RoleName: 'r',
        statements: [
          { Effect: 'Allow', Action: ['s3:GetObject'] },
          ...(beforeMs === undefined
            ? []
            : [{ Effect: 'Deny' as const, Action: ['*'], tokenIssuedBeforeMs: beforeMs }]),
        ],
      },
    },
  });
  const snapshotArb = fc.record({
    atMs: fc.integer({ min: 0, max: 20 * H }),
    denyBeforeMs: fc.option(fc.integer({ min: 0, max: 20 * H }), { nil: undefined }),
    scp: fc.boolean(),
  });

  it('a credential is never usable before it was acquired or after it expires, in any region', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(snapshotArb, { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 10 * H }),
        fc.integer({ min: 0, max: 7 * H }),
        fc.integer({ min: 0, max: 3 * H }),
        (regions, issuedAtMs, lifeMs, lagMs) => {
          const history = new Map<string, EnforcementSnapshot[]>();
          regions.forEach((snaps, k) => {
            const sorted = [...snaps].sort((a, b) => a.atMs - b.atMs);
            history.set(`r${k}`, [
              { atMs: 0, authz: deny(), scp: { roles: {} } },
              ...sorted.map((s) => ({
                atMs: s.atMs,
                authz: deny(s.denyBeforeMs),
                scp: s.scp ? deny(s.denyBeforeMs ?? 20 * H) : { roles: {} },
              })),
            ]);
          });
          const cred: HeldCredential = {
            roleId: 'R1',
            roleName: 'r',
            issuedAtMs,
            expiresAtMs: issuedAtMs + lifeMs,
            acquiredAtMs: issuedAtMs + lagMs,
            chained: false,
            usable: true,
          };
          for (const i of usableIntervals(cred, history, 30 * H)) {
            expect(i.fromMs).toBeGreaterThanOrEqual(cred.acquiredAtMs);
            expect(i.toMs).toBeLessThanOrEqual(cred.expiresAtMs);
            expect(i.toMs).toBeGreaterThan(i.fromMs);
          }
        },
      ),
      propertyOptions(200),
    );
  });
});
