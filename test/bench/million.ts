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
}

export const millionBenchDefaults: MillionBenchOptions = {
  instances: 1_000_000,
  workers: 2,
  compareInstances: 20_000,
  seed: 1,
};

/**
 * Peak RSS per instance of the split run, for the memory guard: measured 17 KB at 300,000
 * instances on 2 threads (2 regions x 24 h), rounded up.
 */
const BYTES_PER_INSTANCE_ESTIMATE = 20_000;

/**
 * The largest fleet, up to `instances`, whose run fits in half the memory free now (in steps of
 * 10,000): the machine is shared, and a run that exhausts it takes others' work down with it.
 */
export function affordableInstances(instances: number, freeBytes: number): number {
  const fits = Math.floor(freeBytes / 2 / BYTES_PER_INSTANCE_ESTIMATE / 10_000) * 10_000;
  return Math.max(Math.min(instances, 10_000), Math.min(instances, fits));
}

function millionChild(options: MillionRunOptions): Promise<MillionRunResult> {
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
    [`--max-old-space-size=${heapMiB}`],
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
    wallMs: big.wallMs,
    cpuMs: big.cpuMs,
    peakRssMiB: Math.round(big.peakRssBytes / MIB),
    /** Peak RSS above the RSS before the scenario was built, per instance. */
    bytesPerInstance: Math.round(Math.max(0, big.peakRssBytes - big.rssBeforeBytes) / big.instances),
    usPerInstance: Math.round((big.cpuMs * 1000) / big.instances),
    eventsProcessed: big.eventsProcessed,
    loadAverage: big.loadAverage,
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
