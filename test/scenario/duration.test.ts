import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/scenario/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['1.5s', 1500],
    ['1.1s', 1100],
    ['0.25h', 900_000],
    ['0', 0],
    ['1500', 1500],
    [1500, 1500],
    [0, 0],
    [' 30s ', 30_000],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['-5s', 'negative'],
    [-1, 'negative'],
    ['0.5ms', 'whole number of milliseconds'],
    ['1.0001s', 'whole number of milliseconds'],
    [1.5, 'whole number of milliseconds'],
    ['30m1h', 'largest to smallest'],
    ['1h1h', 'largest to smallest'],
    ['8 hours', 'invalid duration'],
    ['1h 30m', 'invalid duration'],
    ['h', 'invalid duration'],
    ['30', undefined],
    ['', 'empty'],
    ['99999999999999999999d', 'too long'],
    ['9007199254740992', 'too long'],
    [Number.MAX_SAFE_INTEGER + 2, 'too long'],
    [Number.POSITIVE_INFINITY, 'finite'],
    [Number.NaN, 'finite'],
    [true, 'expected a duration'],
    [null, 'expected a duration'],
    [{ s: 1 }, 'expected a duration'],
  ])('%j is refused (%s)', (value, reason) => {
    const result = parseDuration(value);
    if (reason === undefined) {
      expect(result.ok).toBe(true);
      return;
    }
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('formats back to the same value (round trip)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, ms });
      }),
    );
  });

  it('formats largest units first', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(86_400_000 + 1)).toBe('1d1ms');
  });
});
