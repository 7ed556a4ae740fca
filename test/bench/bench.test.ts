// The benchmarks at CI size: checks that they compute and report correctly, never how fast.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate.ts';
import type { Benchmark } from './benchmark.ts';
import { BenchUsageError, parseBenchArgs, renderJsonLine, renderTable, runBenchCli } from './cli.ts';
import { baselineRound, engineBenchDefaults, engineRound, runEngineBench } from './engine.ts';
import { runFleetBench } from './fleet.ts';
import { fleetChecksum, fleetScenario } from './fleet-run.ts';
import { affordableInstances, runMillionBench } from './million.ts';
import { type CpuProfile, inclusiveTime, renderSelfTimes, selfTimes } from './profile-summary.ts';
import { benchmarks, selectBenchmarks, UnknownBenchmarkError } from './registry.ts';
import { runScaleBench } from './scale.ts';
import { runStartupBench, STARTUP_TARGETS_MS } from './startup.ts';
import { runSweepBench } from './sweep.ts';

const small = { pendingEvents: 50, eventsProcessed: 2_000, rounds: 3, delayMsMean: 100 } as const;

describe('engine benchmark (CI size)', () => {
  it('reports the required fields first, then its extras, with consistent values', () => {
    const result = runEngineBench(small);
    expect(Object.keys(result).slice(0, 4)).toEqual([
      'name',
      'eventsPerSec',
      'baselineEventsPerSec',
      'ratio',
    ]);
    expect(result.name).toBe('engine');
    expect(result.eventsProcessed).toBe(2_000);
    expect(result.pendingEvents).toBe(50);
    expect(result.rounds).toBe(3);
    expect(result.agree).toBe(true);
    expect(result.eventsPerSec).toBeGreaterThan(0);
    expect(result.baselineEventsPerSec).toBeGreaterThan(0);
    expect(result.ratio).toBeCloseTo(result.eventsPerSec / result.baselineEventsPerSec, 2);
    expect(Number.isInteger(result.eventsPerSec)).toBe(true);
  });

  it('does the same work on both sides: same events, same end time, same checksum', () => {
    const options = { ...engineBenchDefaults, ...small };
    const engine = engineRound(options);
    const baseline = baselineRound(options);
    expect(engine.eventsProcessed).toBe(2_000);
    expect(baseline.eventsProcessed).toBe(2_000);
    expect(engine.finalTimeMs).toBe(baseline.finalTimeMs);
    expect(engine.checksum).toBe(baseline.checksum);
    // The hold model advances time: with 50 pending events of mean delay 100 ms, 2000 pops take
    // about 2000 * 100 / 50 = 4000 ms of virtual time.
    expect(engine.finalTimeMs).toBeGreaterThan(2_000);
    expect(engine.finalTimeMs).toBeLessThan(8_000);
  });

  it('is deterministic in its work (not its timing) for a fixed seed', () => {
    const a = runEngineBench(small);
    const b = runEngineBench(small);
    expect([a.finalTimeMs, a.checksum]).toEqual([b.finalTimeMs, b.checksum]);
    const other = runEngineBench({ ...small, seed: 'another' });
    expect(other.checksum).not.toBe(a.checksum);
  });

  it.each(['pendingEvents', 'eventsProcessed', 'rounds'] as const)('rejects a non-positive %s', (key) => {
    expect(() => runEngineBench({ ...small, [key]: 0 })).toThrow(key);
  });
});

describe('bench registry and CLI', () => {
  const fake = (name: string, value: number): Benchmark => ({
    name,
    description: `fake ${name}`,
    run: () => ({ name, valuePerSec: value, ok: true }),
  });
  const registry = [fake('alpha', 1000), fake('beta', 2.5), fake('gamma', 3)];

  it('registers engine, fleet, scale, million, sweep and startup under unique names', () => {
    const names = benchmarks.map((b) => b.name);
    expect(names).toEqual(['engine', 'fleet', 'scale', 'million', 'sweep', 'startup']);
    expect(new Set(names).size).toBe(names.length);
  });

  it('parses --json and --only in both spellings, repeated', () => {
    expect(parseBenchArgs([])).toEqual({ json: false, only: undefined, help: false });
    expect(parseBenchArgs(['--json', '--only', 'a,b', '--only=c'])).toEqual({
      json: true,
      only: ['a', 'b', 'c'],
      help: false,
    });
  });

  it.each([[['--fast']], [['--only']], [['--only', '--json']], [['--only=,']]])('rejects %j', (argv) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
  });

  it('selects in registry order and names every unknown benchmark', () => {
    expect(selectBenchmarks(['gamma', 'alpha'], registry).map((b) => b.name)).toEqual(['alpha', 'gamma']);
    expect(() => selectBenchmarks(['nope', 'alpha', 'zilch'], registry)).toThrow(UnknownBenchmarkError);
    expect(() => selectBenchmarks(['nope', 'zilch'], registry)).toThrow(
      /'nope', 'zilch'.*known: alpha, beta, gamma/,
    );
  });

  it('prints one JSON object per line per benchmark with --json', async () => {
    const out: string[] = [];
    const code = await runBenchCli(
      ['--json', '--only', 'beta,alpha'],
      { out: (t) => out.push(t), err: () => {} },
      registry,
    );
    expect(code).toBe(0);
    const lines = out.join('').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { name: 'alpha', valuePerSec: 1000, ok: true },
      { name: 'beta', valuePerSec: 2.5, ok: true },
    ]);
  });

  it('prints a table by default, progress on stderr only', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runBenchCli([], { out: (t) => out.push(t), err: (t) => err.push(t) }, registry);
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toContain('alpha\n  valuePerSec  1,000\n  ok           true');
    expect(text).toContain('gamma');
    expect(err.join('')).toContain('running beta');
  });

  it('maps usage errors to exit code 2 and a failing benchmark to 1', async () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (t: string) => err.push(t) };
    expect(await runBenchCli(['--only', 'nope'], io, registry)).toBe(2);
    expect(err.join('')).toContain("'nope'");
    const broken: Benchmark = {
      name: 'broken',
      description: 'throws',
      run: () => {
        throw new Error('kaput');
      },
    };
    expect(await runBenchCli(['--json'], io, [broken])).toBe(1);
    expect(err.join('')).toContain('kaput');
  });

  it('renders results without touching their values', () => {
    const result = { name: 'x', eventsPerSec: 1234567, ratio: 0.812, agree: true };
    expect(renderJsonLine(result)).toBe('{"name":"x","eventsPerSec":1234567,"ratio":0.812,"agree":true}');
    expect(renderTable([result])).toBe(
      'x\n  eventsPerSec  1,234,567\n  ratio         0.812\n  agree         true',
    );
  });
});

// The model benchmarks at CI size: each runs its real code path (child processes included) on a
// small fleet and is checked against the same run done here in-process.
describe('fleet benchmark (CI size)', () => {
  it('reports its fields, and the child computed exactly what simulate() computes here', async () => {
    const options = { instances: 21, horizonH: 2, seed: 3 };
    const result = await runFleetBench(options);
    expect(Object.keys(result)).toEqual([
      'name',
      'instances',
      'wallMs',
      'cpuMs',
      'eventsProcessed',
      'eventsPerSec',
      'eventsPerCpuSec',
      'peakRssMiB',
      'usPerInstanceRun',
      'coldUsPerInstanceRun',
      'kernelUsPerInstanceRun',
      'modelOverKernel',
      'bytesPerInstance',
      'checksum',
    ]);
    const here = simulate(fleetScenario(options), { seed: 3, timelines: false, responses: false });
    expect(result.eventsProcessed).toBe(here.eventsProcessed);
    expect(result.checksum).toBe(fleetChecksum(here));
    expect(result.instances).toBe(21);
    expect(result.peakRssMiB).toBeGreaterThan(0);
    expect(result.eventsPerSec).toBeGreaterThan(0);
    // The cold run's CPU is the line's cpuMs; the per-event comparison uses the warm run's.
    expect(result.coldUsPerInstanceRun).toBeCloseTo(((result.cpuMs as number) * 1000) / 21, 0);
    expect(result.usPerInstanceRun).toBeGreaterThan(0);
    expect(result.kernelUsPerInstanceRun).toBeGreaterThan(0);
    expect(result.modelOverKernel).toBeGreaterThan(0);
    expect(result.bytesPerInstance).toBeGreaterThanOrEqual(0);
  }, 60_000);
});

describe('scale benchmark (CI size)', () => {
  it('runs both sizes and relates them per instance', async () => {
    const result = await runScaleBench({ instances: 40, baseInstances: 20, horizonH: 2, seed: 1 });
    expect(result.name).toBe('scale');
    expect(result.instances).toBe(40);
    expect(result.fleetInstances).toBe(20);
    // The work per instance does not depend on the fleet size (instances do not interact here).
    expect(result.eventsPerInstanceRatio).toBeGreaterThan(0.9);
    expect(result.eventsPerInstanceRatio).toBeLessThan(1.1);
    expect(result.wallRatio).toBeCloseTo((result.wallMs as number) / (result.fleetWallMs as number), 2);
    expect(result.usPerInstanceRun).toBeCloseTo(((result.cpuMs as number) * 1000) / 40, 0);
    expect(result.kernelUsPerInstanceRun).toBeGreaterThan(0);
    expect(typeof result.bytesPerInstance).toBe('number');
    expect(result.replayedEqualsWhole).toBe(true);
    expect(result.replayedWallMs).toBeGreaterThan(0);
    expect(result.replayedPeakRssMiB).toBeGreaterThan(0);
  }, 60_000);
});

describe('sweep benchmark (CI size)', () => {
  it('runs compare with 1 and 2 workers, whose reports are byte-identical', async () => {
    const result = await runSweepBench({ instances: 6, seeds: 3 });
    expect(result.name).toBe('sweep');
    expect(result.runs).toBe(12);
    expect(result.identical).toBe(true);
    expect(result.workers1WallMs).toBeGreaterThan(0);
    expect(result.speedup).toBeCloseTo(
      (result.workers1WallMs as number) / (result.workers2WallMs as number),
      1,
    );
  }, 120_000);
});

describe('profile summary', () => {
  // root -> outer -> inner, plus (idle); one sample's time is the delta that follows it.
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4] },
      { id: 2, callFrame: frame('outer', 'file:///repo/src/a.ts'), children: [3] },
      { id: 3, callFrame: frame('inner', 'file:///repo/src/b.ts') },
      { id: 4, callFrame: frame('(idle)') },
    ],
    startTime: 0,
    endTime: 10_000,
    samples: [3, 2, 3, 4, 3],
    timeDeltas: [0, 1000, 2000, 3000, 4000],
  };

  it('sums self time per function and leaves idle time out of the shares', () => {
    const rows = selfTimes([profile], '/repo');
    // inner: 1000 (after its 1st sample) + 3000 (after its 2nd) + 0 (last sample, no delta after it).
    // Ties (4 ms each) go by name.
    expect(rows).toEqual([
      { fn: '(idle)', selfMs: 4, share: 0 },
      { fn: 'inner (src/b.ts)', selfMs: 4, share: 4 / 6 },
      { fn: 'outer (src/a.ts)', selfMs: 2, share: 2 / 6 },
    ]);
    expect(renderSelfTimes(rows, 1)).toBe(
      '       6 ms 100.0%  (busy, all threads)\n       4 ms  66.7%  inner (src/b.ts)',
    );
  });

  it('counts a function with its callees once per sample', () => {
    expect(inclusiveTime([profile], 'outer')).toEqual({ ms: 6, share: 1 });
    expect(inclusiveTime([profile], 'inner')).toEqual({ ms: 4, share: 4 / 6 });
    expect(inclusiveTime([profile, profile], 'nowhere')).toEqual({ ms: 0, share: 0 });
  });
});

describe('startup benchmark (CI size)', () => {
  it('times every command in fresh processes and reports one flat line', async () => {
    const result = await runStartupBench({ runs: 1, warmupRuns: 0, compareSeeds: 2 });
    const timed = [
      'nodeMs',
      'versionMs',
      'validateMs',
      'runMs',
      'versionTsxMs',
      'validateTsxMs',
      'runTsxMs',
      'compareWorkers1Ms',
      'compareWorkers2Ms',
      'compareWorkers1TsxMs',
      'compareWorkers2TsxMs',
    ];
    expect(Object.keys(result)).toEqual([
      'name',
      'runs',
      ...timed.slice(0, 4),
      'targetsMet',
      ...timed.slice(4, 7),
      'compareSeeds',
      ...timed.slice(7),
      'identical',
      'bundleFresh',
      'loadAverage1mStart',
      'loadAverage1mEnd',
    ]);
    expect(result.name).toBe('startup');
    expect(result.runs).toBe(1);
    expect(result.compareSeeds).toBe(2);
    for (const field of timed) {
      expect(Number.isInteger(result[field]), field).toBe(true);
      expect(result[field] as number, field).toBeGreaterThan(0);
    }
    expect(result.targetsMet).toBe(
      (result.versionMs as number) < STARTUP_TARGETS_MS.version &&
        (result.validateMs as number) < STARTUP_TARGETS_MS.validate,
    );
    // Bundle and tsx, one worker and two: the same reports.
    expect(result.identical).toBe(true);
    expect(result.bundleFresh).toBe(true);
    expect(JSON.parse(renderJsonLine(result))).toEqual(result);
  }, 180_000);
});

describe('million benchmark (CI size)', () => {
  it('splits the run over 2 threads in chunks and finds it equal to the one-thread run', async () => {
    const result = await runMillionBench({ instances: 40, compareInstances: 20, chunkInstances: 7, seed: 2 });
    expect(result.name).toBe('million');
    expect(result.instances).toBe(40);
    expect(result.requestedInstances).toBe(40);
    expect(result.workers).toBe(2);
    expect(result.comparedInstances).toBe(20);
    expect(result.equalsOneThread).toBe(true);
    // The V8 settings its children ran with are part of the figures, so the line names them.
    expect([result.heapGrowingPercent, result.semiSpaceMiB]).toEqual([50, 64]);
    // 40 instances x 24 h: the warm-up and a day of hourly rotations and SDK refreshes each.
    expect(result.eventsProcessed).toBeGreaterThan(40 * 24);
    expect(result.checksum).toMatch(/^[0-9a-f]{16}$/);
    expect(result.usPerInstance).toBe(Math.round(((result.cpuMs as number) * 1000) / 40));
    expect(typeof result.bytesPerInstance).toBe('number');
    // The phases: recording, then each side's slices, within the run's wall time.
    const { recordMs, hereMs, poolMs, wallMs } = result as Record<string, number>;
    for (const ms of [recordMs, hereMs, poolMs]) expect(ms).toBeGreaterThanOrEqual(0);
    expect(recordMs! + Math.max(hereMs!, poolMs!)).toBeLessThanOrEqual(wallMs! + 1);
  }, 120_000);

  it('runs a smaller fleet when the asked one would not fit in half the free memory', () => {
    const GB = 1e9;
    expect(affordableInstances(1_000_000, 48 * GB)).toBe(1_000_000);
    expect(affordableInstances(1_000_000, 10 * GB)).toBe(500_000);
    expect(affordableInstances(1_000_000, 0)).toBe(10_000);
    expect(affordableInstances(40, 0)).toBe(40);
  });
});
