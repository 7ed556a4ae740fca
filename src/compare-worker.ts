/** Worker thread for compare(): runs the jobs it is sent and posts the results back, in order. */
import { parentPort } from 'node:worker_threads';
import { type CompareJob, runJob } from './compare.ts';
import type { Scenario } from './scenario/types.ts';

parentPort?.on('message', (msg: { scenario: Scenario; jobs: CompareJob[]; start: number; keep: number }) => {
  try {
    const results = msg.jobs.map((job) => runJob(msg.scenario, job, msg.keep));
    parentPort?.postMessage({ start: msg.start, results });
  } catch (e) {
    parentPort?.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
