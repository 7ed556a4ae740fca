/**
 * The worker pool (pool.ts): a request a worker thread fails is rejected, and so is every request
 * pending then or made later (the run fails loudly, never hangs).
 */
import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/compare/pool.ts';

describe('the worker pool', () => {
  it('rejects a lone request its worker failed, and every later one', async () => {
    const pool = WorkerPool.create(2, 2)!;
    try {
      // Jobs before the comparison's entries: the worker refuses them.
      const job = { strategy: 'replace-profile', seed: 1, keepTimelines: false };
      await expect(pool.request({ kind: 'jobs', jobs: [job], keep: 0 })).rejects.toThrow(
        /before the entries/,
      );
      await expect(pool.request({ kind: 'jobs', jobs: [job], keep: 0 })).rejects.toThrow(
        /before the entries/,
      );
    } finally {
      await pool.close();
    }
  });
});
