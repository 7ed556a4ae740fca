/**
 * The facts an incident responder needs (issue #13), each an emergent result of the model: the
 * attacker is one more holder of the role's credentials, judged by the same enforcement views,
 * and the responses are the AWS calls a responder makes. Seeds are fixed; every response runs on
 * the same seeds as no response (common random numbers), so equal numbers mean "no effect".
 */
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../src/instance/credentials.ts';
import { ROTATION_OVERLAP_MS } from '../../src/instance/imds.ts';
import { simulate, type WorldObserver } from '../../src/simulate.ts';
import { loadOk } from '../scenario/builders.ts';
import { DETECTION_MS, H, incidentRaw, M, outcome, runIncident, THEFT_MS } from './world.ts';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
/** The default calibration's maxima: policy propagation 5 min; API calls take well under a minute each. */
const POLICY_PROPAGATION_MAX_MS = 5 * M;
const LIFETIME_MAX_MS = 6 * H + 35 * M;

/** Credentials IMDS issued on `instance`, in scenario ms. */
function issuedOn(instance: string, seed: number, foothold: string): Credentials[] {
  const issued: Credentials[] = [];
  let offsetMs = 0;
  const observer: WorldObserver = {
    attach: (world) => {
      offsetMs = world.offsetMs;
    },
    credentialsIssued: (name, creds) => {
      if (name === instance)
        issued.push({
          ...creds,
          issuedAtMs: creds.issuedAtMs - offsetMs,
          expiresAtMs: creds.expiresAtMs - offsetMs,
        });
    },
  };
  simulate(loadOk(incidentRaw('none', { incident: { foothold } })).scenario, { seed, observers: [observer] });
  return issued;
}

describe('with no response', () => {
  it('exposure is the remaining life of the newest set read, up to ~6.5 h', () => {
    for (const seed of SEEDS) {
      const o = outcome(runIncident('none', seed, { incident: { foothold: '1s' } }));
      const served = issuedOn('web-0', seed, '1s')
        .filter((c) => c.issuedAtMs <= THEFT_MS)
        .at(-1)!;
      expect(o.theftMs).toBe(THEFT_MS);
      expect(o.stolenSets).toBe(1);
      expect(o.attackerExposureMs).toBe(served.expiresAtMs - THEFT_MS);
      expect(o.attackerExposureMs!).toBeGreaterThan(0);
      expect(o.attackerExposureMs!).toBeLessThanOrEqual(LIFETIME_MAX_MS);
    }
  });

  it('a live foothold takes every set IMDS issues: exposure runs to the expiry of the last one read', () => {
    const footholdMs = 3 * H;
    for (const seed of SEEDS.slice(0, 4)) {
      const o = outcome(runIncident('none', seed, { incident: { foothold: '3h' }, horizon: '12h' }));
      const issued = issuedOn('web-0', seed, '3h');
      const read = issued.filter(
        (c, k) =>
          c.issuedAtMs <= THEFT_MS + footholdMs &&
          (c.issuedAtMs >= THEFT_MS || (issued[k + 1]?.issuedAtMs ?? 0) > THEFT_MS),
      );
      expect(o.stolenSets).toBe(read.length);
      expect(o.stolenSets).toBeGreaterThanOrEqual(3); // hourly rotations over 3 h
      expect(o.attackerExposureMs).toBe(Math.max(...read.map((c) => c.expiresAtMs)) - THEFT_MS);
      expect(o.attackerExposureMs!).toBeGreaterThan(footholdMs);
    }
  });
});

describe('responses that do not touch an issued credential', () => {
  for (const response of [
    'stop-start',
    'replace-profile',
    'disassociate',
    'remove-role-from-profile',
  ] as const) {
    it(`${response} alone leaves the stolen copy usable exactly as long as no response`, () => {
      for (const seed of SEEDS) {
        const none = outcome(runIncident('none', seed));
        const r = outcome(runIncident(response, seed));
        expect(r.attackerExposureMs, `seed ${seed}`).toBe(none.attackerExposureMs);
        expect(r.attackerExposureMs!).toBeGreaterThan(5 * H);
      }
    });
  }
});

describe('revoke-sessions', () => {
  it('bounds exposure by policy propagation, but denies botocore and js-v3 applications for hours', () => {
    for (const seed of SEEDS) {
      const result = runIncident('revoke-sessions', seed);
      const o = outcome(result);
      expect(result.incident!.responseStartMs).toBe(THEFT_MS + DETECTION_MS);
      expect(o.attackerExposureFromResponseMs!).toBeLessThanOrEqual(POLICY_PROPAGATION_MAX_MS + M);
      expect(o.attackerExposureMs!).toBeLessThan(DETECTION_MS + POLICY_PROPAGATION_MAX_MS + M);
      const boto = result.instances.find((i) => i.sdk === 'botocore')!;
      // The application keeps presenting its revoked set until its SDK's refresh window.
      expect(boto.metrics.deniedMs!).toBeGreaterThan(30 * M);
      expect(boto.metrics.downtimeMs).toBe(0);
    }
    const deniedH = SEEDS.map((s) =>
      Math.max(...runIncident('revoke-sessions', s).instances.map((i) => i.metrics.deniedMs!)),
    ).sort((a, b) => a - b);
    expect(deniedH[deniedH.length >> 1]!).toBeGreaterThan(3 * H);
  });

  it('revoke-then-stop-start bounds both the exposure and the outage', () => {
    for (const seed of SEEDS) {
      const result = runIncident('revoke-then-stop-start', seed);
      const o = outcome(result);
      expect(o.attackerExposureFromResponseMs!).toBeLessThanOrEqual(POLICY_PROPAGATION_MAX_MS + M);
      for (const i of result.instances) {
        const outMs = i.metrics.deniedMs! + i.metrics.credentialGapMs! + i.metrics.downtimeMs!;
        expect(outMs, `${i.name} seed ${seed}`).toBeLessThan(15 * M);
        expect(i.metrics.downtimeMs!).toBeGreaterThan(0);
      }
      expect(result.incident!.recoveryMs!).toBeLessThan(15 * M);
    }
  });

  it('a chained session survives the revoke, for at most its 1 h', () => {
    const incident = { chain: { role: 'data-reader', every: '20m' } };
    for (const seed of SEEDS) {
      const o = outcome(runIncident('revoke-sessions', seed, { incident }));
      expect(o.chainedSessions).toBeGreaterThanOrEqual(2);
      expect(o.chainedAfterResponseMs!).toBeGreaterThan(20 * M);
      expect(o.chainedAfterResponseMs!).toBeLessThanOrEqual(H);
      // Exposure now ends with the last chained session, not with the revoke's propagation.
      expect(o.attackerExposureFromResponseMs).toBe(o.chainedAfterResponseMs);
    }
  });

  it('with a live foothold, the revoke is undone at the next IMDS rotation: the attacker reads the fresh set', () => {
    for (const seed of SEEDS) {
      const result = runIncident('revoke-sessions', seed, {
        incident: { foothold: 'until-replace' },
        horizon: '16h',
      });
      const o = outcome(result);
      const before = outcome(runIncident('revoke-sessions', seed, { horizon: '16h' }));
      expect(o.stolenSets).toBeGreaterThan(before.stolenSets);
      // Every later set is issued after the revocation instant, so the deny spares it: the
      // attacker is exposed until the horizon (null), well past the propagation bound.
      expect(o.attackerExposureFromResponseMs === null || o.attackerExposureFromResponseMs > 5 * H).toBe(
        true,
      );
    }
  });
});

describe('a restart or a new association with a live foothold', () => {
  it('hands the attacker a fresh set: stop-start can lengthen the exposure', () => {
    const build = { incident: { foothold: '40m' } };
    const longer = SEEDS.filter(
      (seed) =>
        outcome(runIncident('stop-start', seed, build)).attackerExposureMs! >
        outcome(runIncident('none', seed, build)).attackerExposureMs!,
    );
    expect(longer.length).toBeGreaterThan(0);
  });
});

describe('IMDSv2 and the data perimeter', () => {
  it('HttpTokens required blocks the SSRF read; a shell on the host still reads', () => {
    const v2 = { fleet: { imds: { tokens: 'required' } } };
    const blocked = runIncident('none', 1, v2);
    expect(outcome(blocked)).toMatchObject({ theftMs: null, stolenSets: 0, attackerExposureMs: 0 });
    // Nothing stolen, nothing detected: the response never starts.
    expect(blocked.incident!.responseStartMs).toBeNull();
    const shell = outcome(runIncident('none', 1, { ...v2, incident: { via: 'shell' } }));
    expect(shell.stolenSets).toBe(1);
    expect(shell.attackerExposureMs!).toBeGreaterThan(5 * H);
  });

  it('instance credentials used outside their VPC are denied by the perimeter; from the instance they work', () => {
    const top = { dataPerimeter: { roles: ['web-app'] } };
    const outside = outcome(runIncident('none', 2, { top }));
    expect(outside.stolenSets).toBe(1);
    expect(outside.attackerExposureMs).toBe(0);
    expect(outside.attackerAllowedCalls).toBe(0);
    const inside = outcome(runIncident('none', 2, { top, incident: { from: 'instance' } }));
    expect(inside.attackerExposureMs!).toBeGreaterThan(5 * H);
  });
});

describe('the counter-move: deleting an inline deny while it propagates', () => {
  const incident = { counterMove: { pollEvery: '500ms' } };
  it('sometimes wins against an inline revoke, never against an SCP', () => {
    const revoke = SEEDS.concat([9, 10, 11, 12, 13, 14, 15, 16]).map((seed) =>
      outcome(runIncident('revoke-sessions', seed, { incident })),
    );
    const attackerWon = revoke.filter((o) => o.counterMove === 'attacker-won');
    const defenderWon = revoke.filter((o) => o.counterMove === 'defender-won');
    expect(attackerWon.length + defenderWon.length).toBe(revoke.length);
    expect(attackerWon.length).toBeGreaterThan(0);
    expect(defenderWon.length).toBeGreaterThan(0);
    // A deleted revoke leaves the stolen set usable to its expiry, as with no response.
    for (const o of attackerWon) expect(o.attackerExposureFromResponseMs!).toBeGreaterThan(3 * H);
    for (const seed of SEEDS) {
      const o = outcome(runIncident('scp', seed, { incident }));
      expect(o.counterMove).toBeUndefined();
      expect(o.attackerExposureFromResponseMs!).toBeLessThanOrEqual(POLICY_PROPAGATION_MAX_MS + M);
    }
  });

  it('without iam:DeleteRolePolicy on the stolen role the defender always wins', () => {
    const raw = incidentRaw('revoke-sessions', { incident });
    (raw.roles as { name: string; allow: string[] }[])[0]!.allow = ['s3:GetObject'];
    for (const seed of SEEDS) {
      const o = outcome(simulate(loadOk(raw).scenario, { seed }));
      expect(o.counterMove).toBe('defender-won');
      expect(o.attackerExposureFromResponseMs!).toBeLessThanOrEqual(POLICY_PROPAGATION_MAX_MS + M);
    }
  });
});

describe('IMDS overlap still holds for the stolen sets', () => {
  it('each set the attacker reads was issued at least 5 minutes before the previous expired', () => {
    const issued = issuedOn('web-0', 3, '3h');
    for (let k = 1; k < issued.length; k++) {
      expect(issued[k - 1]!.expiresAtMs - issued[k]!.issuedAtMs).toBeGreaterThanOrEqual(ROTATION_OVERLAP_MS);
    }
  });
});
