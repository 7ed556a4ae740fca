/**
 * Worker thread for compare(): keeps the comparison entries it was sent, runs the jobs or the report's
 * summary tasks it is asked for, and answers each request by id (see WorkerPool in pool.ts).
 */
import { parentPort } from 'node:worker_threads';
import { packSlicePart } from '../parallel/packed-instances.ts';
import { adoptRecording } from '../parallel/replayed.ts';
import { runSlice, type SliceRunOptions } from '../parallel/slice.ts';
import { runSummaryTask } from '../report/summarize.ts';
import type { Scenario } from '../scenario/types.ts';
import { type CompareEntry, runJob } from './jobs.ts';
import { packJobResults } from './packed.ts';
import type { WorkerReply, WorkerRequest } from './pool.ts';

let entries: readonly CompareEntry[] | undefined;
/** The run whose slices this thread serves (iamsim run --workers, src/parallel/). */
let run: { readonly scenario: Scenario; readonly options: SliceRunOptions } | undefined;

function serve(request: WorkerRequest): unknown {
  switch (request.kind) {
    case 'entries':
      entries = request.entries;
      return undefined;
    case 'jobs': {
      const s = entries;
      if (s === undefined) throw new Error('compare worker: jobs before the entries');
      const results = request.jobs.map((job) => runJob(s, job, request.keep));
      // Compact across the thread boundary (see packed.ts); as they are if they do not pack.
      return packJobResults(results) ?? results;
    }
    case 'summary':
      return runSummaryTask(request.task);
    case 'run':
      run = { scenario: request.scenario, options: request.options };
      return undefined;
    case 'recording':
      if (run === undefined) throw new Error('compare worker: a recording before its run');
      adoptRecording(run.scenario, run.options, request.recording);
      return undefined;
    case 'slice':
      if (run === undefined) throw new Error('compare worker: a slice before its run');
      // Compact across the thread boundary (see packed-instances.ts).
      return packSlicePart(runSlice(run.scenario, run.options, request.task));
  }
}

parentPort?.on('message', (msg: { id: number; request: WorkerRequest }) => {
  let reply: WorkerReply;
  try {
    reply = { id: msg.id, ok: true, value: serve(msg.request) };
  } catch (e) {
    reply = { id: msg.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  // A broadcast (id -1) is not answered, unless it failed: then the pool must hear of it.
  if (msg.id >= 0 || !reply.ok) parentPort?.postMessage(reply);
});
