/**
 * A file with only a `compare:` section: `run` and `check` run its first strategy (or the one
 * named), and checkStrategyRun() evaluates the file's checks for one (strategy, seed) job, the
 * per-run evaluation `compare` can call to show pass/fail per strategy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStrategyRun, runnableScenario, summariseStrategyChecks } from '../../src/check/strategy.ts';
import { main } from '../../src/cli.ts';
import { UsageError } from '../../src/errors.ts';
import { captureIo } from '../cli/capture.ts';
import { loadYaml } from '../helpers/run-yaml.ts';

const root = join(import.meta.dirname, '../..');

/** A small compare-only file: four instances, two strategies, one metric check. */
const compareOnly = `
name: compare-only
horizon: 3h
regions: [us-east-1]
roles:
  - { name: app-v1, allow: ["s3:GetObject"] }
  - { name: app-v2, allow: ["s3:GetObject", "dynamodb:GetItem"] }
instanceProfiles:
  - { name: web, role: app-v1 }
fleets:
  - { name: web, count: 2, region: us-east-1, instanceProfile: web, sdk: botocore }
checks:
  - { name: app-within-15m, metric: appNewRoleMs, max: 15m }
compare:
  targets: { fleet: web }
  to: { role: app-v2 }
  at: 30m
  strategies: [swap-role-in-profile, stop-start]
  seeds: 3
`;

describe('a compare-only file outside compare', () => {
  it('runs the first strategy, or the one named, instead of nothing', () => {
    const s = loadYaml(compareOnly);
    expect(s.steps).toEqual([]);
    const first = runnableScenario(s);
    expect(first.steps.map((st) => (st.kind === 'strategy' ? st.strategy : st.kind))).toEqual([
      'swap-role-in-profile',
    ]);
    const named = runnableScenario(s, 'stop-start');
    expect(named.steps.map((st) => (st.kind === 'strategy' ? st.strategy : st.kind))).toEqual(['stop-start']);
    const plain = loadYaml(readFileSync(join(root, 'scenarios', 'replace-profile.yaml'), 'utf8'));
    expect(runnableScenario(plain)).toBe(plain);
    expect(() => runnableScenario(plain, 'stop-start')).toThrow(UsageError);
  });

  it('iamsim run scenarios/default.yaml makes the change and measures it', async () => {
    const captured = captureIo(root);
    const code = await main(['run', 'scenarios/default.yaml', '--strategy', 'stop-start'], captured.io);
    expect(code).toBe(0);
    const out = captured.stdout();
    expect(out).toContain(
      'reproduce with: iamsim run scenarios/default.yaml --seed 1 --strategy stop-start\n',
    );
    expect(out).toContain('ec2:StopInstances');
    expect(out).toContain('Instances (times after the change started at 0:30:00.');
    expect(out).not.toContain('IMDS new role never');
  });

  it('iamsim check on it says which strategy it checks', async () => {
    const captured = captureIo(root);
    const code = await main(
      ['check', 'scenarios/default.yaml', '--runs', '1', '--strategy', 'stop-start'],
      captured.io,
    );
    expect(code).toBe(0);
    expect(captured.stdout()).toContain(
      'reproduce with: iamsim check scenarios/default.yaml --runs 1 --seed 1 --strategy stop-start\n',
    );
    expect(captured.stdout()).toContain(
      "change: the compare: section's stop-start (--strategy NAME for another)\n",
    );
  });

  it('iamsim check takes a batched variant by its label, as run does', async () => {
    const captured = captureIo(root);
    const label = 'stop-start (batches of 25%)';
    const code = await main(
      ['check', 'scenarios/default.yaml', '--runs', '1', '--strategy', label],
      captured.io,
    );
    expect(code, captured.stderr()).toBe(0);
    expect(captured.stdout()).toContain(
      `change: the compare: section's ${label} (--strategy NAME for another)\n`,
    );
  });
});

describe('checkStrategyRun', () => {
  it('gives every invariant and check a verdict per strategy, and the summary counts failed runs', () => {
    const s = loadYaml(compareOnly);
    const runs = (['swap-role-in-profile', 'stop-start'] as const).flatMap((strategy) =>
      [1, 2].map((seed) => checkStrategyRun(s, strategy, seed)),
    );
    const verdict = (strategy: string, seed: number, name: string) =>
      runs.find((r) => r.strategy === strategy && r.seed === seed)!.checks.find((c) => c.name === name)!;
    // botocore holds old credentials for hours after a swap; stop-start restarts the application.
    expect(verdict('swap-role-in-profile', 1, 'app-within-15m').ok).toBe(false);
    expect(verdict('swap-role-in-profile', 1, 'app-within-15m').detail).toMatch(/^appNewRoleMs fails for/);
    expect(verdict('stop-start', 1, 'app-within-15m')).toMatchObject({ ok: true, kind: 'metric' });
    expect(verdict('stop-start', 2, 'liveness-imds-role')).toMatchObject({ ok: true, kind: 'liveness' });
    expect(runs[0]!.checks).toHaveLength(9 + 1);
    const summary = summariseStrategyChecks(runs);
    expect(summary.map((x) => [x.strategy, x.runs])).toEqual([
      ['swap-role-in-profile', 2],
      ['stop-start', 2],
    ]);
    const failedRuns = (strategy: string, name: string) =>
      summary.find((x) => x.strategy === strategy)!.checks.find((c) => c.name === name)!.runsFailed;
    expect(failedRuns('swap-role-in-profile', 'app-within-15m')).toBe(
      runs.filter(
        (r) =>
          r.strategy === 'swap-role-in-profile' && !r.checks.find((c) => c.name === 'app-within-15m')!.ok,
      ).length,
    );
    expect(failedRuns('stop-start', 'app-within-15m')).toBe(0);
    expect(failedRuns('stop-start', 'imds-overlap')).toBe(0);
  });
});
