/** `iamsim run` text: spans as people read them, and a per-fleet summary before the instances. */
import { describe, expect, it } from 'vitest';
import { formatSpan, renderRunText } from '../../src/report/run-text.ts';
import type { InstanceResult, RunResult } from '../../src/result.ts';

describe('formatSpan', () => {
  it.each([
    [150, '150ms'],
    [4210, '4.2s'],
    [95_000, '1m35s'],
    [600_000, '10m'],
    [12_023_712, '3h20m'],
    [16_200_000, '4h30m'],
    [3_600_000, '1h'],
    [2 * 86_400_000 + 3_600_000, '2d1h'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});

function instance(
  name: string,
  fleet: string | undefined,
  imds: number | null,
  app: number | null,
  role: { target: boolean; affected: boolean } = { target: true, affected: false },
): InstanceResult {
  return {
    name,
    ...role,
    id: `i-${name}`,
    region: 'us-east-1',
    sdk: 'botocore',
    ...(fleet === undefined ? {} : { fleet }),
    metrics: {
      imdsNewRoleMs: imds,
      appNewRoleMs: app,
      oldRoleExposureMs: app,
      credentialGapMs: 0,
      downtimeMs: 0,
    },
    probes: { allowed: 0, denied: 0 },
  } as unknown as InstanceResult;
}

/** A run of 8 h whose change started at 30 min, with `instances`. */
function runResult(instances: InstanceResult[]): RunResult {
  return {
    scenario: 's',
    seed: 1,
    horizonMs: 8 * 3_600_000,
    changeStartMs: 1_800_000,
    steps: [],
    checks: [],
    eventsProcessed: 10,
    instances,
  } as unknown as RunResult;
}

describe('renderRunText', () => {
  it('summarises each fleet before the per-instance lines', () => {
    const result = runResult([
      instance('web-0', 'web', 20_000, 12_023_712),
      instance('web-1', 'web', 30_000, null),
      instance('db', undefined, 5_000, 60_000),
    ]);
    const text = renderRunText(result, { command: 'iamsim run s.yaml --seed 1' });
    const lines = text.split('\n');
    const web = lines.findIndex((l) => l.startsWith('  fleet web (2):'));
    expect(lines[web]).toBe(
      '  fleet web (2): IMDS new role median +20s, max +30s; app new role median +3h20m, max +3h20m (1 never); old credentials accepted median +3h20m, max +3h20m (1 to the end)',
    );
    expect(lines.findIndex((l) => l.startsWith('  fleet (no fleet) (1):'))).toBeGreaterThan(web);
    expect(lines.findIndex((l) => l.startsWith('  web-0'))).toBeGreaterThan(web);
    expect(text).toContain('horizon 8h,');
  });

  it('says which fleets the change does not target instead of measuring them', () => {
    const other = { target: false, affected: false };
    const result = runResult([
      instance('web-0', 'web', 20_000, 60_000),
      instance('web-1', 'web', null, null, other),
      instance('batch-0', 'batch', null, null, other),
      instance('batch-1', 'batch', null, null, { target: false, affected: true }),
    ]);
    const lines = renderRunText(result, { command: 'iamsim run s.yaml --seed 1' }).split('\n');
    expect(lines).toContain(
      '  fleet web (1 of 2 targeted): IMDS new role median +20s, max +20s; app new role median +1m, max +1m; old credentials accepted median +1m, max +1m',
    );
    expect(lines).toContain(
      '  fleet batch (2): not a target of the change; 1 affected anyway (credentials changed)',
    );
    expect(lines).toContain(
      '  batch-0 (i-batch-0, us-east-1, botocore): not a target; credentials unchanged',
    );
  });
});
