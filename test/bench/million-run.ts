/**
 * Child process of the `million` benchmark: one run of the million scenario (replace-profile on
 * a fleet in two regions, 24 h, a probe per minute, every SDK preset round robin) split over
 * `--workers` threads (src/parallel/), timed, with a checksum of its whole result (one worker:
 * the run simulated whole, the reference). Prints one JSON line.
 *
 *   node --import tsx test/bench/million-run.ts --instances 1000000 --workers 2 [--chunk-instances N] [--seed 1]
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type SplitPhase, simulateOnWorkers } from '../../src/compare/slices.ts';
import { simulateAs } from '../../src/parallel/slice.ts';
import type { RunResult } from '../../src/result.ts';
import { makeScenario } from '../helpers/scenario.ts';
import { cpuMs, peakRssBytes } from './child.ts';
import { FLEET_SDKS } from './fleet-run.ts';

const M = 60_000;
const H = 60 * M;

export interface MillionRunOptions {
  readonly instances: number;
  readonly workers: number;
  /** Instances a thread simulates at once at most (chunks); default: all of its share. */
  readonly chunkInstances?: number;
  readonly seed: number;
}

export interface MillionRunResult {
  readonly instances: number;
  readonly workers: number;
  readonly wallMs: number;
  /** CPU time of the process, every thread included. */
  readonly cpuMs: number;
  readonly peakRssBytes: number;
  readonly rssBeforeBytes: number;
  readonly eventsProcessed: number;
  /** 1-minute load average when the run ended (the machine is shared). */
  readonly loadAverage: number;
  /**
   * Where the wall time went: this thread recording the shared world (the pool waits), then from
   * there until this thread's slices were done, and until the pool's were in (moved and unpacked).
   * Absent for a run on one thread, which records nothing.
   */
  readonly phasesMs?: { readonly record: number; readonly here: number; readonly pool: number };
  /** sha256 (hex, 16 digits) of the whole result: equal runs, equal checksums. */
  readonly checksum: string;
}

/** sha256 over every field of a run's result, instance by instance (a 1M-instance JSON would not fit a string). */
function resultChecksum(result: RunResult): string {
  const hash = createHash('sha256');
  const { instances, steps, ...rest } = result;
  hash.update(JSON.stringify(rest));
  for (const s of steps) hash.update(JSON.stringify(s));
  for (const i of instances) hash.update(JSON.stringify(i));
  return hash.digest('hex').slice(0, 16);
}

export async function millionRun(options: MillionRunOptions): Promise<MillionRunResult> {
  const rssBeforeBytes = process.memoryUsage.rss();
  const scenario = makeScenario({
    instances: options.instances,
    regions: ['us-east-1', 'eu-west-1'],
    sdk: [...FLEET_SDKS],
    strategy: 'replace-profile',
    horizonMs: 24 * H,
    probeEveryMs: M,
  });
  const cpuStartMs = cpuMs();
  const startMs = performance.now();
  const at: Partial<Record<SplitPhase, number>> = {};
  const runOptions = {
    seed: options.seed,
    timelines: false,
    responses: false,
    explain: false,
    eventsMax: 2_000_000_000,
  };
  // One worker: the reference, the run simulated whole (not recorded and replayed, which is what
  // a one-thread `iamsim run` of a large fleet does, and what the split run is compared with).
  const result =
    options.workers === 1
      ? simulateAs(scenario, runOptions)
      : await simulateOnWorkers(scenario, runOptions, options.workers, {
          ...(options.chunkInstances === undefined ? {} : { chunkInstances: options.chunkInstances }),
          onPhase: (phase) => {
            at[phase] = performance.now();
          },
        });
  const wallMs = performance.now() - startMs;
  return {
    instances: options.instances,
    workers: options.workers,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs() - cpuStartMs),
    peakRssBytes: peakRssBytes(),
    rssBeforeBytes,
    eventsProcessed: result.eventsProcessed,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
    // A run on one thread records nothing and has no sides: no phases rather than zeros.
    ...(at.recorded === undefined
      ? {}
      : {
          phasesMs: {
            record: Math.round(at.recorded - startMs),
            here: Math.round((at.hereDone ?? at.recorded) - at.recorded),
            pool: Math.round((at.poolDone ?? at.recorded) - at.recorded),
          },
        }),
    checksum: resultChecksum(result),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string' },
      workers: { type: 'string', default: '2' },
      'chunk-instances': { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  const out = await millionRun({
    instances: Number(values.instances),
    workers: Number(values.workers),
    ...(values['chunk-instances'] !== undefined ? { chunkInstances: Number(values['chunk-instances']) } : {}),
    seed: Number(values.seed),
  });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
