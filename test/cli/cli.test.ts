import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli.ts';
import { ChecksFailedError, InvalidScenarioError, UsageError } from '../../src/errors.ts';
import { captureIo, repoRoot, runCli, stackTraceLine } from './capture.ts';

const root = repoRoot;
const valid = (name: string) => fileURLToPath(new URL(`../scenario/valid/${name}`, import.meta.url));

const run = runCli;

describe('iamsim', () => {
  it('--help lists every command with examples and exits 0', async () => {
    const { code, stdout, stderr } = await run('--help');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const command of ['run <file>', 'compare <files..>', 'validate <files..>', 'schema'])
      expect(stdout).toContain(command);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('Exit codes:');
  });

  it.each(['run', 'compare', 'validate', 'schema'])(
    '%s --help shows its options and examples',
    async (command) => {
      const { code, stdout } = await run(command, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain(`iamsim ${command}`);
      expect(stdout).toContain('Examples:');
    },
  );

  it('run and compare declare their flags', async () => {
    const runHelp = (await run('run', '--help')).stdout;
    for (const flag of ['--seed', '--json', '--trace']) expect(runHelp).toContain(flag);
    const compareHelp = (await run('compare', '--help')).stdout;
    for (const flag of ['--seeds', '--workers', '--out', '--json', '--seed'])
      expect(compareHelp).toContain(flag);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const { code, stdout } = await run('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('with no command shows help on stderr and exits 2', async () => {
    const { code, stdout, stderr } = await run();
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Commands:');
  });

  it.each([
    [['validate', 'x.yaml', '--bogus'], 'Unknown argument: bogus'],
    [['--bogus'], 'Unknown argument: bogus'],
    [['frobnicate'], 'Unknown argument: frobnicate'],
    [['valdate', 'x.yaml'], 'unknown command "valdate". Did you mean validate?'],
    [['validate'], 'Not enough non-option arguments'],
    [['run', 'x.yaml', '--seed', '-3'], '--seed must be a whole number from 0'],
    [['compare', 'x.yaml', '--seeds', 'lots'], '--seeds must be a whole number from 1 to 100000'],
    [['compare', 'x.yaml', '--workers', '0'], '--workers must be a whole number from 1'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const { code, stdout, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain("Run 'iamsim --help' for usage.");
    expect(stderr).not.toMatch(stackTraceLine);
  });
});

describe('iamsim validate', () => {
  it('prints a summary per valid file', async () => {
    const { code, stdout, stderr } = await run(
      'validate',
      valid('replace-small.yaml'),
      valid('minimal.yaml'),
    );
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      `${valid('replace-small.yaml')}: ok (11 instances, 8 steps)\n${valid('minimal.yaml')}: ok (1 instance, 1 step)\n`,
    );
  });

  it('resolves paths against the cwd of the io', async () => {
    const { code, stdout } = await run('validate', 'test/scenario/valid/minimal.yaml');
    expect(code).toBe(0);
    expect(stdout).toBe('test/scenario/valid/minimal.yaml: ok (1 instance, 1 step)\n');
  });

  it('reports problems of every file and exits 2 when any is invalid', async () => {
    const { code, stdout, stderr } = await run(
      'validate',
      valid('minimal.yaml'),
      'missing.yaml',
      'test/scenario/invalid/many-problems.yaml',
    );
    expect(code).toBe(2);
    expect(stdout).toContain('minimal.yaml: ok');
    expect(stderr).toContain('missing.yaml: (root): cannot read the file: no such file');
    expect(stderr).toContain(
      'test/scenario/invalid/many-problems.yaml: horizon (6:10): invalid duration "soon"',
    );
    expect(stderr).toContain('4 problems found');
  });
});

describe('iamsim schema', () => {
  it('prints the JSON Schema', async () => {
    const { code, stdout } = await run('schema');
    expect(code).toBe(0);
    const schema = JSON.parse(stdout) as { $schema: string; title: string };
    expect(schema.$schema).toContain('draft-07');
    expect(schema.title).toBe('iamsim scenario');
  });
});

describe('exit codes', () => {
  const io = () => captureIo();

  it('maps each error type in one place', () => {
    const usage = io();
    expect(exitCodeFor(new UsageError('bad flag'), usage.io)).toBe(2);
    expect(usage.stderr()).toContain('iamsim: bad flag');

    const invalid = io();
    expect(
      exitCodeFor(
        new InvalidScenarioError([{ file: 'f.yaml', path: 'a.b', line: 3, col: 4, message: 'nope' }]),
        invalid.io,
      ),
    ).toBe(2);
    expect(invalid.stderr()).toBe('f.yaml: a.b (3:4): nope\n1 problem found\n');

    expect(exitCodeFor(new ChecksFailedError(''), io().io)).toBe(3);

    const bug = io();
    expect(exitCodeFor(new TypeError('x is undefined'), bug.io)).toBe(1);
    expect(bug.stderr()).toBe('internal error (this is a bug in iamsim): x is undefined\n');
  });
});

describe('the executable', () => {
  const exec = promisify(execFile);

  it('runs through src/bin.js and sets the exit code', async () => {
    const ok = await exec('node', ['src/bin.js', 'validate', 'test/scenario/valid/minimal.yaml'], {
      cwd: root,
    });
    expect(ok.stdout).toBe('test/scenario/valid/minimal.yaml: ok (1 instance, 1 step)\n');
    const failed = await exec(
      'node',
      ['src/bin.js', 'validate', 'test/scenario/invalid/dangling-role.yaml'],
      { cwd: root },
    ).catch((e: { code: number; stderr: string }) => e);
    expect('code' in failed && failed.code).toBe(2);
    expect((failed as { stderr: string }).stderr).toContain('instanceProfiles.0.role');
  });

  it('stops quietly when its reader closes the pipe (`iamsim run --json | head`)', async () => {
    // More output than a pipe holds (~4 KB per instance), so a write finds the pipe closed.
    const file = join(mkdtempSync(join(tmpdir(), 'iamsim-epipe-')), 'fleet.yaml');
    writeFileSync(
      file,
      [
        'name: fleet',
        'horizon: 2h',
        'regions: [us-east-1]',
        'roles: [{ name: a, allow: ["s3:GetObject"] }, { name: b, allow: ["s3:PutObject"] }]',
        'instanceProfiles: [{ name: web, role: a }]',
        'fleets: [{ name: web, count: 200, region: us-east-1, instanceProfile: web }]',
        'steps: [{ strategy: replace-profile, targets: { fleet: web }, to: { role: b }, at: 30m }]',
        '',
      ].join('\n'),
    );
    const child = spawn('node', ['src/bin.js', 'run', file, '--json'], { cwd: root });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(141);
    expect(stderr).not.toMatch(stackTraceLine);
    expect(stderr).not.toContain('EPIPE');
  }, 30_000);
});
