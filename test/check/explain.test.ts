/**
 * `iamsim check` that explains (issue 12): a shrunk witness fails for the same reason as the
 * original (same signature: check, call or metric, error code, cause kind), the cause of a
 * stale-view error names the view, the version and the two instants, and tallies over N runs
 * give every check's failing share and worst value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { sameSignature } from '../../src/check/types.ts';
import { main } from '../../src/cli.ts';
import type { Scenario, Step } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import { captureIo } from '../cli/capture.ts';
import { loadYaml } from '../helpers/run-yaml.ts';

const root = join(import.meta.dirname, '../..');
const hastyFile = join(import.meta.dirname, 'fixtures', 'hasty-runbook.yaml');

function calls(steps: readonly Step[]): string[] {
  return steps.flatMap((s) =>
    s.kind === 'call'
      ? [`${s.service}:${s.operation}`]
      : s.kind === 'forEach'
        ? calls(s.steps)
        : s.kind === 'strategy'
          ? [s.strategy]
          : [],
  );
}

describe('shrinking keeps the cause', () => {
  it('the hasty runbook shrinks to a scenario that still creates the profile and fails from propagation; its replay fails the same way', () => {
    const hasty = loadYaml(readFileSync(hastyFile, 'utf8'));
    const report = checkScenario(hasty, { runs: 1, seed: 1 });
    const failed = report.failed!;
    expect(failed.signature).toEqual({
      check: 'expect:expect ec2:ReplaceIamInstanceProfileAssociation ok',
      origin: 'ec2:ReplaceIamInstanceProfileAssociation',
      code: 'InvalidParameterValue',
      cause: 'propagation',
    });
    const shrunk = loadYaml(failed.shrunk!.yaml);
    // Without the CreateInstanceProfile the Replace fails too, with the same code, but because
    // the profile does not exist: a different cause, so a different signature, refused.
    expect(calls(shrunk.steps)).toContain('iam:CreateInstanceProfile');
    expect(calls(shrunk.steps)).toContain('ec2:ReplaceIamInstanceProfileAssociation');
    expect(shrunk.instances.length).toBeLessThan(hasty.instances.length);
    // Shortened, not only deleted from: the horizon and the first step's time.
    expect(shrunk.horizonMs).toBeLessThan(hasty.horizonMs);
    expect(failed.shrunk!.yaml).toContain(
      '# Fails with: expect:expect ec2:ReplaceIamInstanceProfileAssociation ok · ec2:ReplaceIamInstanceProfileAssociation · InvalidParameterValue · cause propagation',
    );
    const replay = checkScenario(shrunk, { runs: 1, seed: shrunk.seed!, shrink: false }).failed!;
    expect(sameSignature(replay.signature, failed.signature)).toBe(true);
    expect(replay.failure.cause?.kind).toBe('propagation');
  });

  it('the same runbook without the create fails with the same code but another cause', () => {
    const hasty = loadYaml(readFileSync(hastyFile, 'utf8'));
    const withoutCreate: Scenario = { ...hasty, steps: hasty.steps.slice(1) };
    const failed = checkScenario(withoutCreate, { runs: 1, seed: 1, shrink: false }).failed!;
    expect([failed.signature.code, failed.signature.cause]).toEqual(['InvalidParameterValue', 'missing']);
    expect(failed.failure.cause?.summary).toMatch(/^instance profile web-v2 did not exist when the/);
  });

  it('a metric check on swap-role-in-profile shrinks to a witness that still performs the swap', () => {
    const text = readFileSync(join(root, 'scenarios', 'swap-role-in-profile.yaml'), 'utf8').replace(
      /\nsteps:/,
      '\nchecks:\n  - { name: app-fast, metric: appNewRoleMs, max: 5m }\nsteps:',
    );
    const swap = loadYaml(text);
    const failed = checkScenario(swap, { runs: 1, seed: 7 }).failed!;
    expect(failed.signature.check).toBe('metric:app-fast');
    expect(failed.signature.origin).toBe('appNewRoleMs');
    // Deleting the strategy would fail the check too ("never": no change to measure), for
    // another reason: the signature's cause kind keeps the swap in.
    expect(['sdk-refresh', 'imds-rotation']).toContain(failed.signature.cause);
    const shrunk = loadYaml(failed.shrunk!.yaml);
    expect(calls(shrunk.steps)).toEqual(['swap-role-in-profile']);
    expect(shrunk.checks.map((c) => c.name)).toEqual(['app-fast']);
    const replay = checkScenario(shrunk, { runs: 1, seed: 7, shrink: false }).failed!;
    expect(sameSignature(replay.signature, failed.signature)).toBe(true);
    const result = simulate(shrunk, { seed: 7 });
    expect(result.instances.every((i) => i.metrics.appNewRoleMs !== null)).toBe(true);
  });
});

describe('causes', () => {
  it('run prints, for a stale-view error, the view, its version and the two instants', async () => {
    const captured = captureIo(root);
    const code = await main(['run', hastyFile], captured.io);
    expect(code).toBe(3);
    const out = captured.stdout();
    expect(out).toContain(
      '  0:10:00.559  ec2:ReplaceIamInstanceProfileAssociation  eu-west-1  InvalidParameterValue: ',
    );
    expect(out).toContain(
      "      why: web-v2 committed at 0:10:00.088 (IAM version 1); eu-west-1's IAM view received it at 0:10:58.699; " +
        'the ReplaceIamInstanceProfileAssociation at 0:10:00.559 came 58.14s too early (the view was at version 0)\n',
    );
    // Every instance's metrics say which mechanism set them.
    expect(out).toMatch(/ {6}imdsNewRoleMs: IMDS never served app-v2 by the horizon/);
  });

  it('run --why prints the chain; --json carries the cause as data', async () => {
    const why = captureIo(root);
    await main(['run', hastyFile, '--why'], why.io);
    expect(why.stdout()).toContain(
      '        0:10:00.088  iam:CreateInstanceProfile committed IAM version 1: instance profile web-v2 exists\n' +
        "        0:10:00.559  ec2:ReplaceIamInstanceProfileAssociation answered from eu-west-1's IAM view at version 0: instance profile web-v2 not visible, InvalidParameterValue\n" +
        "        0:10:58.699  eu-west-1's IAM view applied version 1\n",
    );
    const json = captureIo(root);
    await main(['run', hastyFile, '--json'], json.io);
    const doc = JSON.parse(json.stdout()) as {
      steps: { atMs: number; ok: boolean; cause?: Record<string, unknown> }[];
      instances: { causes?: Record<string, { kind: string }> }[];
    };
    const failedStep = doc.steps.find((s) => !s.ok)!;
    expect(failedStep.cause).toMatchObject({
      kind: 'propagation',
      view: { store: 'iam', region: 'eu-west-1', version: 0 },
      needed: { version: 1, committedAtMs: 600_088, arrivedAtMs: 658_699 },
      earlyByMs: 58_140,
    });
    expect(doc.steps.filter((s) => s.ok).every((s) => s.cause === undefined)).toBe(true);
    expect(doc.instances[0]!.causes?.imdsNewRoleMs?.kind).toBe('imds-kept-old-role');
  });

  it('a replace that worked: IMDS picked up the association, the SDK took the role at its refresh window', async () => {
    const captured = captureIo(root);
    await main(['run', 'scenarios/replace-profile.yaml', '--json'], captured.io);
    const doc = JSON.parse(captured.stdout()) as {
      instances: { sdk: string; causes: Record<string, { kind: string; summary: string }> }[];
    };
    const botocore = doc.instances.find((i) => i.sdk === 'botocore')!;
    expect(botocore.causes.imdsNewRoleMs!.kind).toBe('association-pickup');
    expect(botocore.causes.appNewRoleMs!.kind).toBe('sdk-refresh');
    expect(botocore.causes.appNewRoleMs!.summary).toMatch(
      /^the SDK \(botocore\) took app-v2 up at its scheduled refresh at .*, 15m before the credentials it held \(app-v1\) expired at /,
    );
  });
});

describe('tallies', () => {
  it('over 100 runs give every check its failing share and its worst value, matching the runs themselves', () => {
    // One instance, a short wait before the replace: whether eu-west-1 has seen the profile by
    // then depends on the run's propagation draw, so some runs fail and others pass.
    const text = readFileSync(hastyFile, 'utf8')
      .replace('  - forEach: { fleet: web }', '  - wait: 8s\n  - forEach: { fleet: web }')
      .replace('count: 3', 'count: 1')
      .replace('sdk: [botocore, js-v3, cli]', 'sdk: botocore')
      .concat(
        'checks:\n  - { name: imds-within-2m, metric: imdsNewRoleMs, max: 2m }\n  - { name: no-gap, metric: credentialGapMs, equals: 0 }\n',
      );
    const scenario = loadYaml(text);
    const report = checkScenario(scenario, { runs: 100, seed: 1, shrink: false });
    expect(report.runsDone).toBe(100);
    const byName = new Map(report.tallies.map((t) => [t.name, t]));
    // Every invariant and every check has a row over all 100 runs.
    expect(report.tallies).toHaveLength(9 + 2 + 1);
    for (const t of report.tallies) expect(t.runs).toBe(100);

    // The same runs, simulated plainly, give the same shares and values.
    const results = Array.from({ length: 100 }, (_, k) =>
      simulate(scenario, { seed: 1 + k, timelines: false }),
    );
    const expectFailed = results.filter((r) => r.steps.some((s) => s.expectMet === false)).length;
    const imds = results.map((r) => r.instances[0]!.metrics.imdsNewRoleMs);
    const imdsFailed = imds.filter((v) => v === null || v > 120_000).length;
    expect(expectFailed).toBeGreaterThan(0);
    expect(expectFailed).toBeLessThan(100);
    const expectRow = byName.get('expect ec2:ReplaceIamInstanceProfileAssociation ok')!;
    expect([expectRow.runsFailed, expectRow.worst]).toEqual([
      expectFailed,
      `InvalidParameterValue x${expectFailed}`,
    ]);
    const imdsRow = byName.get('imds-within-2m')!;
    expect(imdsRow.runsFailed).toBe(imdsFailed);
    expect([imdsRow.worst, imdsRow.worstMs, imdsRow.bound]).toEqual(['never', null, 'max 2m']);
    const happened = imds.filter((v): v is number => v !== null).sort((a, b) => a - b);
    expect(imdsRow.distribution).toEqual({
      count: happened.length,
      never: 100 - happened.length,
      p50Ms: happened[Math.ceil(0.5 * happened.length) - 1],
      p99Ms: happened[Math.ceil(0.99 * happened.length) - 1],
      maxMs: happened.at(-1),
    });
    expect(byName.get('no-gap')).toMatchObject({
      runsFailed: 0,
      worst: '0ms',
      worstMs: 0,
      bound: 'equals 0ms',
    });
    expect(byName.get('liveness-imds-role')).toMatchObject({ runsFailed: 0, bound: 'within 1h26m' });
    expect(report.runsFailed).toBe(results.filter((r) => r.checks.some((c) => !c.ok)).length);
    expect(report.failed?.run).toBe(results.findIndex((r) => r.checks.some((c) => !c.ok)) + 1);
  });

  it('--until-failure stops at the first failing run', () => {
    const hasty = loadYaml(readFileSync(hastyFile, 'utf8'));
    const report = checkScenario(hasty, { runs: 50, seed: 1, shrink: false, untilFailure: true });
    expect([report.runsDone, report.runsFailed, report.failed?.run]).toEqual([1, 1, 1]);
  });
});
