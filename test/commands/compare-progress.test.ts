/**
 * compare's progress display: a bar on a terminal; elsewhere (CI logs, batch jobs) a line every
 * few seconds and a closing one, and nothing at all for a run shorter than that. A fake clock
 * stands in for the wall clock the display reads.
 */
import { describe, expect, it } from 'vitest';
import { PROGRESS_LINE_EVERY_S, progressReporter } from '../../src/commands/compare.ts';
import { captureIo } from '../cli/capture.ts';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('progress when stderr is not a terminal', () => {
  it('prints nothing for a run shorter than the line interval', () => {
    const c = captureIo();
    const time = clock();
    const report = progressReporter(c.io, time.now);
    for (let done = 1; done <= 10; done++) {
      time.advance(100);
      report(done, 10);
    }
    expect(c.stderr()).toBe('');
  });

  it(`prints a line every ${PROGRESS_LINE_EVERY_S} s, then a closing line`, () => {
    const c = captureIo();
    const time = clock();
    const report = progressReporter(c.io, time.now);
    for (let done = 1; done <= 40; done++) {
      time.advance(1000);
      report(done, 40);
    }
    const lines = c.stderr().trimEnd().split('\n');
    // 40 s of work: a line at 5, 10, … 35 s (7), the 40th run closes.
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe('progress: 5/40 runs (12%), 5s elapsed, ~35s left');
    expect(lines.at(-1)).toBe('progress: 40/40 runs (100%), 40s elapsed');
    expect(c.stderr()).not.toContain('\r');
  });
});

describe('progress in other units', () => {
  it("counts what it is told to (run's instances)", () => {
    const c = captureIo();
    const time = clock();
    const report = progressReporter(c.io, time.now, 'instances');
    for (let done = 0; done <= 12_000; done += 1000) {
      time.advance(1000);
      report(done, 12_000);
    }
    expect(c.stderr()).toContain('progress: 4000/12000 instances (33%), 5s elapsed, ~10s left\n');
    expect(c.stderr()).not.toContain('runs');
  });
});

describe('progress on a terminal', () => {
  it('redraws one bar in place and ends the line when done', () => {
    const c = captureIo();
    const io = { ...c.io, stderrIsTTY: true };
    const time = clock();
    const report = progressReporter(io, time.now);
    time.advance(1000);
    report(1, 2);
    time.advance(1000);
    report(2, 2);
    expect(c.stderr().startsWith('\r[')).toBe(true);
    expect(c.stderr().endsWith('\n')).toBe(true);
    expect(c.stderr()).toContain('2/2 runs');
  });
});
