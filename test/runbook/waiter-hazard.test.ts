/**
 * The example runbook's hazard, measured: over 200 seeds, how often `aws iam wait
 * instance-profile-exists` passes while eu-west-1's view still shows web-v2 without its role,
 * and what that does to the instances (they keep the old role until IMDS's next rotation).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompareReport } from '../../src/report/types.ts';
import type { WaiterPass } from '../../src/result.ts';
import { waiterHazards, waiterPass } from '../../src/runbook/waiter-hazard.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { simulate } from '../../src/simulate.ts';
import { runCli } from '../cli/capture.ts';

const SEEDS = 200;
const WAITER = 'steps.2';

const loaded = loadScenario(
  readFileSync(join(import.meta.dirname, '../../scenarios/aws-cli-runbook.yaml'), 'utf8'),
);
if (!loaded.ok) throw new Error('the example scenario does not load');
const results = Array.from({ length: SEEDS }, (_, i) =>
  simulate(loaded.scenario, { seed: i + 1, timelines: false, responses: false }),
);
const passOf = (passes: readonly WaiterPass[] | undefined) => passes?.find((p) => p.origin === WAITER);

describe('aws iam wait instance-profile-exists in scenarios/aws-cli-runbook.yaml', () => {
  it('records what the passing poll showed, which is what GetInstanceProfile answered then', () => {
    // Checked against the recorded call with its response (iamsim run keeps responses).
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const r = simulate(loaded.scenario, { seed, timelines: false });
      const pass = passOf(r.waiterPasses);
      const polls = r.steps.filter((s) => s.origin === WAITER && s.call === 'iam:GetInstanceProfile' && s.ok);
      if (pass === undefined) {
        expect(polls, `seed ${seed}`).toEqual([]);
        continue;
      }
      expect(polls).toHaveLength(1);
      const roles = (polls[0]!.response as { InstanceProfile: { Roles: unknown[] } }).InstanceProfile.Roles;
      expect(pass.roleShown, `seed ${seed}`).toBe(roles.length > 0);
      expect(pass).toMatchObject({
        waiter: 'InstanceProfileExists',
        region: 'eu-west-1',
        atMs: polls[0]!.atMs,
      });
    }
  });

  it('passes before the role is visible in a measurable share of runs (default calibration)', () => {
    const [hazard, ...more] = waiterHazards(results.map((r) => r.waiterPasses ?? []));
    expect(more).toEqual([]);
    expect(hazard).toMatchObject({ origin: WAITER, waiter: 'InstanceProfileExists', regions: ['eu-west-1'] });
    // The waiter gives up after 40 polls a second apart; IAM propagation's tail is longer (p99 60 s),
    // so a few runs stop there (exit 255, the runbook stops).
    expect(hazard!.runs).toBe(SEEDS);
    expect(hazard!.runsPassed).toBeGreaterThan(SEEDS * 0.9);
    expect(hazard!.runsWithoutRole).toBeGreaterThan(0);
    expect(hazard!.runsWithoutRole).toBeLessThan(hazard!.runsPassed);
    // Measured with seeds 1-200: 197 passed, 98 of them before eu-west-1 showed the role.
  });

  it('those runs are the ones whose instances wait for the next rotation', () => {
    const FIVE_MIN = 5 * 60 * 1000;
    let slowWithHazard = 0;
    for (const r of results) {
      const pass = passOf(r.waiterPasses);
      const slow = r.instances.some((i) => (i.metrics.imdsNewRoleMs ?? Number.POSITIVE_INFINITY) > FIVE_MIN);
      // When the waiter passed with the role visible, every instance is on the new role within
      // minutes (runs where the waiter ran out changed nothing and are left out).
      if (pass?.roleShown === true) expect(slow, `seed ${r.seed}`).toBe(false);
      else if (pass?.roleShown === false) slowWithHazard += slow ? 1 : 0;
    }
    // Measured with seeds 1-200: 59 such runs. Some, not all: the role may still arrive before IMDS picks up.
    expect(slowWithHazard).toBeGreaterThan(0);
  });
});

describe('waiterPass', () => {
  it('records the profile waiter only: nothing reads the others', () => {
    const ok = { ok: true, response: { InstanceProfile: { Roles: [] } } } as const;
    expect(waiterPass('InstanceRunning', 'steps.3.steps.0', 'us-east-1', 5, ok)).toBeUndefined();
    expect(waiterPass('InstanceProfileExists', 'steps.2', 'eu-west-1', 5, ok)).toEqual({
      origin: 'steps.2',
      waiter: 'InstanceProfileExists',
      region: 'eu-west-1',
      atMs: 5,
      roleShown: false,
    });
  });
});

describe('waiterHazards', () => {
  const pass = (origin: string, roleShown: boolean, region = 'us-east-1'): WaiterPass => ({
    origin,
    waiter: 'InstanceProfileExists',
    region,
    atMs: 0,
    roleShown,
  });

  it('counts runs, not passes (a waiter in a forEach passes once per instance)', () => {
    const hazards = waiterHazards([
      [pass('steps.1', true), pass('steps.1', false, 'eu-west-1')],
      [pass('steps.1', true)],
      [],
      [pass('steps.1', false)],
    ]);
    expect(hazards).toEqual([
      {
        origin: 'steps.1',
        waiter: 'InstanceProfileExists',
        regions: ['eu-west-1', 'us-east-1'],
        runs: 4,
        runsPassed: 3,
        runsWithoutRole: 2,
      },
    ]);
  });
});

describe('the compare report of the runbook', () => {
  it('reports the share in every format, and two shards merged give the same report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamsim-waiters-'));
    const run = runCli;
    try {
      const common = ['compare', 'scenarios/aws-cli-runbook.yaml', '--seeds', '30', '--workers', '1'];
      const whole = await run(...common, '--out', join(dir, 'whole'));
      expect(whole.code).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, 'whole.json'), 'utf8')) as CompareReport;
      const [w, ...more] = report.strategies[0]!.waiters ?? [];
      expect(more).toEqual([]);
      expect(w).toMatchObject({ origin: WAITER, runs: 30, regions: ['eu-west-1'] });
      expect(w!.runsWithoutRole).toBeGreaterThan(0);
      const line = `passed before eu-west-1's view showed the role in ${w!.runsWithoutRole} of 30 runs`;
      expect(whole.stdout).toContain(line);
      const md = readFileSync(join(dir, 'whole.md'), 'utf8');
      expect(md).toContain('## Waiters');
      expect(md).toContain(`| ${w!.runsWithoutRole} of 30 |`);
      expect(readFileSync(join(dir, 'whole.html'), 'utf8')).toContain('<h2 id="waiters">Waiters</h2>');
      // iamsim run says so of the one run it shows.
      const seed = results.find((r) => passOf(r.waiterPasses)?.roleShown === false)!.seed;
      const ran = await run('run', 'scenarios/aws-cli-runbook.yaml', '--seed', String(seed));
      expect(ran.stdout).toMatch(
        /note: steps\.2 \(iam wait instance-profile-exists\) passed at [0-9:.]+ while eu-west-1's view showed the profile without a role/,
      );
      for (const k of [1, 2]) {
        const shard = await run(...common, '--shard', `${k}/2`, '--out', join(dir, 'part'));
        expect(shard.stderr).toBe('');
      }
      const parts = [1, 2].map((k) => join(dir, `part.shard-${k}-of-2.json`));
      expect((await run('merge', ...parts, '--out', join(dir, 'merged'))).code).toBe(0);
      for (const ext of ['json', 'md', 'html'])
        expect(readFileSync(join(dir, `merged.${ext}`), 'utf8')).toBe(
          readFileSync(join(dir, `whole.${ext}`), 'utf8'),
        );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
