/**
 * A file with only a `compare:` section: `run` and `check` run its first strategy (or the one
 * named).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnableScenario } from '../../src/check/strategy.ts';
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
