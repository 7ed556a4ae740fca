/**
 * The invariant registry and the `checks:` entries that configure it: every invariant is on by
 * default, a scenario turns one off or bounds a liveness one, and mistakes are reported with
 * their path and line:col like every other scenario problem.
 */
import { describe, expect, it } from 'vitest';
import {
  buildCheckers,
  enabledInvariants,
  invariantRegistry,
  livenessBoundMs,
} from '../../src/check/registry.ts';
import { hashScenario } from '../../src/scenario/hash.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { invariantNames, livenessInvariantNames, safetyInvariantNames } from '../../src/scenario/types.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;

const yaml = (checks: string) => `name: t
regions: [us-east-1]
horizon: 8h
checks:
${checks}
`;

describe('the registry', () => {
  it('has one checker per invariant name, of the right kind, named as the format names it', () => {
    expect(Object.keys(invariantRegistry)).toEqual([...invariantNames]);
    const checkers = buildCheckers(makeScenario({}));
    expect(checkers.map((c) => c.name)).toEqual([...invariantNames]);
    expect(checkers.filter((c) => c.kind === 'safety').map((c) => c.name)).toEqual([...safetyInvariantNames]);
    expect(checkers.filter((c) => c.kind === 'liveness').map((c) => c.name)).toEqual([
      ...livenessInvariantNames,
    ]);
  });

  it('builds fresh checkers for every run', () => {
    const scenario = makeScenario({});
    const [a] = buildCheckers(scenario, ['imds-overlap']);
    const [b] = buildCheckers(scenario, ['imds-overlap']);
    expect(a).not.toBe(b);
  });
});

describe('checks: entries for invariants', () => {
  it('load next to metric checks; all invariants stay on unless one is turned off', () => {
    const result = loadScenario(
      yaml(`  - { name: fast, metric: appNewRoleMs, max: 15m }
  - { invariant: imds-overlap, enabled: false }
  - { invariant: liveness-imds-role, within: 2h }
  - { invariant: region-order }`),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { scenario } = result;
    expect(scenario.checks).toEqual([{ name: 'fast', metric: 'appNewRoleMs', maxMs: 15 * M }]);
    expect(scenario.invariants).toEqual([
      { invariant: 'imds-overlap', enabled: false },
      { invariant: 'liveness-imds-role', enabled: true, withinMs: 120 * M },
      { invariant: 'region-order', enabled: true },
    ]);
    expect(enabledInvariants(scenario)).toEqual(invariantNames.filter((n) => n !== 'imds-overlap'));
    expect(livenessBoundMs(scenario, 'liveness-imds-role')).toBe(120 * M);
    expect(livenessBoundMs(scenario, 'liveness-convergence')).toBe(86 * M);
    expect(buildCheckers(scenario).map((c) => c.name)).not.toContain('imds-overlap');
  });

  it('leave scenarios without them as they were (no invariants key, same hash)', () => {
    const result = loadScenario(yaml('  - { name: fast, metric: appNewRoleMs, max: 15m }'));
    if (!result.ok) throw new Error('invalid');
    expect('invariants' in result.scenario).toBe(false);
    expect(enabledInvariants(result.scenario)).toEqual([...invariantNames]);
    const again = loadScenario(yaml('  - { name: fast, metric: appNewRoleMs, max: 900000 }'));
    expect(again.ok && hashScenario(again.scenario)).toBe(hashScenario(result.scenario));
  });

  it('report every mistake with its path and line:col', () => {
    const result = loadScenario(
      yaml(`  - { name: fast, metric: appNewRoleMs, max: 15m }
  - { invariant: imds-overlapp }
  - { invariant: imds-overlap, within: 1h }
  - { invariant: liveness-imds-role, within: 0 }
  - { invariant: liveness-imds-role, enabled: false }
  - { name: fast, metric: appNewRoleMs, max: 15m }`),
      'f.yaml',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.problems.map((p) => `${p.path} (${p.line}:${p.col}): ${p.message}`);
    // The schema problem and the rule problems on the other entries come in one pass, with the
    // places named in messages in the file's own numbering.
    expect(lines).toEqual([
      `checks.1.invariant (6:18): unknown invariant "imds-overlapp"; expected one of ${invariantNames.join(', ')}`,
      'checks.2.within (7:40): within bounds only a liveness invariant (liveness-convergence, liveness-imds-role); imds-overlap is checked at every event',
      'checks.3.within (8:46): within must be longer than 0',
      'checks.4.invariant (9:18): invariant liveness-imds-role is already set at checks.3; set each invariant once',
      'checks.5.name (10:13): duplicate check "fast", first declared at checks.0',
    ]);
    // Fix the name and the same rules speak, at the same places.
    const ruled = loadScenario(
      yaml(`  - { name: fast, metric: appNewRoleMs, max: 15m }
  - { invariant: imds-overlap, within: 1h }
  - { invariant: liveness-imds-role, within: 0 }
  - { invariant: liveness-imds-role, enabled: false }
  - { name: fast, metric: appNewRoleMs, max: 15m }`),
    );
    expect(ruled.ok).toBe(false);
    if (ruled.ok) return;
    expect(ruled.problems.map((p) => `${p.path} (${p.line}:${p.col}): ${p.message}`)).toEqual([
      'checks.1.within (6:40): within bounds only a liveness invariant (liveness-convergence, liveness-imds-role); imds-overlap is checked at every event',
      'checks.2.within (7:46): within must be longer than 0',
      'checks.3.invariant (8:18): invariant liveness-imds-role is already set at checks.2; set each invariant once',
      'checks.4.name (9:13): duplicate check "fast", first declared at checks.0',
    ]);
  });

  it('warn when a liveness bound can never be judged within the horizon', () => {
    const result = loadScenario(yaml('  - { invariant: liveness-convergence, within: 8h }'));
    expect(result.ok).toBe(true);
    expect(result.warnings?.map((w) => `${w.path}: ${w.message}`)).toEqual([
      'checks.0.within: within 8h is not shorter than the horizon (8h): liveness-convergence can never be judged, every run reports it unknown',
    ]);
  });

  it('keep metric check mistakes as they were', () => {
    const result = loadScenario(yaml('  - { name: fast, metric: latency, max: 1m }'));
    expect(!result.ok && result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'checks.0.metric: unknown metric "latency"; expected one of imdsNewRoleMs, appNewRoleMs, oldRoleExposureMs, credentialGapMs, deniedMs, downtimeMs',
    ]);
  });
});
