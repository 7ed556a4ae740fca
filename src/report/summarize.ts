/**
 * Aggregates per-(seed, instance) samples into the comparison report: quantiles with confidence
 * intervals per strategy and per SDK, runbook answers, t-visibility curves. Pure and
 * deterministic: the same input gives a byte-identical report (the bootstrap, when chosen, draws
 * from streams named after the scenario hash, strategy, group and metric).
 */
import { RandomStream } from '../engine/random.ts';
import { type MetricName, metricNames, type StrategySamples } from '../result.ts';
import { clusterBootstrapQuantiles } from './bootstrap.ts';
import { incidentSummary } from './incident.ts';
import {
  byString,
  countAtMost,
  logGrid,
  minSamplesForUpperBound,
  orderStatisticRanks,
  quantileSorted,
  round6,
  sortCensored,
  type ValueInterval,
  wilsonInterval,
} from './stats.ts';
import {
  type CdfPoint,
  type CiMethod,
  type CompareInput,
  type CompareReport,
  DEFAULT_CI,
  type MetricSummaries,
  type MetricSummary,
  type QuantileStat,
  type ShareStat,
  type StrategyInput,
  type StrategyReport,
  type VisibilityPoint,
} from './types.ts';
import { validateCompareInput } from './validate.ts';

const SUMMARY_PS = [0.5, 0.9, 0.99] as const;
export const RUNBOOK_PS = [0.5, 0.99, 0.999] as const;
/** Probabilities at which the CDF chart's quantile function is sampled: every percent plus the far tail. */
const CDF_PS = [...Array.from({ length: 100 }, (_, i) => i / 100), 0.995, 0.999, 1];
/** t-visibility grid resolution: 10 points per factor of ten of time. */
const GRID_PER_DECADE = 10;
const GRID_START_MS = 1000;
const DEFAULT_RESAMPLES = 1000;

export interface Settings {
  readonly method: CiMethod;
  readonly confidence: number;
  readonly resamples: number;
  readonly scenarioHash: string;
}

/** Values of one metric for one group, sorted (censored last), plus the same split by seed for the bootstrap. */
export interface Sample {
  readonly sorted: number[];
  readonly bySeed: number[][];
}

type Row = StrategySamples['samples'][number];

/** A sample of one value per row (null: censored, beyond the window), whole and split by seed. */
export function sampleOfValues<R extends { readonly seed: number }>(
  rows: readonly R[],
  value: (row: R) => number | null,
): Sample {
  const seeds = new Map<number, number[]>();
  for (const row of rows) {
    const v = value(row);
    const list = seeds.get(row.seed) ?? [];
    list.push(v === null ? Number.POSITIVE_INFINITY : v);
    seeds.set(row.seed, list);
  }
  const bySeed = [...seeds.entries()].sort((a, b) => a[0] - b[0]).map(([, values]) => values);
  return { sorted: sortCensored(rows.map(value)), bySeed };
}

function sampleOf(rows: readonly Row[], metric: MetricName): Sample {
  return sampleOfValues(rows, (r) => r.metrics[metric]);
}

const roundMs = (v: number): number => Math.round(v);

/** Quantile stats for several probabilities of one sample. `streamName` keys the bootstrap stream. */
export function quantileStats(
  sample: Sample,
  ps: readonly number[],
  s: Settings,
  streamName: string,
): QuantileStat[] {
  const n = sample.sorted.length;
  const boot =
    s.method === 'cluster-bootstrap'
      ? clusterBootstrapQuantiles(sample.bySeed, ps, {
          resamples: s.resamples,
          confidence: s.confidence,
          rng: new RandomStream(`report/bootstrap/${s.scenarioHash}/${streamName}`),
        })
      : undefined;
  return ps.map((p, i): QuantileStat => {
    const point = quantileSorted(sample.sorted, p);
    let interval: ValueInterval;
    let beyondSamples = false;
    if (boot !== undefined) {
      interval = boot[i]!;
    } else {
      const { lowRank, highRank } = orderStatisticRanks(n, p, s.confidence);
      beyondSamples = highRank > n;
      interval = {
        low: lowRank === 0 ? Number.NEGATIVE_INFINITY : sample.sorted[lowRank - 1]!,
        high: beyondSamples ? Number.POSITIVE_INFINITY : sample.sorted[highRank - 1]!,
      };
    }
    const censored = !Number.isFinite(point);
    // Durations are never negative, so "unbounded below" is 0.
    const low =
      interval.low === Number.NEGATIVE_INFINITY
        ? 0
        : Number.isFinite(interval.low)
          ? roundMs(interval.low)
          : null;
    const high = Number.isFinite(interval.high) ? roundMs(interval.high) : null;
    const stat: QuantileStat = { p, ms: censored ? null : roundMs(point), censored, ci: [low, high] };
    if (high !== null) return stat;
    if (beyondSamples)
      return { ...stat, ciOpen: 'samples', samplesNeeded: minSamplesForUpperBound(p, s.confidence) };
    return { ...stat, ciOpen: 'censored' };
  });
}

function metricSummary(
  rows: readonly Row[],
  metric: MetricName,
  s: Settings,
  streamName: string,
): MetricSummary {
  const sample = sampleOf(rows, metric);
  const [p50, p90, p99] = quantileStats(sample, SUMMARY_PS, s, `${streamName}/${metric}`);
  const last = sample.sorted[sample.sorted.length - 1]!;
  const censored = sample.sorted.filter((v) => !Number.isFinite(v)).length;
  return {
    n: sample.sorted.length,
    censored,
    p50: p50!,
    p90: p90!,
    p99: p99!,
    max: Number.isFinite(last) ? { ms: roundMs(last), censored: false } : { ms: null, censored: true },
  };
}

function summaries(rows: readonly Row[], s: Settings, streamName: string): MetricSummaries {
  const out = {} as Record<MetricName, MetricSummary>;
  for (const metric of metricNames) out[metric] = metricSummary(rows, metric, s, streamName);
  return out;
}

function visibility(
  sorted: readonly number[],
  grid: readonly number[],
  confidence: number,
): VisibilityPoint[] {
  const n = sorted.length;
  return grid.map((tMs) => {
    const k = countAtMost(sorted, tMs);
    const w = wilsonInterval(k, n, confidence);
    return { tMs, p: round6(k / n), low: round6(w.low), high: round6(w.high) };
  });
}

function cdfPoints(sorted: readonly number[]): CdfPoint[] {
  return CDF_PS.map((p) => {
    const v = quantileSorted(sorted, p);
    return { p, ms: Number.isFinite(v) ? roundMs(v) : null };
  });
}

/**
 * A per-seed share summarised over seeds: the median with a distribution-free order-statistic
 * interval (seeds are independent runs, so the binomial argument holds), and the worst seed.
 */
function shareStat(values: readonly (number | null)[], confidence: number): ShareStat {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { seeds: 0, median: null, ci: [null, null], min: null };
  const { lowRank, highRank } = orderStatisticRanks(n, 0.5, confidence);
  return {
    seeds: n,
    median: round6(quantileSorted(sorted, 0.5)),
    ci: [lowRank === 0 ? null : sorted[lowRank - 1]!, highRank > n ? null : sorted[highRank - 1]!],
    min: sorted[0]!,
  };
}

function strategyReport(st: StrategyInput, s: Settings): StrategyReport {
  const name = st.strategy;
  const sdks = [...new Set(st.samples.map((r) => r.sdk))].sort(byString);
  const regions = [...new Set(st.samples.map((r) => r.region ?? ''))].filter((r) => r !== '').sort(byString);
  const window = st.observationWindowMs;
  const grid = window <= GRID_START_MS ? [roundMs(window)] : logGrid(GRID_START_MS, window, GRID_PER_DECADE);
  const app = sampleOf(st.samples, 'appNewRoleMs');
  const old = sampleOf(st.samples, 'oldRoleExposureMs');
  return {
    strategy: name,
    judgedBy: st.judgedBy ?? 'role',
    ...(st.checks === undefined ? {} : { checks: st.checks }),
    ...(st.waiters === undefined ? {} : { waiters: st.waiters }),
    n: st.samples.length,
    observationWindowMs: roundMs(window),
    metrics: summaries(st.samples, s, `${name}/all`),
    bySdk: sdks.map((sdk) => {
      const rows = st.samples.filter((r) => r.sdk === sdk);
      return { sdk, n: rows.length, metrics: summaries(rows, s, `${name}/sdk/${sdk}`) };
    }),
    byRegion: regions.map((region) => {
      const rows = st.samples.filter((r) => r.region === region);
      return { region, n: rows.length, metrics: summaries(rows, s, `${name}/region/${region}`) };
    }),
    fleet: {
      minUpShare: shareStat(
        (st.fleet ?? []).map((f) => f.minUpShare),
        s.confidence,
      ),
    },
    alsoAffected: {
      nonTargets: st.alsoAffected?.nonTargets ?? 0,
      instances: [...(st.alsoAffected?.instances ?? [])].sort((a, b) => byString(a.instance, b.instance)),
    },
    apiErrors: [...st.apiErrors]
      .sort((a, b) => byString(a.code, b.code) || byString(a.call, b.call) || byString(a.origin, b.origin))
      .map((e) => ({ ...e, unresolved: e.count - e.handled })),
    apiErrorsByCode: [...new Set(st.apiErrors.map((e) => e.code))].sort(byString).map((code) => {
      const mine = st.apiErrors.filter((e) => e.code === code);
      const count = mine.reduce((sum, e) => sum + e.count, 0);
      return { code, count, unresolved: count - mine.reduce((sum, e) => sum + e.handled, 0) };
    }),
    runbook: {
      newPermissionsInApp: quantileStats(app, RUNBOOK_PS, s, `${name}/runbook/appNewRoleMs`),
      oldPermissionsGone: quantileStats(old, RUNBOOK_PS, s, `${name}/runbook/oldRoleExposureMs`),
    },
    tVisibility: {
      appNew: visibility(app.sorted, grid, s.confidence),
      oldGone: visibility(old.sorted, grid, s.confidence),
    },
    cdf: {
      imdsNewRoleMs: cdfPoints(sampleOf(st.samples, 'imdsNewRoleMs').sorted),
      appNewRoleMs: cdfPoints(app.sorted),
    },
    sampleTimelines: st.sampleTimelines,
    timelineChangeStartMs: st.timelineChangeStartMs ?? null,
    ...(st.incident === undefined ? {} : { incident: incidentSummary(st, s) }),
  };
}

/** Compresses sorted integers into ranges: [1,2,3,7,9,10] -> `1..3, 7, 9..10`. */
export function seedRanges(sorted: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}..${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

function describeMethod(s: Settings): string {
  const pct = `${round6(s.confidence * 100)}%`;
  const common =
    'Quantiles are type 7 (linear interpolation between order statistics, as R and NumPy). ' +
    'A sample whose event did not happen within the observation window is censored: it counts as later than every ' +
    'observed value, and a quantile that depends on it is shown as "> window". ' +
    't-visibility intervals are Wilson score intervals for a proportion.';
  if (s.method === 'cluster-bootstrap') {
    return (
      `${pct} percentile cluster-bootstrap intervals (${s.resamples} resamples of whole seeds, seeded): seeds are resampled ` +
      'with all their instances, because instances of one seed share draws. The bootstrap cannot reach beyond the ' +
      'largest observed value, so tail intervals from few seeds are too narrow; use tens of seeds or more. ' +
      common
    );
  }
  return (
    `${pct} distribution-free order-statistic intervals: the bounds are sample values whose ranks come from the exact ` +
    'binomial distribution of the number of samples below the true quantile (normal approximation above 100,000 samples). ' +
    'They assume independent samples; instances of one seed share some draws, so read them as a lower bound on the ' +
    'uncertainty. "?" marks a bound that needs more samples than were run. ' +
    common
  );
}

/**
 * Builds the comparison report.
 * @throws ReportInputError listing every malformed field (empty seeds or samples, a negative,
 *   NaN or infinite metric, a bad window, change start, confidence or resample count).
 */
export function summarizeComparison(input: CompareInput): CompareReport {
  validateCompareInput(input);
  const method = input.ci?.method ?? DEFAULT_CI;
  const settings: Settings = {
    method,
    confidence: input.ci?.confidence ?? 0.95,
    resamples: input.ci?.resamples ?? DEFAULT_RESAMPLES,
    scenarioHash: input.scenarioHash,
  };
  const seeds = [...new Set(input.seeds)].sort((a, b) => a - b);
  return {
    schemaVersion: 2,
    scenario: { name: input.scenarioName, hash: input.scenarioHash },
    version: input.version,
    command: input.command,
    seeds: { count: seeds.length, ranges: seedRanges(seeds), list: seeds },
    ci: {
      method,
      confidence: settings.confidence,
      resamples: method === 'cluster-bootstrap' ? settings.resamples : null,
      description: describeMethod(settings),
    },
    calibration: input.calibration.map((c) => ({ key: c.key, description: c.description, source: c.source })),
    strategies: input.strategies.map((st) => strategyReport(st, settings)),
  };
}
