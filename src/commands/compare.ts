/**
 * `iamsim compare FILE`: runs each strategy of the scenario's `compare` section over many seeds
 * and writes the comparison (Markdown, JSON, HTML) or prints it. The output depends only on the
 * scenario, the seeds and the version, never on --workers.
 */
import { relative, resolve } from 'node:path';
import { calibrationKeys } from '../calibration.ts';
import { compare, defaultWorkers } from '../compare.ts';
import { makeDistribution } from '../engine/index.ts';
import { renderJson, renderMarkdown, summarizeComparison, writeReports } from '../report/index.ts';
import type { CiMethod, CompareReport } from '../report/types.ts';
import { hashScenario } from '../scenario/hash.ts';
import type { Scenario } from '../scenario/types.ts';
import { packageVersion } from '../version.ts';
import { checkInteger, defineCommand } from './command.ts';
import { loadForCommand, resolveSeed, shellQuote } from './load.ts';
import { type CommandIo, UsageError } from './types.ts';

export interface CompareRequest {
  readonly file: string;
  readonly scenario: Scenario;
  readonly firstSeed: number;
  readonly seedCount: number;
  readonly workers: number;
  /** Interval method; default: cluster bootstrap over seeds (instances of one seed share draws, so they are not independent). */
  readonly ci?: CiMethod;
}

/** Seeds first .. first+count-1: consecutive, so a report's seed list compresses to one range. */
export function seedList(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/** Runs the comparison and aggregates it: the library side of the command. */
export async function buildComparison(
  request: CompareRequest,
  onProgress?: (done: number, total: number) => void,
): Promise<CompareReport> {
  const { scenario } = request;
  const seeds = seedList(request.firstSeed, request.seedCount);
  const strategies = await compare(scenario, {
    seeds,
    workers: request.workers,
    ...(onProgress ? { onProgress } : {}),
  });
  const command = [
    'iamsim',
    'compare',
    request.file,
    '--seed',
    String(request.firstSeed),
    '--seeds',
    String(request.seedCount),
  ]
    .map(shellQuote)
    .join(' ');
  return summarizeComparison({
    scenarioName: scenario.name,
    scenarioHash: hashScenario(scenario),
    seeds,
    strategies,
    calibration: calibrationKeys.map((key) => ({
      key,
      description: makeDistribution(scenario.calibration[key].spec).describe(),
      source: scenario.calibration[key].source,
    })),
    command,
    version: packageVersion(),
    ci: { method: request.ci ?? 'cluster-bootstrap' },
  });
}

/** A one-line progress display on a terminal: runs done of total and time remaining. */
function progressBar(io: CommandIo): ((done: number, total: number) => void) | undefined {
  if (!io.stderrIsTTY) return undefined;
  const startedMs = Date.now(); // wall-clock: progress display only, never in results
  return (done, total) => {
    const elapsedMs = Date.now() - startedMs; // wall-clock: progress display only
    const remainingS = done === 0 ? 0 : Math.round(((total - done) * elapsedMs) / done / 1000);
    const width = 30;
    const filled = Math.round((done / total) * width);
    io.stderr(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} runs, ~${remainingS}s left `,
    );
    if (done === total) io.stderr('\n');
  };
}

export const compareCommand = defineCommand({
  command: 'compare <file>',
  describe: 'Compare change strategies over many seeds (quantiles with confidence intervals)',
  examples: [
    ['$0 compare scenarios/default.yaml --out reports/default', 'Write reports/default.{md,json,html}'],
    [
      '$0 compare scenarios/default.yaml --seeds 1000 --workers 2 --json',
      'More seeds, in parallel, JSON on stdout',
    ],
  ],
  builder: (yargs) =>
    yargs
      .positional('file', {
        type: 'string',
        demandOption: true,
        describe: 'Scenario YAML file with a compare: section',
      })
      .option('seeds', {
        type: 'number',
        describe: "Runs per strategy (overrides the scenario's compare.seeds)",
      })
      .option('workers', {
        type: 'number',
        describe: 'Worker threads (default: the number of cores; results do not depend on it)',
      })
      .option('out', {
        type: 'string',
        describe: 'Path prefix of the reports: writes PREFIX.md, PREFIX.json and PREFIX.html',
        normalize: true,
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON on stdout' })
      .option('seed', {
        type: 'number',
        describe: "First seed; runs use seed, seed+1, … (overrides the scenario's)",
      })
      .check((args) => {
        checkInteger(args, 'seeds', 1, 100_000);
        checkInteger(args, 'workers', 1, 256);
        checkInteger(args, 'seed', 0, Number.MAX_SAFE_INTEGER);
        return true;
      }),
  handler: async (args, io) => {
    const scenario = await loadForCommand(args.file, io);
    if (scenario.compare === undefined) {
      throw new UsageError(`${args.file} has no compare: section (targets, to, strategies) to compare`);
    }
    const { seed } = resolveSeed(args.seed, scenario);
    const seedCount = args.seeds ?? scenario.compare.seeds;
    const workers = args.workers ?? defaultWorkers();
    const report = await buildComparison(
      { file: args.file, scenario, firstSeed: seed, seedCount, workers },
      progressBar(io),
    );
    if (args.json) io.stdout(renderJson(report));
    if (args.out !== undefined) {
      const paths = writeReports(report, resolve(io.cwd, args.out)).map((p) => relative(io.cwd, p));
      if (!args.json) {
        io.stdout(`seed ${seed} · reproduce with: ${report.command} --out ${shellQuote(args.out)}\n`);
        io.stdout(
          `${scenario.compare.strategies.length} strategies × ${seedCount} seeds × ${scenario.instances.length} instances\n`,
        );
        for (const p of paths) io.stdout(`wrote ${p}\n`);
      }
    } else if (!args.json) {
      io.stdout(renderMarkdown(report));
    }
    return 0;
  },
});
