// The comparison pipeline's public API (re-exports only): jobs over (strategy, seed), the worker
// pool, shards and partials, and the entry points the commands call.
export * from './comparison.ts';
export { type CompareFile, comparisonEntries, RUNBOOK_LABEL, worldDifference } from './entries.ts';
export type { CompareEntry } from './jobs.ts';
export { defaultWorkers } from './pool.ts';
export { type PartialProblem, type PartialResult, parsePartial, SHARDS_MAX } from './shard.ts';
