/**
 * `iamsim compare FILE...`: runs each strategy of the scenario's `compare` section, and the file's
 * own runbook, over many seeds (several files: their runbooks, on the same world) and writes the
 * comparison (Markdown, JSON, HTML) or prints it. The output depends only on the scenarios, the
 * seeds and the version, never on --workers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import {
  buildComparison,
  buildPartial,
  type CompareFile,
  comparisonEntries,
  DEFAULT_CI,
  defaultWorkers,
  partialPath,
  SHARDS_MAX,
} from '../compare/index.ts';
import { UsageError } from '../errors.ts';
import { shellQuote } from '../report/format.ts';
import { renderJson, renderMarkdown, renderTerminalSummary, writeReports } from '../report/index.ts';
import { defaults } from '../scenario/limits.ts';
import { checkInteger, defineCommand } from './command.ts';
import { loadForCommand, resolveSeed } from './load.ts';
import type { CommandIo } from './types.ts';

/**
 * The environment variables batch engines set to a task's 0-based index, in the order they are
 * looked at: a Kubernetes Indexed Job and an AWS Batch array job.
 */
const SHARD_INDEX_VARIABLES = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

/**
 * Which shard to run: `--shard K/N` (K is 1-based), or `--shards N` with K from the batch
 * engine's 0-based index variable (plus one).
 * @throws UsageError naming what is missing or malformed.
 */
export function resolveShard(
  shard: string | undefined,
  shards: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { readonly index: number; readonly count: number } | undefined {
  if (shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shard.trim());
    if (m === null) throw new UsageError(`--shard must be K/N with 1 <= K <= N (e.g. 2/3), got '${shard}'`);
    const index = Number(m[1]);
    const count = Number(m[2]);
    if (index < 1 || index > count)
      throw new UsageError(`--shard ${shard}: K must be from 1 to ${count} (shards count from 1)`);
    if (shards !== undefined && shards !== count)
      throw new UsageError(`--shard ${shard} and --shards ${shards} disagree on the number of shards`);
    return { index, count };
  }
  if (shards === undefined) return undefined;
  for (const name of SHARD_INDEX_VARIABLES) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (!/^\d+$/.test(raw.trim()))
      throw new UsageError(`${name} must be a whole number (0-based index), got '${raw}'`);
    const index = Number(raw.trim()) + 1;
    if (index > shards)
      throw new UsageError(
        `${name}=${raw} is beyond --shards ${shards} (the index is 0-based: 0 to ${shards - 1})`,
      );
    return { index, count: shards };
  }
  throw new UsageError(
    `--shards ${shards} needs the shard: give --shard K/${shards}, or run where ${SHARD_INDEX_VARIABLES.join(' or ')} is set`,
  );
}

/** Seconds between progress lines when stderr is not a terminal (a CI log, a batch job's log). */
export const PROGRESS_LINE_EVERY_S = 5;

/**
 * Progress on stderr: a bar redrawn in place on a terminal; elsewhere (a log file, CI, a batch
 * job) a plain line every few seconds and one at the end, so a long sweep shows it is alive
 * without flooding the log. `nowMs` is the wall clock (progress display only, never in results).
 */
export function progressReporter(
  io: CommandIo,
  nowMs: () => number = () => Date.now(), // wall-clock: progress display only, never in results
  unit = 'runs',
): (done: number, total: number) => void {
  const startedMs = nowMs();
  let lastLineMs = startedMs;
  let printed = false;
  return (done, total) => {
    const elapsedMs = nowMs() - startedMs;
    const remainingS = done === 0 ? 0 : Math.round(((total - done) * elapsedMs) / done / 1000);
    if (io.stderrIsTTY) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      io.stderr(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${unit}, ~${remainingS}s left `,
      );
      if (done === total) io.stderr('\n');
      return;
    }
    const now = nowMs();
    // The closing line only after earlier ones: a run of a few seconds prints nothing.
    if ((done === total && printed) || (done < total && now - lastLineMs >= PROGRESS_LINE_EVERY_S * 1000)) {
      lastLineMs = now;
      printed = true;
      io.stderr(
        `progress: ${done}/${total} ${unit} (${Math.floor((done / total) * 100)}%), ${Math.round(elapsedMs / 1000)}s elapsed${done === total ? '' : `, ~${remainingS}s left`}\n`,
      );
    }
  };
}

export const compareCommand = defineCommand({
  command: 'compare <files..>',
  describe:
    "Compare change strategies and the file's own runbook over many seeds (quantiles with confidence intervals)",
  examples: [
    ['$0 compare scenarios/default.yaml --out reports/default', 'Write reports/default.{md,json,html}'],
    [
      '$0 compare runbook-a.yaml runbook-b.yaml --seeds 100',
      'Two runbooks of the same world side by side (refused, naming the first difference, if the worlds differ)',
    ],
    [
      '$0 compare scenarios/default.yaml --seeds 1000 --workers 2 --json',
      'More seeds, in parallel, JSON on stdout',
    ],
    [
      '$0 compare scenarios/default.yaml --seeds 1000 --shard 2/4 --out parts/default',
      'Run the 2nd quarter of the seeds; writes parts/default.shard-2-of-4.json (see iamsim merge)',
    ],
    [
      '$0 compare scenarios/default.yaml --seeds 1000 --shards 4 --out parts/default',
      'The same in a Kubernetes Indexed Job or AWS Batch array job: the shard from the 0-based index variable',
    ],
  ],
  builder: (yargs) =>
    yargs
      .positional('files', {
        type: 'string',
        array: true,
        demandOption: true,
        describe:
          'Scenario YAML file: its compare: strategies, plus its steps: as a strategy named runbook (or change.label). Several files: their runbooks on the same world',
      })
      .option('seeds', {
        type: 'number',
        describe: `Runs per strategy (overrides the scenario's compare.seeds; default ${defaults.compareSeeds})`,
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
      .option('ci', {
        choices: ['cluster-bootstrap', 'order-statistic'] as const,
        default: DEFAULT_CI,
        describe:
          'Confidence intervals: cluster-bootstrap resamples whole seeds (instances of one seed share draws); order-statistic assumes independent samples (narrower, faster)',
      })
      .option('shard', {
        type: 'string',
        describe:
          'Run only shard K of N (K/N, K from 1) of the seeds and write a partial result (PREFIX.shard-K-of-N.json with --out, or JSON on stdout with --json) for iamsim merge',
      })
      .option('shards', {
        type: 'number',
        describe: `Number of shards, the shard itself from ${SHARD_INDEX_VARIABLES.join(' or ')} (0-based, as Kubernetes Indexed Jobs and AWS Batch array jobs set them)`,
      })
      .check((args) => {
        checkInteger(args, 'seeds', 1, 100_000);
        checkInteger(args, 'workers', 1, 256);
        checkInteger(args, 'seed', 0, Number.MAX_SAFE_INTEGER);
        checkInteger(args, 'shards', 1, SHARDS_MAX);
        return true;
      }),
  handler: async (args, io) => {
    const names = args.files as string[];
    const files: CompareFile[] = [];
    for (const file of names) files.push({ file, scenario: await loadForCommand(file, io) });
    // Refuses a file with nothing to compare, colliding labels or different worlds (exit 2).
    const entries = comparisonEntries(files);
    const first = files[0]!;
    const shard = resolveShard(args.shard, args.shards, process.env);
    const { seed, drawn } = resolveSeed(args.seed, first.scenario);
    const seedCount = args.seeds ?? first.scenario.compare?.seeds ?? defaults.compareSeeds;
    const workers = args.workers ?? defaultWorkers();
    const request = { files, firstSeed: seed, seedCount, workers, ci: args.ci };
    if (shard !== undefined) {
      // Every shard must run the same seeds: a seed drawn per machine would split nothing.
      if (drawn)
        throw new UsageError(`--shard needs a fixed first seed: give --seed, or seed: in ${first.file}`);
      if (args.out === undefined && !args.json)
        throw new UsageError('--shard writes a partial result: give --out PREFIX (or --json for stdout)');
      if (shard.count > seedCount)
        throw new UsageError(`${shard.count} shards need at least ${shard.count} seeds, got ${seedCount}`);
      const partial = await buildPartial(
        { ...request, shard: shard.index, shards: shard.count },
        progressReporter(io),
      );
      const text = `${JSON.stringify(partial)}\n`;
      if (args.json) io.stdout(text);
      if (args.out !== undefined) {
        const path = resolve(io.cwd, partialPath(args.out, shard.index, shard.count));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text, 'utf8');
        if (!args.json) {
          const { fromSeed, toSeed } = partial.shard;
          io.stdout(
            `shard ${shard.index}/${shard.count}: seeds ${fromSeed}..${toSeed} of ${seed}..${seed + seedCount - 1}\n`,
          );
          io.stdout(`wrote ${relative(io.cwd, path)}\n`);
        }
      }
      return 0;
    }
    const report = await buildComparison(request, progressReporter(io));
    if (args.json) {
      io.stdout(renderJson(report));
      return 0;
    }
    // Human-readable output starts with the seed and the command that reproduces it.
    const out = args.out === undefined ? '' : ` --out ${shellQuote(args.out)}`;
    io.stdout(`seed ${seed} · reproduce with: ${report.command}${out}\n`);
    const instances = entries[0]!.scenario.instances.length;
    // The metrics aggregate the change's targets only; say how many of the instances those are.
    const targets = (report.strategies[0]?.n ?? 0) / seedCount;
    const what =
      targets === instances ? `${instances} instances` : `${instances} instances, ${targets} targeted`;
    io.stdout(
      `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'} × ${seedCount} seeds (${what} per run)\n\n`,
    );
    if (args.out !== undefined) {
      const paths = writeReports(report, resolve(io.cwd, args.out)).map((p) => relative(io.cwd, p));
      io.stdout(renderTerminalSummary(report));
      io.stdout('\n');
      for (const p of paths) io.stdout(`wrote ${p}\n`);
    } else {
      io.stdout(renderMarkdown(report));
    }
    return 0;
  },
});
