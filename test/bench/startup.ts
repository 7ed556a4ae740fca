/**
 * The `startup` benchmark: how long `iamsim` takes from process start to exit for commands that do
 * little work, so what is measured is mostly loading the code. Every figure is the median wall time
 * of fresh `node` processes, run round-robin (one of each command per round) so that all of them
 * see the same machine noise, after one unmeasured warm-up round (OS file cache, tsx's cache):
 *
 *   node -e 0                                    the floor: starting Node itself
 *   iamsim --version / validate / run            from the prebuilt bundle (src/build/), then the
 *                                                same through tsx (IAMSIM_NO_BUNDLE=1), as before it
 *   iamsim compare --workers 1 / 2, tiny sweep   the difference is mostly starting two worker threads
 *
 * Targets on a 2-core machine: `--version` under 300 ms and `validate scenarios/default.yaml` under
 * 500 ms. The 1-minute load average at the start and the end is reported with the figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle } from '../../src/build/bundle.js';
import { freshBundleDir } from '../../src/build/stamp.js';
import type { Benchmark, BenchResult } from './benchmark.ts';
import { repoRoot } from './child.ts';
import { median } from './engine.ts';
import { identicalReports, sweepScenarioYaml } from './sweep.ts';

export interface StartupBenchOptions {
  /** Measured rounds; each runs every command once in a fresh process. */
  readonly runs: number;
  /** Unmeasured rounds first. */
  readonly warmupRuns: number;
  /** Seeds of the tiny compare sweep (4 strategies, 4 instances). */
  readonly compareSeeds: number;
}

export const startupBenchDefaults: StartupBenchOptions = { runs: 10, warmupRuns: 1, compareSeeds: 2 };

export const STARTUP_TARGETS_MS = { version: 300, validate: 500 } as const;

interface Command {
  /** The result field of its median, ms. */
  readonly field: string;
  readonly args: readonly string[];
  /** Run the sources through tsx instead of the bundle. */
  readonly tsx: boolean;
}

function commands(scenarioFile: string, outDir: string): Command[] {
  const cli: [string, string[]][] = [
    ['version', ['--version']],
    ['validate', ['validate', 'scenarios/default.yaml']],
    ['run', ['run', 'scenarios/replace-profile.yaml']],
    ['compareWorkers1', ['compare', scenarioFile, '--workers', '1']],
    ['compareWorkers2', ['compare', scenarioFile, '--workers', '2']],
  ];
  return [
    { field: 'nodeMs', args: ['-e', '0'], tsx: false },
    ...[false, true].flatMap((tsx) =>
      cli.map(([name, args]) => ({
        field: `${name}${tsx ? 'Tsx' : ''}Ms`,
        // Each compare writes its own reports, so that the bundle's and tsx's can be compared.
        args: [
          'src/bin.js',
          ...args,
          ...(name.startsWith('compare') ? ['--out', join(outDir, `${name}${tsx ? '-tsx' : ''}`)] : []),
        ],
        tsx,
      })),
    ),
  ];
}

/** Wall time of one fresh process, ms. @throws Error with its stderr when it does not exit 0. */
function timeProcess(command: Command): number {
  const env = { ...process.env };
  if (command.tsx) env.IAMSIM_NO_BUNDLE = '1';
  else delete env.IAMSIM_NO_BUNDLE;
  const startMs = performance.now();
  const child = spawnSync(process.execPath, command.args, { cwd: repoRoot, env, encoding: 'utf8' });
  const wallMs = performance.now() - startMs;
  if (child.status !== 0) {
    throw new Error(
      `node ${command.args.join(' ')} exited ${child.status ?? child.signal}: ${child.stderr || child.error}`,
    );
  }
  return wallMs;
}

function loadAverage1m(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

/**
 * Builds the bundle if it is stale (the benchmark measures the bundled start, not a rebuild), then
 * times every command `runs` times.
 * @throws Error when the bundle cannot be built or a command fails.
 */
export async function runStartupBench(overrides: Partial<StartupBenchOptions> = {}): Promise<BenchResult> {
  const options = { ...startupBenchDefaults, ...overrides };
  const bundleDir = await buildBundle(repoRoot);
  const dir = mkdtempSync(join(tmpdir(), 'iamsim-bench-startup-'));
  try {
    const scenarioFile = join(dir, 'tiny.yaml');
    writeFileSync(scenarioFile, sweepScenarioYaml(4, options.compareSeeds));
    const all = commands(scenarioFile, dir);
    const loadAverage1mStart = loadAverage1m();
    for (let i = 0; i < options.warmupRuns; i++) for (const command of all) timeProcess(command);
    const samples = new Map<string, number[]>(all.map((c) => [c.field, []]));
    for (let i = 0; i < options.runs; i++) {
      for (const command of all) samples.get(command.field)!.push(timeProcess(command));
    }
    const ms = (field: string) => Math.round(median(samples.get(field)!));
    const identical = ['compareWorkers1', 'compareWorkers2-tsx', 'compareWorkers1-tsx'].every((other) =>
      identicalReports(join(dir, 'compareWorkers2'), join(dir, other)),
    );
    return {
      name: 'startup',
      runs: options.runs,
      nodeMs: ms('nodeMs'),
      versionMs: ms('versionMs'),
      validateMs: ms('validateMs'),
      runMs: ms('runMs'),
      targetsMet:
        ms('versionMs') < STARTUP_TARGETS_MS.version && ms('validateMs') < STARTUP_TARGETS_MS.validate,
      versionTsxMs: ms('versionTsxMs'),
      validateTsxMs: ms('validateTsxMs'),
      runTsxMs: ms('runTsxMs'),
      compareSeeds: options.compareSeeds,
      compareWorkers1Ms: ms('compareWorkers1Ms'),
      compareWorkers2Ms: ms('compareWorkers2Ms'),
      compareWorkers1TsxMs: ms('compareWorkers1TsxMs'),
      compareWorkers2TsxMs: ms('compareWorkers2TsxMs'),
      /** The compare reports of bundle and tsx, 1 and 2 workers, are byte-identical. */
      identical,
      /** The bundle measured was still the fresh one at the end (no source changed meanwhile). */
      bundleFresh: freshBundleDir(repoRoot) === bundleDir,
      loadAverage1mStart,
      loadAverage1mEnd: loadAverage1m(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const startupBenchmark: Benchmark = {
  name: 'startup',
  description:
    'fresh-process wall time of node -e 0 and iamsim --version/validate/run/compare, bundle vs tsx (target --version < 300 ms, validate < 500 ms)',
  run: () => runStartupBench(),
};
