/**
 * Child process of the `fleet` and `scale` benchmarks: one simulate() of the replace-profile
 * strategy on a fleet, timed, then the kernel alone (the engine benchmark's hold model) for the
 * same number of events in the same process, so that the model's cost per instance-run can be set
 * against what the kernel needs for those events on the same machine at the same moment. Prints
 * one JSON line.
 *
 * With `--warm`, the same run is timed again, in the same process, alternating with the kernel
 * three times, and each side's figure is the median of its three. Both sides are timed the same
 * way: a full garbage collection, a warm-up round a tenth the size, then the timed round. The
 * collection keeps one side's garbage out of the other's figure; the warm-up is needed after it
 * because V8 throws away optimised code that embedded objects the collection freed (with
 * `--trace-deopt`, ~140 model functions "marked for deoptimization, reason: weak objects" after
 * each collection between two fleet runs, none without it), so a round timed straight after a
 * collection pays for recompiling (the model's warm rounds measured 1,100-1,400 ms of CPU that
 * way, against 750-900 ms after a warm-up and 500-800 ms with no collection at all). Alternating
 * puts both sides in the same stretches of a machine whose speed drifts (single kernel rounds
 * measured 144-251 ms on the same code). The first run's figures stay: they are what a user
 * running the fleet once pays, compilation included.
 *
 * With `--replayed`, the run is the one `iamsim run` makes of a large fleet on one thread:
 * recorded, then replayed in chunks (src/parallel/run.ts simulateHere); its checksum is the same.
 *
 *   node --import tsx test/bench/fleet-run.ts --instances 10000 [--horizon-h 8] [--seed 1] [--warm | --replayed]
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { simulateHere } from '../../src/parallel/run.ts';
import { simulate } from '../../src/simulate.ts';
import { makeScenario } from '../helpers/scenario.ts';
import { cpuMs, peakRssBytes } from './child.ts';
import { engineBenchDefaults, engineRound } from './engine.ts';

const M = 60_000;
const H = 60 * M;
/** Every SDK preset, round robin over the fleet. */
export const FLEET_SDKS = ['botocore', 'js-v3', 'java-v1', 'java-v2', 'go-v2', 'dotnet', 'cli'] as const;

export interface FleetRunOptions {
  readonly instances: number;
  readonly horizonH: number;
  readonly seed: number;
  /** Time the run again once warm, against the kernel, three times (see the file comment). */
  readonly warm?: boolean;
  /**
   * Run it as `iamsim run` runs a large fleet on one thread: the shared world recorded, then
   * replayed to the instances a chunk at a time (simulateHere), here whatever the fleet's size.
   */
  readonly replayed?: boolean;
}

/** What one fleet run measured, and a checksum of what it computed. */
export interface FleetRunResult {
  readonly instances: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly eventsProcessed: number;
  readonly peakRssBytes: number;
  /** Resident set size just before the scenario was built (the runtime and the loaded code). */
  readonly rssBeforeBytes: number;
  /**
   * CPU time of the kernel alone processing `eventsProcessed` events (hold model, one pending
   * event per instance, each popped event scheduling the next), measured in this process after
   * the run (with `warm`: the median of the rounds that alternate with the warm runs). Absent
   * for a `replayed` run.
   */
  readonly kernelCpuMs?: number;
  /** CPU ms of the same run timed again in this process, median of the warm rounds (with `warm` only); each checksum is checked equal. */
  readonly warmCpuMs?: number;
  /** sha256 (hex, 16 digits) of every instance's metrics and probe counts. */
  readonly checksum: string;
}

/** The benchmark's scenario: replace-profile on `instances` instances, a probe every minute. */
export function fleetScenario(options: FleetRunOptions) {
  return makeScenario({
    instances: options.instances,
    sdk: [...FLEET_SDKS],
    strategy: 'replace-profile',
    horizonMs: options.horizonH * H,
    probeEveryMs: M,
  });
}

/** sha256 over the instances' metrics and probe counts: equal runs, equal checksums. */
export function fleetChecksum(result: ReturnType<typeof simulate>): string {
  const hash = createHash('sha256');
  for (const i of result.instances) hash.update(JSON.stringify([i.name, i.metrics, i.probes]));
  return hash.digest('hex').slice(0, 16);
}

/**
 * CPU ms the kernel alone needs for `eventsProcessed` events with `pendingEvents` pending: the
 * engine benchmark's hold model, after a warm-up round a tenth that size.
 */
export function kernelCpuMs(pendingEvents: number, eventsProcessed: number): number {
  const options = { ...engineBenchDefaults, pendingEvents: Math.max(1, pendingEvents) };
  return timedAfterWarmUp(
    () => engineRound({ ...options, eventsProcessed: Math.ceil(eventsProcessed / 10) }),
    () => engineRound({ ...options, eventsProcessed }),
  ).spentMs;
}

/**
 * CPU ms of `timed` (and what it returned), run after a full collection and then `warmUp`: how both sides of the warm
 * comparison are timed (see the file comment). The collection comes first so that a side's
 * figure is its own, not the clean-up after the other's round (which made it depend on how much
 * that round left behind).
 */
function timedAfterWarmUp<T>(warmUp: () => void, timed: () => T): { spentMs: number; value: T } {
  collectGarbage();
  warmUp();
  const startMs = cpuMs();
  const value = timed();
  return { spentMs: cpuMs() - startMs, value };
}

/** What every fleet run of this benchmark is simulated with. */
function runOptionsOf(seed: number) {
  return { seed, timelines: false, responses: false };
}

/** A full garbage collection now (V8's gc(), exposed at run time: no flag needed on the command line). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export function fleetRun(options: FleetRunOptions): FleetRunResult {
  const rssBeforeBytes = process.memoryUsage.rss();
  const scenario = fleetScenario(options);
  const cpuStartMs = cpuMs();
  const startMs = performance.now();
  const runOptions = runOptionsOf(options.seed);
  const result =
    options.replayed === true
      ? simulateHere(scenario, { ...runOptions, explain: false }, 1)
      : simulate(scenario, runOptions);
  const wallMs = performance.now() - startMs;
  const runCpuMs = cpuMs() - cpuStartMs;
  const peak = peakRssBytes();
  const checksum = fleetChecksum(result);
  const warm =
    options.warm === true ? warmRounds(options, scenario, checksum, result.eventsProcessed) : undefined;
  // A replayed run is set against the whole run, not the kernel (its kernel figure would be the same).
  const kernelMs =
    options.replayed === true
      ? undefined
      : (warm?.kernelCpuMs ?? kernelCpuMs(options.instances, result.eventsProcessed));
  return {
    instances: options.instances,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(runCpuMs),
    eventsProcessed: result.eventsProcessed,
    peakRssBytes: peak,
    rssBeforeBytes,
    ...(kernelMs === undefined ? {} : { kernelCpuMs: Math.round(kernelMs * 10) / 10 }),
    ...(warm === undefined ? {} : { warmCpuMs: Math.round(warm.modelCpuMs) }),
    checksum,
  };
}

/** Warm rounds: each a timed run of the model, then the kernel on as many events. */
const WARM_ROUNDS = 3;

/** The medians of WARM_ROUNDS alternating warm model runs and kernel rounds (see the file comment). */
function warmRounds(
  options: FleetRunOptions,
  scenario: ReturnType<typeof fleetScenario>,
  checksum: string,
  eventsProcessed: number,
): { modelCpuMs: number; kernelCpuMs: number } {
  const model: number[] = [];
  const kernel: number[] = [];
  const warmUp = fleetScenario({ ...options, instances: Math.ceil(options.instances / 10) });
  for (let round = 0; round < WARM_ROUNDS; round++) {
    model.push(warmRunCpuMs(scenario, warmUp, options.seed, checksum));
    kernel.push(kernelCpuMs(scenario.instances.length, eventsProcessed));
  }
  return { modelCpuMs: median(model), kernelCpuMs: median(kernel) };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}

/**
 * CPU ms of `scenario`'s run timed again, after a full collection and a run of `warmUp` (as the
 * kernel's round: see the file comment); throws when it computes anything else than the first
 * (`checksum`): a second run in one process must not differ from the first.
 */
function warmRunCpuMs(
  scenario: ReturnType<typeof fleetScenario>,
  warmUp: ReturnType<typeof fleetScenario>,
  seed: number,
  checksum: string,
): number {
  const { spentMs, value: again } = timedAfterWarmUp(
    () => simulate(warmUp, runOptionsOf(seed)),
    () => simulate(scenario, runOptionsOf(seed)),
  );
  if (fleetChecksum(again) !== checksum) throw new Error('the warm fleet run differs from the first');
  return spentMs;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string' },
      'horizon-h': { type: 'string', default: '8' },
      seed: { type: 'string', default: '1' },
      warm: { type: 'boolean', default: false },
      replayed: { type: 'boolean', default: false },
    },
  });
  const out = fleetRun({
    instances: Number(values.instances),
    horizonH: Number(values['horizon-h']),
    seed: Number(values.seed),
    warm: values.warm,
    replayed: values.replayed,
  });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
