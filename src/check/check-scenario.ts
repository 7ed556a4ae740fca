/**
 * checkScenario(): the library behind `iamsim check`. Runs a scenario over consecutive seeds
 * (optionally with a jittered calibration per run), evaluates the enabled invariants and the
 * scenario's own `expect` steps, runbook failures and metric checks, tallies them over all runs
 * (tally.ts), records which interesting situations the runs reached, and on the first failing run
 * builds a witness and a shrunk scenario that fails with the same signature (failures.ts). It
 * returns plain data; src/commands/check.ts renders it and writes the file.
 *
 * A shrunk candidate is always written to YAML and loaded back with the project's loader before
 * it is simulated, so the scenario that is shown to fail is exactly the text that is written.
 */
import type { CalibrationKey } from '../calibration.ts';
import type { RunResult } from '../result.ts';
import { loadScenario } from '../scenario/load.ts';
import { scenarioToYaml } from '../scenario/to-yaml.ts';
import type { InvariantName, Scenario } from '../scenario/types.ts';
import { type SimulateOptions, simulate } from '../simulate.ts';
import { CauseRecorder } from './causes.ts';
import { failuresOf } from './failures.ts';
import { jitterCalibration } from './jitter.ts';
import { type PathName, PathObserver, pathDescriptions, pathNames } from './paths.ts';
import { buildCheckers, enabledInvariants, invariantRegistry, livenessBoundMs } from './registry.ts';
import { type ScenarioSize, scenarioSize, shrinkScenario } from './shrink.ts';
import { Tallier, type Tally } from './tally.ts';
import {
  type Checker,
  type CheckFailure,
  type FailureSignature,
  formatSignature,
  sameSignature,
} from './types.ts';
import { buildWitness, type Witness } from './witness.ts';

export type { Tally } from './tally.ts';
export type { CheckFailure, FailureKind, FailureSignature } from './types.ts';
export type { Witness, WitnessTimeline } from './witness.ts';

export interface CheckOptions {
  /** Number of runs; run k uses seed `seed + k`. */
  readonly runs: number;
  readonly seed: number;
  /** Draw the calibration per run (jitter.ts). */
  readonly jitter?: boolean;
  /** Stop at the first failing run (default: run all N and tally). */
  readonly untilFailure?: boolean;
  /** Shrink the first failing run's scenario (default true). */
  readonly shrink?: boolean;
  /** Most shrinking attempts, each one simulation (default 200). */
  readonly shrinkAttemptsMax?: number;
  /** TEST ONLY: a deliberately broken model, passed to simulate(). */
  readonly modelBugs?: SimulateOptions['modelBugs'];
  /** Called after each run (for progress). */
  readonly onRunDone?: (runsDone: number, runs: number) => void;
}

export interface ShrunkScenario {
  readonly scenario: Scenario;
  /** The scenario file text (it loads, and fails with the same signature and the same seed). */
  readonly yaml: string;
  readonly attempts: number;
  readonly budgetSpent: boolean;
  readonly before: ScenarioSize;
  readonly after: ScenarioSize;
}

export interface FailedRun {
  /** 1-based run number. */
  readonly run: number;
  readonly seed: number;
  /** The failure reported, witnessed and shrunk. */
  readonly failure: CheckFailure;
  /** What the shrunk scenario still shows: the failure's first signature. */
  readonly signature: FailureSignature;
  /** Other checks that failed in the same run. */
  readonly others: readonly CheckFailure[];
  /** The jitter factors of this run, when --jitter. */
  readonly jitterFactors?: Readonly<Partial<Record<CalibrationKey, number>>>;
  readonly witness: Witness;
  readonly shrunk?: ShrunkScenario;
  /** Why no shrunk scenario could be written, when shrinking was asked for and failed. */
  readonly shrinkError?: string;
}

export interface CheckReport {
  readonly scenario: string;
  readonly firstSeed: number;
  readonly runsPlanned: number;
  readonly runsDone: number;
  /** Runs in which at least one invariant or check failed. */
  readonly runsFailed: number;
  readonly jitter: boolean;
  readonly invariants: readonly {
    readonly name: InvariantName;
    readonly kind: 'safety' | 'liveness';
    readonly boundMs?: number;
  }[];
  readonly metricChecks: number;
  /** Liveness invariants that some runs could not judge, with how many and the first reason. */
  readonly unknown: readonly { readonly invariant: string; readonly runs: number; readonly reason: string }[];
  /** The situations the runs reached, in pathNames order, with the number of runs that reached each. */
  readonly paths: readonly { readonly path: PathName; readonly runs: number; readonly description: string }[];
  /** The situations no run reached: the scenario does not exercise them. */
  readonly unreached: readonly { readonly path: PathName; readonly description: string }[];
  /** Per invariant and check: runs failed, worst value against the bound, the distribution of metric values. */
  readonly tallies: readonly Tally[];
  readonly failed?: FailedRun;
}

interface RunOutcome {
  readonly result: RunResult;
  readonly checkers: readonly Checker[];
  readonly paths: ReadonlySet<PathName>;
  readonly failures: readonly CheckFailure[];
}

const DEFAULT_SHRINK_ATTEMPTS = 200;

/**
 * Checks `scenario` over `options.runs` seeds and tallies every check; the first failing run is
 * witnessed and shrunk. With `untilFailure`, stops at that run.
 * @throws Error for invalid options (runs < 1); simulation errors propagate (they are bugs).
 */
export function checkScenario(scenario: Scenario, options: CheckOptions): CheckReport {
  if (!Number.isSafeInteger(options.runs) || options.runs < 1)
    throw new Error(`runs must be a whole number >= 1, got ${options.runs}`);
  const jitter = options.jitter === true;
  const pathRuns = new Map<PathName, number>();
  const unknown = new Map<string, { runs: number; reason: string }>();
  const invariants = enabledInvariants(scenario);
  const tallier = new Tallier(scenario, invariants);
  let failed: FailedRun | undefined;
  let runsDone = 0;
  let runsFailed = 0;
  for (let k = 0; k < options.runs && !(options.untilFailure === true && failed !== undefined); k++) {
    const seed = options.seed + k;
    const jittered = jitter ? jitterCalibration(scenario.calibration, seed) : undefined;
    const runScenario =
      jittered === undefined ? scenario : { ...scenario, calibration: jittered.calibration };
    // No causes in the sweep: the first failing run is run again below, explained.
    const outcome = runOnce(runScenario, seed, options.modelBugs, false, false);
    runsDone++;
    tallier.add(outcome.result, outcome.failures);
    for (const p of outcome.paths) pathRuns.set(p, (pathRuns.get(p) ?? 0) + 1);
    for (const c of outcome.checkers) {
      if (c.unknown === undefined) continue;
      const u = unknown.get(c.name) ?? { runs: 0, reason: c.unknown };
      unknown.set(c.name, { runs: u.runs + 1, reason: u.reason });
    }
    options.onRunDone?.(runsDone, options.runs);
    if (outcome.failures.length === 0) continue;
    runsFailed++;
    if (failed !== undefined) continue;
    // The witness comes from the same run again (deterministic), now keeping the timelines and
    // explaining the failures: their signatures carry the cause kinds shrinking must keep.
    const full = runOnce(runScenario, seed, options.modelBugs, true, true);
    const failure = full.failures[0]!;
    const signature = failure.signatures[0]!;
    const shrinking =
      options.shrink === false
        ? {}
        : shrinkFailure(
            runScenario,
            seed,
            failure,
            signature,
            options.modelBugs,
            options.shrinkAttemptsMax ?? DEFAULT_SHRINK_ATTEMPTS,
          );
    failed = {
      run: k + 1,
      seed,
      failure,
      signature,
      others: full.failures.slice(1),
      ...(jittered !== undefined ? { jitterFactors: jittered.factors } : {}),
      witness: buildWitness(full.result, full.checkers, failure, runScenario),
      ...shrinking,
    };
  }
  return {
    scenario: scenario.name,
    firstSeed: options.seed,
    runsPlanned: options.runs,
    runsDone,
    runsFailed,
    jitter,
    invariants: invariants.map((name) => {
      const kind = invariantRegistry[name].kind;
      return kind === 'liveness' ? { name, kind, boundMs: livenessBoundMs(scenario, name) } : { name, kind };
    }),
    metricChecks: scenario.checks.length,
    unknown: [...unknown].map(([invariant, u]) => ({ invariant, ...u })),
    paths: pathNames
      .filter((p) => pathRuns.has(p))
      .map((path) => ({ path, runs: pathRuns.get(path)!, description: pathDescriptions[path] })),
    unreached: pathNames
      .filter((p) => !pathRuns.has(p))
      .map((path) => ({ path, description: pathDescriptions[path] })),
    tallies: tallier.tallies(),
    ...(failed !== undefined ? { failed } : {}),
  };
}

/**
 * One run with the checkers and the path observer attached, and, when `explain`, the cause
 * recorder too: its failures then carry causes and cause kinds in their signatures.
 */
function runOnce(
  scenario: Scenario,
  seed: number,
  modelBugs: SimulateOptions['modelBugs'],
  timelines: boolean,
  explain = true,
): RunOutcome {
  const checkers = buildCheckers(scenario);
  const paths = new PathObserver(scenario);
  const causes = explain ? new CauseRecorder(scenario) : undefined;
  const result = simulate(scenario, {
    seed,
    observers: causes === undefined ? [...checkers, paths] : [...checkers, paths, causes],
    timelines,
    responses: false,
    ...(modelBugs !== undefined ? { modelBugs } : {}),
  });
  return {
    result: timelines && causes !== undefined ? causes.explain(result) : result,
    checkers,
    paths: paths.seen,
    failures: failuresOf(scenario, checkers, result, causes),
  };
}

/**
 * Shrinks the failing run's scenario, keeping only candidates that fail with the same signature.
 * The start is prepared first (the seed written in, `compare`
 * and unrelated metric checks left out: they do not change a run) and must itself round-trip
 * through YAML and still fail, or there is nothing trustworthy to shrink from.
 */
function shrinkFailure(
  scenario: Scenario,
  seed: number,
  failure: CheckFailure,
  signature: FailureSignature,
  modelBugs: SimulateOptions['modelBugs'],
  attemptsMax: number,
): { shrunk?: ShrunkScenario; shrinkError?: string } {
  const { compare: _compare, ...rest } = scenario;
  const name = scenario.name.length > 240 ? scenario.name.slice(0, 240) : scenario.name;
  const start: Scenario = {
    ...rest,
    name: `${name} (shrunk)`,
    description: `Shrunk by iamsim check from "${scenario.name}": ${failure.name} fails with seed ${seed}.`,
    seed,
    checks: failure.kind === 'metric' ? scenario.checks.filter((c) => c.name === failure.name) : [],
  };
  const toText = (s: Scenario) =>
    scenarioToYaml(s, {
      comment: [
        `Shrunk by iamsim check: ${failure.name} fails with seed ${seed}.`,
        `Fails with: ${formatSignature(signature)}`,
        `Replay: iamsim check FILE --runs 1 --seed ${seed} --no-shrink`,
      ],
    });
  const fails = (candidate: Scenario): boolean => {
    const loaded = loadScenario(toText(candidate));
    if (!loaded.ok) return false;
    return runOnce(loaded.scenario, seed, modelBugs, false).failures.some((f) =>
      f.signatures.some((s) => sameSignature(s, signature)),
    );
  };
  const startLoaded = loadScenario(toText(start));
  if (!startLoaded.ok) {
    const first = startLoaded.problems[0];
    return {
      shrinkError: `the scenario could not be written back as a valid file (${first?.path}: ${first?.message})`,
    };
  }
  if (!fails(start)) {
    return { shrinkError: 'the scenario written back as a file does not reproduce the failure' };
  }
  const result = shrinkScenario(start, { fails, attemptsMax });
  return {
    shrunk: {
      scenario: result.scenario,
      yaml: toText(result.scenario),
      attempts: result.attempts,
      budgetSpent: result.budgetSpent,
      before: scenarioSize(scenario),
      after: scenarioSize(result.scenario),
    },
  };
}
