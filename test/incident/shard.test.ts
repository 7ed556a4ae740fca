/**
 * An incident sweep split over machines: the partials carry the attacker's outcomes, and merging
 * them gives the unsharded reports byte for byte (the incident section included).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'iamsim-incident-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<number> {
  return (await runCli(...argv)).code;
}

describe('sharded incident sweep', () => {
  it('merges into the single-machine reports, incident section included', async () => {
    const common = [
      'compare',
      'scenarios/incident-ssrf.yaml',
      '--seed',
      '3',
      '--seeds',
      '4',
      '--workers',
      '1',
    ];
    expect(await run(...common, '--out', join(dir, 'single'))).toBe(0);
    for (const k of [1, 2])
      expect(await run(...common, '--shard', `${k}/2`, '--out', join(dir, 'part'))).toBe(0);
    const parts = [1, 2].map((k) => join(dir, `part.shard-${k}-of-2.json`));
    expect(await run('merge', ...parts, '--out', join(dir, 'merged'))).toBe(0);
    for (const ext of ['md', 'json', 'html']) {
      expect(readFileSync(join(dir, `merged.${ext}`), 'utf8')).toBe(
        readFileSync(join(dir, `single.${ext}`), 'utf8'),
      );
    }
    expect(readFileSync(join(dir, 'merged.md'), 'utf8')).toContain(
      '## Incident response: exposure vs outage',
    );
  });
});
