/**
 * `iamsim run --workers N`: the instances split over worker threads give the one-thread run's
 * JSON byte for byte (causes, timelines, checks and the event count included), with faults and
 * metric checks; what keeps a run on one thread is said on stderr and changes nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdkPresetNames } from '../../src/scenario/schema.ts';
import { runCli } from '../cli/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'iamsim-workers-'));

function write(name: string, lines: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Two regions, every SDK preset, a partition, a control-plane pause, an IMDS outage and checks. */
const faulty = write('faulty.yaml', [
  'name: faulty-swap',
  'seed: 3',
  'horizon: 8h',
  'regions: [us-east-1, eu-west-1]',
  'roles:',
  '  - { name: app-v1, allow: ["s3:GetObject"] }',
  '  - { name: app-v2, allow: ["s3:GetObject", "s3:PutObject"] }',
  'instanceProfiles:',
  '  - { name: web, role: app-v1 }',
  'fleets:',
  ...sdkPresetNames.flatMap((sdk) => [
    `  - { name: east-${sdk}, count: 2, region: us-east-1, instanceProfile: web, sdk: ${sdk}, probe: { action: "s3:PutObject", every: 1m } }`,
    `  - { name: west-${sdk}, count: 2, region: eu-west-1, instanceProfile: web, sdk: ${sdk}, probe: { action: "s3:PutObject", every: 1m } }`,
  ]),
  'faults:',
  '  - partition: { region: eu-west-1, from: 20m, to: 1h20m }',
  '  - controlPlanePause: { from: 29m, to: 33m }',
  '  - imdsOutage: { fleet: west-cli, from: 40m, to: 50m }',
  'checks:',
  '  - { name: fast-enough, metric: appNewRoleMs, max: 15m }',
  'steps:',
  '  - strategy: swap-role-in-profile',
  `    targets: { fleets: [${sdkPresetNames.flatMap((s) => [`east-${s}`, `west-${s}`]).join(', ')}] }`,
  '    to: { role: app-v2 }',
  '    at: 30m',
]);

describe('iamsim run --workers', () => {
  it('prints the same JSON with 1, 2 and 3 worker threads, faults and failing checks included', async () => {
    const one = await runCli('run', faulty, '--json', '--workers', '1');
    expect(one.code).toBe(3);
    const doc = JSON.parse(one.stdout) as {
      steps: { ok: boolean }[];
      checks: { kind: string; ok: boolean }[];
    };
    // The run does reach what the comparison is about: a failed call and a failed metric check.
    expect(doc.steps.some((s) => !s.ok)).toBe(true);
    expect(doc.checks.some((c) => c.kind === 'metric' && !c.ok)).toBe(true);
    for (const workers of ['2', '3']) {
      const split = await runCli('run', faulty, '--json', '--workers', workers);
      expect(split.stderr).toBe(one.stderr);
      expect(split.code).toBe(one.code);
      expect(split.stdout === one.stdout, `--workers ${workers}`).toBe(true);
    }
  });

  it('runs the readable output on threads too, and says when --trace keeps it on one', async () => {
    const one = await runCli('run', faulty, '--workers', '1');
    const two = await runCli('run', faulty, '--workers', '2');
    expect(two.stdout).toBe(one.stdout);
    const traced = await runCli('run', faulty, '--workers', '2', '--trace', join(dir, 'trace.jsonl'));
    expect(traced.stderr).toContain('running on one thread: a trace lists every event of one scheduler');
    expect(traced.stdout.startsWith(one.stdout)).toBe(true);
  });

  it('keeps a scenario with incidents on one thread, and says why', async () => {
    const one = await runCli(
      'run',
      'scenarios/incident-ssrf.yaml',
      '--json',
      '--strategy',
      'revoke-sessions',
    );
    const two = await runCli(
      'run',
      'scenarios/incident-ssrf.yaml',
      '--json',
      '--strategy',
      'revoke-sessions',
      '--workers',
      '2',
    );
    expect(two.stderr).toContain('running on one thread: the scenario has incidents');
    expect(two.stdout).toBe(one.stdout);
  });

  it.each([
    ['1000', 'fewer than the whole run, more than any slice alone'],
    ['300', 'fewer than one slice alone'],
  ])('reports the event cap (%s: %s) exactly as the one-thread run does', async (cap) => {
    const one = await runCli('run', faulty, '--json', '--events-max', cap, '--workers', '1');
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(new RegExp(`more than ${cap} events (at t=|during the warm-up)`));
    const two = await runCli('run', faulty, '--json', '--events-max', cap, '--workers', '2');
    expect([two.code, two.stderr, two.stdout]).toEqual([one.code, one.stderr, one.stdout]);
  });

  it('--help says what keeps a run on one thread', async () => {
    const help = await runCli('run', '--help');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(
      'Runs with --trace and scenarios with incidents use one thread, as does each run of iamsim check (its checkers observe every instance at once)',
    );
  });

  it('refuses a worker count that is not a whole number from 1', async () => {
    const bad = await runCli('run', faulty, '--workers', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/workers/);
  });
});
