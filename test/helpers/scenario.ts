/**
 * Scenario builders with meaningful defaults, so a test states only what it is about:
 * `makeScenario({ instances: 3, strategy: 'replace-profile' })`.
 */
import { type Calibration, type CalibrationKey, calibrationPresets } from '../../src/calibration.ts';
import type { DistributionSpec } from '../../src/engine/index.ts';
import type {
  FaultSpec,
  InstanceSpec,
  Scenario,
  SdkSpec,
  Step,
  StrategyName,
} from '../../src/scenario/types.ts';

const M = 60_000;
const H = 60 * M;

export interface ScenarioBuild {
  /** Number of instances `web-0..` in the first region (default 1). */
  readonly instances?: number;
  readonly regions?: readonly string[];
  readonly sdk?: SdkSpec | readonly SdkSpec[];
  readonly probeEveryMs?: number;
  readonly horizonMs?: number;
  readonly preset?: 'default' | 'instant';
  readonly calibration?: Partial<Record<CalibrationKey, DistributionSpec>>;
  /** A strategy step at `changeAtMs` moving the fleet to role app-v2. */
  readonly strategy?: StrategyName;
  readonly changeAtMs?: number;
  readonly to?: { role: string } | { instanceProfile: string };
  /** Steps before the strategy step. */
  readonly steps?: readonly Step[];
  /** Steps after the strategy step. */
  readonly stepsAfter?: readonly Step[];
  readonly faults?: readonly FaultSpec[];
  readonly instanceState?: 'running' | 'stopped';
}

export function makeScenario(build: ScenarioBuild = {}): Scenario {
  const regions = build.regions ?? ['us-east-1'];
  const preset = build.preset ?? 'default';
  const base = calibrationPresets[preset];
  const calibration = { ...base } as Record<CalibrationKey, Calibration[CalibrationKey]>;
  for (const [k, spec] of Object.entries(build.calibration ?? {})) {
    calibration[k as CalibrationKey] = { spec: spec as DistributionSpec, source: 'test override' };
  }
  const count = build.instances ?? 1;
  const sdks: readonly SdkSpec[] = Array.isArray(build.sdk)
    ? build.sdk
    : [(build.sdk as SdkSpec | undefined) ?? 'botocore'];
  const instances: InstanceSpec[] = Array.from({ length: count }, (_, i) => ({
    name: `web-${i}`,
    region: regions[i % regions.length]!,
    state: build.instanceState ?? 'running',
    instanceProfile: 'web',
    sdk: sdks[i % sdks.length]!,
    probe: { action: 'dynamodb:GetItem', everyMs: build.probeEveryMs ?? M },
    fleet: 'web',
  }));
  const steps: Step[] = [...(build.steps ?? [])];
  if (build.strategy !== undefined) {
    steps.push({
      kind: 'strategy',
      strategy: build.strategy,
      targets: { fleets: ['web'], instances: [] },
      to: build.to ?? { role: 'app-v2' },
      atMs: build.changeAtMs ?? 30 * M,
      source: { path: 'steps.strategy' },
    });
  }
  steps.push(...(build.stepsAfter ?? []));
  return {
    name: 'test',
    horizonMs: build.horizonMs ?? 9 * H,
    calibrationPreset: preset,
    calibration,
    model: { iamReads: 'regionView', profileQuota: 1000, roleQuota: 1000, defaultRegion: regions[0]! },
    regions,
    roles: [
      { name: 'app-v1', path: '/', allow: ['s3:GetObject', 'sqs:SendMessage'] },
      { name: 'app-v2', path: '/', allow: ['s3:GetObject', 'dynamodb:GetItem'] },
    ],
    instanceProfiles: [
      { name: 'web', path: '/', tags: [], role: 'app-v1' },
      { name: 'web-v2', path: '/', tags: [], role: 'app-v2' },
    ],
    instances,
    fleets: [{ name: 'web', instances: instances.map((i) => i.name) }],
    steps,
    faults: build.faults ?? [],
    checks: [],
  };
}
