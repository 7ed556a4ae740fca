/**
 * checkScenario(), the library behind `iamsim check`: a healthy model passes and reports the
 * paths it covered; the deliberately broken model is caught, witnessed and shrunk to a file that
 * loads and still fails (and passes with the model fixed); every kind of failure is reported.
 */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { pathNames } from '../../src/check/paths.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { loadYaml } from '../helpers/run-yaml.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;
const H = 60 * M;
const bug = { imdsKeepsRemovedRole: true } as const;

const swap = () =>
  makeScenario({ instances: 3, regions: ['us-east-1', 'eu-west-1'], strategy: 'swap-role-in-profile' });

describe('checkScenario on a healthy model', () => {
  it('passes every run and reports what it checked and covered', () => {
    const report = checkScenario(makeScenario({ instances: 2, strategy: 'replace-profile' }), {
      runs: 4,
      seed: 10,
    });
    expect(report.failed).toBeUndefined();
    expect(report.runsDone).toBe(4);
    expect(report.invariants).toHaveLength(9);
    expect(report.invariants.filter((i) => i.kind === 'liveness')).toEqual([
      { name: 'liveness-convergence', kind: 'liveness', boundMs: 86 * M },
      { name: 'liveness-imds-role', kind: 'liveness', boundMs: 86 * M },
    ]);
    expect(report.unknown).toEqual([]);
    expect(report.paths.map((p) => p.path)).toContain('old-role-after-replace');
    expect(report.paths.every((p) => p.runs >= 1 && p.runs <= 4)).toBe(true);
    // The situations no run reached are named too: no faults here, so no pause was ever hit.
    expect(report.unreached.map((p) => p.path)).toContain('control-plane-pause-hit');
    expect(report.paths.length + report.unreached.length).toBe(pathNames.length);
    expect(report.runsFailed).toBe(0);
    expect(report.tallies.map((t) => [t.name, t.runs, t.runsFailed])).toContainEqual(['imds-overlap', 4, 0]);
  });

  it('law: the same options give the same report', () => {
    const options = { runs: 3, seed: 5, jitter: true };
    expect(checkScenario(swap(), options)).toEqual(checkScenario(swap(), options));
  });

  it('counts runs too short to judge liveness as unknown, not as failures', () => {
    const report = checkScenario(makeScenario({ strategy: 'swap-role-in-profile', changeAtMs: 8 * H }), {
      runs: 2,
      seed: 1,
    });
    expect(report.failed).toBeUndefined();
    expect(report.unknown.map((u) => [u.invariant, u.runs])).toEqual([
      ['liveness-convergence', 2],
      ['liveness-imds-role', 2],
    ]);
  });
});

describe('checkScenario on the broken model (IMDS keeps a removed role)', () => {
  const report = checkScenario(swap(), { runs: 5, seed: 7, modelBugs: bug, untilFailure: true });
  const failed = report.failed!;

  it('fails the first run, on liveness-imds-role, with the seed', () => {
    expect(failed).toBeDefined();
    expect(report.runsDone).toBe(1);
    expect([failed.run, failed.seed, failed.failure.key, failed.failure.kind]).toEqual([
      1,
      7,
      'invariant:liveness-imds-role',
      'liveness',
    ]);
    expect(failed.failure.instance).toBe('web-0');
    expect(failed.failure.detail).toMatch(
      /IMDS serves credentials of app-v1 issued at .*, but profile web holds app-v2/,
    );
  });

  it('names the rotation that should have dropped the role as the cause', () => {
    const cause = failed.failure.cause!;
    expect(cause.kind).toBe('rotation-kept-removed-role');
    expect(failed.signature).toEqual({
      check: 'invariant:liveness-imds-role',
      origin: '',
      code: '',
      cause: 'rotation-kept-removed-role',
    });
    // The chain: the swap's commit, its arrival in the instance's region, then the rotation.
    const [commit, arrival, rotation] = cause.chain;
    expect(commit!.event).toMatch(
      /^iam:AddRoleToInstanceProfile committed IAM version \d+: web holds app-v2$/,
    );
    expect(arrival!.event).toMatch(/^(us-east-1|eu-west-1)'s IAM view applied version \d+$/);
    expect(rotation!.event).toBe("IMDS's scheduled rotation issued app-v1");
    expect(commit!.atMs).toBeLessThanOrEqual(arrival!.atMs);
    expect(arrival!.atMs).toBeLessThanOrEqual(rotation!.atMs);
    expect(cause.summary).toContain('that rotation should have dropped app-v1');
  });

  it('witnesses it with the writes that made the change and the instance timelines', () => {
    expect(failed.witness.calls.map((c) => c.call)).toEqual([
      'iam:RemoveRoleFromInstanceProfile',
      'iam:AddRoleToInstanceProfile',
    ]);
    expect(failed.witness.timelines.map((t) => `${t.instance} ${t.lane}`)).toEqual([
      'web-0 imds',
      'web-0 app',
    ]);
    const imds = failed.witness.timelines[0]!.segments;
    expect(imds.at(-1)).toMatchObject({ toMs: 9 * H, role: 'app-v1' });
  });

  it('shrinks to one instance in one region, and the file still fails with the seed but passes when fixed', () => {
    const shrunk = failed.shrunk!;
    expect(shrunk).toBeDefined();
    expect(shrunk.before).toEqual({ instances: 3, steps: 1, faults: 0, regions: 2 });
    expect(shrunk.after).toEqual({ instances: 1, steps: 1, faults: 0, regions: 1 });
    expect(shrunk.yaml).toMatch(/^# Shrunk by iamsim check: liveness-imds-role fails with seed 7\.\n/);
    const scenario = loadYaml(shrunk.yaml);
    expect(scenario.seed).toBe(7);
    const again = checkScenario(scenario, { runs: 1, seed: 7, modelBugs: bug });
    expect(again.failed?.failure.key).toBe('invariant:liveness-imds-role');
    expect(checkScenario(scenario, { runs: 1, seed: 7 }).failed).toBeUndefined();
  });

  it('with --jitter, writes the run drawn calibration into the shrunk file, so it replays without jitter', () => {
    const jittered = checkScenario(swap(), { runs: 3, seed: 7, jitter: true, modelBugs: bug }).failed!;
    expect(Object.keys(jittered.jitterFactors!)).toContain('iamPropagation');
    expect(jittered.shrunk!.yaml).toContain('overrides:');
    const scenario = loadYaml(jittered.shrunk!.yaml);
    expect(
      checkScenario(scenario, { runs: 1, seed: jittered.seed, modelBugs: bug }).failed?.failure.key,
    ).toBe('invariant:liveness-imds-role');
  });

  it('respects the shrinking budget, and can skip shrinking', () => {
    const small = checkScenario(swap(), { runs: 1, seed: 7, modelBugs: bug, shrinkAttemptsMax: 1 }).failed!;
    expect(small.shrunk!.attempts).toBe(1);
    expect(small.shrunk!.budgetSpent).toBe(true);
    const none = checkScenario(swap(), { runs: 1, seed: 7, modelBugs: bug, shrink: false }).failed!;
    expect(none.shrunk).toBeUndefined();
    expect(none.shrinkError).toBeUndefined();
  });

  it('is not caught when liveness is turned off: the safety invariants cannot see this bug', () => {
    const off: Scenario = {
      ...swap(),
      invariants: [
        { invariant: 'liveness-imds-role', enabled: false },
        { invariant: 'liveness-convergence', enabled: false },
      ],
    };
    expect(checkScenario(off, { runs: 3, seed: 7, modelBugs: bug }).failed).toBeUndefined();
  });
});

describe('checkScenario reports the scenario own checks', () => {
  it('a metric check: the first failing instance witnessed, only that check kept in the shrunk file', () => {
    const scenario: Scenario = {
      ...makeScenario({ instances: 2, strategy: 'replace-profile' }),
      checks: [
        { name: 'app within a second', metric: 'appNewRoleMs', maxMs: 1000 },
        { name: 'never down', metric: 'downtimeMs', equalsMs: 0 },
      ],
    };
    const failed = checkScenario(scenario, { runs: 2, seed: 3 }).failed!;
    expect([failed.failure.key, failed.failure.kind]).toEqual(['metric:app within a second', 'metric']);
    expect(failed.witness.timelines.map((t) => t.lane)).toEqual(['imds', 'app']);
    const shrunk = loadYaml(failed.shrunk!.yaml);
    expect(shrunk.checks.map((c) => c.name)).toEqual(['app within a second']);
    expect(shrunk.instances).toHaveLength(1);
  });

  it('a metric check whose name starts with "expect" is reported and shrunk as a metric check', () => {
    // The kind is a field of the outcome: a name that looks like a call's expectation changes nothing.
    const name = 'expect ec2:AssociateIamInstanceProfile ok';
    const scenario: Scenario = {
      ...makeScenario({ instances: 2, strategy: 'replace-profile' }),
      checks: [{ name, metric: 'appNewRoleMs', maxMs: 1000 }],
    };
    const failed = checkScenario(scenario, { runs: 2, seed: 3 }).failed!;
    expect([failed.failure.key, failed.failure.kind, failed.failure.name]).toEqual([
      `metric:${name}`,
      'metric',
      name,
    ]);
    expect(failed.witness.timelines.map((t) => t.lane)).toEqual(['imds', 'app']);
    expect(failed.shrinkError).toBeUndefined();
    const shrunk = loadYaml(failed.shrunk!.yaml);
    expect(shrunk.checks).toEqual([{ name, metric: 'appNewRoleMs', maxMs: 1000 }]);
    expect(shrunk.instances).toHaveLength(1);
  });

  it('an expect step', () => {
    const scenario = makeScenario({
      instances: 1,
      steps: [
        {
          kind: 'call',
          service: 'iam',
          operation: 'GetInstanceProfile',
          params: { InstanceProfileName: 'nope' },
          save: {},
          expect: 'ok',
          atMs: M,
          source: { path: 'steps.0' },
        },
      ],
    });
    const failed = checkScenario(scenario, { runs: 1, seed: 1 }).failed!;
    expect([failed.failure.key, failed.failure.kind]).toEqual([
      'expect:expect iam:GetInstanceProfile ok',
      'expect',
    ]);
    expect(failed.witness.calls.map((c) => `${c.call} ${c.error?.code}`)).toEqual([
      'iam:GetInstanceProfile NoSuchEntity',
    ]);
    expect(failed.shrunk!.after.instances).toBe(0);
  });
});
