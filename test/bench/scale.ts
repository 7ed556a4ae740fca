/**
 * The `scale` benchmark: the fleet run at 100,000 instances, next to the same run at 10,000 in
 * this benchmark (both in fresh child processes, one after the other, so the ratio compares runs
 * under the same machine load). Reports both wall times, peak RSS, and the ratios of wall and
 * CPU time per instance: 1.0 is linear in the instance count; and the large run's per-instance
 * figures as in `fleet` (CPU and kernel CPU per instance-run, bytes per instance). Then the large
 * run again as `iamsim run` makes it on one thread (recorded, then replayed in chunks: `replayed*`
 * fields), checked equal to the whole run by checksum.
 * Targets on a 2-core machine: under 60 s and under 4 GiB; cost no worse than linear.
 */
import type { Benchmark, BenchResult } from './benchmark.ts';
import { MIB } from './child.ts';
import { fleetBenchDefaults, fleetChild, perInstanceFields } from './fleet.ts';

export interface ScaleBenchOptions {
  readonly instances: number;
  /** The fleet size it is compared with. */
  readonly baseInstances: number;
  readonly horizonH: number;
  readonly seed: number;
}

export const scaleBenchDefaults: ScaleBenchOptions = {
  instances: 100_000,
  baseInstances: fleetBenchDefaults.instances,
  horizonH: fleetBenchDefaults.horizonH,
  seed: fleetBenchDefaults.seed,
};

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export async function runScaleBench(overrides: Partial<ScaleBenchOptions> = {}): Promise<BenchResult> {
  const options = { ...scaleBenchDefaults, ...overrides };
  const base = await fleetChild({
    instances: options.baseInstances,
    horizonH: options.horizonH,
    seed: options.seed,
  });
  const big = await fleetChild({
    instances: options.instances,
    horizonH: options.horizonH,
    seed: options.seed,
  });
  // The large fleet as `iamsim run` runs it on one thread: recorded, replayed in chunks.
  const replayed = await fleetChild({
    instances: options.instances,
    horizonH: options.horizonH,
    seed: options.seed,
    replayed: true,
  });
  const size = options.instances / options.baseInstances;
  return {
    name: 'scale',
    instances: big.instances,
    wallMs: big.wallMs,
    cpuMs: big.cpuMs,
    peakRssMiB: Math.round(big.peakRssBytes / MIB),
    eventsProcessed: big.eventsProcessed,
    ...perInstanceFields(big),
    fleetInstances: base.instances,
    fleetWallMs: base.wallMs,
    fleetCpuMs: base.cpuMs,
    fleetEventsProcessed: base.eventsProcessed,
    /** scale wall / fleet wall. */
    wallRatio: round3(big.wallMs / Math.max(base.wallMs, 1)),
    /** Wall time per instance at scale over wall time per instance at fleet size: 1 is linear. */
    wallPerInstanceRatio: round3(big.wallMs / Math.max(base.wallMs, 1) / size),
    cpuPerInstanceRatio: round3(big.cpuMs / Math.max(base.cpuMs, 1) / size),
    /** Events per instance at scale over at fleet size (the work itself is linear: about 1). */
    eventsPerInstanceRatio: round3(big.eventsProcessed / Math.max(base.eventsProcessed, 1) / size),
    replayedWallMs: replayed.wallMs,
    replayedCpuMs: replayed.cpuMs,
    replayedPeakRssMiB: Math.round(replayed.peakRssBytes / MIB),
    /** The replayed run computed what the whole run did (equal checksums). */
    replayedEqualsWhole: replayed.checksum === big.checksum,
  };
}

export const scaleBenchmark: Benchmark = {
  name: 'scale',
  description: 'the fleet run at 100,000 instances vs 10,000 (target < 60 s, < 4 GiB, linear)',
  run: () => runScaleBench(),
};
