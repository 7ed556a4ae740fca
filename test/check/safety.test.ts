/**
 * Safety invariants hold on every event of generated runs, under random faults; each checker is
 * also shown to catch the violation it exists for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CallOutcomeChecker,
  ExpiredCredentialsChecker,
  ImdsOverlapChecker,
  ImdsProvenanceChecker,
  ProfileRoleChecker,
  RegionOrderChecker,
  TimeChecker,
} from '../../src/check/safety.ts';
import type { Checker } from '../../src/check/types.ts';
import { Scheduler } from '../../src/engine/index.ts';
import type { Credentials } from '../../src/instance/credentials.ts';
import { simulate, type WorldView } from '../../src/simulate.ts';
import { arbitraryRun, scenarioOf } from '../helpers/arbitraries.ts';
import { propertyOptions } from '../helpers/fc.ts';

function allCheckers(): Checker[] {
  return [
    new ImdsOverlapChecker(),
    new ImdsProvenanceChecker(),
    new ExpiredCredentialsChecker(),
    new RegionOrderChecker(),
    new ProfileRoleChecker(),
    new TimeChecker(),
    new CallOutcomeChecker(),
  ];
}

describe('safety invariants over generated runs', () => {
  it('hold on every event, under random IMDS outages and partitions', () => {
    fc.assert(
      fc.property(arbitraryRun(), (run) => {
        const checkers = allCheckers();
        simulate(scenarioOf(run), { seed: run.seed, observers: checkers, timelines: false });
        const violations = checkers.flatMap((c) => c.violations);
        expect(violations).toEqual([]);
      }),
      propertyOptions(40),
    );
  });
});

describe('each checker catches what it is for', () => {
  const world = () => {
    const checkers = allCheckers();
    return checkers;
  };

  it('imds-overlap flags a rotation later than 5 minutes before expiry', () => {
    const c = new ImdsOverlapChecker();
    simulate(scenarioOf({ build: { instances: 1 }, seed: 1 }), { seed: 1, observers: [c] });
    const prev: Credentials = { accessKeyId: 'A', roleName: 'r', roleId: 'R', issuedAtMs: 0, expiresAtMs: 1 };
    c.credentialsIssued('web-0', { ...prev, accessKeyId: 'B' }, prev);
    expect(c.violations.map((v) => v.check)).toEqual(['imds-overlap']);
  });

  it('imds-provenance flags a role never in an associated profile', () => {
    const c = new ImdsProvenanceChecker();
    simulate(scenarioOf({ build: { instances: 1 }, seed: 1 }), { seed: 1, observers: [c] });
    const creds: Credentials = {
      accessKeyId: 'A',
      roleName: 'app-v2',
      roleId: 'R',
      issuedAtMs: 0,
      expiresAtMs: 1,
    };
    c.credentialsIssued('web-0', creds);
    expect(c.violations).toHaveLength(1);
    c.credentialsIssued('web-0', { ...creds, roleName: 'APP-V1' });
    expect(c.violations).toHaveLength(1);
  });

  it('sdk-expired-credentials flags credentials held past expiry and past the static-stability window', () => {
    // A stand-in world: one application whose cache we control, and a real scheduler for time.
    const scheduler = new Scheduler();
    const app: { held: Credentials | undefined; staleUntilMs: number | undefined } = {
      held: undefined,
      staleUntilMs: undefined,
    };
    const world = { scheduler, offsetMs: 0, runtimes: new Map([['web-0', { app }]]) } as unknown as WorldView;
    const c = new ExpiredCredentialsChecker();
    c.attach(world);
    const creds: Credentials = {
      accessKeyId: 'A',
      roleName: 'r',
      roleId: 'R',
      issuedAtMs: 0,
      expiresAtMs: 100,
    };
    scheduler.at(10, 'fetch', () => {
      app.held = creds;
      c.applicationChanged('web-0');
    });
    // At expiry the SDK enters static stability until 300: no violation up to and including 300.
    scheduler.at(100, 'expire', () => {
      app.staleUntilMs = 300;
      c.applicationChanged('web-0');
    });
    for (const t of [150, 250, 300]) scheduler.at(t, 'tick', () => {});
    scheduler.run({ untilMs: 300 });
    expect(c.violations).toEqual([]);
    // A buggy cache that never drops them is caught at the next event after the window.
    scheduler.at(301, 'tick', () => {});
    scheduler.run({ untilMs: 400 });
    expect(c.violations.map((v) => [v.check, v.instance, v.atMs])).toEqual([
      ['sdk-expired-credentials', 'web-0', 301],
    ]);
  });

  it('all checkers are quiet on a plain run (no false alarms)', () => {
    const checkers = world();
    simulate(scenarioOf({ build: { instances: 2, strategy: 'replace-profile' }, seed: 3 }), {
      seed: 3,
      observers: checkers,
    });
    expect(checkers.flatMap((c) => c.violations)).toEqual([]);
  });
});
