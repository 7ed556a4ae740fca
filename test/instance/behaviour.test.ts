/**
 * The credential path on the instance, end to end through simulate(): each test names the
 * documented or observed behaviour it pins down (README.md, "Sources").
 */
import { describe, expect, it } from 'vitest';
import { defaultCalibration } from '../../src/calibration.ts';
import { makeDistribution } from '../../src/engine/index.ts';
import { sdkPresets } from '../../src/instance/sdk.ts';
import type { RunResult } from '../../src/result.ts';
import { simulate } from '../../src/simulate.ts';
import { makeScenario } from '../helpers/scenario.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

const upper = (key: keyof typeof defaultCalibration) =>
  makeDistribution(defaultCalibration[key].spec).upperBoundMs;

function runAll(build: Parameters<typeof makeScenario>[0]): RunResult[] {
  return SEEDS.map((seed) => simulate(makeScenario(build), { seed }));
}

function values(
  results: RunResult[],
  metric: 'imdsNewRoleMs' | 'appNewRoleMs' | 'oldRoleExposureMs' | 'credentialGapMs' | 'downtimeMs',
) {
  return results.flatMap((r) => r.instances.map((i) => i.metrics[metric]));
}

describe('in-profile role swap', () => {
  const results = runAll({ instances: 6, strategy: 'swap-role-in-profile' });

  it('is seen at IMDS at the next rotation, never later than one rotation period after the change reaches the region', () => {
    for (const r of results) {
      const add = r.steps.find((s) => s.call === 'iam:AddRoleToInstanceProfile');
      expect(add?.ok).toBe(true);
      const addAfterStartMs = add!.atMs - r.changeStartMs!;
      const boundMs = addAfterStartMs + upper('iamPropagation') + upper('imdsRotationPeriod');
      for (const inst of r.instances) {
        expect(inst.metrics.imdsNewRoleMs).not.toBeNull();
        expect(inst.metrics.imdsNewRoleMs!).toBeLessThanOrEqual(boundMs);
      }
    }
  });

  it('is not immediate: some instance waits many minutes for its rotation', () => {
    const imds = values(results, 'imdsNewRoleMs') as number[];
    expect(Math.max(...imds)).toBeGreaterThan(20 * M);
    // and the rotations are spread out, not one synchronised moment
    expect(new Set(imds).size).toBe(imds.length);
  });
});

describe('ReplaceIamInstanceProfileAssociation', () => {
  const results = runAll({ instances: 6, strategy: 'replace-profile' });

  it('is seen at IMDS within seconds', () => {
    const imds = values(results, 'imdsNewRoleMs') as number[];
    expect(imds.every((v) => v !== null)).toBe(true);
    expect(Math.max(...imds)).toBeLessThan(3 * M);
    const sorted = [...imds].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(30 * S);
  });

  it('has no credential gap', () => {
    expect(values(results, 'credentialGapMs').every((v) => v === 0)).toBe(true);
    for (const r of results) {
      for (const inst of r.instances) {
        const gaps = inst.imdsTimeline.filter((s) => s.kind === 'none' && s.toMs > r.changeStartMs!);
        expect(gaps).toEqual([]);
      }
    }
  });

  it('botocore keeps old-role credentials for up to about lifetime minus 15 minutes', () => {
    const boto = SEEDS.map((seed) =>
      simulate(makeScenario({ instances: 6, strategy: 'replace-profile', sdk: 'botocore' }), { seed }),
    );
    const app = values(boto, 'appNewRoleMs') as number[];
    expect(app.every((v) => v !== null)).toBe(true);
    expect(Math.max(...app)).toBeLessThanOrEqual(upper('imdsCredentialLifetime') - 15 * M + 1 * M);
    // Hours, not seconds: the SDK cache, not AWS, dominates.
    expect(Math.max(...app)).toBeGreaterThan(3 * H);
    expect(app.filter((v) => v > 1 * H).length).toBeGreaterThan(app.length / 2);
  });

  it('a per-call client (the CLI) follows IMDS at once', () => {
    const cli = runAll({ instances: 4, strategy: 'replace-profile', sdk: 'cli' });
    for (const r of cli)
      for (const i of r.instances) expect(i.metrics.appNewRoleMs).toBe(i.metrics.imdsNewRoleMs);
  });
});

describe('disassociate then associate', () => {
  it('leaves IMDS without credentials between the two calls', () => {
    const results = runAll({ instances: 4, strategy: 'disassociate-associate' });
    let gaps = 0;
    for (const r of results) {
      for (const inst of r.instances) {
        gaps += inst.imdsTimeline.filter((s) => s.kind === 'none' && s.fromMs >= r.changeStartMs!).length;
        expect(inst.metrics.imdsNewRoleMs!).toBeLessThan(5 * M);
      }
    }
    expect(gaps).toBeGreaterThan(0);
  });
});

describe('stop and start', () => {
  const results = runAll({ instances: 4, strategy: 'stop-start', sdk: 'botocore' });

  it('costs downtime and switches the application right after start', () => {
    for (const r of results) {
      for (const inst of r.instances) {
        const downMs = inst.metrics.downtimeMs!;
        expect(downMs).toBeGreaterThan(0);
        // The application restarts with an empty cache and takes the new role as soon as IMDS
        // serves it: at boot, or (when the association was still settling at boot) after the
        // pickup plus one SDK retry interval.
        expect(inst.metrics.appNewRoleMs!).toBeGreaterThanOrEqual(downMs);
        expect(inst.metrics.appNewRoleMs!).toBeGreaterThanOrEqual(inst.metrics.imdsNewRoleMs!);
        expect(inst.metrics.appNewRoleMs! - downMs).toBeLessThanOrEqual(
          upper('associationSettle') + upper('imdsAssociationPickup') + sdkPresets.botocore!.retryMs,
        );
      }
    }
  });
});

describe('reboot', () => {
  it('restarts the application but does not refresh IMDS credentials', () => {
    const rebootAt = 40 * M;
    // Absolute time IMDS first served the new role (scenario ms).
    const imdsSwitchAt = (r: RunResult, i: number) =>
      r.instances[i]!.metrics.imdsNewRoleMs! + r.changeStartMs!;
    for (const seed of SEEDS.slice(0, 4)) {
      const plain = simulate(
        makeScenario({ instances: 3, strategy: 'swap-role-in-profile', changeAtMs: 20 * M }),
        { seed },
      );
      const withReboot = simulate(
        makeScenario({
          instances: 3,
          strategy: 'swap-role-in-profile',
          changeAtMs: 20 * M,
          stepsAfter: [
            {
              kind: 'forEach',
              targets: { fleets: ['web'], instances: [] },
              atMs: rebootAt,
              source: { path: 'steps.0' },
              steps: [
                {
                  kind: 'call',
                  service: 'ec2',
                  operation: 'RebootInstances',
                  params: { InstanceIds: ['${inst.id}'] },
                  save: {},
                  expect: 'ok',
                  source: { path: 'steps.0.steps.0' },
                },
              ],
            },
          ],
        }),
        { seed },
      );
      expect(withReboot.checks.every((c) => c.ok)).toBe(true);
      for (let i = 0; i < plain.instances.length; i++) {
        const r = withReboot.instances[i]!;
        // IMDS keeps its schedule: the swap is seen at the same rotation as without the reboot.
        expect(imdsSwitchAt(withReboot, i)).toBe(imdsSwitchAt(plain, i));
        expect(r.imdsTimeline.some((s) => s.kind === 'down')).toBe(false);
        expect(r.appTimeline.some((s) => s.kind === 'down' && s.fromMs >= rebootAt)).toBe(true);
        expect(r.metrics.downtimeMs!).toBeGreaterThan(0);
      }
    }
  });
});

describe('IMDS outage', () => {
  it('a per-call client has no credentials during the outage; a caching SDK rides it out', () => {
    const faults = [
      { kind: 'imdsOutage' as const, instances: ['web-0', 'web-1'], fromMs: 2 * H, toMs: 2 * H + 10 * M },
    ];
    const r = simulate(makeScenario({ instances: 2, sdk: ['cli', 'botocore'], faults }), { seed: 3 });
    const cli = r.instances[0]!;
    const boto = r.instances[1]!;
    const gap = cli.appTimeline.filter((s) => s.kind === 'none');
    expect(gap).toEqual([expect.objectContaining({ fromMs: 2 * H, toMs: 2 * H + 10 * M })]);
    expect(boto.appTimeline.some((s) => s.kind === 'none')).toBe(false);
  });
});

describe('profile without a role', () => {
  it('issued credentials stay valid until they expire, then the application has none', () => {
    const r = simulate(
      makeScenario({
        instances: 2,
        sdk: ['cli', 'js-v3'],
        horizonMs: 9 * H,
        steps: [
          {
            kind: 'call',
            service: 'iam',
            operation: 'RemoveRoleFromInstanceProfile',
            params: { InstanceProfileName: 'web', RoleName: 'app-v1' },
            save: {},
            expect: 'ok',
            atMs: 10 * M,
            source: { path: 'steps.0' },
          },
        ],
      }),
      { seed: 5 },
    );
    for (const inst of r.instances) {
      const none = inst.appTimeline.find((s) => s.kind === 'none' && s.fromMs > 10 * M);
      expect(none).toBeDefined();
      // Still valid for a good while after the removal: up to a lifetime, at least until the next rotation would have been.
      expect(none!.fromMs).toBeGreaterThan(10 * M + 5 * M);
      expect(none!.fromMs).toBeLessThanOrEqual(10 * M + upper('imdsCredentialLifetime'));
    }
  });
});
