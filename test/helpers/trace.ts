/**
 * Trace recording for tests: collect what a Scheduler fires, and hash it so that two runs can be
 * compared with one string ("same seed gives the same trace hash").
 */
import { createHash } from 'node:crypto';
import type { Scheduler, TraceRecord } from '../../src/engine/scheduler.ts';

/** One record as one canonical line; every field of the record appears, in a fixed order. */
export function traceLine(record: TraceRecord): string {
  return `${record.timeMs}\t${record.priority}\t${record.seq}\t${record.label}\t${record.subject ?? '-'}`;
}

export interface TraceRecorder {
  /** Every record seen so far, in firing order. */
  readonly records: TraceRecord[];
  /** sha256 (hex) over the canonical lines of every record seen so far. */
  digest(): string;
}

/** Observes `scheduler` from now on. */
export function recordTrace(scheduler: Scheduler): TraceRecorder {
  const records: TraceRecord[] = [];
  scheduler.onTrace((record) => records.push(record));
  return {
    records,
    digest: () => hashTrace(records),
  };
}

/** sha256 (hex) of a list of trace records. */
export function hashTrace(records: readonly TraceRecord[]): string {
  const hash = createHash('sha256');
  for (const record of records) hash.update(`${traceLine(record)}\n`);
  return hash.digest('hex');
}
