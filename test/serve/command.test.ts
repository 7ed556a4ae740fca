/**
 * `iamsim serve` as a command (start, record, stop by itself), the realtime clock, reset, and the
 * refusals: a bad clock, a bind address that is not loopback (warned about; the test address
 * cannot be bound, so nothing ever listens off loopback).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { captureIo } from '../cli/capture.ts';
import { OPERATOR, WORLD_FILE, withServer } from './helpers.ts';

describe('iamsim serve (command)', () => {
  it('serves, records the calls, stops after --stop-after; iamsim run replays the recording', async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'iamsim-serve-cmd-')), 'session.yaml');
    const captured = captureIo();
    const running = main(
      [
        'serve',
        WORLD_FILE,
        '--port',
        '0',
        '--imds-ports',
        '0-',
        '--clock',
        'manual',
        '--record',
        record,
        '--stop-after',
        '3',
      ],
      captured.io,
    );
    let url: string | undefined;
    for (let i = 0; i < 200 && url === undefined; i++) {
      url = /AWS APIs \(IAM, EC2, STS\): (http:\/\/127\.0\.0\.1:\d+)/.exec(captured.stdout())?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    expect(url, captured.stderr()).toBeDefined();
    expect(captured.stdout()).toMatch(
      /IMDS web-0 \(i-[0-9a-f]{17}\): AWS_EC2_METADATA_SERVICE_ENDPOINT=http:\/\/127\.0\.0\.1:\d+/,
    );
    const iam = new IAMClient({ endpoint: url, region: 'us-east-1', credentials: OPERATOR, maxAttempts: 1 });
    await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web-v1' }));
    expect(await running).toBe(0);
    expect(captured.stdout()).toContain('recorded 1 call(s)');
    const text = readFileSync(record, 'utf8');
    expect(text).toContain('call: iam:GetInstanceProfile');
    const replay = captureIo();
    expect(await main(['run', record, '--json'], replay.io)).toBe(0);
    const steps = (
      JSON.parse(replay.stdout()) as { steps: { call: string; ok: boolean; expectMet: boolean }[] }
    ).steps;
    expect(steps.map((s) => [s.call, s.ok, s.expectMet])).toEqual([['iam:GetInstanceProfile', true, true]]);
  });

  it('refuses a bad clock, and warns before binding anything but loopback', async () => {
    const bad = captureIo();
    expect(await main(['serve', WORLD_FILE, '--clock', 'sometimes'], bad.io)).toBe(2);
    expect(bad.stderr()).toContain('--clock must be manual, realtime or realtime:SPEED');
    const remote = captureIo();
    // 192.0.2.1 is TEST-NET-1: no machine has it, so the bind fails after the warning.
    expect(
      await main(['serve', WORLD_FILE, '--host', '192.0.2.1', '--port', '0', '--stop-after', '1'], remote.io),
    ).toBe(2);
    expect(remote.stderr()).toContain('warning: binding 192.0.2.1, not loopback');
    expect(remote.stderr()).toContain('cannot listen');
  });

  it('realtime:SPEED moves virtual time with the wall clock; reset starts again at 0', async () => {
    await withServer({ clock: { kind: 'realtime', speed: 1000 } }, async (served) => {
      await new Promise((r) => setTimeout(r, 100));
      const { nowMs } = (await served.admin('now')) as { nowMs: number };
      expect(nowMs).toBeGreaterThanOrEqual(90_000);
      await served.advance(3_600_000);
      expect(((await served.admin('now')) as { nowMs: number }).nowMs).toBeGreaterThanOrEqual(
        nowMs + 3_600_000,
      );
      const reset = (await served.admin('reset', {})) as { nowMs: number };
      expect(reset.nowMs).toBeLessThan(60_000);
      expect(served.session.records).toHaveLength(0);
    });
  });
});
