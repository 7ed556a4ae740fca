/**
 * The report's statistics split into tasks (summarize.ts) and spread over worker threads
 * (jobs.ts): the report must not depend on which thread ran which task, nor in which order.
 */
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/compare/jobs.ts';
import { renderJson } from '../../src/report/json.ts';
import {
  assembleComparison,
  runSummaryTask,
  summarizeComparison,
  summaryTasks,
} from '../../src/report/summarize.ts';
import { makeCompareInput } from '../report/fixtures.ts';

// Cluster bootstrap: every task draws from its own named streams, the case that could go wrong.
const input = makeCompareInput(
  { seeds: 30, instancesPerSeed: 12 },
  { ci: { method: 'cluster-bootstrap', resamples: 200 } },
);

describe('summary tasks', () => {
  it('give the same report on two worker threads as in this thread', async () => {
    const threads = await summarize(input, 2);
    expect(renderJson(threads)).toBe(renderJson(summarizeComparison(input)));
  });

  it('give the same report whatever order they run in', () => {
    const tasks = summaryTasks(input);
    // A group's metrics per SDK, per region and in all, and the curves, for each strategy.
    expect(tasks.length).toBeGreaterThan(2 * input.strategies.length);
    const results = new Array(tasks.length);
    for (let i = tasks.length - 1; i >= 0; i--) results[i] = runSummaryTask(tasks[i]!);
    expect(renderJson(assembleComparison(input, results))).toBe(renderJson(summarizeComparison(input)));
  });

  it('refuse to assemble a report from too few or too many results', () => {
    const results = summaryTasks(input).map(runSummaryTask);
    expect(() => assembleComparison(input, results.slice(1))).toThrow(/has no result/);
    expect(() => assembleComparison(input, [...results, results[0]!])).toThrow(/results for/);
  });
});
