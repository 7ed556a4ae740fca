/**
 * "Sometimes" assertions: across generated runs, the interesting paths are exercised at least
 * once, so a model that silently skipped them (no stale regional reads, no InvalidParameterValue
 * from propagation, applications switching roles the instant a replace is made) could not pass
 * the suite. Plus the determinism law the checkers rely on: the same seed gives the same trace.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PathName, PathObserver, pathNames } from '../../src/check/paths.ts';
import { buildCheckers } from '../../src/check/registry.ts';
import type { TraceRecord } from '../../src/engine/index.ts';
import { simulate, type WorldObserver } from '../../src/simulate.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { loadFile } from '../helpers/run-yaml.ts';
import { hashTrace } from '../helpers/trace.ts';
import { arbitraryCheckRun, type CheckRun, checkScenarioOf } from './generated.ts';

/** The paths one generated run covered. */
function pathsOf(r: CheckRun): ReadonlySet<PathName> {
  const scenario = checkScenarioOf(r);
  const observer = new PathObserver(scenario);
  simulate(scenario, { seed: r.seed, observers: [observer], timelines: false });
  return observer.seen;
}

/** sha256 over every event the scheduler fired (with the checkers attached, which must not change it). */
function traceHash(r: CheckRun, withCheckers: boolean): string {
  const scenario = checkScenarioOf(r);
  const records: TraceRecord[] = [];
  const recorder: WorldObserver = { attach: (world) => world.scheduler.onTrace((rec) => records.push(rec)) };
  const observers = withCheckers
    ? [recorder, ...buildCheckers(scenario), new PathObserver(scenario)]
    : [recorder];
  simulate(scenario, { seed: r.seed, observers, timelines: false });
  return hashTrace(records);
}

const SAMPLE_RUNS = 120;
let coverage: Map<PathName, number> | undefined;

/**
 * How many runs of a fixed sample covered each path (computed once). A sample, not fc.assert:
 * "sometimes" is a property of the whole sample, not of each run.
 */
function pathCounts(): Map<PathName, number> {
  if (coverage !== undefined) return coverage;
  const counts = new Map<PathName, number>();
  const { seed } = propertyOptions(SAMPLE_RUNS);
  for (const r of fc.sample(arbitraryCheckRun(), { seed, numRuns: SAMPLE_RUNS })) {
    for (const p of pathsOf(r)) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  coverage = counts;
  return counts;
}

describe('sometimes: generated runs exercise the interesting paths', () => {
  it('covers every path across a fixed sample of runs', () => {
    const counts = pathCounts();
    const missing = pathNames.filter((p) => !counts.has(p));
    expect(missing, `paths never exercised; covered: ${JSON.stringify([...counts])}`).toEqual([]);
  });

  it.each(['stale-regional-read', 'invalid-parameter-from-propagation', 'old-role-after-replace'] as const)(
    '%s happens in more than one run in 20',
    (path) => {
      // The three the issue names are common, not flukes: each in at least 5% of the sample.
      expect(pathCounts().get(path) ?? 0).toBeGreaterThan(SAMPLE_RUNS / 20);
    },
  );
});

describe('law: the same seed gives the same trace hash', () => {
  it('holds for generated runs, and attaching the checkers changes nothing', () => {
    fc.assert(
      fc.property(arbitraryCheckRun(), (r) => {
        const a = traceHash(r, false);
        expect(traceHash(r, false)).toBe(a);
        expect(traceHash(r, true)).toBe(a);
      }),
      propertyOptions(15),
    );
  });

  it('another seed gives another trace', () => {
    const [r] = fc.sample(arbitraryCheckRun(), { seed: 3, numRuns: 1 });
    expect(traceHash({ ...r!, seed: r!.seed + 1 }, false)).not.toBe(traceHash(r!, false));
  });
});

describe('aws … wait lines are waiters too', () => {
  it('the example runbook reaches waiter-passed-while-region-lagged through aws iam wait instance-profile-exists', async () => {
    const scenario = await loadFile(
      new URL('../../scenarios/aws-cli-runbook.yaml', import.meta.url).pathname,
    );
    let reached = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const observer = new PathObserver(scenario);
      simulate(scenario, { seed, observers: [observer], timelines: false });
      if (observer.seen.has('waiter-passed-while-region-lagged')) reached++;
    }
    // Its only waiting is that waiter (no waitUntil, no strategy): before, it was never reached.
    expect(reached).toBeGreaterThan(0);
  });
});
