/**
 * A compare section's built-in strategy as a runnable scenario: what `compare` runs for each
 * strategy entry, and what `run --strategy` and `check --strategy` simulate.
 */
import type { CompareStrategy, Scenario, StrategyStep } from './types.ts';

/** The scenario with the comparison's change as its only step, for one built-in strategy entry. */
export function scenarioForStrategy(scenario: Scenario, entry: CompareStrategy): Scenario {
  const spec = scenario.compare;
  if (spec === undefined) throw new Error(`scenario ${scenario.name} has no compare section`);
  const step: StrategyStep = {
    kind: 'strategy',
    strategy: entry.strategy,
    ...(entry.batch === undefined ? {} : { batch: entry.batch }),
    targets: spec.targets,
    to: spec.to,
    atMs: spec.atMs,
    source: { path: 'compare' },
  };
  // The file's own steps are its runbook, an entry of its own: a built-in strategy runs on the
  // world alone, so the user's calls (and their API errors) never mix into its numbers.
  return { ...scenario, steps: [step] };
}

/**
 * The compare entry labelled `label` (a strategy's name, or a batched variant's label).
 * @returns undefined when the file has no compare section or no such entry.
 */
export function compareEntry(scenario: Scenario, label: string): CompareStrategy | undefined {
  return scenario.compare?.strategies.find((e) => e.label === label);
}
