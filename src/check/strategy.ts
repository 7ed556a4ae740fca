/**
 * Strategies of a `compare:` section outside `compare`: what `run` and `check` run for a file
 * whose runbook has no strategy step of its own, and the per-run evaluation of a file's checks
 * that `compare` can call for every (strategy, seed) job to show pass/fail per strategy.
 */
import { UsageError } from '../errors.ts';
import { compareEntry, scenarioForStrategy } from '../scenario/for-strategy.ts';
import type { Scenario } from '../scenario/types.ts';
import type { SimulateOptions } from '../simulate.ts';
import { runOnce } from './check-scenario.ts';
import type { FailureKind } from './types.ts';

/** @throws UsageError naming the labels there are. */
function entryOrThrow(scenario: Scenario, label: string) {
  const entry = compareEntry(scenario, label);
  if (entry === undefined)
    throw new UsageError(
      `--strategy ${label}: ${scenario.name} compares ${scenario.compare?.strategies.map((e) => e.label).join(', ') || 'no strategies'}`,
    );
  return entry;
}

/**
 * The scenario `run` and `check` simulate: with `strategy`, the compare section's change made by
 * that strategy; without, the file as written, unless it has a compare section and no strategy
 * step, when the section's first strategy makes the change (rather than measuring nothing).
 * @throws UsageError when `strategy` is given for a file without a compare section.
 */
export function runnableScenario(scenario: Scenario, strategy?: string): Scenario {
  const compare = scenario.compare;
  if (strategy !== undefined) {
    if (compare === undefined)
      throw new UsageError(
        `--strategy ${strategy}: ${scenario.name} has no compare: section to take the change from`,
      );
    return scenarioForStrategy(scenario, entryOrThrow(scenario, strategy));
  }
  const first = compare?.strategies[0];
  // A file with steps of its own runs them (its runbook); only a compare-only file borrows the
  // section's first strategy, rather than measuring nothing.
  if (first === undefined || scenario.steps.length > 0) return scenario;
  return scenarioForStrategy(scenario, first);
}

/** The verdict of every invariant and check of one (strategy, seed) run. */
export interface StrategyCheckRun {
  readonly strategy: string;
  readonly seed: number;
  readonly checks: readonly {
    readonly name: string;
    readonly kind: FailureKind;
    readonly ok: boolean;
    readonly detail: string;
  }[];
}

/**
 * Runs `strategy` of the compare section once with `seed` and evaluates the file's enabled
 * invariants, expects and metric checks (what `check` evaluates), for compare's per-strategy
 * pass/fail. One simulation with the checkers attached, so it costs more than a plain compare job.
 */
export function checkStrategyRun(
  scenario: Scenario,
  strategy: string,
  seed: number,
  modelBugs?: SimulateOptions['modelBugs'],
): StrategyCheckRun {
  const s = scenarioForStrategy(scenario, entryOrThrow(scenario, strategy));
  const { checkers, failures } = runOnce(s, seed, modelBugs, false);
  const failed = new Map(failures.map((f) => [f.key, f]));
  const checks: StrategyCheckRun['checks'][number][] = [];
  for (const c of checkers) {
    const f = failed.get(`invariant:${c.name}`);
    checks.push({ name: c.name, kind: c.kind, ok: f === undefined, detail: f?.detail ?? 'held' });
  }
  for (const c of s.checks) {
    const f = failed.get(`metric:${c.name}`);
    checks.push({ name: c.name, kind: 'metric', ok: f === undefined, detail: f?.detail ?? 'held' });
  }
  for (const f of failures)
    if (f.kind === 'expect' || f.kind === 'runbook')
      checks.push({ name: f.name, kind: f.kind, ok: false, detail: f.detail });
  return { strategy, seed, checks };
}

/** Per strategy and check: in how many of the runs it failed. Strategies and checks in first-seen order. */
export function summariseStrategyChecks(runs: readonly StrategyCheckRun[]): {
  readonly strategy: string;
  readonly runs: number;
  readonly checks: { readonly name: string; readonly runsFailed: number }[];
}[] {
  const out = new Map<string, { runs: number; checks: Map<string, number> }>();
  for (const r of runs) {
    const entry = out.get(r.strategy) ?? { runs: 0, checks: new Map<string, number>() };
    entry.runs++;
    for (const c of r.checks) entry.checks.set(c.name, (entry.checks.get(c.name) ?? 0) + (c.ok ? 0 : 1));
    out.set(r.strategy, entry);
  }
  return [...out].map(([strategy, e]) => ({
    strategy,
    runs: e.runs,
    checks: [...e.checks].map(([name, runsFailed]) => ({ name, runsFailed })),
  }));
}
