/**
 * Aggregates per-(seed, instance) samples into the comparison report: quantiles with confidence
 * intervals per strategy and per SDK, runbook answers, t-visibility curves. Pure and
 * deterministic: the same input gives a byte-identical report (the bootstrap, when chosen, draws
 * from streams named after the scenario hash, strategy, group and metric).
 *
 * One file because the report is computed as tasks (a group's metric summaries, a strategy's
 * curves) that another thread may run, and then assembled here: keeping the statistics, the
 * split into tasks and the assembly side by side shows that one thread and many run exactly
 * the same code.
 */
import { byString } from '../canonical-json.ts';
import { RandomStream } from '../engine/random.ts';
import { type MetricName, metricNames, type StrategySamples, type WaiterHazard } from '../result.ts';
import { type BootstrapPool, bootstrapPool, poolBootstrapQuantiles } from './bootstrap.ts';
import { incidentSummary } from './incident.ts';
import {
  countAtMost,
  logGrid,
  minSamplesForUpperBound,
  orderStatisticRanks,
  quantileSorted,
  round6,
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
  type WaiterReport,
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

/**
 * Values of one metric for one group, sorted (censored last), and for the cluster bootstrap the
 * same values pooled by seed (whose sort gives `sorted`: one sort serves both).
 */
export interface Sample {
  readonly sorted: Float64Array;
  readonly pool: BootstrapPool | undefined;
}

type Row = StrategySamples['samples'][number];

/**
 * Samples of one group, column by column: each row's seed and, per metric, its value with null
 * (censored) as +Infinity. Typed arrays, so a group crosses to a worker thread as a copy of a few
 * buffers rather than a graph of 10^5 objects.
 */
export interface SampleColumns {
  readonly seeds: Float64Array;
  readonly values: Readonly<Partial<Record<MetricName, Float64Array>>>;
}

/**
 * The columns of every metric over `rows`, in row order: one pass over the rows, whose groups
 * (columnsAt) and curves then take their columns from these without reading a row again.
 */
function columnsOf(rows: readonly Row[]): SampleColumns {
  const n = rows.length;
  const seeds = new Float64Array(n);
  const columns = metricNames.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    seeds[i] = row.seed;
    for (let m = 0; m < metricNames.length; m++) {
      const v = row.metrics[metricNames[m]!];
      columns[m]![i] = v === null ? Number.POSITIVE_INFINITY : v;
    }
  }
  return { seeds, values: Object.fromEntries(metricNames.map((m, k) => [m, columns[k]!])) };
}

/** The rows `at` (positions, ascending) of `columns`, in that order. */
function columnsAt(columns: SampleColumns, at: Int32Array): SampleColumns {
  const pick = (column: Float64Array) => {
    const out = new Float64Array(at.length);
    for (let i = 0; i < at.length; i++) out[i] = column[at[i]!]!;
    return out;
  };
  return {
    seeds: pick(columns.seeds),
    values: Object.fromEntries(Object.entries(columns.values).map(([m, column]) => [m, pick(column)])),
  };
}

/** Each row's cluster for the bootstrap, and how many there are (see seedClusters). */
interface SeedClusters {
  readonly clusterOfRow: Int32Array;
  readonly count: number;
}

/**
 * Each row's cluster for the bootstrap: the rank of its seed among the distinct seeds, ascending.
 * Undefined unless `clustered` (the settings' intervals pool samples by seed).
 */
function seedClusters(seeds: Float64Array, clustered: boolean): SeedClusters | undefined {
  if (!clustered) return undefined;
  const n = seeds.length;
  const firstSeen: number[] = [];
  const indexOf = new Map<number, number>();
  const clusterOfRow = new Int32Array(n);
  // Rows come seed by seed: look a seed up only when it changes.
  let lastSeed = Number.NaN;
  let current = -1;
  for (let i = 0; i < n; i++) {
    const seed = seeds[i]!;
    if (seed !== lastSeed) {
      let k = indexOf.get(seed);
      if (k === undefined) {
        k = firstSeen.length;
        firstSeen.push(seed);
        indexOf.set(seed, k);
      }
      current = k;
      lastSeed = seed;
    }
    clusterOfRow[i] = current;
  }
  const rank = new Int32Array(firstSeen.length);
  [...firstSeen.keys()]
    .sort((a, b) => firstSeen[a]! - firstSeen[b]!)
    .forEach((k, r) => {
      rank[k] = r;
    });
  for (let i = 0; i < n; i++) clusterOfRow[i] = rank[clusterOfRow[i]!]!;
  return { clusterOfRow, count: firstSeen.length };
}

/**
 * The sample of one column (censored as +Infinity), pooled by seed for the cluster bootstrap too
 * when given the rows' `clusters` (one seedClusters serves every column of the same rows).
 */
function sampleOfColumn(column: Float64Array, clusters: SeedClusters | undefined): Sample {
  if (clusters === undefined) return { sorted: column.slice().sort(), pool: undefined };
  const pool = bootstrapPool(column, clusters.clusterOfRow, clusters.count);
  return { sorted: pool.values, pool };
}

/** A sample of one value per row (null: censored, beyond the window), pooled by seed if `clustered`. */
export function sampleOfValues<R extends { readonly seed: number }>(
  rows: readonly R[],
  value: (row: R) => number | null,
  clustered: boolean,
): Sample {
  return sampleOfColumn(
    Float64Array.from(rows, (r) => value(r) ?? Number.POSITIVE_INFINITY),
    seedClusters(
      Float64Array.from(rows, (r) => r.seed),
      clustered,
    ),
  );
}

/** Whether the settings' intervals need samples pooled by seed. */
export const clusteredFor = (s: Settings): boolean => s.method === 'cluster-bootstrap';

function columnOf(columns: SampleColumns, metric: MetricName): Float64Array {
  const column = columns.values[metric];
  if (column === undefined) throw new Error(`summary: no ${metric} column`);
  return column;
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
  const { pool } = sample;
  if (clusteredFor(s) !== (pool !== undefined))
    throw new Error('summary: sample not pooled as the method needs');
  const boot =
    pool !== undefined
      ? poolBootstrapQuantiles(pool, ps, {
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

function metricSummary(sample: Sample, s: Settings, streamName: string): MetricSummary {
  const [p50, p90, p99] = quantileStats(sample, SUMMARY_PS, s, streamName);
  const { sorted } = sample;
  const n = sorted.length;
  const last = sorted[n - 1]!;
  // Censored values sort last.
  let censored = 0;
  while (censored < n && !Number.isFinite(sorted[n - 1 - censored]!)) censored++;
  return {
    n,
    censored,
    p50: p50!,
    p90: p90!,
    p99: p99!,
    max: Number.isFinite(last) ? { ms: roundMs(last), censored: false } : { ms: null, censored: true },
  };
}

/** Every metric's summary of one group of samples. */
function summaries(columns: SampleColumns, s: Settings, streamName: string): MetricSummaries {
  const out = {} as Record<MetricName, MetricSummary>;
  const clusters = seedClusters(columns.seeds, clusteredFor(s));
  for (const metric of metricNames) {
    out[metric] = metricSummary(
      sampleOfColumn(columnOf(columns, metric), clusters),
      s,
      `${streamName}/${metric}`,
    );
  }
  return out;
}

function visibility(
  sorted: ArrayLike<number>,
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

function cdfPoints(sorted: ArrayLike<number>): CdfPoint[] {
  return CDF_PS.map((p) => {
    const v = quantileSorted(sorted, p);
    return { p, ms: Number.isFinite(v) ? roundMs(v) : null };
  });
}

/** A profile waiter step with the share of runs it passed before the role showed, and its Wilson interval. */
function waiterReport(w: WaiterHazard, confidence: number): WaiterReport {
  const { low, high } = wilsonInterval(w.runsWithoutRole, w.runs, confidence);
  const share = w.runsWithoutRole / w.runs;
  return { ...w, withoutRoleShare: { share: round6(share), low: round6(low), high: round6(high) } };
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

/** The metrics the runbook table, t-visibility curves and CDF charts read. */
const CURVE_METRICS: readonly MetricName[] = ['appNewRoleMs', 'oldRoleExposureMs', 'imdsNewRoleMs'];

type Curves = Pick<StrategyReport, 'runbook' | 'tVisibility' | 'cdf'>;

function curves(columns: SampleColumns, windowMs: number, s: Settings, name: string): Curves {
  const grid =
    windowMs <= GRID_START_MS ? [roundMs(windowMs)] : logGrid(GRID_START_MS, windowMs, GRID_PER_DECADE);
  const clusters = seedClusters(columns.seeds, clusteredFor(s));
  const app = sampleOfColumn(columnOf(columns, 'appNewRoleMs'), clusters);
  const old = sampleOfColumn(columnOf(columns, 'oldRoleExposureMs'), clusters);
  return {
    runbook: {
      newPermissionsInApp: quantileStats(app, RUNBOOK_PS, s, `${name}/runbook/appNewRoleMs`),
      oldPermissionsGone: quantileStats(old, RUNBOOK_PS, s, `${name}/runbook/oldRoleExposureMs`),
    },
    tVisibility: {
      appNew: visibility(app.sorted, grid, s.confidence),
      oldGone: visibility(old.sorted, grid, s.confidence),
    },
    cdf: {
      imdsNewRoleMs: cdfPoints(columnOf(columns, 'imdsNewRoleMs').slice().sort()),
      appNewRoleMs: cdfPoints(app.sorted),
    },
  };
}

/**
 * One self-contained piece of a report's statistics (nearly all of its cost): a group's metric
 * summaries, or a strategy's runbook table and curves. A task carries everything it needs and
 * its result depends on nothing else (its bootstrap streams are named after the strategy, group
 * and metric), so tasks can run in any thread, in any order: `iamsim compare --workers` spreads
 * them over its worker threads, and the report is byte-identical whatever the number of threads.
 */
export type SummaryTask =
  | {
      readonly kind: 'metrics';
      readonly settings: Settings;
      readonly streamName: string;
      readonly columns: SampleColumns;
    }
  | {
      readonly kind: 'curves';
      readonly settings: Settings;
      readonly name: string;
      readonly windowMs: number;
      readonly columns: SampleColumns;
    };

export type SummaryTaskResult = MetricSummaries | Curves;

/** Runs one task (pure). */
export function runSummaryTask(task: SummaryTask): SummaryTaskResult {
  return task.kind === 'metrics'
    ? summaries(task.columns, task.settings, task.streamName)
    : curves(task.columns, task.windowMs, task.settings, task.name);
}

/** The strategy's rows by SDK preset and by region (names sorted), as their positions among the samples, in one pass. */
function groupsOf(st: StrategyInput): {
  readonly sdks: readonly (readonly [string, Int32Array])[];
  readonly regions: readonly (readonly [string, Int32Array])[];
} {
  const sdks = new Map<string, number[]>();
  const regions = new Map<string, number[]>();
  st.samples.forEach((row, i) => {
    const bySdk = sdks.get(row.sdk);
    if (bySdk === undefined) sdks.set(row.sdk, [i]);
    else bySdk.push(i);
    const region = row.region ?? '';
    if (region === '') return;
    const byRegion = regions.get(region);
    if (byRegion === undefined) regions.set(region, [i]);
    else byRegion.push(i);
  });
  const sorted = (groups: Map<string, number[]>) =>
    [...groups]
      .sort((a, b) => byString(a[0], b[0]))
      .map(([name, at]) => [name, Int32Array.from(at)] as const);
  return { sdks: sorted(sdks), regions: sorted(regions) };
}

function settingsOf(input: CompareInput): Settings {
  return {
    method: input.ci?.method ?? DEFAULT_CI,
    confidence: input.ci?.confidence ?? 0.95,
    resamples: input.ci?.resamples ?? DEFAULT_RESAMPLES,
    scenarioHash: input.scenarioHash,
  };
}

/**
 * The report's tasks, strategy by strategy: the metric summaries of all samples, of each SDK
 * preset, of each region, then the curves. `assembleComparison` takes their results in this order.
 * @throws ReportInputError listing every malformed field (see summarizeComparison).
 */
export function summaryTasks(input: CompareInput): SummaryTask[] {
  validateCompareInput(input);
  const settings = settingsOf(input);
  return input.strategies.flatMap((st): SummaryTask[] => {
    const name = st.strategy;
    const { sdks, regions } = groupsOf(st);
    const all = columnsOf(st.samples);
    const metrics = (columns: SampleColumns, streamName: string): SummaryTask => ({
      kind: 'metrics',
      settings,
      streamName,
      columns,
    });
    return [
      metrics(all, `${name}/all`),
      ...sdks.map(([sdk, at]) => metrics(columnsAt(all, at), `${name}/sdk/${sdk}`)),
      ...regions.map(([region, at]) => metrics(columnsAt(all, at), `${name}/region/${region}`)),
      {
        kind: 'curves',
        settings,
        name,
        windowMs: st.observationWindowMs,
        columns: {
          seeds: all.seeds,
          values: Object.fromEntries(CURVE_METRICS.map((m) => [m, all.values[m]!])),
        },
      },
    ];
  });
}

function strategyReport(st: StrategyInput, s: Settings, next: () => SummaryTaskResult): StrategyReport {
  const name = st.strategy;
  const { sdks, regions } = groupsOf(st);
  const metrics = next() as MetricSummaries;
  const bySdk = sdks.map(([sdk, at]) => ({ sdk, n: at.length, metrics: next() as MetricSummaries }));
  const byRegion = regions.map(([region, at]) => ({
    region,
    n: at.length,
    metrics: next() as MetricSummaries,
  }));
  const { runbook, tVisibility, cdf } = next() as Curves;
  return {
    strategy: name,
    judgedBy: st.judgedBy ?? 'role',
    ...(st.checks === undefined ? {} : { checks: st.checks }),
    ...(st.waiters === undefined ? {} : { waiters: st.waiters.map((w) => waiterReport(w, s.confidence)) }),
    n: st.samples.length,
    observationWindowMs: roundMs(st.observationWindowMs),
    metrics,
    bySdk,
    byRegion,
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
    runbook,
    tVisibility,
    cdf,
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
  return assembleComparison(input, summaryTasks(input).map(runSummaryTask));
}

/**
 * The report from the results of `summaryTasks(input)`, in task order (wherever they ran).
 * @throws Error when there are fewer or more results than tasks.
 */
export function assembleComparison(
  input: CompareInput,
  results: readonly SummaryTaskResult[],
): CompareReport {
  const settings = settingsOf(input);
  const { method } = settings;
  let taken = 0;
  const next = (): SummaryTaskResult => {
    const result = results[taken++];
    if (result === undefined) throw new Error(`summary: task ${taken - 1} has no result`);
    return result;
  };
  const seeds = [...new Set(input.seeds)].sort((a, b) => a - b);
  const strategies = input.strategies.map((st) => strategyReport(st, settings, next));
  if (taken !== results.length) throw new Error(`summary: ${results.length} results for ${taken} tasks`);
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
    strategies,
  };
}
