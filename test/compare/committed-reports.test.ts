/**
 * The reports committed under reports/ are exactly what `npm start` writes on a fresh clone: a
 * model change that moves any number must come with regenerated reports (run `npm start`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { captureIo } from '../cli/capture.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'iamsim-reports-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('committed reports', () => {
  it('reports/default.{md,json,html} equal a fresh run of the main job', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    };
    // The main job's own arguments, with the output redirected to a temporary prefix.
    const args = pkg.scripts.start.split(' ').slice(2);
    expect(args.slice(0, 2)).toEqual(['compare', 'scenarios/default.yaml']);
    const out = join(dir, 'default');
    const argv = [...args.slice(0, args.indexOf('--out')), '--out', out];
    const captured = captureIo(root);
    expect(await main(argv, captured.io)).toBe(0);
    for (const ext of ['md', 'json', 'html']) {
      expect(readFileSync(`${out}.${ext}`, 'utf8'), `reports/default.${ext} is stale: run npm start`).toBe(
        readFileSync(join(root, 'reports', `default.${ext}`), 'utf8'),
      );
    }
  }, 120_000);
});
