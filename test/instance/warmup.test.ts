/**
 * The isolated warm-up (each instance's events before t=0 run on a scheduler of its own) is an
 * optimisation only: it must give exactly the results of the interleaved one, on any scenario.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResourceCapError } from '../../src/engine/errors.ts';
import { simulate } from '../../src/simulate.ts';
import { arbitraryRun, scenarioOf } from '../helpers/arbitraries.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;
const SDKS = ['botocore', 'js-v3', 'java-v1', 'java-v2', 'go-v2', 'dotnet', 'cli'] as const;

describe('isolated warm-up', () => {
  it('law: gives the results of the interleaved warm-up (property, faults included)', () => {
    fc.assert(
      fc.property(arbitraryRun(), (run) => {
        const scenario = scenarioOf(run);
        const isolated = simulate(scenario, { seed: run.seed });
        const interleaved = simulate(scenario, { seed: run.seed, warmUp: 'interleaved' });
        expect(isolated).toEqual(interleaved);
      }),
      propertyOptions(60),
    );
  });

  it('gives the same results on a fleet whose instances tie at the same milliseconds', () => {
    // Zero delays and a change at t=0, an outage and a partition starting exactly at t=0.
    for (const strategy of ['replace-profile', 'stop-start', 'replace-profile-revoke'] as const) {
      const scenario = makeScenario({
        instances: 40,
        sdk: [...SDKS],
        strategy,
        preset: 'instant',
        changeAtMs: 0,
        faults: [
          { kind: 'imdsOutage', instances: ['web-0', 'web-1'], fromMs: 0, toMs: 5 * M },
          { kind: 'partition', region: 'us-east-1', fromMs: 0, toMs: 10 * M },
        ],
      });
      expect(simulate(scenario, { seed: 5 })).toEqual(simulate(scenario, { seed: 5, warmUp: 'interleaved' }));
    }
  });

  it('reports an exceeded event cap exactly as the interleaved run does', () => {
    const scenario = makeScenario({ instances: 5, strategy: 'replace-profile' });
    const error = (warmUp: 'isolated' | 'interleaved'): string => {
      try {
        simulate(scenario, { seed: 1, eventsMax: 60, warmUp });
      } catch (e) {
        expect(e).toBeInstanceOf(ResourceCapError);
        return (e as Error).message;
      }
      throw new Error('no cap error');
    };
    expect(error('isolated')).toBe(error('interleaved'));
  });
});
