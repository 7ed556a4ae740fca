/**
 * Strategies of a `compare:` section outside `compare`: what `run` and `check` run for a file
 * whose runbook has no strategy step of its own. (`compare` tallies each run's own checks per
 * strategy itself: src/compare/jobs.ts.)
 */
import { UsageError } from '../errors.ts';
import { compareEntry, scenarioForStrategy } from '../scenario/for-strategy.ts';
import type { Scenario } from '../scenario/types.ts';

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
