/**
 * `iamsim check` end to end through main() with captured io: passing runs exit 0 and list the
 * paths covered; the deliberately broken model (switched on by the test-only environment variable
 * IAMSIM_TEST_MODEL_BUG) exits 3 with the seed, the failing invariant, a witness and a shrunk
 * scenario file whose own replay command fails again the same way.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { defaultShrunkFile } from '../../src/commands/check.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { captureIo, stackTraceLine } from '../cli/capture.ts';

const root = join(import.meta.dirname, '../..');
const BUG_ENV = 'IAMSIM_TEST_MODEL_BUG';

/** A temp dir holding a copy of an example scenario; the command runs there (cwd). */
function workspace(example: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'iamsim-check-'));
  copyFileSync(join(root, 'scenarios', example), join(dir, example));
  return { dir, file: example };
}

async function check(cwd: string, ...args: string[]) {
  const captured = captureIo(cwd);
  const code = await main(['check', ...args], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

afterEach(() => {
  delete process.env[BUG_ENV];
});

describe('iamsim check', () => {
  it('--help documents the flags, the jitter ranges and every invariant', async () => {
    const { code, stdout } = await check(root, '--help');
    expect(code).toBe(0);
    for (const text of [
      '--runs',
      '--seed',
      '--jitter',
      '--out',
      '[0.25, 4]',
      'liveness-imds-role (liveness)',
      'imds-overlap (safety)',
    ])
      expect(stdout).toContain(text);
    expect(stdout).not.toContain(BUG_ENV);
  });

  it('exits 0 when every run passes, and prints the runs and the distinct paths covered', async () => {
    const { dir, file } = workspace('replace-profile.yaml');
    const { code, stdout, stderr } = await check(dir, file, '--runs', '3', '--jitter');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`seed 7 · reproduce with: iamsim check ${file} --runs 3 --seed 7 --jitter\n`);
    expect(stdout).toContain('replace-profile: 3 runs, seeds 7..9, calibration jittered per run (x0.25..x4)');
    expect(stdout).toContain('all 3 runs passed');
    // The tally lists every invariant with its share of failed runs, the liveness ones with their bound.
    expect(stdout).toMatch(/\n {2}imds-overlap +safety +0\/3 +- +-\n/);
    expect(stdout).toMatch(/\n {2}liveness-imds-role +liveness +0\/3 +- +within \d/);
    // Coverage names the situations reached, with their runs, and those never reached.
    expect(stdout).toMatch(/situations reached \(\d+ of 11\):\n {2}stale-regional-read +\d runs? /);
    expect(stdout).toMatch(/never reached \(the scenario does not exercise them\):\n {2}[a-z-]+ +\S/);
  });

  it('catches the broken model: exit 3, the seed, the invariant, a witness, and a shrunk file that replays', async () => {
    const { dir, file } = workspace('partition-swap.yaml');
    process.env[BUG_ENV] = 'imdsKeepsRemovedRole';
    const first = await check(dir, file, '--runs', '5');
    expect(first.code).toBe(3);
    expect(first.stderr).toContain('deliberately broken model');
    expect(first.stderr).not.toMatch(stackTraceLine);
    const out = first.stdout;
    expect(out).toContain('FAIL run 1, seed 11: liveness-imds-role (liveness)');
    expect(out).toMatch(
      /witness:\n {2}(also .*\n {2})*calls:\n {4}0:30:00\.\d{3} {2}iam:RemoveRoleFromInstanceProfile/,
    );
    expect(out).toMatch(/shrunk in \d+ runs: instances 6 -> 1, steps 1 -> 1, faults 1 -> 0, regions 2 -> 1/);
    const shrunkFile = defaultShrunkFile(file);
    expect(shrunkFile).toBe('partition-swap.shrunk.yaml');
    expect(out).toContain(
      `wrote ${shrunkFile}\nreplay: iamsim check ${shrunkFile} --runs 1 --seed 11 --no-shrink\n`,
    );

    // The shrunk file is a scenario in the project's format...
    const text = readFileSync(join(dir, shrunkFile), 'utf8');
    expect(loadScenario(text).ok).toBe(true);
    // ...whose printed replay command fails the same way...
    const replay = await check(dir, shrunkFile, '--runs', '1', '--seed', '11', '--no-shrink');
    expect(replay.code).toBe(3);
    expect(replay.stdout).toContain('FAIL run 1, seed 11: liveness-imds-role (liveness)');
    expect(replay.stdout).not.toContain('wrote ');
    // ...with the cause that names the rotation that should have dropped the role...
    expect(replay.stdout).toMatch(
      /cause: IMDS's rotation at \d:\d\d:\d\d\.\d{3} issued app-v1 again, although web in us-east-1's IAM view held app-v2 since \d:\d\d:\d\d\.\d{3} \(version 2, committed at \d:\d\d:\d\d\.\d{3}\): that rotation should have dropped app-v1/,
    );
    // ...does not shrink again unless asked (a shrunk file's name says what it is)...
    const quiet = await check(dir, shrunkFile, '--runs', '1', '--seed', '11');
    expect(quiet.stdout).not.toContain('wrote ');
    const asked = await check(
      dir,
      shrunkFile,
      '--runs',
      '1',
      '--seed',
      '11',
      '--shrink',
      '--out',
      'again.yaml',
    );
    expect(asked.code).toBe(3);
    expect(existsSync(join(dir, 'again.yaml'))).toBe(true);
    // ...and passes once the model is fixed: the failure was the bug, not the scenario.
    delete process.env[BUG_ENV];
    const fixed = await check(dir, shrunkFile, '--runs', '1', '--seed', '11');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('all 1 runs passed');
  });

  it('writes the shrunk scenario where --out says', async () => {
    const { dir, file } = workspace('swap-role-in-profile.yaml');
    process.env[BUG_ENV] = 'imdsKeepsRemovedRole';
    const { code, stdout } = await check(dir, file, '--out', 'min.yaml');
    expect(code).toBe(3);
    expect(stdout).toContain('wrote min.yaml\nreplay: iamsim check min.yaml --runs 1 --seed');
    expect(existsSync(join(dir, 'min.yaml'))).toBe(true);
  });

  it('an invalid scenario or a bad flag is exit 2, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamsim-check-'));
    writeFileSync(join(dir, 'bad.yaml'), 'name: t\nregions: [us-east-1]\nchecks:\n  - { invariant: nope }\n');
    const bad = await check(dir, 'bad.yaml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.yaml: checks.0.invariant (4:18): unknown invariant "nope"');
    const flag = await check(dir, 'bad.yaml', '--runs', '0');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--runs must be a whole number from 1 to 100000');
    const { dir: d2, file } = workspace('replace-profile.yaml');
    process.env[BUG_ENV] = 'somethingElse';
    const env = await check(d2, file, '--runs', '1');
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('the only test model bug is imdsKeepsRemovedRole');
    for (const r of [bad, flag, env]) expect(r.stderr).not.toMatch(stackTraceLine);
  });

  it('names a shrunk file after its input, next to it', () => {
    expect(defaultShrunkFile('runbooks/My Runbook.yaml')).toBe(join('runbooks', 'My Runbook.shrunk.yaml'));
    expect(defaultShrunkFile('a.yml')).toBe('a.shrunk.yaml');
    expect(defaultShrunkFile('a.shrunk.yaml')).toBe('a.shrunk.yaml');
    expect(defaultShrunkFile('/abs/dir/x.yaml')).toBe('/abs/dir/x.shrunk.yaml');
  });

  it('writes nothing into the current directory without --out: the shrunk file goes next to the input', async () => {
    const inputDir = mkdtempSync(join(tmpdir(), 'iamsim-input-'));
    const cwd = mkdtempSync(join(tmpdir(), 'iamsim-cwd-'));
    copyFileSync(join(root, 'scenarios', 'swap-role-in-profile.yaml'), join(inputDir, 'swap.yaml'));
    process.env[BUG_ENV] = 'imdsKeepsRemovedRole';
    const input = join(inputDir, 'swap.yaml');
    const { code, stdout } = await check(cwd, input, '--runs', '1');
    expect(code).toBe(3);
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(inputDir).sort()).toEqual(['swap.shrunk.yaml', 'swap.yaml']);
    const shown = relative(cwd, join(inputDir, 'swap.shrunk.yaml'));
    expect(stdout).toContain(`wrote ${shown}\n`);
    // Its replay writes nothing anywhere.
    const replay = await check(cwd, shown, '--runs', '1', '--seed', '7');
    expect(replay.code).toBe(3);
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(inputDir)).toHaveLength(2);
  });
});

describe('iamsim check output', () => {
  it('says where a shrunk file could not be written, after printing the failure (exit 2)', async () => {
    const { dir, file } = workspace('swap-role-in-profile.yaml');
    process.env[BUG_ENV] = 'imdsKeepsRemovedRole';
    const { code, stdout, stderr } = await check(dir, file, '--runs', '1', '--out', 'no/such/dir/x.yaml');
    expect(code).toBe(2);
    expect(stdout).toContain('FAIL run 1, seed 7: liveness-imds-role (liveness)');
    expect(stderr).toContain('cannot write the shrunk scenario to no/such/dir/x.yaml (ENOENT)');
  });
});
