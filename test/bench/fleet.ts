/**
 * The `fleet` benchmark: one run of the replace-profile strategy on 10,000 instances (every SDK
 * preset, a probe every minute, 8 h horizon after the warm-up), in a child process of its own.
 * Reports wall and CPU time, events processed, events per second, peak RSS, and per instance:
 * the run's CPU time (`usPerInstanceRun`, timed a second time once warm, as the kernel is; the
 * first, cold run's is `coldUsPerInstanceRun`), the kernel's CPU time for the same number of
 * events in the same process (`kernelUsPerInstanceRun`), their ratio, and memory
 * (`bytesPerInstance`).
 * CPU time rather than wall time, because on a shared machine wall time measures the neighbours.
 * Targets on a 2-core machine: under 5 s and under 1 GiB; model within 4x of the kernel.
 */
import type { Benchmark, BenchResult } from './benchmark.ts';
import { MIB, runChild } from './child.ts';
import type { FleetRunResult } from './fleet-run.ts';

export interface FleetBenchOptions {
  readonly instances: number;
  readonly horizonH: number;
  readonly seed: number;
  /** Time the run a second time once warm (fleet: yes; scale: its size amortises compilation). */
  readonly warm?: boolean;
  /** Record and replay it in chunks, as `iamsim run` does on one thread (fleet-run.ts --replayed). */
  readonly replayed?: boolean;
}

export const fleetBenchDefaults: FleetBenchOptions = { instances: 10_000, horizonH: 8, seed: 1 };

/** Runs the fleet run in a fresh child process. */
export function fleetChild(options: FleetBenchOptions): Promise<FleetRunResult> {
  return runChild<FleetRunResult>('test/bench/fleet-run.ts', [
    '--instances',
    String(options.instances),
    '--horizon-h',
    String(options.horizonH),
    '--seed',
    String(options.seed),
    ...(options.warm === true ? ['--warm'] : []),
    ...(options.replayed === true ? ['--replayed'] : []),
  ]);
}

/** Per-instance figures of one fleet run (see the file comment). */
export function perInstanceFields(run: FleetRunResult): Record<string, number> {
  const kernelCpuMs = run.kernelCpuMs;
  if (kernelCpuMs === undefined) throw new Error('a fleet run without the kernel figure (a replayed run)');
  const perInstance = (x: number): number => Math.round((x / run.instances) * 10) / 10;
  const modelCpuMs = run.warmCpuMs ?? run.cpuMs;
  return {
    usPerInstanceRun: perInstance(modelCpuMs * 1000),
    ...(run.warmCpuMs === undefined ? {} : { coldUsPerInstanceRun: perInstance(run.cpuMs * 1000) }),
    kernelUsPerInstanceRun: perInstance(kernelCpuMs * 1000),
    /** usPerInstanceRun / kernelUsPerInstanceRun: what the model adds over the kernel (target <= 4). */
    modelOverKernel: Math.round((modelCpuMs / Math.max(kernelCpuMs, 0.1)) * 10) / 10,
    /** Peak RSS above the RSS before the scenario was built, per instance. */
    bytesPerInstance: Math.round(Math.max(0, run.peakRssBytes - run.rssBeforeBytes) / run.instances),
  };
}

export function fleetFields(run: FleetRunResult): Record<string, number | string> {
  return {
    instances: run.instances,
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    eventsProcessed: run.eventsProcessed,
    eventsPerSec: Math.round((run.eventsProcessed / Math.max(run.wallMs, 1)) * 1000),
    eventsPerCpuSec: Math.round((run.eventsProcessed / Math.max(run.cpuMs, 1)) * 1000),
    peakRssMiB: Math.round(run.peakRssBytes / MIB),
    ...perInstanceFields(run),
    checksum: run.checksum,
  };
}

export async function runFleetBench(overrides: Partial<FleetBenchOptions> = {}): Promise<BenchResult> {
  const options = { ...fleetBenchDefaults, ...overrides };
  return { name: 'fleet', ...fleetFields(await fleetChild({ ...options, warm: true })) };
}

export const fleetBenchmark: Benchmark = {
  name: 'fleet',
  description: 'replace-profile on 10,000 instances, 8 h, probe every minute (target < 5 s, < 1 GiB)',
  run: () => runFleetBench(),
};
