import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.ts';
import { seedRanges, summarizeComparison } from '../../src/report/summarize.ts';
import type { CompareInput, StrategyInput } from '../../src/report/types.ts';
import { ReportInputError } from '../../src/report/validate.ts';
import { metricNames } from '../../src/result.ts';
import { makeCompareInput } from './fixtures.ts';

const nullMetrics = {
  imdsNewRoleMs: 0,
  appNewRoleMs: 0,
  oldRoleExposureMs: 0,
  credentialGapMs: 0,
  deniedMs: 0,
  downtimeMs: 0,
};

/** A strategy whose appNewRoleMs are the given values (seconds), one sample per seed. */
function tiny(appSeconds: readonly (number | null)[], windowMs = 100_000): StrategyInput {
  return {
    strategy: 'tiny',
    samples: appSeconds.map((v, i) => ({
      seed: i + 1,
      instance: 'web-1',
      sdk: i % 2 === 0 ? 'botocore' : 'cli',
      metrics: { ...nullMetrics, appNewRoleMs: v === null ? null : v * 1000 },
    })),
    apiErrors: [
      { code: 'Throttling', call: 'iam:GetInstanceProfile', origin: 'steps.0', count: 2, handled: 2 },
      {
        code: 'IncorrectState',
        call: 'ec2:AssociateIamInstanceProfile',
        origin: 'steps.1',
        count: 5,
        handled: 4,
      },
    ],
    sampleTimelines: [],
    observationWindowMs: windowMs,
  };
}

function input(strategies: StrategyInput[], overrides: Partial<CompareInput> = {}): CompareInput {
  return makeCompareInput({ seeds: 3 }, { strategies, ...overrides });
}

describe('summarizeComparison', () => {
  it('computes the quantiles and counts of a hand-checked sample', () => {
    // 1..10 s and two censored: sorted [1..10 s, Inf, Inf], n = 12.
    const r = summarizeComparison(input([tiny([3, 1, null, 2, 4, 5, 6, 7, 8, null, 9, 10])]));
    const m = r.strategies[0]!.metrics.appNewRoleMs;
    expect(m.n).toBe(12);
    expect(m.censored).toBe(2);
    expect(m.p50.ms).toBe(6500); // h = 5.5: 6 s + 0.5 s
    expect(m.p50.censored).toBe(false);
    expect(m.p90.ms).toBeNull(); // h = 9.9: needs a censored sample
    expect(m.p90.censored).toBe(true);
    expect(m.max).toEqual({ ms: null, censored: true });
    // n = 12 median: ranks 3 and 10 -> [3 s, 10 s].
    expect(m.p50.ci).toEqual([3000, 10000]);
    expect(m.p99.ci[1]).toBeNull();
    expect(m.p99.ciOpen).toBe('samples');
  });

  it('sorts SDK groups and API errors, and keeps metric keys in metricNames order', () => {
    const r = summarizeComparison(input([tiny([1, 2, 3, 4])]));
    const s = r.strategies[0]!;
    expect(s.bySdk.map((g) => g.sdk)).toEqual(['botocore', 'cli']);
    expect(s.bySdk.map((g) => g.n)).toEqual([2, 2]);
    expect(s.apiErrors.map((e) => [e.code, e.count, e.handled])).toEqual([
      ['IncorrectState', 5, 4],
      ['Throttling', 2, 2],
    ]);
    expect(Object.keys(s.metrics)).toEqual([...metricNames]);
  });

  it('answers runbook questions as quantiles of appNewRoleMs and oldRoleExposureMs', () => {
    const r = summarizeComparison(makeCompareInput());
    for (const s of r.strategies) {
      expect(s.runbook.newPermissionsInApp.map((q) => q.p)).toEqual([0.5, 0.99, 0.999]);
      expect(s.runbook.newPermissionsInApp[0]).toEqual(s.metrics.appNewRoleMs.p50);
      expect(s.runbook.oldPermissionsGone[1]).toEqual(s.metrics.oldRoleExposureMs.p99);
      // 480 samples cannot bound a p99.9 from above.
      expect(s.runbook.newPermissionsInApp[2]!.ci[1]).toBeNull();
      expect(s.runbook.newPermissionsInApp[2]!.samplesNeeded).toBe(3688);
    }
  });

  it('produces t-visibility curves that are monotone, within [0, 1] and inside their bands', () => {
    const r = summarizeComparison(makeCompareInput());
    for (const s of r.strategies) {
      for (const curve of [s.tVisibility.appNew, s.tVisibility.oldGone]) {
        expect(curve[0]!.tMs).toBe(1000);
        expect(curve[curve.length - 1]!.tMs).toBe(s.observationWindowMs);
        curve.forEach((pt, i) => {
          expect(pt.p).toBeGreaterThanOrEqual(0);
          expect(pt.p).toBeLessThanOrEqual(1);
          expect(pt.low).toBeLessThanOrEqual(pt.p);
          expect(pt.high).toBeGreaterThanOrEqual(pt.p);
          if (i > 0) {
            expect(pt.tMs).toBeGreaterThan(curve[i - 1]!.tMs);
            expect(pt.p).toBeGreaterThanOrEqual(curve[i - 1]!.p);
          }
        });
      }
    }
  });

  it('lets censored samples keep t-visibility below 1 at the window', () => {
    const r = summarizeComparison(input([tiny([1, 2, null, null])]));
    const last = r.strategies[0]!.tVisibility.appNew.at(-1)!;
    expect(last.p).toBe(0.5);
  });

  it('is deterministic and independent of sample order', () => {
    const base = makeCompareInput();
    const shuffled: CompareInput = {
      ...base,
      seeds: [...base.seeds].reverse(),
      strategies: base.strategies.map((st) => {
        const rng = new RandomStream(`shuffle/${st.strategy}`);
        const rows = [...st.samples];
        for (let i = rows.length - 1; i > 0; i--) {
          const j = rng.int(0, i);
          [rows[i], rows[j]] = [rows[j]!, rows[i]!];
        }
        return { ...st, samples: rows };
      }),
    };
    expect(JSON.stringify(summarizeComparison(shuffled))).toBe(JSON.stringify(summarizeComparison(base)));
  });

  it('supports a seeded cluster bootstrap, reproducibly', () => {
    const ci = { method: 'cluster-bootstrap' as const, resamples: 200 };
    const a = summarizeComparison(makeCompareInput({ seeds: 10 }, { ci }));
    const b = summarizeComparison(makeCompareInput({ seeds: 10 }, { ci }));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.ci.method).toBe('cluster-bootstrap');
    expect(a.ci.resamples).toBe(200);
    const p50 = a.strategies[0]!.metrics.appNewRoleMs.p50;
    expect(p50.ci[0]!).toBeLessThanOrEqual(p50.ms!);
    expect(p50.ci[1]!).toBeGreaterThanOrEqual(p50.ms!);
  });

  it('reports seeds sorted, de-duplicated and as ranges', () => {
    const r = summarizeComparison(input([tiny([1])], { seeds: [9, 1, 2, 3, 7, 3, 10] }));
    expect(r.seeds).toEqual({ count: 6, ranges: '1..3, 7, 9..10', list: [1, 2, 3, 7, 9, 10] });
    expect(seedRanges([])).toBe('');
  });

  it('rejects malformed input, naming the field', () => {
    const bad = tiny([1, 2]);
    const negative: StrategyInput = {
      ...bad,
      samples: [{ ...bad.samples[0]!, metrics: { ...nullMetrics, downtimeMs: -5 } }],
    };
    expect(() => summarizeComparison(input([negative]))).toThrow(ReportInputError);
    expect(() => summarizeComparison(input([negative]))).toThrow(
      /strategies\[0\] \(tiny\)\.samples\[0\]\.metrics\.downtimeMs/,
    );
    expect(() => summarizeComparison(input([{ ...bad, samples: [] }]))).toThrow(/samples: must not be empty/);
    expect(() => summarizeComparison(input([{ ...bad, observationWindowMs: 0 }]))).toThrow(
      /observationWindowMs/,
    );
    expect(() => summarizeComparison(input([bad], { seeds: [] }))).toThrow(/seeds/);
    expect(() => summarizeComparison(input([bad], { ci: { confidence: 1 } }))).toThrow(/confidence/);
    expect(() => summarizeComparison(input([bad], { ci: { resamples: 0 } }))).toThrow(/ci\.resamples/);
    const oneSeed = { ...bad, samples: bad.samples.map((r) => ({ ...r, seed: 7 })) };
    expect(() => summarizeComparison(input([oneSeed], { ci: { method: 'cluster-bootstrap' } }))).toThrow(
      /at least 2 seeds, got 1/,
    );
  });

  it('reports every problem at once, bounded', () => {
    const bad = tiny([1, 2]);
    const many: StrategyInput = {
      ...bad,
      observationWindowMs: Number.NaN,
      samples: Array.from({ length: 30 }, (_, j) => ({
        ...bad.samples[0]!,
        metrics: { ...nullMetrics, appNewRoleMs: Number.NaN, downtimeMs: -j - 1 },
      })),
    };
    try {
      summarizeComparison(input([many], { seeds: [] }));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ReportInputError);
      const problems = (err as ReportInputError).problems;
      expect(problems[0]).toBe('seeds: must not be empty');
      expect(problems[1]).toMatch(/observationWindowMs: must be a finite number > 0, got NaN/);
      expect(problems).toHaveLength(21);
      expect(problems.at(-1)).toBe('… and 42 more');
    }
  });

  it('keeps every number whole ms and finite', () => {
    const r = summarizeComparison(makeCompareInput());
    const walk = (v: unknown, path: string): void => {
      if (typeof v === 'number') {
        expect(Number.isFinite(v), path).toBe(true);
        if (/Ms$|\.ms$|\.ci\.\d$/.test(path)) expect(Number.isInteger(v), path).toBe(true);
      } else if (Array.isArray(v)) {
        v.forEach((x, i) => {
          walk(x, `${path}.${i}`);
        });
      } else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      }
    };
    walk(r, '');
  });
});
