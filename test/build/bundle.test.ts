// The prebuilt bundle (src/build): used when it was built from exactly the current sources, never
// when a source changed since, and running the same code as the sources do through tsx.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../src/build/bundle.js';
import { freshBundleDir, sourceStamp } from '../../src/build/stamp.js';
import { sweepScenarioYaml } from '../bench/sweep.ts';

const exec = promisify(execFile);
const repoRoot = join(import.meta.dirname, '../..');

/**
 * A checkout of its own in a temporary folder (src, package.json, a scenario), whose node_modules
 * links to this one's packages but has its own .cache, so that editing its sources and building
 * its bundle cannot disturb tests running from the real checkout.
 */
function makeCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'iamsim-bundle-test-'));
  cpSync(join(repoRoot, 'src'), join(root, 'src'), { recursive: true });
  cpSync(join(repoRoot, 'package.json'), join(root, 'package.json'));
  mkdirSync(join(root, 'node_modules'));
  for (const name of readdirSync(join(repoRoot, 'node_modules'))) {
    if (name !== '.cache')
      symlinkSync(join(repoRoot, 'node_modules', name), join(root, 'node_modules', name));
  }
  writeFileSync(join(root, 'tiny.yaml'), sweepScenarioYaml(2, 2));
  return root;
}

/** Runs the checkout's src/bin.js; resolves with its output whatever the exit code. */
async function iamsim(root: string, args: readonly string[], env: Record<string, string> = {}) {
  const childEnv = { ...process.env, ...env };
  if (env.IAMSIM_NO_BUNDLE === undefined) delete childEnv.IAMSIM_NO_BUNDLE;
  try {
    const { stdout, stderr } = await exec(process.execPath, ['src/bin.js', ...args], {
      cwd: root,
      env: childEnv,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Makes a bundle file announce itself on stderr when it runs, so a test can see which code ran. */
function mark(file: string, marker: string): void {
  writeFileSync(
    file,
    `process.stderr.write(${JSON.stringify(`${marker}\n`)});\n${readFileSync(file, 'utf8')}`,
  );
}

const count = (text: string, marker: string) => text.split(marker).length - 1;

describe('the source stamp', () => {
  let root: string;
  beforeAll(() => {
    root = makeCheckout();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is stable, and changes with any source, package.json or the installed packages', () => {
    const stamp = sourceStamp(root);
    expect(sourceStamp(root)).toBe(stamp);
    const edits: [string, (text: string) => string][] = [
      ['src/engine/queue.ts', (t) => `${t}\n`],
      ['src/build/stamp.js', (t) => `${t}// a comment\n`],
      ['package.json', (t) => t.replace('"version": "0.1.0"', '"version": "0.1.1"')],
    ];
    const seen = new Set([stamp]);
    for (const [file, edit] of edits) {
      const path = join(root, file);
      const before = readFileSync(path, 'utf8');
      writeFileSync(path, edit(before));
      const edited = sourceStamp(root);
      expect(seen.has(edited), file).toBe(false);
      seen.add(edited);
      writeFileSync(path, before);
      expect(sourceStamp(root), `${file} restored`).toBe(stamp);
    }
    writeFileSync(join(root, 'src/new-module.ts'), 'export const x = 1;\n');
    expect(sourceStamp(root)).not.toBe(stamp);
    rmSync(join(root, 'src/new-module.ts'));
    // node_modules/.package-lock.json is npm's record of what is installed (a link here).
    const lock = join(root, 'node_modules/.package-lock.json');
    rmSync(lock);
    writeFileSync(lock, '{}\n');
    expect(sourceStamp(root)).not.toBe(stamp);
  });
});

describe('a stale bundle', () => {
  let root: string;
  beforeAll(() => {
    root = makeCheckout();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs while fresh, in the CLI and in compare workers, and never once a source changed', async () => {
    const built = await buildBundle(root);
    expect(freshBundleDir(root)).toBe(built);
    mark(join(built, 'cli.js'), 'MARK cli bundle');
    mark(join(built, 'worker.js'), 'MARK worker bundle');

    const fresh = await iamsim(root, ['compare', 'tiny.yaml', '--workers', '2', '--out', 'fresh']);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(count(fresh.stderr, 'MARK cli bundle')).toBe(1);
    expect(count(fresh.stderr, 'MARK worker bundle')).toBe(2);

    // An edit the output shows: the help's last line.
    const cliSource = join(root, 'src/cli.ts');
    writeFileSync(
      cliSource,
      readFileSync(cliSource, 'utf8').replace("'Exit codes: 0 ok", "'Edited. Exit codes: 0 ok"),
    );
    const help = await iamsim(root, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Edited. Exit codes: 0 ok');
    expect(help.stderr).not.toContain('MARK');
    // bin.js rebuilt the bundle for the edited sources and removed the stale one.
    const rebuilt = freshBundleDir(root);
    expect(rebuilt).toBeDefined();
    expect(rebuilt).not.toBe(built);
    expect(existsSync(built)).toBe(false);

    const after = await iamsim(root, ['compare', 'tiny.yaml', '--workers', '2', '--out', 'after']);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).not.toContain('MARK');
    expect(readFileSync(join(root, 'after.json'), 'utf8')).toBe(
      readFileSync(join(root, 'fresh.json'), 'utf8'),
    );
  }, 120_000);

  it('falls back to tsx, in the CLI and in compare workers, when no bundle can be built', async () => {
    // Every build fails, as it would without esbuild or in a read-only checkout. (This edit also
    // makes the bundle from the previous test stale.)
    const bundleScript = join(root, 'src/build/bundle.js');
    const original = readFileSync(bundleScript, 'utf8');
    writeFileSync(
      bundleScript,
      original.replace(
        "const esbuild = await import('esbuild');",
        "const esbuild = await import('esbuild');\n    throw new Error('no bundling in this test');",
      ),
    );
    try {
      const before = readdirSync(join(root, 'node_modules/.cache/iamsim'));
      const run = await iamsim(root, ['compare', 'tiny.yaml', '--workers', '2', '--out', 'tsx']);
      expect(run.code, run.stderr).toBe(0);
      expect(freshBundleDir(root)).toBeUndefined();
      expect(readdirSync(join(root, 'node_modules/.cache/iamsim'))).toEqual(before);
      expect(readFileSync(join(root, 'tsx.json'), 'utf8')).toBe(
        readFileSync(join(root, 'fresh.json'), 'utf8'),
      );
    } finally {
      writeFileSync(bundleScript, original);
    }
  }, 120_000);
});

describe('the bundle of this checkout', () => {
  beforeAll(async () => {
    await buildBundle(repoRoot);
  }, 120_000);

  it('prints byte-identical results to the sources run through tsx', async () => {
    const args = ['run', 'scenarios/replace-profile.yaml', '--json'];
    const bundled = await iamsim(repoRoot, args);
    const tsx = await iamsim(repoRoot, args, { IAMSIM_NO_BUNDLE: '1' });
    expect(bundled.code).toBe(0);
    expect(bundled.stdout.length).toBeGreaterThan(1000);
    expect(bundled.stdout).toBe(tsx.stdout);
    expect(bundled.stderr).toBe(tsx.stderr);
  }, 60_000);

  it('reports bad input exactly as the sources do', async () => {
    const args = ['validate', 'test/scenario/invalid/dangling-role.yaml'];
    const bundled = await iamsim(repoRoot, args);
    const tsx = await iamsim(repoRoot, args, { IAMSIM_NO_BUNDLE: '1' });
    expect(bundled.code).toBe(2);
    expect([bundled.code, bundled.stdout, bundled.stderr]).toEqual([tsx.code, tsx.stdout, tsx.stderr]);
  }, 60_000);
});
