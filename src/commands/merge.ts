/**
 * `iamsim merge PARTIALS... --out PREFIX`: combines the partial results of a sharded
 * `iamsim compare --shard K/N` into the reports one machine would have written, byte for byte.
 * The partials must be one sweep's complete set; every problem with them is reported (exit 2).
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import {
  defaultWorkers,
  mergeComparison,
  type PartialProblem,
  type PartialResult,
  parsePartial,
} from '../compare/index.ts';
import { InvalidInputError, type Problem, UsageError } from '../errors.ts';
import { renderJson, writeReports } from '../report/index.ts';
import { checkInteger, defineCommand } from './command.ts';
import type { CommandIo } from './types.ts';

/** Reads and parses every file, collecting every problem. */
function readPartials(
  files: readonly string[],
  io: CommandIo,
): { partials: { file: string; partial: PartialResult }[]; problems: PartialProblem[] } {
  const problems: PartialProblem[] = [];
  const partials: { file: string; partial: PartialResult }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, file), 'utf8');
    } catch (e) {
      problems.push({
        file,
        path: '',
        message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      });
      continue;
    }
    const parsed = parsePartial(text, file);
    if (parsed.ok) partials.push({ file, partial: parsed.partial });
    else problems.push(...parsed.problems);
  }
  return { partials, problems };
}

function invalid(problems: readonly PartialProblem[]): InvalidInputError {
  return new InvalidInputError(
    problems.map((p): Problem => ({ file: p.file, path: p.path, message: p.message })),
    'the partial results',
  );
}

export const mergeCommand = defineCommand({
  command: 'merge <partials..>',
  describe: 'Combine the partial results of a sharded compare (--shard K/N) into its reports',
  examples: [
    [
      '$0 merge parts/default.shard-*.json --out reports/default',
      'Write reports/default.{md,json,html}, identical to one unsharded compare --out',
    ],
  ],
  builder: (yargs) =>
    yargs
      .positional('partials', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'The partial result files, one per shard, in any order',
      })
      .option('out', {
        type: 'string',
        describe: 'Path prefix of the reports: writes PREFIX.md, PREFIX.json and PREFIX.html',
        normalize: true,
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON on stdout' })
      .option('workers', {
        type: 'number',
        describe:
          'Worker threads for the aggregation (default: the number of cores; results do not depend on it)',
      })
      .check((args) => {
        checkInteger(args, 'workers', 1, 256);
        return true;
      }),
  handler: async (args, io) => {
    if (args.out === undefined && !args.json)
      throw new UsageError('merge needs --out PREFIX (or --json for stdout)');
    const { partials, problems } = readPartials(args.partials as string[], io);
    // The files that could be read are checked together too, so one run reports every problem.
    if (partials.length === 0) throw invalid(problems);
    const merged = await mergeComparison(partials, args.workers ?? defaultWorkers(), problems);
    if (!merged.ok) throw invalid(merged.problems);
    const { header, report } = merged;
    if (args.json) io.stdout(renderJson(report));
    if (args.out !== undefined) {
      const paths = writeReports(report, resolve(io.cwd, args.out)).map((p) => relative(io.cwd, p));
      if (!args.json) {
        io.stdout(
          `merged ${partials.length} shards: ${header.plan.strategies.length} strategies × ${header.seedCount} seeds (${header.firstSeed}..${header.firstSeed + header.seedCount - 1})\n`,
        );
        for (const p of paths) io.stdout(`wrote ${p}\n`);
      }
    }
    return 0;
  },
});
