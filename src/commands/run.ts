/**
 * `iamsim run FILE`: one simulation of a scenario. Prints a readable timeline (or one JSON
 * document with --json); exits 3 when an `expect` or check failed.
 */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { resolve } from 'node:path';
import { simulateExplained } from '../check/causes.ts';
import { runnableScenario } from '../check/strategy.ts';
import { simulateOnWorkers } from '../compare/slices.ts';
import type { TraceRecord } from '../engine/index.ts';
import { ChecksFailedError } from '../errors.ts';
import { REPLAYED_RUN_INSTANCES_MIN } from '../parallel/run.ts';
import { singleThreadReason } from '../parallel/slice.ts';
import { shellQuote } from '../report/format.ts';
import { runJsonParts } from '../report/run-json.ts';
import { renderRunText } from '../report/run-text.ts';
import { hashScenario } from '../scenario/hash.ts';
import { packageVersion } from '../version.ts';
import { checkInteger, defineCommand } from './command.ts';
import { progressReporter } from './compare.ts';
import { loadForCommand, resolveSeed } from './load.ts';

/** Default cap on events per run: far above any sane scenario, far below what exhausts memory or patience. */
const DEFAULT_EVENTS_MAX = 50_000_000;

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
      .option('why', {
        type: 'boolean',
        default: false,
        describe: 'Print the whole causal chain of every failed call and metric, not only its summary',
      })
      .option('strategy', {
        type: 'string',
        describe:
          "For a file with a compare: section: the compare entry to run, by its label (a strategy's name, or a batched variant's label; default for a file without steps: the section's first)",
      })
      .option('events-max', {
        type: 'number',
        default: DEFAULT_EVENTS_MAX,
        describe: 'Stop with an error (exit 2) if the run would process more events than this',
      })
      .option('workers', {
        type: 'number',
        describe: `Threads to split the run's instances over; the output is byte-identical whatever the number (default 1: a split run first simulates the shared world for the whole fleet on one thread, which the others wait for, then every thread simulates its share of the instances, so more threads pay only on free cores and large fleets; from ${REPLAYED_RUN_INSTANCES_MIN.toLocaleString('en-US')} instances even one thread simulates the shared world first and the instances a chunk at a time, which is faster). Runs with --trace and scenarios with incidents use one thread, as does each run of iamsim check (its checkers observe every instance at once)`,
      })
      .option('trace', {
        type: 'string',
        describe: 'Write every simulation event to this JSON Lines file',
        normalize: true,
      })
      .check((args) => {
        checkInteger(args, 'seed', 0, Number.MAX_SAFE_INTEGER);
        checkInteger(args, 'events-max', 1, Number.MAX_SAFE_INTEGER);
        checkInteger(args, 'workers', 1, 256);
        return true;
      }),
  handler: async (args, io) => {
    const loaded = await loadForCommand(args.file, io);
    const scenario = runnableScenario(loaded, args.strategy);
    if (args.strategy === undefined && scenario !== loaded) {
      // A compare-only file has no runbook of its own: say which strategy stands in for it.
      const first = loaded.compare?.strategies[0]?.label;
      io.stderr(
        `${args.file} has no steps: running its first compare strategy, ${first} (--strategy NAME for another)\n`,
      );
    }
    const { seed } = resolveSeed(args.seed, scenario);
    const command = [
      'iamsim',
      'run',
      args.file,
      '--seed',
      String(seed),
      ...(args.strategy !== undefined ? ['--strategy', args.strategy] : []),
      ...(args.json ? ['--json'] : []),
    ]
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
    const options = {
      seed,
      eventsMax: args.eventsMax,
      ...(trace !== undefined
        ? {
            trace: (rec: TraceRecord, offsetMs: number) =>
              trace(
                `${JSON.stringify({ timeMs: rec.timeMs - offsetMs, priority: rec.priority, seq: rec.seq, label: rec.label, ...(rec.subject !== undefined ? { subject: rec.subject } : {}) })}\n`,
              ),
          }
        : {}),
    };
    const workers = args.workers ?? 1;
    const oneThread = singleThreadReason(scenario, options);
    if (oneThread !== undefined && workers > 1) io.stderr(`running on one thread: ${oneThread}\n`);
    // A run that may be split goes through simulateOnWorkers even on one thread: a large one is
    // then recorded and replayed in chunks (simulateHere), faster, and tells its progress.
    const result =
      oneThread === undefined
        ? await simulateOnWorkers(scenario, { seed, eventsMax: args.eventsMax, explain: true }, workers, {
            onProgress: progressReporter(io, undefined, 'instances'),
          })
        : simulateExplained(scenario, options);
    await finishTrace?.();
    if (args.json) {
      // In parts: a large fleet's document is longer than one string may be.
      for (const part of runJsonParts(result, hashScenario(loaded), packageVersion())) io.stdout(part);
    } else {
      io.stdout(renderRunText(result, { command, limit: 200, why: args.why }));
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
