/**
 * Child process of the `sweep` benchmark: one `iamsim compare FILE --seeds N --workers W --out
 * PREFIX` through the CLI's main(), timed, printing one JSON line (wall, CPU of all threads,
 * peak RSS, exit code).
 *
 *   node --import tsx test/bench/sweep-run.ts FILE SEEDS WORKERS PREFIX
 */
import { pathToFileURL } from 'node:url';
import { main } from '../../src/cli.ts';
import { cpuMs, peakRssBytes } from './child.ts';

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
