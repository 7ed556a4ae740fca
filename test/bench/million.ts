/**
 * The `million` benchmark: one run of 1,000,000 instances in two regions x 24 h (replace-profile,
 * a probe per minute, every SDK preset) split over 2 worker threads (`iamsim run --workers`),
 * in a fresh child process. Reports wall and CPU time (every thread), peak RSS, bytes per
 * instance, events, and whether the split run's result equals the one-thread run's: at
 * `compareInstances` (the same scenario, smaller, run both ways in their own children), because
 * a one-thread run of the full size takes several minutes and more memory than the split one.
 * Targets on a 2-core machine: under 60 s, under 8 GiB, equal results.
 */
import { freemem } from 'node:os';
import type { Benchmark, BenchResult } from './benchmark.ts';
import { MIB, runChild } from './child.ts';
import type { MillionRunOptions, MillionRunResult } from './million-run.ts';

export interface MillionBenchOptions {
  readonly instances: number;
  readonly workers: number;
  /** The size at which the split run is checked against the one-thread run. */
  readonly compareInstances: number;
  readonly chunkInstances?: number;
  readonly seed: number;
  /**
   * V8's old-generation growing factor for every thread, in percent over the live heap at the last
   * full collection (`--heap-growing-percent`); undefined: V8's own, which lets a heap this size
   * grow to ~2x its live objects before it collects (see HEAP_GROWING_PERCENT).
   */
  readonly heapGrowingPercent?: number;
  /** V8's young-generation semi-space for every thread, MiB (`--max-semi-space-size`); undefined: V8's own (16). */
  readonly semiSpaceMiB?: number;
}

/**
 * The split run's peak RSS is much of it garbage: each thread's heap grew to ~2x its live
 * objects under V8's own growing factor (`--trace-gc`, 100,000 instances on 2 threads: ~320 MB
 * live after a full collection, ~630 MB committed per thread). Collecting at 1.5x the live heap,
 * 2 threads, load 8-13: at 100,000 instances 1.09-1.15 GiB peak instead of 1.44-1.45 GiB, CPU
 * 30.0/31.8/38.9 s against 30.3/31.5 s (noise at that load); at 300,000, 3.07 GiB and 119 s CPU
 * against 3.48 GiB and 132 s. 20% cut the peak to 1.0 GiB at 100,000 but cost +25% CPU (38 s, in
 * two runs); 35% was no better than 50%.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Young-generation semi-space for a run this size, MiB. Replaying a chunk of 1,000 instances
 * allocates a world that lives as long as the chunk runs and dies with it; with V8's 16 MiB
 * semi-space a collection of the young generation comes every chunk or two and copies that live
 * chunk each time (`--trace-gc` at 1,000,000 instances on 2 threads: 545 and 392 scavenges of
 * ~10 ms in the two threads' replay, 5.3 and 4.3 s). With 64 MiB, three runs alternating with
 * three of the default (load 2.1-2.6): 52.3, 52.9, 55.4 s wall and 82.6-85.9 s CPU against 54.6,
 * 60.8, 61.8 s and 88.6-97.8 s, 2.9-3.2 GiB peak against 2.8-2.9.
 */
export const SEMI_SPACE_MIB = 64;

export const millionBenchDefaults: MillionBenchOptions = {
  instances: 1_000_000,
  workers: 2,
  compareInstances: 20_000,
  seed: 1,
  heapGrowingPercent: HEAP_GROWING_PERCENT,
  semiSpaceMiB: SEMI_SPACE_MIB,
};

/**
 * Peak RSS per instance of the split run, for the memory guard: measured 8.3-8.5 KB (1.66-1.71 GB
 * peak) at 200,000 instances on 2 threads (2 regions x 24 h, HEAP_GROWING_PERCENT, load 2-3),
 * after issue 16's second round; 10.7 KB at 300,000 before it. Rounded up: per instance it falls
 * as the fleet grows, and the guard must not let a run outgrow half the free memory.
 */
const BYTES_PER_INSTANCE_ESTIMATE = 10_000;

/**
 * The largest fleet, up to `instances`, whose run fits in half the memory free now (in steps of
 * 10,000): the machine is shared, and a run that exhausts it takes others' work down with it.
 */
export function affordableInstances(instances: number, freeBytes: number): number {
  const fits = Math.floor(freeBytes / 2 / BYTES_PER_INSTANCE_ESTIMATE / 10_000) * 10_000;
  return Math.max(Math.min(instances, 10_000), Math.min(instances, fits));
}

function millionChild(
  options: MillionRunOptions & Pick<MillionBenchOptions, 'heapGrowingPercent' | 'semiSpaceMiB'>,
): Promise<MillionRunResult> {
  // V8's default heap limit (a few GiB per thread) is below what a thread needs from ~300,000
  // instances on; the memory guard above bounds the whole run instead.
  const heapMiB = Math.max(4096, Math.ceil((options.instances * BYTES_PER_INSTANCE_ESTIMATE) / MIB));
  return runChild<MillionRunResult>(
    'test/bench/million-run.ts',
    [
      '--instances',
      String(options.instances),
      '--workers',
      String(options.workers),
      '--seed',
      String(options.seed),
      ...(options.chunkInstances !== undefined ? ['--chunk-instances', String(options.chunkInstances)] : []),
    ],
    [
      `--max-old-space-size=${heapMiB}`,
      ...(options.heapGrowingPercent !== undefined
        ? [`--heap-growing-percent=${options.heapGrowingPercent}`]
        : []),
      ...(options.semiSpaceMiB !== undefined ? [`--max-semi-space-size=${options.semiSpaceMiB}`] : []),
    ],
  );
}

export async function runMillionBench(overrides: Partial<MillionBenchOptions> = {}): Promise<BenchResult> {
  const requested = { ...millionBenchDefaults, ...overrides };
  const options = { ...requested, instances: affordableInstances(requested.instances, freemem()) };
  const big = await millionChild(options);
  const small = { ...options, instances: Math.min(options.compareInstances, options.instances) };
  const oneThread = await millionChild({ ...small, workers: 1 });
  const split = small.instances === options.instances ? big : await millionChild(small);
  return {
    name: 'million',
    instances: big.instances,
    /** Fewer than asked when the run would not fit in half the free memory (see affordableInstances). */
    requestedInstances: requested.instances,
    workers: big.workers,
    ...(options.heapGrowingPercent !== undefined ? { heapGrowingPercent: options.heapGrowingPercent } : {}),
    ...(options.semiSpaceMiB !== undefined ? { semiSpaceMiB: options.semiSpaceMiB } : {}),
    wallMs: big.wallMs,
    cpuMs: big.cpuMs,
    peakRssMiB: Math.round(big.peakRssBytes / MIB),
    /** Peak RSS above the RSS before the scenario was built, per instance. */
    bytesPerInstance: Math.round(Math.max(0, big.peakRssBytes - big.rssBeforeBytes) / big.instances),
    usPerInstance: Math.round((big.cpuMs * 1000) / big.instances),
    eventsProcessed: big.eventsProcessed,
    loadAverage: big.loadAverage,
    /** Recording the shared world (one thread), then each side's slices from there (see million-run.ts). */
    ...(big.phasesMs === undefined
      ? {}
      : { recordMs: big.phasesMs.record, hereMs: big.phasesMs.here, poolMs: big.phasesMs.pool }),
    checksum: big.checksum,
    equalsOneThread: split.checksum === oneThread.checksum,
    comparedInstances: small.instances,
    oneThreadWallMs: oneThread.wallMs,
    splitWallMs: split.wallMs,
  };
}

export const millionBenchmark: Benchmark = {
  name: 'million',
  description:
    '1,000,000 instances, 2 regions x 24 h, replace-profile, on 2 threads (target < 60 s, < 8 GiB, = 1 thread)',
  run: () => runMillionBench(),
};
