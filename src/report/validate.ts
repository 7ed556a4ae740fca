/**
 * Checks a CompareInput before any statistics run, reporting every problem at once, each as
 * `path: what is wrong, got value`. A NaN or negative metric would otherwise sort somewhere
 * arbitrary and quietly corrupt every quantile.
 */
import { metricNames } from '../result.ts';
import { MAX_RESAMPLES } from './bootstrap.ts';
import type { CompareInput } from './types.ts';

/** Bound on problems listed: one bad field repeated over 100,000 samples should not flood the terminal. */
const MAX_PROBLEMS = 20;

export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid report input:\n  ${problems.join('\n  ')}`);
  }
}

const isDuration = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** @throws ReportInputError with every problem found (up to MAX_PROBLEMS, then a count of the rest). */
export function validateCompareInput(input: CompareInput): void {
  const problems: string[] = [];
  let more = 0;
  const problem = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
    else more++;
  };
  if (input.seeds.length === 0) problem('seeds: must not be empty');
  input.seeds.forEach((seed, i) => {
    if (!Number.isFinite(seed)) problem(`seeds[${i}]: must be a finite number, got ${seed}`);
  });
  if (input.strategies.length === 0) problem('strategies: must not be empty');
  input.strategies.forEach((st, i) => {
    const where = `strategies[${i}] (${st.strategy})`;
    if (st.samples.length === 0) problem(`${where}.samples: must not be empty`);
    if (!(isDuration(st.observationWindowMs) && st.observationWindowMs > 0)) {
      problem(`${where}.observationWindowMs: must be a finite number > 0, got ${st.observationWindowMs}`);
    }
    const c = st.timelineChangeStartMs;
    if (c !== undefined && c !== null && !isDuration(c)) {
      problem(`${where}.timelineChangeStartMs: must be null or a finite number >= 0, got ${c}`);
    }
    st.samples.forEach((row, j) => {
      for (const m of metricNames) {
        const v = row.metrics[m];
        if (v !== null && !isDuration(v)) {
          problem(
            `${where}.samples[${j}].metrics.${m}: must be null or a finite number >= 0, got ${String(v)}`,
          );
        }
      }
    });
    const seeds = new Set(st.samples.map((r) => r.seed)).size;
    if (input.ci?.method === 'cluster-bootstrap' && st.samples.length > 0 && seeds < 2) {
      // Resampling one seed always returns that seed: a zero-width interval that looks like certainty.
      problem(`${where}.samples: the cluster bootstrap needs samples from at least 2 seeds, got ${seeds}`);
    }
    st.apiErrors.forEach((e, j) => {
      if (!(Number.isInteger(e.count) && e.count >= 0 && Number.isInteger(e.handled) && e.handled >= 0))
        problem(`${where}.apiErrors[${j}]: count and handled must be counts, got ${e.count}, ${e.handled}`);
      else if (e.handled > e.count)
        problem(`${where}.apiErrors[${j}]: handled ${e.handled} is more than count ${e.count}`);
    });
    (st.waiters ?? []).forEach((w, j) => {
      const counts = [w.runs, w.runsPassed, w.runsWithoutRole];
      if (!counts.every((c) => Number.isInteger(c) && c >= 0) || w.runs < 1)
        problem(`${where}.waiters[${j}]: runs, runsPassed, runsWithoutRole must be counts, runs at least 1`);
      else if (!(w.runsWithoutRole <= w.runsPassed && w.runsPassed <= w.runs))
        problem(`${where}.waiters[${j}]: runsWithoutRole <= runsPassed <= runs must hold`);
    });
    (st.fleet ?? []).forEach((f, j) => {
      if (f.minUpShare !== null && !(f.minUpShare >= 0 && f.minUpShare <= 1))
        problem(`${where}.fleet[${j}].minUpShare: must be null or within [0, 1], got ${f.minUpShare}`);
    });
  });
  const confidence = input.ci?.confidence;
  if (confidence !== undefined && !(confidence > 0 && confidence < 1)) {
    problem(`ci.confidence: must be within (0, 1), got ${confidence}`);
  }
  const resamples = input.ci?.resamples;
  if (
    resamples !== undefined &&
    !(Number.isInteger(resamples) && resamples >= 1 && resamples <= MAX_RESAMPLES)
  ) {
    problem(`ci.resamples: must be an integer in [1, ${MAX_RESAMPLES}], got ${resamples}`);
  }
  if (more > 0) problems.push(`… and ${more} more`);
  if (problems.length > 0) throw new ReportInputError(problems);
}
