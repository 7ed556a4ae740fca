/**
 * IMDS keeps one rotation schedule per instance. A pick-up of a new association issues
 * credentials at once and restarts that schedule; it must not start a second one next to it
 * (an earlier version did: the pending rotation's handle was dropped, so it kept firing and
 * could not be cancelled, not even by a stop).
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;
const H = 60 * M;

/** Scheduler times of every `imds.rotate` of a one-instance run, in scenario time. */
function rotationsMs(strategy: 'replace-profile' | 'disassociate-associate' | 'stop-start', seed: number) {
  const times: number[] = [];
  simulate(makeScenario({ instances: 1, strategy, horizonMs: 8 * H }), {
    seed,
    trace: (record, offsetMs) => {
      if (record.label === 'imds.rotate') times.push(record.timeMs - offsetMs);
    },
  });
  return times.filter((t) => t >= 0);
}

describe('IMDS rotation schedule', () => {
  for (const strategy of ['replace-profile', 'disassociate-associate', 'stop-start'] as const) {
    it(`stays one schedule through ${strategy}: rotations at least 55 min apart`, () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const times = rotationsMs(strategy, seed);
        // About hourly over 8 h; two interleaved schedules would give about twice as many.
        expect(times.length).toBeGreaterThanOrEqual(6);
        expect(times.length).toBeLessThanOrEqual(9);
        for (let i = 1; i < times.length; i++)
          expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(55 * M - 1);
      }
    });
  }
});
