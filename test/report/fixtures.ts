/**
 * Synthetic, seeded StrategySamples shaped like real comparison results, for
 * report tests. Not a model of AWS: just plausible magnitudes so charts and tables look like the
 * real thing.
 * - swap-role-in-profile: IMDS switches within ~1 h (hourly rotation), applications within hours
 *   (SDK caches hold up to ~6.1 h for botocore), a short "no role" gap; some never switch while watched.
 * - replace-profile: IMDS within seconds, applications still hours behind (SDK cache).
 * - disassociate-associate: IMDS within a minute, a credential gap, IncorrectState retries.
 * - stop-start: 1-2 min downtime, everything new right after boot.
 */
import { RandomStream } from '../../src/engine/random.ts';
import type { CompareInput, StrategyInput } from '../../src/report/types.ts';
import type {
  ApiErrorCount,
  InstanceMetrics,
  InstanceResult,
  StrategySamples,
  TimelineSegment,
} from '../../src/result.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

export const fixtureStrategies = [
  'swap-role-in-profile',
  'replace-profile',
  'disassociate-associate',
  'stop-start',
] as const;
export const fixtureSdks = ['botocore', 'java-v1', 'js-v3', 'cli'] as const;
/** SDK cache hold after IMDS has new credentials, ms (upper bound of a uniform draw). */
const sdkHoldMs: Record<string, number> = { botocore: 6.1 * H, 'js-v3': 6.3 * H, 'java-v1': 1 * H, cli: 0 };

export interface FixtureOptions {
  readonly seeds?: number;
  readonly instancesPerSeed?: number;
  /** Root key of the random streams. */
  readonly key?: string;
  /** Observation window, ms. */
  readonly windowMs?: number;
  readonly strategies?: readonly string[];
}

/** When the change starts in the synthetic runs (timelines are absolute, metrics relative). */
export const CHANGE_START_MS = 2 * M;

function lognormal(rng: RandomStream, medianMs: number, sigma: number): number {
  return Math.round(medianMs * Math.exp(sigma * rng.normal()));
}

function uniform(rng: RandomStream, lowMs: number, highMs: number): number {
  return Math.round(lowMs + rng.next() * (highMs - lowMs));
}

function drawMetrics(strategy: string, sdk: string, rng: RandomStream, windowMs: number): InstanceMetrics {
  const hold = uniform(rng, 0, sdkHoldMs[sdk] ?? 0);
  let imds: number;
  let gap = 0;
  let down = 0;
  let app: number;
  switch (strategy) {
    case 'swap-role-in-profile':
      imds = lognormal(rng, 6 * S, 0.8) + uniform(rng, 0, 60 * M);
      gap = rng.next() < 0.1 ? uniform(rng, 1 * S, 20 * S) : 0;
      app = imds + hold;
      break;
    case 'replace-profile':
      imds = lognormal(rng, 8 * S, 0.6);
      app = imds + hold;
      break;
    case 'disassociate-associate':
      imds = lognormal(rng, 25 * S, 0.5);
      gap = sdk === 'cli' ? uniform(rng, 5 * S, 30 * S) : 0;
      app = imds + hold;
      break;
    default:
      down = uniform(rng, 60 * S, 120 * S);
      imds = down + lognormal(rng, 3 * S, 0.4);
      app = imds + uniform(rng, 2 * S, 10 * S);
  }
  const old = app + uniform(rng, 0, 5 * S);
  const within = (v: number): number | null => (v < windowMs ? v : null);
  return {
    imdsNewRoleMs: within(imds),
    appNewRoleMs: within(app),
    oldRoleExposureMs: within(old),
    credentialGapMs: gap,
    deniedMs: 0,
    downtimeMs: down,
  };
}

/** Timelines consistent with the metrics: old until the switch, then new; gaps and downtime in between. */
function timelines(
  m: InstanceMetrics,
  horizonMs: number,
): { imds: TimelineSegment[]; app: TimelineSegment[] } {
  const at = (v: number | null) => (v === null ? horizonMs : CHANGE_START_MS + v);
  const lane = (switchMs: number | null, gapMs: number, downMs: number): TimelineSegment[] => {
    const segs: TimelineSegment[] = [];
    let t = 0;
    const push = (toMs: number, kind: TimelineSegment['kind'], role?: string) => {
      if (toMs > t)
        segs.push(role === undefined ? { fromMs: t, toMs, kind } : { fromMs: t, toMs, kind, role });
      t = Math.max(t, toMs);
    };
    const end = at(switchMs);
    if (downMs > 0) {
      push(CHANGE_START_MS, 'old', 'app-role-v1');
      push(CHANGE_START_MS + downMs, 'down');
    } else if (gapMs > 0) {
      // The gap ends when the new role appears (e.g. between disassociate and associate).
      push(Math.max(CHANGE_START_MS, end - gapMs), 'old', 'app-role-v1');
      push(end, 'none');
    }
    push(end, 'old', 'app-role-v1');
    push(horizonMs, 'new', 'app-role-v2');
    return segs;
  };
  return {
    imds: lane(m.imdsNewRoleMs, m.credentialGapMs ?? 0, m.downtimeMs ?? 0),
    app: lane(m.appNewRoleMs, 0, m.downtimeMs ?? 0),
  };
}

/** Deterministic synthetic samples: the same options give the same samples. */
export function makeStrategySamples(options: FixtureOptions = {}): StrategyInput[] {
  const seeds = options.seeds ?? 20;
  const perSeed = options.instancesPerSeed ?? 24;
  const windowMs = options.windowMs ?? 6.5 * H;
  const key = options.key ?? 'fixture';
  return (options.strategies ?? fixtureStrategies).map((strategy) => {
    const samples: StrategySamples['samples'][number][] = [];
    const sampleTimelines: InstanceResult[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      for (let i = 0; i < perSeed; i++) {
        const sdk = fixtureSdks[i % fixtureSdks.length]!;
        const instance = `web-${String(i + 1).padStart(2, '0')}`;
        const rng = new RandomStream(`${key}/${strategy}/${seed}/${instance}`);
        const metrics = drawMetrics(strategy, sdk, rng, windowMs);
        const region = i % 2 === 0 ? 'us-east-1' : 'eu-west-1';
        samples.push({ seed, instance, sdk, region, metrics });
        if (seed === 1 && i < 6) {
          const t = timelines(metrics, CHANGE_START_MS + windowMs);
          sampleTimelines.push({
            name: instance,
            id: `i-0${String(1000 + i)}abcd`,
            region,
            sdk,
            target: true,
            affected: false,
            metrics,
            probes: { allowed: 10, denied: 0 },
            imdsTimeline: t.imds,
            appTimeline: t.app,
          });
        }
      }
    }
    const associate = 'ec2:AssociateIamInstanceProfile';
    const apiErrors: ApiErrorCount[] =
      strategy === 'disassociate-associate'
        ? [
            {
              code: 'IncorrectState',
              call: associate,
              origin: 'compare (associate)',
              count: 3 * seeds,
              handled: 3 * seeds,
            },
            {
              code: 'InvalidParameterValue',
              call: associate,
              origin: 'compare (associate)',
              count: 1,
              handled: 0,
            },
          ]
        : [];
    return {
      strategy,
      samples,
      fleet: Array.from({ length: seeds }, (_, k) => ({
        seed: k + 1,
        minUpShare: strategy === 'stop-start' ? 0 : 1,
      })),
      alsoAffected: { nonTargets: 0, instances: [] },
      apiErrors,
      sampleTimelines,
      observationWindowMs: windowMs,
      timelineChangeStartMs: CHANGE_START_MS,
    };
  });
}

/** A complete CompareInput around makeStrategySamples. */
export function makeCompareInput(
  options: FixtureOptions = {},
  overrides: Partial<CompareInput> = {},
): CompareInput {
  const seeds = options.seeds ?? 20;
  return {
    scenarioName: 'role-change-demo',
    scenarioHash: 'sha256:0123456789abcdef',
    seeds: Array.from({ length: seeds }, (_, i) => i + 1),
    strategies: makeStrategySamples(options),
    calibration: [
      {
        key: 'iamPropagation',
        description: 'lognormal(median 6s, p99 60s) max 2m',
        source: '[OBS] Terraform PR #2037',
      },
      {
        key: 'imdsRotationPeriod',
        description: 'uniform(55m..65m)',
        source: '[DOC+OBS] IAM UG | AWS.jl #57',
      },
    ],
    command: `iamsim compare scenarios/demo.yaml --seeds 1..${seeds} --out reports/demo`,
    version: '0.1.0',
    // The hand-checked intervals in the report tests are order statistics (closed form); the
    // cluster bootstrap, the library's default, has tests of its own.
    ci: { method: 'order-statistic' },
    ...overrides,
  };
}
