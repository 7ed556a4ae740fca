/**
 * checkScenario(): the library behind `iamsim check`. Runs a scenario over consecutive seeds
 * (optionally with a jittered calibration per run), evaluates the enabled invariants and the
 * scenario's own `expect` steps, runbook failures and metric checks, records which interesting
 * paths the runs went through, and on the first failing run builds a witness and a shrunk
 * scenario. It returns plain data; src/commands/check.ts renders it and writes the file.
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
import { jitterCalibration } from './jitter.ts';
import { type PathName, PathObserver, pathDescriptions, pathNames } from './paths.ts';
import { buildCheckers, enabledInvariants, invariantRegistry, livenessBoundMs } from './registry.ts';
import { type ScenarioSize, scenarioSize, shrinkScenario } from './shrink.ts';
import type { Checker, CheckFailure } from './types.ts';
import { buildWitness, type Witness } from './witness.ts';

export type { CheckFailure, FailureKind } from './types.ts';
export type { Witness, WitnessTimeline } from './witness.ts';

export interface CheckOptions {
  /** Number of runs; run k uses seed `seed + k`. */
  readonly runs: number;
  readonly seed: number;
  /** Draw the calibration per run (jitter.ts). */
  readonly jitter?: boolean;
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
  /** The scenario file text (it loads, and fails the same check with the same seed). */
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
  readonly jitter: boolean;
  readonly invariants: readonly {
    readonly name: InvariantName;
    readonly kind: 'safety' | 'liveness';
    readonly boundMs?: number;
  }[];
  readonly metricChecks: number;
  /** Liveness invariants that some runs could not judge, with how many and the first reason. */
  readonly unknown: readonly { readonly invariant: string; readonly runs: number; readonly reason: string }[];
  /** Distinct paths covered, in pathNames order, with the number of runs that covered each. */
  readonly paths: readonly { readonly path: PathName; readonly runs: number; readonly description: string }[];
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
 * Checks `scenario` over `options.runs` seeds, stopping at the first failing run.
 * @throws Error for invalid options (runs < 1); simulation errors propagate (they are bugs).
 */
export function checkScenario(scenario: Scenario, options: CheckOptions): CheckReport {
  if (!Number.isSafeInteger(options.runs) || options.runs < 1)
    throw new Error(`runs must be a whole number >= 1, got ${options.runs}`);
  const jitter = options.jitter === true;
  const pathRuns = new Map<PathName, number>();
  const unknown = new Map<string, { runs: number; reason: string }>();
  let failed: FailedRun | undefined;
  let runsDone = 0;
  for (let k = 0; k < options.runs && failed === undefined; k++) {
    const seed = options.seed + k;
    const jittered = jitter ? jitterCalibration(scenario.calibration, seed) : undefined;
    const runScenario =
      jittered === undefined ? scenario : { ...scenario, calibration: jittered.calibration };
    const outcome = runOnce(runScenario, seed, options.modelBugs, false);
    runsDone++;
    for (const p of outcome.paths) pathRuns.set(p, (pathRuns.get(p) ?? 0) + 1);
    for (const c of outcome.checkers) {
      if (c.unknown === undefined) continue;
      const u = unknown.get(c.name) ?? { runs: 0, reason: c.unknown };
      unknown.set(c.name, { runs: u.runs + 1, reason: u.reason });
    }
    options.onRunDone?.(runsDone, options.runs);
    const failure = outcome.failures[0];
    if (failure === undefined) continue;
    // The witness comes from the same run again, now keeping the timelines.
    const full = runOnce(runScenario, seed, options.modelBugs, true);
    const shrinking =
      options.shrink === false
        ? {}
        : shrinkFailure(
            runScenario,
            seed,
            failure,
            options.modelBugs,
            options.shrinkAttemptsMax ?? DEFAULT_SHRINK_ATTEMPTS,
          );
    failed = {
      run: k + 1,
      seed,
      failure,
      others: outcome.failures.slice(1),
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
    jitter,
    invariants: enabledInvariants(scenario).map((name) => {
      const kind = invariantRegistry[name].kind;
      return kind === 'liveness' ? { name, kind, boundMs: livenessBoundMs(scenario, name) } : { name, kind };
    }),
    metricChecks: scenario.checks.length,
    unknown: [...unknown].map(([invariant, u]) => ({ invariant, ...u })),
    paths: pathNames
      .filter((p) => pathRuns.has(p))
      .map((path) => ({ path, runs: pathRuns.get(path)!, description: pathDescriptions[path] })),
    ...(failed !== undefined ? { failed } : {}),
  };
}

function runOnce(
  scenario: Scenario,
  seed: number,
  modelBugs: SimulateOptions['modelBugs'],
  timelines: boolean,
): RunOutcome {
  const checkers = buildCheckers(scenario);
  const paths = new PathObserver(scenario);
  const result = simulate(scenario, {
    seed,
    observers: [...checkers, paths],
    timelines,
    responses: false,
    ...(modelBugs !== undefined ? { modelBugs } : {}),
  });
  return { result, checkers, paths: paths.seen, failures: failuresOf(checkers, result) };
}

/** Every failure of a run: invariants first (in registry order), then the scenario's own checks. */
function failuresOf(checkers: readonly Checker[], result: RunResult): CheckFailure[] {
  const out: CheckFailure[] = [];
  for (const c of checkers) {
    const v = c.violations[0];
    if (v === undefined) continue;
    out.push({
      key: `invariant:${c.name}`,
      name: c.name,
      kind: c.kind,
      detail: v.detail,
      atMs: v.atMs,
      ...(v.instance !== undefined ? { instance: v.instance } : {}),
    });
  }
  for (const c of result.checks) {
    if (c.ok) continue;
    // A runbook failure's name carries the step's path, which shrinking renumbers. The kind is
    // part of the key, so a metric check named like an expectation is still a different check.
    out.push({
      key: c.kind === 'runbook' ? 'runbook' : `${c.kind}:${c.name}`,
      name: c.name,
      kind: c.kind,
      detail: c.detail,
    });
  }
  return out;
}

/**
 * Shrinks the failing run's scenario. The start is prepared first (the seed written in, `compare`
 * and unrelated metric checks left out: they do not change a run) and must itself round-trip
 * through YAML and still fail, or there is nothing trustworthy to shrink from.
 */
function shrinkFailure(
  scenario: Scenario,
  seed: number,
  failure: CheckFailure,
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
        `Replay: iamsim check FILE --runs 1 --seed ${seed}`,
      ],
    });
  const fails = (candidate: Scenario): boolean => {
    const loaded = loadScenario(toText(candidate));
    if (!loaded.ok) return false;
    return runOnce(loaded.scenario, seed, modelBugs, false).failures.some((f) => f.key === failure.key);
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
