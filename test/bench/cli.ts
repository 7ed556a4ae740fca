/**
 * The bench command line, as pure functions: parse the arguments, pick benchmarks, render
 * results. `run.ts` only wires them to the process; this file never touches `process`, so the
 * whole CLI is testable.
 *
 *   npm run bench                         table of every benchmark
 *   npm run bench -- --json               one JSON object per line per benchmark
 *   npm run bench -- --only engine,fleet  just those, in registry order
 */
import type { Benchmark, BenchResult } from './benchmark.ts';
import { benchmarks as defaultRegistry, selectBenchmarks, UnknownBenchmarkError } from './registry.ts';

export interface BenchArgs {
  readonly json: boolean;
  /** Names given to --only, or undefined for all. */
  readonly only: readonly string[] | undefined;
  readonly help: boolean;
}

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

export const benchUsage = `usage: npm run bench -- [--json] [--only NAME[,NAME...]]

  --json          print one JSON object per line per benchmark
  --only NAMES    run only these benchmarks (comma separated, or repeat the flag)
  --help          this text`;

/**
 * Parses bench arguments (`--only a,b`, `--only=a,b`, `--json`).
 * @throws BenchUsageError for an unknown flag or a missing/empty --only value.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let json = false;
  let help = false;
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (value === undefined || value.startsWith('--'))
        throw new BenchUsageError('--only needs a benchmark name');
      const names = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (names.length === 0) throw new BenchUsageError('--only needs a benchmark name');
      only = [...(only ?? []), ...names];
    } else throw new BenchUsageError(`unknown argument '${arg}'`);
  }
  return { json, only, help };
}

/** One result as one JSON line; field order is the result's own (`name` first). */
export function renderJsonLine(result: BenchResult): string {
  return JSON.stringify(result);
}

function formatValue(value: string | number | boolean): string {
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return String(value);
}

/** A plain-text table: one block per benchmark, one `field  value` row per measurement. */
export function renderTable(results: readonly BenchResult[]): string {
  const blocks = results.map((result) => {
    const rows = Object.entries(result).filter(([key]) => key !== 'name');
    const keyWidth = Math.max(5, ...rows.map(([key]) => key.length));
    const lines = rows.map(([key, value]) => `  ${key.padEnd(keyWidth)}  ${formatValue(value)}`);
    return [`${result.name}`, ...lines].join('\n');
  });
  return blocks.join('\n\n');
}

export interface BenchIo {
  /** Writes one chunk of standard output (a newline is added by the caller's text). */
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/**
 * Runs the bench CLI and returns its exit code: 0 on success, 2 for a usage error (bad flag,
 * unknown benchmark), 1 when a benchmark itself fails. This is the one place that maps errors
 * to exit codes. In --json mode each line is written as soon as its benchmark finishes.
 */
export async function runBenchCli(
  argv: readonly string[],
  io: BenchIo,
  registry: readonly Benchmark[] = defaultRegistry,
): Promise<number> {
  let selected: Benchmark[];
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
    if (args.help) {
      io.out(
        `${benchUsage}\n\nbenchmarks:\n${registry.map((b) => `  ${b.name.padEnd(10)} ${b.description}`).join('\n')}\n`,
      );
      return 0;
    }
    selected = selectBenchmarks(args.only, registry);
  } catch (error) {
    if (error instanceof BenchUsageError || error instanceof UnknownBenchmarkError) {
      io.err(`bench: ${error.message}\n${benchUsage}\n`);
      return 2;
    }
    throw error;
  }
  const results: BenchResult[] = [];
  for (const benchmark of selected) {
    if (!args.json) io.err(`running ${benchmark.name}: ${benchmark.description}\n`);
    let result: BenchResult;
    try {
      result = await benchmark.run();
    } catch (error) {
      io.err(
        `bench: ${benchmark.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      return 1;
    }
    results.push(result);
    if (args.json) io.out(`${renderJsonLine(result)}\n`);
  }
  if (!args.json) io.out(`${renderTable(results)}\n`);
  return 0;
}
