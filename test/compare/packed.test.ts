/**
 * Job results cross threads packed (packed.ts): unpacked, they must be the results, key for key
 * and value for value (the partial results of a sharded sweep are their JSON, digested).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparisonEntries } from '../../src/compare/entries.ts';
import { compareJobs, type JobResult } from '../../src/compare/jobs.ts';
import { packJobResults, unpackJobResults } from '../../src/compare/packed.ts';
import { loadFile } from '../helpers/run-yaml.ts';

async function jobsOf(name: string, seeds: number[]): Promise<JobResult[]> {
  const file = join(import.meta.dirname, 'fixtures', name);
  return compareJobs(comparisonEntries([{ file, scenario: await loadFile(file) }]), { seeds, workers: 1 });
}

describe('packed job results', () => {
  it('unpack to the same JSON as the results, nulls, timelines and affected instances included', async () => {
    for (const name of ['two-fleets.yaml', 'shared-profile.yaml', 'revoke-same-permissions.yaml']) {
      const results = await jobsOf(name, [1, 2, 3]);
      const packed = packJobResults(results);
      expect(packed, name).toBeDefined();
      // Compact: the samples left the objects.
      expect(packed!.results.every((r) => r.samples.length === 0)).toBe(true);
      expect(JSON.stringify(unpackJobResults(packed!)), name).toBe(JSON.stringify(results));
    }
  });

  it('keep null metrics as null and every number exactly', async () => {
    const [job] = await jobsOf('two-fleets.yaml', [1]);
    const metrics = { ...job!.samples[0]!.metrics, appNewRoleMs: null, deniedMs: 0.1 + 0.2, downtimeMs: -0 };
    const results = [{ ...job!, samples: [{ ...job!.samples[0]!, metrics }] }];
    const [back] = unpackJobResults(packJobResults(results)!);
    expect(back!.samples[0]!.metrics.appNewRoleMs).toBeNull();
    expect(back!.samples[0]!.metrics.deniedMs).toBe(0.1 + 0.2);
    expect(Object.is(back!.samples[0]!.metrics.downtimeMs, -0)).toBe(true);
  });

  it('refuse samples they could not rebuild exactly (then the results travel as they are)', async () => {
    const [job] = await jobsOf('two-fleets.yaml', [1]);
    const sample = job!.samples[0]!;
    const variants = [
      { ...sample, extra: 1 },
      { sdk: sample.sdk, instance: sample.instance, region: sample.region, metrics: sample.metrics },
      { ...sample, metrics: { ...sample.metrics, deniedMs: Number.NaN } },
      // The same metrics, keys in another order.
      {
        ...sample,
        metrics: Object.fromEntries(Object.entries(sample.metrics).reverse()) as typeof sample.metrics,
      },
    ];
    for (const odd of variants) {
      expect(packJobResults([{ ...job!, samples: [...job!.samples, odd] }])).toBeUndefined();
    }
  });
});
