/**
 * The shared world alone: the fleet benchmark's scenario run with an empty instance slice
 * (SimulateOptions.slice), so only IAM, the region views, EC2 and the runbook's calls for every
 * instance are simulated: what every thread of `iamsim run --workers` pays for the whole fleet.
 * Prints one JSON line: CPU, peak RSS, events, and a hash of every step record (equal runs,
 * equal hashes), for comparing builds.
 *
 *   node --import tsx test/bench/shared-run.ts --instances 100000 [--horizon-h 24] [--seed 1]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { simulate } from '../../src/simulate.ts';
import { cpuMs, peakRssBytes } from './child.ts';
import { fleetScenario } from './fleet-run.ts';

const { values } = parseArgs({
  options: {
    instances: { type: 'string' },
    'horizon-h': { type: 'string', default: '24' },
    seed: { type: 'string', default: '1' },
  },
});
const instances = Number(values.instances);
const seed = Number(values.seed);
const rssBeforeBytes = process.memoryUsage.rss();
const scenario = fleetScenario({ instances, horizonH: Number(values['horizon-h']), seed });
const startMs = cpuMs();
const result = simulate(scenario, {
  seed,
  timelines: false,
  responses: false,
  slice: { fromIndex: 0, toIndex: 0 },
});
const runCpuMs = cpuMs() - startMs;
const hash = createHash('sha256');
for (const step of result.steps) hash.update(JSON.stringify(step));
const peak = peakRssBytes();
process.stdout.write(
  `${JSON.stringify({
    instances,
    cpuMs: Math.round(runCpuMs),
    usPerInstance: Math.round((runCpuMs * 1000) / instances),
    peakRssMiB: Math.round(peak / 2 ** 20),
    bytesPerInstance: Math.round((peak - rssBeforeBytes) / instances),
    eventsProcessed: result.eventsProcessed,
    steps: result.steps.length,
    stepsHash: hash.digest('hex').slice(0, 16),
  })}\n`,
);
