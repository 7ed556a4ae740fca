/**
 * The comparison pipeline's library entry point: what `iamsim compare` and `iamsim merge` call.
 * A comparison is (header, job results) -> report: the header holds everything the report depends
 * on besides the jobs (scenario identity, seeds, interval method, calibration), so one machine's
 * run, a sharded run and a merge of partials all build the report the same way.
 */
import { createHash } from 'node:crypto';
import { calibrationKeys } from '../calibration.ts';
import { makeDistribution } from '../engine/index.ts';
import { shellQuote } from '../report/format.ts';
import { type CiMethod, type CompareInput, type CompareReport, DEFAULT_CI } from '../report/types.ts';
import type { StrategySamples } from '../result.ts';
import { hashScenario } from '../scenario/hash.ts';
import { incidentCalibrationRows } from '../scenario/incident-calibration.ts';
import { packageVersion } from '../version.ts';
import { type CompareFile, comparisonEntries } from './entries.ts';
import {
  type CompareEntry,
  compareAndSummarize,
  compareJobs,
  groupingPlan,
  groupSamples,
  summarize,
} from './jobs.ts';
import {
  type ComparisonHeader,
  makePartial,
  mergePartials,
  type PartialProblem,
  type PartialResult,
  shardSlice,
  sliceSeeds,
} from './shard.ts';

export interface CompareRequest {
  /** One file (its strategies and runbook), or several (their runbooks, on the same world). */
  readonly files: readonly CompareFile[];
  readonly firstSeed: number;
  readonly seedCount: number;
  readonly workers: number;
  /** Interval method; default: cluster bootstrap over seeds (instances of one seed share draws, so they are not independent). */
  readonly ci?: CiMethod;
}

export { DEFAULT_CI } from '../report/types.ts';

/** Seeds first .. first+count-1: consecutive, so a report's seed list compresses to one range. */
export function seedList(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/**
 * Everything the report depends on besides the job results (what a partial result carries).
 * Several files hash as the hash of their hashes, in the order given.
 */
export function comparisonHeader(
  request: Omit<CompareRequest, 'workers'>,
  entries: readonly CompareEntry[],
): ComparisonHeader {
  const scenario = request.files[0]!.scenario;
  const hashes = request.files.map((f) => hashScenario(f.scenario));
  return {
    files: request.files.map((f) => f.file),
    scenarioName: request.files.map((f) => f.scenario.name).join(' vs '),
    scenarioHash:
      hashes.length === 1 ? hashes[0]! : createHash('sha256').update(hashes.join('\n')).digest('hex'),
    version: packageVersion(),
    firstSeed: request.firstSeed,
    seedCount: request.seedCount,
    ci: request.ci ?? DEFAULT_CI,
    plan: groupingPlan(entries),
    calibration: calibrationKeys
      .map((key): { key: string; description: string; source: string } => ({
        key,
        description: makeDistribution(scenario.calibration[key].spec).describe(),
        source: scenario.calibration[key].source,
      }))
      .concat(incidentCalibrationRows(scenario.incident)),
  };
}

/** The report's input from the header and the grouped samples: the same for one run and a merge. */
export function reportInput(header: ComparisonHeader, strategies: StrategySamples[]): CompareInput {
  const command = [
    'iamsim',
    'compare',
    ...header.files,
    '--seed',
    String(header.firstSeed),
    '--seeds',
    String(header.seedCount),
    ...(header.ci === DEFAULT_CI ? [] : ['--ci', header.ci]),
  ]
    .map(shellQuote)
    .join(' ');
  return {
    scenarioName: header.scenarioName,
    scenarioHash: header.scenarioHash,
    seeds: seedList(header.firstSeed, header.seedCount),
    strategies,
    calibration: header.calibration,
    command,
    version: header.version,
    ci: { method: header.ci },
  };
}

/** Runs the comparison and aggregates it: the library side of the command. */
export async function buildComparison(
  request: CompareRequest,
  onProgress?: (done: number, total: number) => void,
): Promise<CompareReport> {
  const entries = comparisonEntries(request.files);
  const header = comparisonHeader(request, entries);
  return compareAndSummarize(
    entries,
    {
      seeds: seedList(request.firstSeed, request.seedCount),
      workers: request.workers,
      ...(onProgress ? { onProgress } : {}),
    },
    (strategies) => reportInput(header, strategies),
  );
}

/** Runs shard `index` (1-based) of `count` of the comparison: its partial result. */
export async function buildPartial(
  request: CompareRequest & { readonly shard: number; readonly shards: number },
  onProgress?: (done: number, total: number) => void,
): Promise<PartialResult> {
  const entries = comparisonEntries(request.files);
  const header = comparisonHeader(request, entries);
  const slice = shardSlice(request.firstSeed, request.seedCount, request.shard, request.shards);
  const results = await compareJobs(entries, {
    seeds: sliceSeeds(slice),
    workers: request.workers,
    // The sweep's first seed keeps the sample timelines, as in an unsharded run.
    timelineSeed: request.firstSeed,
    ...(onProgress ? { onProgress } : {}),
  });
  return makePartial(header, slice, results);
}

/**
 * Merges the partial results of one sharded sweep into its report, as one machine would have
 * built it. Every problem with the partials (each file, and the set) is returned, and nothing is
 * built then.
 */
export async function mergeComparison(
  partials: readonly { readonly file: string; readonly partial: PartialResult }[],
  workers: number,
  /** Problems already found (files that could not be read or parsed): reported with the rest. */
  earlierProblems: readonly PartialProblem[] = [],
): Promise<
  | { readonly ok: true; readonly report: CompareReport; readonly header: ComparisonHeader }
  | { readonly ok: false; readonly problems: readonly PartialProblem[] }
> {
  const merged = mergePartials(partials, packageVersion());
  if (!merged.ok) return { ok: false, problems: [...earlierProblems, ...merged.problems] };
  if (earlierProblems.length > 0) return { ok: false, problems: earlierProblems };
  const { header, results } = merged;
  const report = await summarize(reportInput(header, groupSamples(header.plan, results)), workers);
  return { ok: true, report, header };
}

/** Where a shard's partial is written: `PREFIX.shard-K-of-N.json`. */
export function partialPath(outPrefix: string, index: number, count: number): string {
  return `${outPrefix}.shard-${index}-of-${count}.json`;
}
