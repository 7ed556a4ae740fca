/**
 * The `sweep` benchmark: `iamsim compare` of the four default strategies on a 100-instance fleet
 * (two regions, every SDK preset) over 1,000 seeds, with --workers 1 and --workers 2, each in a
 * fresh child process. Reports both wall and CPU times, the speed-up, and whether the two reports
 * are byte-identical (they must be).
 * Targets on a 2-core machine: under 20 s with two workers, and at least 1.7x faster than one.
 *
 * Both cores are needed for an honest speed-up: the 1-minute load average at the start is
 * reported, and so is the CPU time, whose ratio says how much work parallelism added.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchResult } from './benchmark.ts';
import { MIB, runChild } from './child.ts';
import type { SweepRunResult } from './sweep-run.ts';

export interface SweepBenchOptions {
  /** Instances, split evenly over two regions. */
  readonly instances: number;
  readonly seeds: number;
}

export const sweepBenchDefaults: SweepBenchOptions = { instances: 100, seeds: 1_000 };

export const SWEEP_STRATEGIES = [
  'swap-role-in-profile',
  'replace-profile',
  'disassociate-associate',
  'stop-start',
];

/** The benchmark's scenario file: the default comparison's shape at `instances` instances. */
export function sweepScenarioYaml(instances: number, seeds: number): string {
  const east = Math.ceil(instances / 2);
  const west = instances - east;
  const fleet = (name: string, count: number, region: string) => `  - name: ${name}
    count: ${count}
    region: ${region}
    instanceProfile: web
    sdk: [botocore, js-v3, java-v1, java-v2, go-v2, dotnet, cli]
    probe: { action: "dynamodb:GetItem", every: 1m }
`;
  return `name: bench-sweep
seed: 1
horizon: 9h
regions: [us-east-1, eu-west-1]
roles:
  - { name: app-v1, allow: ["s3:GetObject", "sqs:SendMessage"] }
  - { name: app-v2, allow: ["s3:GetObject", "dynamodb:GetItem"] }
instanceProfiles:
  - { name: web, role: app-v1 }
fleets:
${fleet('web-use1', east, 'us-east-1')}${west > 0 ? fleet('web-euw1', west, 'eu-west-1') : ''}compare:
  targets: { fleets: [${west > 0 ? 'web-use1, web-euw1' : 'web-use1'}] }
  to: { role: app-v2 }
  at: 30m
  strategies: [${SWEEP_STRATEGIES.join(', ')}]
  seeds: ${seeds}
`;
}

/** Whether the reports compare wrote with `--out prefixA` and `--out prefixB` are byte-identical. */
export function identicalReports(prefixA: string, prefixB: string): boolean {
  return ['json', 'md', 'html'].every(
    (ext) => readFileSync(`${prefixA}.${ext}`, 'utf8') === readFileSync(`${prefixB}.${ext}`, 'utf8'),
  );
}

export async function runSweepBench(overrides: Partial<SweepBenchOptions> = {}): Promise<BenchResult> {
  const options = { ...sweepBenchDefaults, ...overrides };
  const dir = mkdtempSync(join(tmpdir(), 'iamsim-bench-sweep-'));
  try {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(file, sweepScenarioYaml(options.instances, options.seeds));
    const loadAverage1m = Math.round(loadavg()[0]! * 100) / 100;
    const runs: SweepRunResult[] = [];
    for (const workers of [1, 2]) {
      const run = await runChild<SweepRunResult>('test/bench/sweep-run.ts', [
        file,
        String(options.seeds),
        String(workers),
        join(dir, `w${workers}`),
      ]);
      if (run.exitCode !== 0)
        throw new Error(`compare --workers ${workers} exited ${run.exitCode}: ${run.stderr}`);
      runs.push(run);
    }
    const [one, two] = runs as [SweepRunResult, SweepRunResult];
    const identical = identicalReports(join(dir, 'w1'), join(dir, 'w2'));
    return {
      name: 'sweep',
      instances: options.instances,
      seeds: options.seeds,
      runs: options.seeds * SWEEP_STRATEGIES.length,
      workers1WallMs: one.wallMs,
      workers2WallMs: two.wallMs,
      speedup: Math.round((one.wallMs / Math.max(two.wallMs, 1)) * 100) / 100,
      workers1CpuMs: one.cpuMs,
      workers2CpuMs: two.cpuMs,
      /** CPU time with two workers over with one: the work parallelism added (thread start-up, copies). */
      cpuOverheadRatio: Math.round((two.cpuMs / Math.max(one.cpuMs, 1)) * 100) / 100,
      workers1PeakRssMiB: Math.round(one.peakRssBytes / MIB),
      workers2PeakRssMiB: Math.round(two.peakRssBytes / MIB),
      identical,
      loadAverage1m,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const sweepBenchmark: Benchmark = {
  name: 'sweep',
  description:
    'compare, 4 strategies x 1,000 seeds, 100 instances, --workers 1 vs 2 (target < 20 s, >= 1.7x)',
  run: () => runSweepBench(),
};
