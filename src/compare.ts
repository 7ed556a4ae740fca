/**
 * compare(): the strategy comparison. Every strategy runs on the same seeds (common random
 * numbers: each entity draws from a stream named after it, so a seed gives every strategy the
 * same propagation delays, rotation phases and lifetimes where the mechanisms coincide), and the
 * per-instance metrics are handed to the report aggregator.
 *
 * Work is split into (strategy, seed) jobs. With workers > 1 the jobs are spread over worker
 * threads; results are put back in job order, so the output is byte-identical whatever the
 * number of workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { InstanceResult, RunResult, StrategySamples } from './result.ts';
import type { Scenario, StrategyName, StrategyStep } from './scenario/types.ts';
import { simulate } from './simulate.ts';

export interface CompareJob {
  readonly strategy: StrategyName;
  readonly seed: number;
  /** Keep a few timelines from this run for the report. */
  readonly keepTimelines: boolean;
}

/** What one job returns (small: no responses, timelines only when asked). */
export interface JobResult {
  readonly strategy: StrategyName;
  readonly seed: number;
  readonly instances: readonly InstanceResult[];
  readonly apiErrors: Readonly<Record<string, number>>;
  readonly changeStartMs: number | null;
}

export interface CompareOptions {
  /** The seeds to run (every strategy runs every seed). */
  readonly seeds: readonly number[];
  readonly workers: number;
  /** Called after each finished job (for progress display). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Timelines kept per strategy for the report. */
  readonly sampleTimelines?: number;
}

/** Number of instances whose timelines are kept for the report's timeline chart. */
export const SAMPLE_TIMELINES_DEFAULT = 6;

/** The scenario with the comparison's change as its strategy step, for one strategy. */
export function scenarioForStrategy(scenario: Scenario, strategy: StrategyName): Scenario {
  const spec = scenario.compare;
  if (spec === undefined) throw new Error(`scenario ${scenario.name} has no compare section`);
  const step: StrategyStep = {
    kind: 'strategy',
    strategy,
    targets: spec.targets,
    to: spec.to,
    atMs: spec.atMs,
    source: { path: 'compare' },
  };
  return { ...scenario, steps: [...scenario.steps, step] };
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
  const instances = job.keepTimelines
    ? result.instances.map((inst, i) =>
        i < sampleTimelines ? inst : { ...inst, imdsTimeline: [], appTimeline: [] },
      )
    : result.instances;
  return {
    strategy: job.strategy,
    seed: job.seed,
    instances,
    apiErrors,
    changeStartMs: result.changeStartMs,
  };
}

export function jobsFor(scenario: Scenario, seeds: readonly number[]): CompareJob[] {
  const strategies = scenario.compare?.strategies ?? [];
  const jobs: CompareJob[] = [];
  for (const strategy of strategies) {
    seeds.forEach((seed, i) => {
      jobs.push({ strategy, seed, keepTimelines: i === 0 });
    });
  }
  return jobs;
}

/** Runs every (strategy, seed) job and groups the samples per strategy, in a fixed order. */
export async function compare(scenario: Scenario, options: CompareOptions): Promise<StrategySamples[]> {
  const jobs = jobsFor(scenario, options.seeds);
  const keep = options.sampleTimelines ?? SAMPLE_TIMELINES_DEFAULT;
  const results = await runJobs(scenario, jobs, options.workers, keep, options.onProgress);
  return groupSamples(scenario, results, keep);
}

export function groupSamples(
  scenario: Scenario,
  results: readonly JobResult[],
  keep: number,
): StrategySamples[] {
  const strategies = scenario.compare?.strategies ?? [];
  return strategies.map((strategy) => {
    const mine = results.filter((r) => r.strategy === strategy).sort((a, b) => a.seed - b.seed);
    const apiErrors: Record<string, number> = {};
    for (const r of mine)
      for (const [code, n] of Object.entries(r.apiErrors)) apiErrors[code] = (apiErrors[code] ?? 0) + n;
    const first = results.find(
      (r) => r.strategy === strategy && r.instances.some((i) => i.appTimeline.length > 0),
    );
    const startMs = mine.find((r) => r.changeStartMs !== null)?.changeStartMs ?? scenario.compare?.atMs ?? 0;
    return {
      strategy,
      samples: mine.flatMap((r) =>
        r.instances.map((inst) => ({
          seed: r.seed,
          instance: inst.name,
          sdk: inst.sdk,
          metrics: inst.metrics,
        })),
      ),
      apiErrors: Object.fromEntries(
        Object.entries(apiErrors).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
      sampleTimelines: (first?.instances ?? []).slice(0, keep),
      timelineChangeStartMs: first?.changeStartMs ?? null,
      observationWindowMs: scenario.horizonMs - startMs,
    };
  });
}

async function runJobs(
  scenario: Scenario,
  jobs: readonly CompareJob[],
  workers: number,
  keep: number,
  onProgress?: (done: number, total: number) => void,
): Promise<JobResult[]> {
  const n = Math.max(1, Math.min(workers, jobs.length));
  if (n === 1) {
    const out: JobResult[] = [];
    for (const job of jobs) {
      out.push(runJob(scenario, job, keep));
      onProgress?.(out.length, jobs.length);
    }
    return out;
  }
  // Contiguous chunks keep each worker's messages few; results are reassembled by job index.
  const results: (JobResult | undefined)[] = new Array(jobs.length);
  let done = 0;
  const chunkSize = Math.max(1, Math.ceil(jobs.length / (n * 4)));
  const chunks: { start: number; jobs: CompareJob[] }[] = [];
  for (let i = 0; i < jobs.length; i += chunkSize)
    chunks.push({ start: i, jobs: jobs.slice(i, i + chunkSize) });
  let next = 0;
  const pool = Array.from({ length: n }, () => new Worker(new URL('./compare-worker.js', import.meta.url)));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              const chunk = chunks[next++];
              if (chunk === undefined) {
                resolve();
                return;
              }
              worker.postMessage({ scenario, jobs: chunk.jobs, start: chunk.start, keep });
            };
            worker.on('message', (msg: { start: number; results: JobResult[] } | { error: string }) => {
              if ('error' in msg) {
                reject(new Error(msg.error));
                return;
              }
              msg.results.forEach((r, i) => {
                results[msg.start + i] = r;
              });
              done += msg.results.length;
              onProgress?.(done, jobs.length);
              feed();
            });
            worker.on('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results.map((r, i) => {
    if (r === undefined) throw new Error(`job ${i} produced no result`);
    return r;
  });
}

/** A sensible default worker count: the cores this machine has. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}
