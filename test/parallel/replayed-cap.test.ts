/**
 * The event cap of a replayed slice (src/parallel/replayed.ts): a run over the cap is found as
 * soon as the chunks simulated prove it, without simulating the ones after, and a run at the cap
 * is never taken for one over it.
 */
import { describe, expect, it, vi } from 'vitest';
import { replayedSlice, shareRecording } from '../../src/parallel/replayed.ts';
import { sdkPresetNames } from '../../src/scenario/schema.ts';
import { simulate } from '../../src/simulate.ts';
import { makeScenario } from '../helpers/scenario.ts';

/** simulate() calls in this file (the recording and each chunk), passed on to the real one. */
const calls = vi.hoisted(() => ({ simulate: 0 }));
vi.mock('../../src/simulate.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/simulate.ts')>();
  return {
    ...real,
    simulate: (...args: Parameters<typeof real.simulate>) => {
      calls.simulate++;
      return real.simulate(...args);
    },
  };
});

const M = 60_000;
const H = 60 * M;

const scenario = makeScenario({
  instances: 24,
  regions: ['us-east-1', 'eu-west-1'],
  sdk: [...sdkPresetNames],
  horizonMs: 8 * H,
  probeEveryMs: M,
  strategy: 'stop-start',
  faults: [{ kind: 'partition', region: 'eu-west-1', fromMs: 20 * M, toMs: 60 * M }],
});
const task = { fromIndex: 0, toIndex: 24, shared: true };

describe('a replayed slice under an event cap', () => {
  it('stops at the first chunk after which the run is over its cap', () => {
    const events = simulate(scenario, { seed: 2 }).eventsProcessed;
    const shared = shareRecording(scenario, { seed: 2, explain: false })!.sharedEvents;
    // The shared world fits; its instances' events reach the cap a third of the way through.
    const eventsMax = shared + Math.floor((events - shared) / 3);
    calls.simulate = 0;
    expect(replayedSlice(scenario, { seed: 2, explain: false, eventsMax }, task, 1)?.capReached).toBe(true);
    // The recording, then chunks until a third of the instances' events: far fewer than 24 chunks.
    expect(calls.simulate).toBeGreaterThan(4);
    expect(calls.simulate).toBeLessThan(14);
  });

  it.each([1, 5, 24])('does not report a run at its cap as over it (chunks of %i)', (chunk) => {
    const whole = simulate(scenario, { seed: 4, timelines: true });
    const part = replayedSlice(
      scenario,
      { seed: 4, timelines: true, explain: false, eventsMax: whole.eventsProcessed },
      task,
      chunk,
    );
    expect(part?.capReached).toBeUndefined();
    expect(part!.sharedEvents + part!.instanceEvents).toBe(whole.eventsProcessed);
    expect(part!.instances).toEqual(whole.instances);
    const over = replayedSlice(
      scenario,
      { seed: 4, timelines: true, explain: false, eventsMax: whole.eventsProcessed - 1 },
      task,
      chunk,
    );
    expect(over?.capReached).toBe(true);
  });
});
