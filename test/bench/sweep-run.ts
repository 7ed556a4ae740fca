/**
 * Child process of the `sweep` benchmark: one `iamsim compare FILE --seeds N --workers W --out
 * PREFIX` through the CLI's main(), timed, printing one JSON line (wall, CPU of all threads,
 * peak RSS, exit code).
 *
 * main() is loaded as `iamsim` loads it (src/build/start.js): from the bundle when it is fresh,
 * so the main thread runs the same code as the worker threads. Through tsx it would run slower
 * code (tsx keeps every function's name, an own property per closure) than the workers, which
 * load the bundle, and the main thread does all the work with one worker and part of it with two.
 *
 *   node --import tsx test/bench/sweep-run.ts FILE SEEDS WORKERS PREFIX
 */
import { pathToFileURL } from 'node:url';
import { loadEntry } from '../../src/build/start.js';
import type { main as Main } from '../../src/cli.ts';
import { cpuMs, peakRssBytes } from './child.ts';

const { main } = (await loadEntry('cli', { rebuild: true })) as { main: typeof Main };

export interface SweepRunResult {
  readonly workers: number;
  readonly wallMs: number;
  /** CPU time of the whole process, every worker thread included. */
  readonly cpuMs: number;
  readonly peakRssBytes: number;
  readonly exitCode: number;
  readonly stderr: string;
}

export async function sweepRun(
  file: string,
  seeds: number,
  workers: number,
  outPrefix: string,
): Promise<SweepRunResult> {
  let stderr = '';
  const cpuStartMs = cpuMs();
  const startMs = performance.now();
  const exitCode = await main(
    ['compare', file, '--seeds', String(seeds), '--workers', String(workers), '--out', outPrefix],
    {
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
      stderrIsTTY: false,
    },
  );
  return {
    workers,
    wallMs: Math.round(performance.now() - startMs),
    cpuMs: Math.round(cpuMs() - cpuStartMs),
    peakRssBytes: peakRssBytes(),
    exitCode,
    stderr,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, seeds, workers, prefix] = process.argv.slice(2);
  const out = await sweepRun(file!, Number(seeds), Number(workers), prefix!);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
