import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lane, laneState } from '../../src/instance/timeline.ts';
import { holdingKinds } from '../../src/result.ts';
import { propertyOptions } from '../helpers/fc.ts';

const state = fc
  .tuple(fc.constantFrom(...holdingKinds), fc.constantFrom(undefined, 'a', 'b'), fc.boolean())
  .map(([kind, role, probe]) => laneState(kind, role, probe));
/** Changes at non-decreasing times (several at one time included), as events set a lane. */
const changes = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), state), { maxLength: 40 });

describe('a lane that keeps no segment ending at or before keepAfterMs', () => {
  it('reads from there on exactly as a lane that keeps every segment', () => {
    fc.assert(
      fc.property(
        changes,
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 30 }),
        (steps, keepAfterMs, extraMs) => {
          const all = new Lane(0, laneState('down', undefined, false));
          const kept = new Lane(0, laneState('down', undefined, false), keepAfterMs);
          let nowMs = 0;
          for (const [stepMs, next] of steps) {
            nowMs += stepMs;
            all.set(nowMs, next);
            kept.set(nowMs, next);
          }
          const endMs = nowMs + 1;
          for (const offsetMs of [keepAfterMs, keepAfterMs + extraMs]) {
            expect(kept.segments(endMs, offsetMs)).toStrictEqual(all.segments(endMs, offsetMs));
          }
        },
      ),
      propertyOptions(500),
    );
  });

  it('holds nothing of what ended before', () => {
    const lane = new Lane(0, laneState('down', undefined, false), 10);
    lane.set(5, laneState('none', undefined, false));
    lane.set(10, laneState('old', 'a', true));
    lane.set(20, laneState('new', 'b', true));
    expect(lane.segments(30, 0)).toStrictEqual([
      { fromMs: 10, toMs: 20, kind: 'old', role: 'a', probeAllowed: true },
      { fromMs: 20, toMs: 30, kind: 'new', role: 'b', probeAllowed: true },
    ]);
  });
});
