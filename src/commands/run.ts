/**
 * `iamsim run FILE`: one simulation of a scenario. Prints a readable timeline (or one JSON
 * document with --json); exits 3 when an `expect` or check failed.
 */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ChecksFailedError } from '../errors.ts';
import { shellQuote } from '../report/format.ts';
import { renderRunText } from '../report/run-text.ts';
import type { InstanceResult, RunResult, TimelineSegment } from '../result.ts';
import { hashScenario } from '../scenario/hash.ts';
import { simulate } from '../simulate.ts';
import { packageVersion } from '../version.ts';
import { checkInteger, defineCommand } from './command.ts';
import { loadForCommand, resolveSeed } from './load.ts';

/** Default cap on events per run: far above any sane scenario, far below what exhausts memory or patience. */
export const DEFAULT_EVENTS_MAX = 50_000_000;

/**
 * One list of segments for both lanes, ordered by start time (IMDS before the application at
 * equal times): `lane` says whether the segment is what IMDS served or what the application held.
 */
function timelineOf(i: InstanceResult): ({ lane: 'imds' | 'app' } & TimelineSegment)[] {
  const tagged = [
    ...i.imdsTimeline.map((s) => ({ lane: 'imds' as const, ...s })),
    ...i.appTimeline.map((s) => ({ lane: 'app' as const, ...s })),
  ];
  return tagged.sort((a, b) => a.fromMs - b.fromMs || (a.lane === b.lane ? 0 : a.lane === 'imds' ? -1 : 1));
}

/** The JSON document of `run --json` (see README): stable key order, volatile fields named. */
export function runJson(result: RunResult, scenarioHash: string, version: string): string {
  const doc = {
    scenario: result.scenario,
    seed: result.seed,
    scenarioHash,
    version,
    changeStartMs: result.changeStartMs,
    judgedBy: result.judgedBy,
    fleet: result.fleet,
    ...(result.incident === undefined ? {} : { incident: result.incident }),
    eventsProcessed: result.eventsProcessed,
    steps: result.steps.map((s) => ({
      index: s.index,
      atMs: s.atMs,
      call: s.call,
      region: s.region,
      origin: s.origin,
      ok: s.ok,
      ...(s.response !== undefined ? { response: s.response } : {}),
      ...(s.error !== undefined ? { error: s.error } : {}),
      ...(s.expect !== undefined ? { expect: s.expect, expectMet: s.expectMet } : {}),
    })),
    instances: result.instances.map((i) => ({
      name: i.name,
      id: i.id,
      region: i.region,
      sdk: i.sdk,
      ...(i.fleet !== undefined ? { fleet: i.fleet } : {}),
      target: i.target,
      ...(i.target ? {} : { affected: i.affected }),
      metrics: i.metrics,
      probes: i.probes,
      timeline: timelineOf(i),
    })),
    checks: result.checks,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export const runCommand = defineCommand({
  command: 'run <file>',
  describe: 'Simulate a scenario once and report per-instance timings',
  examples: [
    ['$0 run scenarios/replace-profile.yaml --seed 7', 'One run with a fixed seed'],
    [
      '$0 run scenarios/replace-profile.yaml --json --trace run.jsonl',
      'JSON result on stdout, every event in run.jsonl',
    ],
  ],
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'Scenario YAML file' })
      .option('seed', {
        type: 'number',
        describe: "Root seed (overrides the scenario's; drawn and printed when neither gives one)",
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON document' })
      .option('events-max', {
        type: 'number',
        default: DEFAULT_EVENTS_MAX,
        describe: 'Stop with an error (exit 2) if the run would process more events than this',
      })
      .option('trace', {
        type: 'string',
        describe: 'Write every simulation event to this JSON Lines file',
        normalize: true,
      })
      .check((args) => {
        checkInteger(args, 'seed', 0, Number.MAX_SAFE_INTEGER);
        checkInteger(args, 'events-max', 1, Number.MAX_SAFE_INTEGER);
        return true;
      }),
  handler: async (args, io) => {
    const scenario = await loadForCommand(args.file, io);
    const { seed } = resolveSeed(args.seed, scenario);
    const command = ['iamsim', 'run', args.file, '--seed', String(seed), ...(args.json ? ['--json'] : [])]
      .map(shellQuote)
      .join(' ');
    let trace: ((line: string) => void) | undefined;
    let finishTrace: (() => Promise<void>) | undefined;
    if (args.trace !== undefined) {
      // Written to a temporary name and renamed at the end, so a failed run leaves no half file.
      const target = resolve(io.cwd, args.trace);
      const temp = `${target}.tmp-${process.pid}`;
      const stream = createWriteStream(temp);
      trace = (line) => stream.write(line);
      finishTrace = () =>
        new Promise<void>((done, fail) => {
          stream.end(() => rename(temp, target).then(done, fail));
        });
    }
    const result = simulate(scenario, {
      seed,
      eventsMax: args.eventsMax,
      ...(trace !== undefined
        ? {
            trace: (rec, offsetMs) =>
              trace(
                `${JSON.stringify({ timeMs: rec.timeMs - offsetMs, priority: rec.priority, seq: rec.seq, label: rec.label, ...(rec.subject !== undefined ? { subject: rec.subject } : {}) })}\n`,
              ),
          }
        : {}),
    });
    await finishTrace?.();
    if (args.json) {
      io.stdout(runJson(result, hashScenario(scenario), packageVersion()));
    } else {
      io.stdout(renderRunText(result, { command, limit: 200 }));
      if (args.trace !== undefined)
        io.stdout(
          `trace: ${args.trace} (${result.eventsProcessed} events, warm-up before t=0 has negative times)\n`,
        );
    }
    const failed = result.checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new ChecksFailedError(
        args.json
          ? `${failed.length} check(s) failed (seed ${seed}): ${failed.map((c) => c.name).join(', ')}`
          : '',
      );
    }
    return 0;
  },
});
