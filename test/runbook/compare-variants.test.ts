/**
 * A comparison of a strategy with itself rolled out in batches, through the real commands: the
 * labels are the strategies' names in the report, and sharded partials (whose kept timelines
 * carry replace-instances' slots) merge into the unsharded report byte for byte.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { captureIo } from '../cli/capture.ts';

const scenario = `
name: variants
seed: 1
horizon: 2h
regions: [us-east-1]
roles:
  - { name: app-v1, allow: ["s3:GetObject"] }
  - { name: app-v2, allow: ["s3:GetObject", "dynamodb:GetItem"] }
instanceProfiles:
  - { name: web, role: app-v1 }
fleets:
  - { name: web, count: 4, region: us-east-1, instanceProfile: web, sdk: [botocore, cli], probe: { action: "dynamodb:GetItem", every: 1m } }
compare:
  targets: { fleet: web }
  to: { role: app-v2 }
  at: 10m
  strategies:
    - replace-instances
    - { strategy: replace-instances, batch: { size: 1 } }
    - { strategy: stop-start, batch: { size: "50%", pause: 1m }, label: half-then-half }
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iamsim-variants-'));
  writeFileSync(join(dir, 'variants.yaml'), scenario);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const captured = captureIo(dir);
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('compare with batched variants', () => {
  it('reports each entry under its label; two shards merge into the same bytes', async () => {
    const file = join(dir, 'variants.yaml');
    const whole = await run('compare', file, '--seeds', '2', '--workers', '1', '--out', join(dir, 'whole'));
    expect(whole.stderr).toBe('');
    expect(whole.code).toBe(0);
    const md = readFileSync(join(dir, 'whole.md'), 'utf8');
    for (const label of ['replace-instances', 'replace-instances (batches of 1)', 'half-then-half']) {
      expect(md).toContain(`### ${label}\n`);
    }
    for (const k of [1, 2]) {
      const shard = await run(
        'compare',
        file,
        '--seeds',
        '2',
        '--workers',
        '1',
        '--shard',
        `${k}/2`,
        '--out',
        join(dir, 'part'),
      );
      expect(shard.stderr).toBe('');
      expect(shard.code).toBe(0);
    }
    const parts = [2, 1].map((k) => join(dir, `part.shard-${k}-of-2.json`));
    expect(readFileSync(parts[1]!, 'utf8')).toContain('"replacedBy"');
    const merged = await run('merge', ...parts, '--out', join(dir, 'merged'));
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    for (const ext of ['json', 'md', 'html']) {
      expect(readFileSync(join(dir, `merged.${ext}`), 'utf8')).toBe(
        readFileSync(join(dir, `whole.${ext}`), 'utf8'),
      );
    }
  });
});
