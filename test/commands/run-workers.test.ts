/**
 * `iamsim run --workers N`: the instances split over worker threads give the one-thread run's
 * JSON byte for byte (causes, timelines, checks and the event count included), with faults and
 * metric checks; what keeps a run on one thread is said on stderr and changes nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { sdkPresetNames } from '../../src/scenario/schema.ts';
import { runCli } from '../cli/capture.ts';

/** Calls of replayedSlice on this thread: whether a one-thread run was replayed (it passes them on). */
const replayed = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../src/parallel/replayed.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/parallel/replayed.ts')>();
  return {
    ...real,
    replayedSlice: (...args: Parameters<typeof real.replayedSlice>) => {
      replayed.calls++;
      return real.replayedSlice(...args);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'iamsim-workers-'));

function write(name: string, lines: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The world both files' fleets live in: two regions, the old and the new role, one profile. */
const world = [
  'regions: [us-east-1, eu-west-1]',
  'roles:',
  '  - { name: app-v1, allow: ["s3:GetObject"] }',
  '  - { name: app-v2, allow: ["s3:GetObject", "s3:PutObject"] }',
  'instanceProfiles:',
  '  - { name: web, role: app-v1 }',
];

/** Two regions, every SDK preset, a partition, a control-plane pause, an IMDS outage and checks. */
const faulty = write('faulty.yaml', [
  'name: faulty-swap',
  'seed: 3',
  'horizon: 8h',
  ...world,
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

  it('replays a fleet of 10,000 instances on one thread in chunks: the bytes of the run simulated whole', async () => {
    // Two fleets, one untouched: `webCount` + 1,000 instances.
    const fleetOf = (name: string, webCount: number) =>
      write(name, [
        'name: big',
        'seed: 5',
        'horizon: 1h',
        ...world,
        'fleets:',
        `  - { name: web, count: ${webCount}, region: us-east-1, instanceProfile: web, sdk: [botocore, cli], probe: { action: "s3:PutObject", every: 5m } }`,
        '  - { name: batch, count: 1000, region: eu-west-1, instanceProfile: web, sdk: js-v3 }',
        'faults:',
        '  - partition: { region: eu-west-1, from: 20m, to: 40m }',
        'steps:',
        '  - strategy: replace-profile',
        '    targets: { fleet: web }',
        '    to: { role: app-v2 }',
        '    at: 10m',
      ]);
    const big = fleetOf('big.yaml', 9000);
    const before = replayed.calls;
    const chunked = await runCli('run', big, '--json');
    expect(replayed.calls).toBe(before + 1);
    // --trace keeps the run whole (a trace lists one scheduler's events).
    const whole = await runCli('run', big, '--json', '--trace', join(dir, 'big-trace.jsonl'));
    expect(replayed.calls).toBe(before + 1);
    expect(chunked.code).toBe(0);
    // Nothing but progress lines (a run of more than a few seconds prints them when not on a terminal).
    expect(chunked.stderr.replace(/^progress: .*\n/gm, '')).toBe('');
    expect(JSON.parse(chunked.stdout).instances).toHaveLength(10_000);
    expect(chunked.stdout === whole.stdout).toBe(true);
    // One instance fewer is run whole.
    const smaller = fleetOf('smaller.yaml', 8999);
    await runCli('run', smaller, '--json');
    expect(replayed.calls).toBe(before + 1);
  });
});
