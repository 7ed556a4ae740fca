/**
 * fast-check arbitraries for whole scenarios: small worlds, a fleet with mixed SDKs, a change
 * strategy (or none), and faults. Each value prints as a readable build description when shrunk.
 */
import fc from 'fast-check';
import type { FaultSpec, SdkPresetName, StrategyName } from '../../src/scenario/types.ts';
import { strategyNames } from '../../src/scenario/types.ts';
import { makeScenario, type ScenarioBuild } from './scenario.ts';

const M = 60_000;
const H = 60 * M;
const sdks: readonly SdkPresetName[] = ['botocore', 'js-v3', 'java-v1', 'java-v2', 'go-v2', 'dotnet', 'cli'];

export interface GeneratedRun {
  readonly build: ScenarioBuild;
  readonly seed: number;
}

export function arbitraryRun(
  options: { faults?: boolean; strategies?: readonly StrategyName[] } = {},
): fc.Arbitrary<GeneratedRun> {
  const strategies = options.strategies ?? strategyNames;
  return fc
    .record({
      instances: fc.integer({ min: 1, max: 4 }),
      regions: fc.constantFrom(['us-east-1'], ['us-east-1', 'eu-west-1']),
      sdk: fc.array(fc.constantFrom(...sdks), { minLength: 1, maxLength: 4 }),
      strategy: fc.option(fc.constantFrom(...strategies), { nil: undefined }),
      to: fc.constantFrom({ role: 'app-v2' }, { instanceProfile: 'web-v2' }),
      changeAtMs: fc.integer({ min: 5, max: 120 }).map((m) => m * M),
      outage:
        options.faults === false
          ? fc.constant(undefined)
          : fc.option(fc.integer({ min: 0, max: 7 * 60 }), { nil: undefined }),
      outageMinutes: fc.integer({ min: 1, max: 40 }),
      partition:
        options.faults === false
          ? fc.constant(undefined)
          : fc.option(fc.integer({ min: 0, max: 7 * 60 }), { nil: undefined }),
      partitionMinutes: fc.integer({ min: 1, max: 60 }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .map((g) => {
      const faults: FaultSpec[] = [];
      const names = Array.from({ length: g.instances }, (_, i) => `web-${i}`);
      if (g.outage !== undefined) {
        faults.push({
          kind: 'imdsOutage',
          instances: names.slice(0, 1),
          fromMs: g.outage * M,
          toMs: g.outage * M + g.outageMinutes * M,
        });
      }
      if (g.partition !== undefined) {
        const region = g.regions[g.regions.length - 1]!;
        faults.push({
          kind: 'partition',
          region,
          fromMs: g.partition * M,
          toMs: g.partition * M + g.partitionMinutes * M,
        });
      }
      const build: ScenarioBuild = {
        instances: g.instances,
        regions: g.regions,
        sdk: g.sdk,
        horizonMs: 9 * H,
        ...(g.strategy !== undefined ? { strategy: g.strategy, to: g.to, changeAtMs: g.changeAtMs } : {}),
        faults,
      };
      return { build, seed: g.seed };
    });
}

export function scenarioOf(run: GeneratedRun) {
  return makeScenario(run.build);
}
