/**
 * simulateOnWorkers on real worker threads, in chunks: this thread simulates every `workers`-th
 * chunk itself (the first, with the shared part, among them) and the pool threads the others,
 * interleaved; the result is still the one-thread run's, byte for byte. (The CLI test,
 * test/commands/run-workers.test.ts, covers unchunked runs; slice.test.ts the merge in one thread.)
 */
import { describe, expect, it } from 'vitest';
import { simulateOnWorkers } from '../../src/compare/slices.ts';
import { runJson } from '../../src/report/run-json.ts';
import { sdkPresetNames } from '../../src/scenario/schema.ts';
import { simulate } from '../../src/simulate.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;
const H = 60 * M;

describe('a run on worker threads, in chunks', () => {
  it('equals the one-thread run with 2 threads in chunks of 5 and 3 threads in chunks of 4', async () => {
    const scenario = makeScenario({
      instances: 24,
      regions: ['us-east-1', 'eu-west-1'],
      sdk: sdkPresetNames,
      strategy: 'replace-profile',
      horizonMs: 8 * H,
      probeEveryMs: M,
      faults: [{ kind: 'partition', region: 'eu-west-1', fromMs: 20 * M, toMs: 80 * M }],
    });
    const options = { seed: 7, timelines: false, responses: false };
    const whole = runJson(simulate(scenario, options), 'h', 'v');
    for (const [workers, chunk] of [
      [2, 5],
      [3, 4],
    ] as const) {
      const heard: number[] = [];
      const split = await simulateOnWorkers(scenario, { ...options, explain: false }, workers, {
        chunkInstances: chunk,
        onProgress: (done, total) => {
          expect(total).toBe(24);
          heard.push(done);
        },
      });
      expect(runJson(split, 'h', 'v'), `${workers} threads, chunks of ${chunk}`).toBe(whole);
      // From none to all, never back: slices as they come in, this thread's chunk by chunk.
      expect(heard[0]).toBe(0);
      expect(heard.at(-1)).toBe(24);
      expect(heard.every((d, k) => k === 0 || d >= heard[k - 1]!)).toBe(true);
      expect(heard.length).toBeGreaterThan(2);
    }
  }, 30_000);
});
