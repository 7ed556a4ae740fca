/**
 * compare(): the strategy comparison. Every strategy runs on the same seeds (common random
 * numbers: each entity draws from a stream named after it, so a seed gives every strategy the
 * same propagation delays, rotation phases and lifetimes where the mechanisms coincide), and the
 * per-instance metrics are handed to the report aggregator.
 *
 * Work is split into (strategy, seed) jobs. With workers > 1 the jobs are spread over worker
 * threads and results are put back in job order; the aggregation then runs one strategy per
 * worker (strategies are summarised independently, from streams named after the strategy). So
 * the output is byte-identical whatever the number of workers, and whatever the number of
 * machines a sweep was sharded over (see shard.ts): a report is a function of the job results.
 */
import { summarizeComparison } from '../report/summarize.ts';
import type { CompareInput, CompareReport } from '../report/types.ts';
import type { InstanceMetrics, InstanceResult, RunResult, StrategySamples } from '../result.ts';
import type { Scenario, StrategyStep } from '../scenario/types.ts';
import { simulate } from '../simulate.ts';
import { WorkerPool } from './pool.ts';

export interface CompareJob {
  /** The compare entry's label (a strategy's name unless it is a batched variant). */
  readonly strategy: string;
  readonly seed: number;
  /** Keep a few timelines from this run for the report. */
  readonly keepTimelines: boolean;
}

/** One instance's outcome in one job: what the report aggregates. */
export interface JobSample {
  readonly instance: string;
  readonly sdk: string;
  readonly metrics: InstanceMetrics;
}

/**
 * What one job returns: small (it crosses threads and, sharded, machines), and plain JSON that
 * survives a round trip unchanged.
 */
export interface JobResult {
  readonly strategy: string;
  readonly seed: number;
  /** One per instance, in scenario order. */
  readonly samples: readonly JobSample[];
  /** Full results (timelines included) of the first instances, only in a job that keeps timelines. */
  readonly timelines: readonly InstanceResult[];
  readonly apiErrors: Readonly<Record<string, number>>;
  readonly changeStartMs: number | null;
}

/** What grouping job results into per-strategy samples needs to know of the scenario. */
export interface GroupingPlan {
  /** Labels of the compare entries. */
  readonly strategies: readonly string[];
  readonly horizonMs: number;
  /** The compare section's change time, ms (fallback start of the observation window). */
  readonly atMs: number;
  /** Timelines kept per strategy for the report. */
  readonly sampleTimelines: number;
}

export interface CompareOptions {
  /** The seeds to run (every strategy runs every seed). */
  readonly seeds: readonly number[];
  readonly workers: number;
  /** Called after each finished job (for progress display). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Timelines kept per strategy for the report. */
  readonly sampleTimelines?: number;
  /**
   * Which seed keeps timelines (default: the first of `seeds`). A shard passes the sweep's first
   * seed, so exactly one shard keeps them, as the unsharded run would.
   */
  readonly timelineSeed?: number;
}

/** Number of instances whose timelines are kept for the report's timeline chart. */
export const SAMPLE_TIMELINES_DEFAULT = 6;

/** The scenario with the comparison's change as its strategy step, for the entry labelled `label`. */
export function scenarioForStrategy(scenario: Scenario, label: string): Scenario {
  const spec = scenario.compare;
  if (spec === undefined) throw new Error(`scenario ${scenario.name} has no compare section`);
  const entry = spec.strategies.find((e) => e.label === label);
  if (entry === undefined)
    throw new Error(`scenario ${scenario.name} compares no strategy labelled ${label}`);
  const step: StrategyStep = {
    kind: 'strategy',
    strategy: entry.strategy,
    ...(entry.batch === undefined ? {} : { batch: entry.batch }),
    targets: spec.targets,
    to: spec.to,
    atMs: spec.atMs,
    source: { path: 'compare' },
  };
  return { ...scenario, steps: [...scenario.steps, step] };
}

/** The labels of the compare section's entries, in order: the names the report shows. */
export function compareLabels(scenario: Scenario): string[] {
  return (scenario.compare?.strategies ?? []).map((e) => e.label);
}

/** The grouping plan of a scenario's compare section. */
export function groupingPlan(scenario: Scenario, sampleTimelines = SAMPLE_TIMELINES_DEFAULT): GroupingPlan {
  return {
    strategies: compareLabels(scenario),
    horizonMs: scenario.horizonMs,
    atMs: scenario.compare?.atMs ?? 0,
    sampleTimelines,
  };
}

/** Runs one job in this thread. */
export function runJob(scenario: Scenario, job: CompareJob, sampleTimelines: number): JobResult {
  const result: RunResult = simulate(scenarioForStrategy(scenario, job.strategy), {
    seed: job.seed,
    timelines: job.keepTimelines,
    responses: false,
  });
  const apiErrors: Record<string, number> = {};
  for (const step of result.steps) {
    if (step.error !== undefined) apiErrors[step.error.code] = (apiErrors[step.error.code] ?? 0) + 1;
  }
  return {
    strategy: job.strategy,
    seed: job.seed,
    samples: result.instances.map((inst) => ({ instance: inst.name, sdk: inst.sdk, metrics: inst.metrics })),
    timelines: job.keepTimelines ? result.instances.slice(0, sampleTimelines) : [],
    apiErrors,
    changeStartMs: result.changeStartMs,
  };
}

/** The jobs of a comparison, in job order: strategy by strategy, seed by seed. */
export function jobsFor(
  strategies: readonly string[],
  seeds: readonly number[],
  timelineSeed: number | undefined = seeds[0],
): CompareJob[] {
  const jobs: CompareJob[] = [];
  for (const strategy of strategies) {
    for (const seed of seeds) jobs.push({ strategy, seed, keepTimelines: seed === timelineSeed });
  }
  return jobs;
}

/** Runs every (strategy, seed) job; results in job order. */
export async function compareJobs(scenario: Scenario, options: CompareOptions): Promise<JobResult[]> {
  return withJobResults(scenario, options, async (results) => results);
}

/**
 * Runs every (strategy, seed) job on a pool started once, hands the results (in job order) to
 * `then` while the pool is still up, and closes the pool whatever happens.
 */
async function withJobResults<T>(
  scenario: Scenario,
  options: CompareOptions,
  then: (results: JobResult[], pool: WorkerPool | undefined, keep: number) => Promise<T>,
): Promise<T> {
  const jobs = jobsFor(compareLabels(scenario), options.seeds, options.timelineSeed ?? options.seeds[0]);
  const keep = options.sampleTimelines ?? SAMPLE_TIMELINES_DEFAULT;
  const pool = WorkerPool.create(options.workers, jobs.length);
  try {
    return await then(await runJobs(pool, scenario, jobs, keep, options.onProgress), pool, keep);
  } finally {
    await pool?.close();
  }
}

/**
 * Groups job results per strategy, in the plan's strategy order and by seed. The samples of a
 * strategy are its jobs' samples seed by seed; its sample timelines come from the first job (in
 * job order) that kept any.
 */
export function groupSamples(plan: GroupingPlan, results: readonly JobResult[]): StrategySamples[] {
  return plan.strategies.map((strategy) => {
    const mine = results.filter((r) => r.strategy === strategy).sort((a, b) => a.seed - b.seed);
    const apiErrors: Record<string, number> = {};
    for (const r of mine)
      for (const [code, n] of Object.entries(r.apiErrors)) apiErrors[code] = (apiErrors[code] ?? 0) + n;
    const first = results.find(
      (r) => r.strategy === strategy && r.timelines.some((i) => i.appTimeline.length > 0),
    );
    const startMs = mine.find((r) => r.changeStartMs !== null)?.changeStartMs ?? plan.atMs;
    return {
      strategy,
      samples: mine.flatMap((r) =>
        r.samples.map((s) => ({ seed: r.seed, instance: s.instance, sdk: s.sdk, metrics: s.metrics })),
      ),
      apiErrors: Object.fromEntries(
        Object.entries(apiErrors).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
      sampleTimelines: (first?.timelines ?? []).slice(0, plan.sampleTimelines),
      timelineChangeStartMs: first?.changeStartMs ?? null,
      observationWindowMs: plan.horizonMs - startMs,
    };
  });
}

/**
 * summarizeComparison, with the strategies spread over `workers` threads. Each strategy's part of
 * the report depends only on that strategy's samples (its bootstrap streams are named after it),
 * so the report assembled from one-strategy reports is the report of all of them; a test checks
 * the two byte for byte.
 */
export async function summarize(input: CompareInput, workers: number): Promise<CompareReport> {
  const pool = WorkerPool.create(workers, input.strategies.length);
  if (pool === undefined) return summarizeComparison(input);
  try {
    return await summarizeWith(pool, input);
  } finally {
    await pool.close();
  }
}

/**
 * Jobs, then the aggregation, on one pool of threads (started once): what `iamsim compare`
 * does. `toInput` turns the grouped samples into the report's input.
 */
export async function compareAndSummarize(
  scenario: Scenario,
  options: CompareOptions,
  toInput: (strategies: StrategySamples[]) => CompareInput,
): Promise<CompareReport> {
  return withJobResults(scenario, options, async (results, pool, keep) => {
    const input = toInput(groupSamples(groupingPlan(scenario, keep), results));
    return pool === undefined ? summarizeComparison(input) : await summarizeWith(pool, input);
  });
}

async function summarizeWith(pool: WorkerPool, input: CompareInput): Promise<CompareReport> {
  const parts = await Promise.all(
    input.strategies.map((strategy) =>
      pool.request<CompareReport>({ kind: 'summarize', input: { ...input, strategies: [strategy] } }),
    ),
  );
  if (parts.length === 0) return summarizeComparison(input);
  return { ...parts[0]!, strategies: parts.flatMap((p) => p.strategies) };
}

async function runJobs(
  pool: WorkerPool | undefined,
  scenario: Scenario,
  jobs: readonly CompareJob[],
  keep: number,
  onProgress?: (done: number, total: number) => void,
): Promise<JobResult[]> {
  if (pool === undefined) {
    const out: JobResult[] = [];
    for (const job of jobs) {
      out.push(runJob(scenario, job, keep));
      onProgress?.(out.length, jobs.length);
    }
    return out;
  }
  pool.broadcast({ kind: 'scenario', scenario });
  // Chunks of a few jobs keep messages few and let a fast worker take more; results are
  // reassembled by job index, so the order of completion never shows.
  const results: (JobResult | undefined)[] = new Array(jobs.length);
  let done = 0;
  const chunkSize = Math.max(1, Math.min(16, Math.ceil(jobs.length / (pool.size * 8))));
  const chunks: Promise<void>[] = [];
  for (let start = 0; start < jobs.length; start += chunkSize) {
    const chunk = jobs.slice(start, start + chunkSize);
    chunks.push(
      pool.request<JobResult[]>({ kind: 'jobs', jobs: chunk, keep }).then((out) => {
        out.forEach((r, i) => {
          results[start + i] = r;
        });
        done += out.length;
        onProgress?.(done, jobs.length);
      }),
    );
  }
  await Promise.all(chunks);
  return results.map((r, i) => {
    if (r === undefined) throw new Error(`job ${i} produced no result`);
    return r;
  });
}
