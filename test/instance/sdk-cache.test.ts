/**
 * The SDK cache on its own, with a stand-in IMDS: refresh windows, idling, the mandatory window
 * and static stability, each at the times the presets say.
 */
import { describe, expect, it } from 'vitest';
import { RandomStream, Scheduler } from '../../src/engine/index.ts';
import type { Credentials } from '../../src/instance/credentials.ts';
import { sdkPresets } from '../../src/instance/sdk.ts';
import { SdkCache } from '../../src/instance/sdk-cache.ts';

const M = 60_000;

function creds(key: string, issuedAtMs: number, expiresAtMs: number): Credentials {
  return { accessKeyId: key, roleName: 'app', roleId: 'AROAAPP', issuedAtMs, expiresAtMs };
}

/** A cache over an IMDS whose answer the test sets, with a log of what the application could use. */
function harness(preset: string) {
  const scheduler = new Scheduler();
  let served: Credentials | undefined;
  const usable: { atMs: number; key: string | undefined }[] = [];
  const cache: SdkCache = new SdkCache(sdkPresets[preset]!, scheduler, new RandomStream('test'), {
    readImds: () => (served !== undefined && scheduler.nowMs < served.expiresAtMs ? served : undefined),
    appChanged: () => {
      // Usable means presented and unexpired, as the runtime's lanes judge it.
      const u = cache.usable;
      const key = u !== undefined && scheduler.nowMs < u.expiresAtMs ? u.accessKeyId : undefined;
      if (usable[usable.length - 1]?.key !== key || usable.length === 0)
        usable.push({ atMs: scheduler.nowMs, key });
    },
  });
  return {
    scheduler,
    cache,
    usable,
    serve(c: Credentials | undefined) {
      served = c;
      cache.imdsChanged();
    },
  };
}

describe('SdkCache', () => {
  it('botocore: an IMDS outage through the mandatory window leaves the application without usable credentials 10 minutes before expiry', () => {
    const h = harness('botocore');
    h.serve(creds('A', 0, 60 * M));
    h.cache.start();
    h.serve(undefined); // IMDS down from now on
    h.scheduler.run({ untilMs: 55 * M });
    // Advisory refresh at 45 min fails silently; the mandatory one at 50 min blocks the SDK.
    expect(h.usable).toEqual([
      { atMs: 0, key: 'A' },
      { atMs: 50 * M, key: undefined },
    ]);
    // IMDS comes back with new credentials at 55 min, a tick of the SDK's 1-minute retries
    // (51, 52, …): that retry picks them up and unblocks.
    h.serve(creds('B', 55 * M, 400 * M));
    h.scheduler.run({ untilMs: 58 * M });
    expect(h.usable[h.usable.length - 1]).toEqual({ atMs: 55 * M, key: 'B' });
    expect(h.cache.blocked).toBe(false);
  });

  it('js-v3 has no mandatory window: it uses the held credentials until they expire', () => {
    const h = harness('js-v3');
    h.serve(creds('A', 0, 60 * M));
    h.cache.start();
    h.serve(undefined);
    h.scheduler.run({ untilMs: 59 * M });
    expect(h.usable).toEqual([{ atMs: 0, key: 'A' }]);
    h.scheduler.run({ untilMs: 61 * M });
    expect(h.usable[h.usable.length - 1]).toEqual({ atMs: 60 * M, key: undefined });
    // Static stability: it still presents the expired set for a while, then gives it up.
    expect(h.cache.held?.accessKeyId).toBe('A');
    expect(h.cache.staleUntilMs).toBeGreaterThanOrEqual(65 * M);
    h.scheduler.run({ untilMs: 71 * M });
    expect(h.cache.held).toBeUndefined();
  });

  it('refreshes at its window, not when IMDS changes', () => {
    const h = harness('js-v3');
    h.serve(creds('A', 0, 360 * M));
    h.cache.start();
    h.serve(creds('B', 60 * M, 420 * M)); // IMDS rotates; the SDK does not notice
    h.scheduler.run({ untilMs: 354 * M });
    expect(h.usable).toEqual([{ atMs: 0, key: 'A' }]);
    h.scheduler.run({ untilMs: 356 * M });
    expect(h.usable[h.usable.length - 1]).toEqual({ atMs: 355 * M, key: 'B' });
  });
});
