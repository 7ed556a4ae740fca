/**
 * A slice's instance results cross threads packed (packed-instances.ts): unpacked, they must be
 * the results, key for key and value for value, whatever the run kept (timelines, causes, a
 * replacement, instances outside any fleet).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateExplained } from '../../src/check/causes.ts';
import { packInstances, unpackInstances } from '../../src/parallel/packed-instances.ts';
import type { InstanceResult } from '../../src/result.ts';
import { simulate } from '../../src/simulate.ts';
import { loadFile } from '../helpers/run-yaml.ts';

const scenarioFile = (name: string) => join(import.meta.dirname, '..', '..', 'scenarios', name);

async function resultsOf(name: string, explain: boolean, timelines: boolean): Promise<InstanceResult[]> {
  const scenario = await loadFile(scenarioFile(name));
  const options = { seed: 2, timelines, responses: false };
  return [...(explain ? simulateExplained(scenario, options) : simulate(scenario, options)).instances];
}

describe('packed instance results', () => {
  it('unpack to the same JSON as the results, with timelines, causes and replacements', async () => {
    for (const name of ['default.yaml', 'replace-instances.yaml', 'stop-start.yaml', 'incident-ssrf.yaml']) {
      for (const [explain, timelines] of [
        [false, false],
        [true, true],
      ] as const) {
        const results = await resultsOf(name, explain, timelines);
        const packed = packInstances(results);
        expect(packed, name).toBeDefined();
        expect(JSON.stringify(unpackInstances(packed!)), name).toBe(JSON.stringify(results));
      }
    }
  });

  it('cover what the runs above carry: replacements, causes, timelines, a fleet and none', async () => {
    const all = [
      ...(await resultsOf('replace-instances.yaml', true, true)),
      ...(await resultsOf('incident-ssrf.yaml', true, true)),
      ...(await resultsOf('default.yaml', true, true)),
    ];
    expect(all.some((r) => r.replacedBy !== undefined)).toBe(true);
    expect(all.some((r) => r.causes !== undefined)).toBe(true);
    expect(all.some((r) => r.appTimeline.length > 0)).toBe(true);
    const withFleet = all.filter((r) => r.fleet !== undefined).length;
    expect(withFleet).toBeGreaterThan(0);
  });

  it('keep null metrics as null, -0 and every number exactly, and an instance without a fleet', async () => {
    const [first] = await resultsOf('default.yaml', false, false);
    const { fleet: _fleet, ...noFleet } = first!;
    const metrics = { ...first!.metrics, appNewRoleMs: null, deniedMs: 0.1 + 0.2, downtimeMs: -0 };
    const results = [{ ...first!, metrics }, noFleet as InstanceResult];
    const back = unpackInstances(packInstances(results)!);
    expect(JSON.stringify(back)).toBe(JSON.stringify(results));
    expect(back[0]!.metrics.appNewRoleMs).toBeNull();
    expect(back[0]!.metrics.deniedMs).toBe(0.1 + 0.2);
    expect(Object.is(back[0]!.metrics.downtimeMs, -0)).toBe(true);
    expect('fleet' in back[1]!).toBe(false);
  });

  it('refuse results they could not rebuild exactly (then the results travel as they are)', async () => {
    const [r] = await resultsOf('default.yaml', false, false);
    const variants: object[] = [
      { ...r!, extra: 1 },
      // The same fields, keys in another order.
      Object.fromEntries(Object.entries(r!).reverse()),
      { ...r!, metrics: { ...r!.metrics, deniedMs: Number.NaN } },
      { ...r!, metrics: Object.fromEntries(Object.entries(r!.metrics).reverse()) },
      { ...r!, probes: { denied: r!.probes.denied, allowed: r!.probes.allowed } },
      { ...r!, fleet: undefined },
    ];
    for (const v of variants) expect(packInstances([r!, v as InstanceResult])).toBeUndefined();
  });
});
