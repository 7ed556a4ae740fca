/** `iamsim run`: the readable output, JSON, traces, failed expectations and resource caps. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, stackTraceLine } from '../cli/capture.ts';

const run = runCli;

describe('iamsim run', () => {
  it('prints the seed and the reproducing command first, then calls and per-instance switch times', async () => {
    const { code, stdout } = await run('run', 'scenarios/replace-profile.yaml');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('seed 7 · reproduce with: iamsim run scenarios/replace-profile.yaml --seed 7');
    expect(stdout).toContain('ec2:ReplaceIamInstanceProfileAssociation');
    expect(stdout).toMatch(/web-0 \(i-[0-9a-f]{17}, us-east-1, botocore\): IMDS new role \+/);
  });

  it('--seed overrides the scenario seed and changes the run', async () => {
    const a = await run('run', 'scenarios/replace-profile.yaml', '--json');
    const b = await run('run', 'scenarios/replace-profile.yaml', '--json', '--seed', '8');
    expect(JSON.parse(a.stdout).seed).toBe(7);
    expect(JSON.parse(b.stdout).seed).toBe(8);
    expect(a.stdout).not.toBe(b.stdout);
  });

  it('--trace writes one JSON object per event, in event order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamsim-trace-'));
    const trace = join(dir, 'run.jsonl');
    const { code, stdout } = await run('run', 'scenarios/partition-swap.yaml', '--trace', trace);
    expect(code).toBe(0);
    const events = readFileSync(trace, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { timeMs: number; seq: number; label: string });
    const processed = Number(/, (\d+) events/.exec(stdout)?.[1]);
    expect(events.length).toBe(processed);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.timeMs).toBeGreaterThanOrEqual(events[i - 1]!.timeMs);
    expect(events.some((e) => e.label === 'iam.apply')).toBe(true);
  });

  it('a failed expect exits 3 and says which', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamsim-expect-'));
    const file = join(dir, 'expect.yaml');
    writeFileSync(
      file,
      [
        'name: expect-fails',
        'seed: 1',
        'regions: [us-east-1]',
        'steps:',
        '  - call: iam:GetInstanceProfile',
        '    params: { InstanceProfileName: missing }',
        '    expect: ok',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await run('run', file);
    expect(code).toBe(3);
    expect(stdout).toContain('FAIL expect iam:GetInstanceProfile ok');
    expect(stdout).toContain('got NoSuchEntity');
    expect(stderr).not.toMatch(stackTraceLine);
  });

  it('a run over its event cap stops with a clear error and exit 2, not a crash', async () => {
    const { code, stdout, stderr } = await run('run', 'scenarios/replace-profile.yaml', '--events-max', '50');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('resource cap (eventsMax = 50)');
    expect(stderr).toContain('--events-max');
    expect(stderr).not.toMatch(stackTraceLine);
  });
});
