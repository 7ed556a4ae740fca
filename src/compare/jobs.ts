/**
 * The comparison's jobs. Every entry (a built-in strategy, or a runbook: a file's own steps) runs
 * on the same seeds (common random numbers: each entity draws from a stream named after it, so a
 * seed gives every entry the same propagation delays, rotation phases and lifetimes where the
 * mechanisms coincide), and the target instances' metrics are handed to the report aggregator.
 *
 * Work is split into (entry, seed) jobs. With workers > 1 the jobs are spread over worker threads
 * and results are put back in job order; the aggregation then runs one entry per worker (entries
 * are summarised independently, from streams named after the entry). So the output is
 * byte-identical whatever the number of workers, and whatever the number of machines a sweep was
 * sharded over (see shard.ts): a report is a function of the job results.
 */

import { simulateHere } from '../parallel/run.ts';
import {
  assembleComparison,
  type SummaryTask,
  type SummaryTaskResult,
  summarizeComparison,
  summaryTasks,
} from '../report/summarize.ts';
import type { CompareInput, CompareReport } from '../report/types.ts';
import type {
  ApiErrorCount,
  CheckKind,
  CheckTally,
  IncidentRunResult,
  InstanceMetrics,
  InstanceResult,
  RunResult,
  StepRecord,
  StrategySamples,
  WaiterHazard,
  WaiterPass,
} from '../result.ts';
import { waiterHazards } from '../runbook/waiter-hazard.ts';
import type { Scenario } from '../scenario/types.ts';
import { type PackedJobs, unpackJobResults } from './packed.ts';
import { WorkerPool } from './pool.ts';

/**
 * One column of a comparison: a built-in strategy run on the world without the file's steps, or
 * a runbook (a file's own steps, measured from its `change:`). `label` names it in reports.
 */
export interface CompareEntry {
  readonly label: string;
  readonly kind: 'strategy' | 'runbook';
  /** The scenario this entry runs, complete: the world and the steps that make the change. */
  readonly scenario: Scenario;
}

export interface CompareJob {
  /** The entry's label. */
  readonly strategy: string;
  readonly seed: number;
  /** Keep a few timelines from this run for the report. */
  readonly keepTimelines: boolean;
}

/** One target instance's outcome in one job: what the report aggregates. */
export interface JobSample {
  readonly instance: string;
  readonly sdk: string;
  readonly region: string;
  readonly metrics: InstanceMetrics;
}

/**
 * What one job returns: small (it crosses threads and, sharded, machines), and plain JSON that
 * survives a round trip unchanged.
 */
export interface JobResult {
  readonly strategy: string;
  readonly seed: number;
  /** One per target instance, in scenario order. */
  readonly samples: readonly JobSample[];
  /** Lowest share of targets up at any instant after the change started (null: no change). */
  readonly minUpShare: number | null;
  /** Non-target instances in the run, and those whose credentials changed anyway (with their fleet). */
  readonly nonTargets: number;
  readonly affected: readonly { readonly instance: string; readonly fleet?: string }[];
  /** Full results (timelines included) of a few targets, only in a job that keeps timelines. */
  readonly timelines: readonly InstanceResult[];
  readonly apiErrors: readonly ApiErrorCount[];
  readonly changeStartMs: number | null;
  readonly judgedBy: 'role' | 'permissions';
  /** The run's own checks (metric checks, expects, runbook steps), in the run's order. */
  readonly checks: readonly { readonly name: string; readonly kind: CheckKind; readonly ok: boolean }[];
  /** What the attacker got in this run (scenarios with incidents only). */
  readonly incident?: IncidentRunResult;
  /** The profile waiters that passed in this run (runbooks with `aws iam wait instance-profile-exists`). */
  readonly waiterPasses?: readonly WaiterPass[];
}

/** What grouping job results into per-entry samples needs to know of the comparison. */
export interface GroupingPlan {
  /** Entry labels, in report order. */
  readonly strategies: readonly string[];
  readonly horizonMs: number;
  /** The compare section's change time, ms (fallback start of the observation window). */
  readonly atMs: number;
  /** Timelines kept per entry for the report. */
  readonly sampleTimelines: number;
}

export interface CompareOptions {
  /** The seeds to run (every entry runs every seed). */
  readonly seeds: readonly number[];
  readonly workers: number;
  /** Called after each finished job (for progress display). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Timelines kept per entry for the report. */
  readonly sampleTimelines?: number;
  /**
   * Which seed keeps timelines (default: the first of `seeds`). A shard passes the sweep's first
   * seed, so exactly one shard keeps them, as the unsharded run would.
   */
  readonly timelineSeed?: number;
}

/** Number of instances whose timelines are kept for the report's timeline chart. */
export const SAMPLE_TIMELINES_DEFAULT = 6;

/** The grouping plan of a comparison's entries. */
export function groupingPlan(
  entries: readonly CompareEntry[],
  sampleTimelines = SAMPLE_TIMELINES_DEFAULT,
): GroupingPlan {
  const first = entries[0]?.scenario;
  return {
    strategies: entries.map((e) => e.label),
    horizonMs: first?.horizonMs ?? 0,
    atMs: first?.compare?.atMs ?? first?.change?.atMs ?? 0,
    sampleTimelines,
  };
}

/**
 * API errors grouped by (code, call, step), in first-seen order, with how many the step got past:
 * an error is handled when a later call of the same step and operation succeeded.
 */
function apiErrorCounts(steps: readonly StepRecord[]): ApiErrorCount[] {
  const firstError = steps.findIndex((r) => r.error !== undefined);
  if (firstError < 0) return [];
  // Keyed through nested maps by the records' own strings, whose hashes V8 keeps: a joined key
  // would be built and hashed anew for every step of every run (~2% of a sweep's CPU). Only a
  // success after the first error can make an error handled.
  const lastOk = new Map<string, Map<string, number>>();
  for (let i = firstError; i < steps.length; i++) {
    const r = steps[i]!;
    if (r.ok) inner(lastOk, r.origin).set(r.call, i);
  }
  type Group = { code: string; call: string; origin: string; count: number; handled: number };
  const byCode = new Map<string, Map<string, Map<string, Group>>>();
  const groups: Group[] = [];
  for (let i = firstError; i < steps.length; i++) {
    const r = steps[i]!;
    if (r.error === undefined) continue;
    const byOrigin = inner(inner(byCode, r.error.code), r.call);
    let g = byOrigin.get(r.origin);
    if (g === undefined) {
      g = { code: r.error.code, call: r.call, origin: r.origin, count: 0, handled: 0 };
      byOrigin.set(r.origin, g);
      groups.push(g);
    }
    g.count++;
    if ((lastOk.get(r.origin)?.get(r.call) ?? -1) > i) g.handled++;
  }
  return groups;
}

/** The map under `key`, made empty the first time. */
function inner<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let map = outer.get(key);
  if (map === undefined) {
    map = new Map();
    outer.set(key, map);
  }
  return map;
}

/**
 * Up to `count` target instances for the report's timeline chart, taken from every region in
 * turn (the first target of each region, then the second, …), shown in scenario order.
 */
function timelineSample(
  instances: readonly InstanceResult[],
  regions: readonly string[],
  count: number,
): InstanceResult[] {
  const byRegion = regions.map((r) => instances.filter((i) => i.target && i.region === r));
  const picked = new Set<InstanceResult>();
  for (let k = 0; picked.size < count && byRegion.some((list) => k < list.length); k++) {
    for (const list of byRegion) {
      const inst = list[k];
      if (inst !== undefined && picked.size < count) picked.add(inst);
    }
  }
  return instances.filter((i) => picked.has(i));
}

/** Runs one job in this thread. */
export function runJob(
  entries: readonly CompareEntry[],
  job: CompareJob,
  sampleTimelines: number,
): JobResult {
  const entry = entries.find((e) => e.label === job.strategy);
  if (entry === undefined) throw new Error(`no comparison entry labelled ${job.strategy}`);
  // A large fleet's run is replayed a chunk at a time (simulateHere): the same result, faster.
  const result: RunResult = simulateHere(entry.scenario, {
    seed: job.seed,
    timelines: job.keepTimelines,
    responses: false,
    explain: false,
  });
  const targets = result.instances.filter((i) => i.target);
  const others = result.instances.filter((i) => !i.target);
  return {
    strategy: job.strategy,
    seed: job.seed,
    samples: targets.map((i) => ({ instance: i.name, sdk: i.sdk, region: i.region, metrics: i.metrics })),
    minUpShare: result.fleet.minUpShare,
    nonTargets: others.length,
    affected: others
      .filter((i) => i.affected)
      .map((i) => (i.fleet === undefined ? { instance: i.name } : { instance: i.name, fleet: i.fleet })),
    timelines: job.keepTimelines
      ? timelineSample(result.instances, entry.scenario.regions, sampleTimelines)
      : [],
    apiErrors: apiErrorCounts(result.steps),
    changeStartMs: result.changeStartMs,
    judgedBy: result.judgedBy,
    checks: result.checks.map((c) => ({ name: c.name, kind: c.kind, ok: c.ok })),
    ...(result.incident === undefined ? {} : { incident: result.incident }),
    ...(result.waiterPasses === undefined ? {} : { waiterPasses: result.waiterPasses }),
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

/** Runs every (entry, seed) job; results in job order. */
export async function compareJobs(
  entries: readonly CompareEntry[],
  options: CompareOptions,
): Promise<JobResult[]> {
  return withJobResults(entries, options, async (results) => results);
}

/**
 * Runs every (strategy, seed) job on a pool started once, hands the results (in job order) to
 * `then` while the pool is still up, and closes the pool whatever happens.
 */
async function withJobResults<T>(
  entries: readonly CompareEntry[],
  options: CompareOptions,
  then: (results: JobResult[], pool: WorkerPool | undefined) => Promise<T>,
  onEntryDone?: EntryDone,
): Promise<T> {
  const jobs = jobsFor(
    entries.map((e) => e.label),
    options.seeds,
    options.timelineSeed ?? options.seeds[0],
  );
  const keep = options.sampleTimelines ?? SAMPLE_TIMELINES_DEFAULT;
  const pool = WorkerPool.create(options.workers, jobs.length);
  try {
    return await then(await runJobs(pool, entries, jobs, keep, options.onProgress, onEntryDone), pool);
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
  return plan.strategies.map((strategy): StrategySamples => {
    const mine = results.filter((r) => r.strategy === strategy).sort((a, b) => a.seed - b.seed);
    const errors = new Map<string, ApiErrorCount>();
    for (const r of mine) {
      for (const e of r.apiErrors) {
        const key = `${e.code}\n${e.call}\n${e.origin}`;
        const sum = errors.get(key);
        errors.set(
          key,
          sum === undefined ? e : { ...sum, count: sum.count + e.count, handled: sum.handled + e.handled },
        );
      }
    }
    const affected = new Map<string, { instance: string; fleet?: string; seeds: number }>();
    for (const r of mine) {
      for (const a of r.affected) {
        const sum = affected.get(a.instance);
        affected.set(a.instance, sum === undefined ? { ...a, seeds: 1 } : { ...sum, seeds: sum.seeds + 1 });
      }
    }
    const first = results.find(
      (r) => r.strategy === strategy && r.timelines.some((i) => i.appTimeline.length > 0),
    );
    const startMs = mine.find((r) => r.changeStartMs !== null)?.changeStartMs ?? plan.atMs;
    return {
      strategy,
      judgedBy: mine[0]?.judgedBy ?? 'role',
      samples: mine.flatMap((r) =>
        r.samples.map((s) => ({
          seed: r.seed,
          instance: s.instance,
          sdk: s.sdk,
          region: s.region,
          metrics: s.metrics,
        })),
      ),
      fleet: mine.map((r) => ({ seed: r.seed, minUpShare: r.minUpShare })),
      alsoAffected: {
        nonTargets: mine[0]?.nonTargets ?? 0,
        // In first-seen order: the report sorts (summarize.ts), once.
        instances: [...affected.values()],
      },
      apiErrors: [...errors.values()],
      sampleTimelines: (first?.timelines ?? []).slice(0, plan.sampleTimelines),
      timelineChangeStartMs: first?.changeStartMs ?? null,
      observationWindowMs: plan.horizonMs - startMs,
      ...checkTallies(mine),
      ...waiterTallies(mine),
      ...(mine.some((r) => r.incident !== undefined)
        ? {
            incident: mine.flatMap((r) =>
              r.incident === undefined ? [] : [{ seed: r.seed, ...r.incident }],
            ),
          }
        : {}),
    };
  });
}

/**
 * summarizeComparison, with its tasks spread over `workers` threads. Each task's result depends
 * only on what the task carries (its bootstrap streams are named after the strategy, group and
 * metric), so the report is the same whichever thread ran which task; a test checks the two byte
 * for byte.
 */
export async function summarize(input: CompareInput, workers: number): Promise<CompareReport> {
  const pool = WorkerPool.create(workers, input.strategies.length * 2);
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
 *
 * With a pool, an entry's summary tasks are queued as soon as its last job is done, ahead of the
 * remaining jobs: the main thread groups that entry's samples while the workers run other jobs,
 * and only the last entry's tasks are left once the jobs are done.
 */
export async function compareAndSummarize(
  entries: readonly CompareEntry[],
  options: CompareOptions,
  toInput: (strategies: StrategySamples[]) => CompareInput,
): Promise<CompareReport> {
  const plan = groupingPlan(entries, options.sampleTimelines ?? SAMPLE_TIMELINES_DEFAULT);
  const early = new Map<string, { samples: StrategySamples; results: Promise<SummaryTaskResult[]> }>();
  let pipelined = true;
  const onEntryDone: EntryDone = (pool, strategy, results) => {
    if (!pipelined) return;
    const [samples] = groupSamples({ ...plan, strategies: [strategy] }, results);
    let tasks: SummaryTask[];
    try {
      tasks = summaryTasks(toInput([samples!]));
    } catch {
      // Invalid samples: the whole input's summary below reports every problem, with its path.
      pipelined = false;
      return;
    }
    const done = runSummaryTasks(pool, tasks, true);
    // Awaited below; a failing pool also fails the jobs, which then surface first.
    done.catch(() => {});
    early.set(strategy, { samples: samples!, results: done });
  };
  return withJobResults(
    entries,
    options,
    async (results, pool) => {
      if (pool === undefined || !pipelined || early.size !== plan.strategies.length) {
        const input = toInput(groupSamples(plan, results));
        return pool === undefined ? summarizeComparison(input) : await summarizeWith(pool, input);
      }
      const parts = plan.strategies.map((s) => early.get(s)!);
      const input = toInput(parts.map((p) => p.samples));
      return assembleComparison(input, (await Promise.all(parts.map((p) => p.results))).flat());
    },
    onEntryDone,
  );
}

/** Called once per entry, with its results in job order, as soon as its last job is done. */
type EntryDone = (pool: WorkerPool, strategy: string, results: readonly JobResult[]) => void;

/**
 * The report's statistics as tasks spread over the pool (a group's metrics, a strategy's curves:
 * dozens of tasks, so both threads stay busy to the end), largest first so that the last task to
 * finish is a small one; the report is assembled from the results in task order.
 */
async function summarizeWith(pool: WorkerPool, input: CompareInput): Promise<CompareReport> {
  return assembleComparison(input, await runSummaryTasks(pool, summaryTasks(input), false));
}

/** Runs `tasks` on the pool, largest first (`first`: ahead of queued jobs); results in task order. */
async function runSummaryTasks(
  pool: WorkerPool,
  tasks: readonly SummaryTask[],
  first: boolean,
): Promise<SummaryTaskResult[]> {
  const results: SummaryTaskResult[] = new Array(tasks.length);
  const bySize = [...tasks.keys()].sort(
    (a, b) => tasks[b]!.columns.seeds.length - tasks[a]!.columns.seeds.length || a - b,
  );
  await Promise.all(
    bySize.map(async (i) => {
      results[i] = await pool.request<SummaryTaskResult>({ kind: 'summary', task: tasks[i]! }, { first });
    }),
  );
  return results;
}

async function runJobs(
  pool: WorkerPool | undefined,
  entries: readonly CompareEntry[],
  jobs: readonly CompareJob[],
  keep: number,
  onProgress?: (done: number, total: number) => void,
  onEntryDone?: EntryDone,
): Promise<JobResult[]> {
  if (pool === undefined) {
    const out: JobResult[] = [];
    for (const job of jobs) {
      out.push(runJob(entries, job, keep));
      onProgress?.(out.length, jobs.length);
    }
    return out;
  }
  pool.broadcast({ kind: 'entries', entries });
  // Chunks of a few jobs keep messages few and let a fast worker take more; results are
  // reassembled by job index, so the order of completion never shows.
  const results: (JobResult | undefined)[] = new Array(jobs.length);
  let done = 0;
  const left = new Map<string, number>();
  for (const job of jobs) left.set(job.strategy, (left.get(job.strategy) ?? 0) + 1);
  const jobDone = (strategy: string): void => {
    const n = left.get(strategy)! - 1;
    left.set(strategy, n);
    if (n === 0 && onEntryDone !== undefined) {
      const mine = jobs.flatMap((job, i) => (job.strategy === strategy ? [results[i]!] : []));
      onEntryDone(pool, strategy, mine);
    }
  };
  const chunkSize = Math.max(1, Math.min(16, Math.ceil(jobs.length / (pool.size * 8))));
  const chunks: Promise<void>[] = [];
  for (let start = 0; start < jobs.length; start += chunkSize) {
    const chunk = jobs.slice(start, start + chunkSize);
    chunks.push(
      pool.request<JobResult[] | PackedJobs>({ kind: 'jobs', jobs: chunk, keep }).then((reply) => {
        const out = Array.isArray(reply) ? reply : unpackJobResults(reply);
        out.forEach((r, i) => {
          results[start + i] = r;
        });
        done += out.length;
        onProgress?.(done, jobs.length);
        for (const job of chunk) jobDone(job.strategy);
      }),
    );
  }
  await Promise.all(chunks);
  return results.map((r, i) => {
    if (r === undefined) throw new Error(`job ${i} produced no result`);
    return r;
  });
}

/**
 * Per check (first-seen order over the runs, seed by seed): in how many runs it failed. A runbook
 * failure is only reported by the runs it happened in; an expect whose step did not run is not
 * counted (that run's runbook failure says where it stopped). Empty when no run has checks.
 */
function checkTallies(results: readonly JobResult[]): { checks?: CheckTally[] } {
  const tallies = new Map<string, CheckTally>();
  for (const r of results)
    for (const c of r.checks)
      if (!tallies.has(c.name))
        tallies.set(c.name, { name: c.name, kind: c.kind, runsFailed: 0, runs: results.length });
  if (tallies.size === 0) return {};
  for (const t of tallies.values()) {
    const failed = results.filter((r) => r.checks.some((c) => c.name === t.name && !c.ok)).length;
    tallies.set(t.name, { ...t, runsFailed: failed });
  }
  return { checks: [...tallies.values()] };
}

/** Per profile waiter step: in how many runs it passed, and passed before the role showed (absent without). */
function waiterTallies(results: readonly JobResult[]): { waiters?: WaiterHazard[] } {
  const waiters = waiterHazards(results.map((r) => r.waiterPasses ?? []));
  return waiters.length === 0 ? {} : { waiters };
}
