/**
 * `iamsim check FILE`: property-tests a runbook. Runs the scenario over N consecutive seeds
 * (optionally with the calibration drawn per run), evaluates the built-in invariants plus the
 * scenario's own `expect` steps and metric checks, and reports the paths the runs covered. On the
 * first failing run it prints the seed, the failing check and a witness, writes a shrunk scenario
 * that still fails, prints the one command that replays it, and exits 3.
 *
 * The work is checkScenario() (src/check/check-scenario.ts), which returns data; this module
 * renders it and writes the shrunk file.
 */
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { type CheckReport, checkScenario, type FailedRun } from '../check/check-scenario.ts';
import { JITTER_FACTOR_MAX, JITTER_FACTOR_MIN, JITTER_MAX_MS } from '../check/jitter.ts';
import { invariantRegistry } from '../check/registry.ts';
import { runnableScenario } from '../check/strategy.ts';
import { formatSignature } from '../check/types.ts';
import { formatClock, formatMs } from '../engine/index.ts';
import { ChecksFailedError, UsageError } from '../errors.ts';
import { shellQuote } from '../report/format.ts';
import { formatDuration } from '../scenario/duration.ts';
import type { SimulateOptions } from '../simulate.ts';
import { checkInteger, defineCommand } from './command.ts';
import { loadForCommand, resolveSeed } from './load.ts';
import type { CommandIo } from './types.ts';

/**
 * TEST ONLY. `IAMSIM_TEST_MODEL_BUG=imdsKeepsRemovedRole` runs the deliberately broken model
 * (IMDS keeps renewing a role after it left the profile), so the test suite can show that
 * `iamsim check` catches a broken model end to end. Read here and nowhere else; undocumented in
 * --help on purpose. Any other value is a usage error rather than silently ignored.
 */
const TEST_MODEL_BUG_ENV = 'IAMSIM_TEST_MODEL_BUG';

function testModelBugs(io: CommandIo): SimulateOptions['modelBugs'] {
  const value = process.env[TEST_MODEL_BUG_ENV];
  if (value === undefined || value === '') return undefined;
  if (value !== 'imdsKeepsRemovedRole')
    throw new UsageError(`${TEST_MODEL_BUG_ENV}=${value}: the only test model bug is imdsKeepsRemovedRole`);
  io.stderr(`warning: ${TEST_MODEL_BUG_ENV}=${value}: running a deliberately broken model (for tests)\n`);
  return { imdsKeepsRemovedRole: true };
}

/**
 * Where a shrunk scenario goes without --out: next to the input file, as `NAME.shrunk.yaml`
 * (`runbook.yaml` -> `runbook.shrunk.yaml`; a shrunk file shrunk again keeps its name). Never
 * the current directory, unless the input is there.
 */
export function defaultShrunkFile(inputFile: string): string {
  const dir = dirname(inputFile);
  const base = basename(inputFile).replace(/(\.shrunk)?\.ya?ml$/i, '');
  return join(dir, `${base === '' ? 'scenario' : base}.shrunk.yaml`);
}

/** A file this command wrote earlier: its replay does not shrink again unless asked. */
function isShrunkFile(file: string): boolean {
  return /\.shrunk\.ya?ml$/i.test(file);
}

const jitterHelp =
  `Draw the calibration per run, swarm-style: each delay except the IMDS rotation period and ` +
  `credential lifetime is scaled as a whole by a factor drawn log-uniformly in ` +
  `[${JITTER_FACTOR_MIN}, ${JITTER_FACTOR_MAX}] from the run's seed, capped so no maximum exceeds ` +
  `${formatMs(JITTER_MAX_MS)}`;

export const checkCommand = defineCommand({
  command: 'check <file>',
  describe: 'Property-test a runbook over many seeds: invariants, expects and checks; shrink a failure',
  examples: [
    ['$0 check scenarios/replace-profile.yaml', '20 runs from the scenario seed'],
    [
      '$0 check my-runbook.yaml --runs 200 --seed 1 --jitter',
      '200 runs, each with its own calibration, tallied; a failure is shrunk to my-runbook.shrunk.yaml',
    ],
    ['$0 check my-runbook.yaml --runs 1000 --until-failure', 'stop at the first failing run'],
  ],
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'Scenario YAML file' })
      .option('runs', { type: 'number', default: 20, describe: 'Number of runs (seeds seed, seed+1, ...)' })
      .option('seed', {
        type: 'number',
        describe: "First seed (overrides the scenario's; drawn and printed when neither gives one)",
      })
      .option('jitter', { type: 'boolean', default: false, describe: jitterHelp })
      .option('out', {
        type: 'string',
        describe:
          'Where to write the shrunk scenario of a failure (default: next to FILE, as NAME.shrunk.yaml)',
        normalize: true,
      })
      .option('until-failure', {
        type: 'boolean',
        default: false,
        describe: 'Stop at the first failing run instead of running all N and tallying',
      })
      .option('shrink', {
        type: 'boolean',
        describe:
          'Shrink the first failure to a small scenario (default: yes, except for a FILE.shrunk.yaml; --no-shrink to skip)',
      })
      .option('strategy', {
        type: 'string',
        describe:
          "For a file with a compare: section: the compare entry to check, by its label (a strategy's name, or a batched variant's label; default for a file without steps: the section's first)",
      })
      .epilogue(
        'Invariants (all on unless a scenario turns one off with {invariant: NAME, enabled: false}):\n' +
          Object.entries(invariantRegistry)
            .map(([name, e]) => `  ${name} (${e.kind}): ${e.description}`)
            .join('\n') +
          '\nLiveness invariants are judged at the end of a run, once the last change (write call or ' +
          'fault end) is their bound in the past ({invariant: NAME, within: 2h}; default: the sum of ' +
          "the calibration's maximum delays); a run too short for that reports them unknown, not failed.\n" +
          'A failure is identified by its signature (check, the call or metric, the error code, the kind of ' +
          'its cause); shrinking keeps only smaller scenarios that fail with the same signature.\n' +
          'Exit codes: 0 every run passed, 1 internal error, 2 usage or invalid scenario, 3 a check failed in ' +
          'some run (the tally says which, the shrunk scenario is written and its replay command printed).',
      )
      .check((args) => {
        checkInteger(args, 'runs', 1, 100_000);
        checkInteger(args, 'seed', 0, Number.MAX_SAFE_INTEGER);
        return true;
      }),
  handler: async (args, io) => {
    const loaded = await loadForCommand(args.file, io);
    const scenario = runnableScenario(loaded, args.strategy);
    const modelBugs = testModelBugs(io);
    const { seed, drawn } = resolveSeed(args.seed, scenario);
    const runs = args.runs;
    const shrink = args.shrink ?? !isShrunkFile(args.file);
    const flags = (extra: boolean) => [
      ...(args.strategy !== undefined ? ['--strategy', args.strategy] : []),
      ...(args.jitter && extra ? ['--jitter'] : []),
      ...(args.untilFailure && extra ? ['--until-failure'] : []),
    ];
    const command = [
      'iamsim',
      'check',
      args.file,
      '--runs',
      String(runs),
      '--seed',
      String(seed),
      ...flags(true),
    ]
      .map(shellQuote)
      .join(' ');
    io.stdout(`seed ${seed}${drawn ? ' (drawn)' : ''} · reproduce with: ${command}\n`);
    const report = checkScenario(scenario, {
      runs,
      seed,
      jitter: args.jitter,
      untilFailure: args.untilFailure,
      shrink,
      ...(modelBugs !== undefined ? { modelBugs } : {}),
      ...(io.stderrIsTTY
        ? {
            onRunDone: (done: number, total: number) => {
              io.stderr(`\rcheck: run ${done}/${total} `);
              if (done === total) io.stderr('\n');
            },
          }
        : {}),
    });
    io.stdout(renderCheckHeader(report));
    if (scenario !== loaded) {
      const label = args.strategy ?? loaded.compare?.strategies[0]?.label;
      io.stdout(`change: the compare: section's ${label} (--strategy NAME for another)\n`);
    }
    if (io.stderrIsTTY && report.runsDone < report.runsPlanned) io.stderr('\n');
    io.stdout(renderTallies(report));
    io.stdout(renderCoverage(report));
    if (report.failed === undefined) return 0;
    io.stdout(renderCheckFailure(report.failed));
    const shrunk = report.failed.shrunk;
    const replay = (file: string, jitter: boolean) =>
      ['iamsim', 'check', file, '--runs', '1', '--seed', String(report.failed!.seed)]
        .concat(jitter ? ['--jitter'] : [])
        .concat(shrink ? ['--no-shrink'] : [])
        .map(shellQuote)
        .join(' ');
    if (shrunk !== undefined) {
      const out = args.out ?? defaultShrunkFile(args.file);
      const path = resolve(io.cwd, out);
      try {
        await writeFile(path, shrunk.yaml);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (typeof code !== 'string') throw e;
        // The failure itself has been printed; only the file is missing.
        throw new UsageError(`cannot write the shrunk scenario to ${out} (${code})`);
      }
      const shown = relative(io.cwd, path) || out;
      io.stdout(`wrote ${shown}\n`);
      // The shrunk file has the change written in: no --strategy, no jitter (its calibration is the run's).
      io.stdout(`replay: ${replay(shown, false)}\n`);
    } else {
      io.stdout(`replay: ${[replay(args.file, args.jitter), ...flags(false)].join(' ')}\n`);
    }
    throw new ChecksFailedError('');
  },
});

/** What was checked: runs, seeds, calibration mode, invariants. Pure. */
function renderCheckHeader(report: CheckReport): string {
  const last = report.firstSeed + report.runsPlanned - 1;
  const liveness = report.invariants
    .filter((i) => i.boundMs !== undefined)
    .map((i) => `${i.name} within ${formatDuration(i.boundMs!)}`);
  const lines = [
    `${report.scenario}: ${report.runsPlanned} run${report.runsPlanned === 1 ? `, seed ${report.firstSeed}` : `s, seeds ${report.firstSeed}..${last}`}, calibration ${report.jitter ? `jittered per run (x${JITTER_FACTOR_MIN}..x${JITTER_FACTOR_MAX})` : 'as written'}`,
    `invariants: ${report.invariants.length} (${report.invariants.filter((i) => i.kind === 'safety').length} safety; liveness: ${liveness.length > 0 ? liveness.join(', ') : 'none'}); metric checks: ${report.metricChecks}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The table per invariant and check: runs failed of N, worst value against the bound, metric distribution. Pure. */
function renderTallies(report: CheckReport): string {
  const n = report.runsDone;
  const ms = (v: number | null) => (v === null ? '-' : formatMs(v));
  const rows = report.tallies.map((t) => [
    t.name,
    t.kind,
    `${t.runsFailed}/${n}`,
    t.worst === '' ? '-' : t.worst,
    t.bound === '' ? '-' : t.bound,
    t.distribution === undefined
      ? ''
      : `p50 ${ms(t.distribution.p50Ms)} p99 ${ms(t.distribution.p99Ms)} max ${ms(t.distribution.maxMs)}${t.distribution.never > 0 ? ` never x${t.distribution.never}` : ''}`,
  ]);
  const header = ['check', 'kind', 'failed', 'worst', 'bound', 'distribution'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  const lines = [
    report.runsFailed === 0
      ? `all ${n} runs passed`
      : `FAILED in ${report.runsFailed} of ${n} runs${n < report.runsPlanned ? ` (stopped at the first failure; ${report.runsPlanned} planned)` : ''}`,
    line(header),
    ...rows.map(line),
  ];
  for (const u of report.unknown) {
    lines.push(
      `  ${u.invariant}: unknown in ${u.runs} of ${n} runs (${u.reason}); lengthen the horizon or set within`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Which situations the runs reached, in how many runs, and which none reached. Pure. */
function renderCoverage(report: CheckReport): string {
  const width = Math.max(
    0,
    ...report.paths.map((p) => p.path.length),
    ...report.unreached.map((p) => p.path.length),
  );
  const lines = [
    `situations reached (${report.paths.length} of ${report.paths.length + report.unreached.length}):`,
  ];
  for (const p of report.paths)
    lines.push(
      `  ${p.path.padEnd(width)}  ${String(p.runs).padStart(4)} run${p.runs === 1 ? ' ' : 's'}  ${p.description}`,
    );
  if (report.paths.length === 0) lines.push('  (none)');
  if (report.unreached.length > 0) {
    lines.push('never reached (the scenario does not exercise them):');
    for (const p of report.unreached) lines.push(`  ${p.path.padEnd(width)}  ${p.description}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The first failure: seed, check, witness, jitter draws, shrinking summary. Pure. */
function renderCheckFailure(failed: FailedRun): string {
  const f = failed.failure;
  const lines = [
    `FAIL run ${failed.run}, seed ${failed.seed}: ${f.name} (${f.kind})`,
    `  ${[f.atMs !== undefined ? `at ${formatClock(f.atMs)}` : '', f.instance ?? ''].filter((p) => p !== '').join(' ')}${f.atMs !== undefined || f.instance !== undefined ? ': ' : ''}${f.detail}`,
  ];
  if (f.cause !== undefined) {
    lines.push(`  cause: ${f.cause.summary}`);
    for (const e of f.cause.chain) lines.push(`    ${formatClock(e.atMs)}  ${e.event}`);
  }
  lines.push(`  signature: ${formatSignature(failed.signature)}`);
  if (failed.others.length > 0)
    lines.push(`  also failing in this run: ${failed.others.map((o) => o.name).join(', ')}`);
  if (failed.jitterFactors !== undefined) {
    lines.push(
      `  calibration of this run: ${Object.entries(failed.jitterFactors)
        .map(([k, v]) => `${k} x${v}`)
        .join(', ')}`,
    );
  }
  const w = failed.witness;
  lines.push('witness:');
  for (const v of w.violations.slice(1))
    lines.push(
      `  also ${formatClock(v.atMs)}${v.instance !== undefined ? ` ${v.instance}` : ''}: ${v.detail}`,
    );
  if (w.calls.length > 0) lines.push('  calls:');
  for (const c of w.calls) {
    const outcome = c.ok ? 'ok' : (c.error?.code ?? 'error');
    const expect = c.expect !== undefined ? ` (expected ${c.expect})` : '';
    lines.push(`    ${formatClock(c.atMs)}  ${c.call} ${c.region}  ${outcome}${expect}  [${c.origin}]`);
    if (c.cause !== undefined) lines.push(`      why: ${c.cause.summary}`);
  }
  for (const t of w.timelines) {
    const segs = t.segments
      .map(
        (s) =>
          `${formatClock(s.fromMs)}-${formatClock(s.toMs)} ${s.kind}${s.role !== undefined ? ` ${s.role}` : ''}`,
      )
      .join(' | ');
    lines.push(`  ${t.instance} ${t.lane.padEnd(4)}: ${segs === '' ? '(nothing recorded)' : segs}`);
  }
  if (failed.shrunk !== undefined) {
    const { before, after, attempts, budgetSpent } = failed.shrunk;
    lines.push(
      `shrunk in ${attempts} run${attempts === 1 ? '' : 's'}${budgetSpent ? ' (budget spent; it may shrink further)' : ''}: ` +
        `instances ${before.instances} -> ${after.instances}, steps ${before.steps} -> ${after.steps}, ` +
        `faults ${before.faults} -> ${after.faults}, regions ${before.regions} -> ${after.regions}`,
    );
  } else if (failed.shrinkError !== undefined) {
    lines.push(`not shrunk: ${failed.shrinkError}`);
  }
  return `${lines.join('\n')}\n`;
}
