/**
 * The reports committed under reports/ are exactly what `npm start` writes on a fresh clone: a
 * model change that moves any number must come with regenerated reports (run `npm start`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../cli/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'iamsim-reports-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('committed reports', () => {
  it('reports/default.{md,json,html} equal a fresh run of the main job', async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    // The main job's own arguments, with the output redirected to a temporary prefix.
    const args = pkg.scripts.start.split(' ').slice(2);
    expect(args.slice(0, 2)).toEqual(['compare', 'scenarios/default.yaml']);
    await expectFresh('default', args.slice(0, args.indexOf('--out')), 'npm start');
  }, 120_000);

  it('reports/incident-ssrf.{md,json,html} equal a fresh run of the incident comparison', async () => {
    const args = ['compare', 'scenarios/incident-ssrf.yaml'];
    await expectFresh('incident-ssrf', args, `iamsim ${args.join(' ')} --out reports/incident-ssrf`);
  }, 120_000);
});

/** Runs `args` with the output in a temporary prefix and compares each file with reports/NAME.*. */
async function expectFresh(name: string, args: readonly string[], regenerate: string): Promise<void> {
  const out = join(dir, name);
  expect((await runCli(...args, '--out', out)).code).toBe(0);
  for (const ext of ['md', 'json', 'html']) {
    expect(readFileSync(`${out}.${ext}`, 'utf8'), `reports/${name}.${ext} is stale: run ${regenerate}`).toBe(
      readFileSync(join(repoRoot, 'reports', `${name}.${ext}`), 'utf8'),
    );
  }
}
