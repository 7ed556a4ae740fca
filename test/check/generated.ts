/**
 * Generated runs for the checker properties: small worlds, a change (a built-in strategy, or a
 * runbook written as plain calls that associates a freshly created profile too early and then
 * waits for it), and faults that all heal by 3h30m of a 9-hour horizon, so every run lasts past
 * the last change plus the default liveness bound (about 1h26m) and liveness is always judged.
 */
import fc from 'fast-check';
import type { FaultSpec, Scenario, SdkPresetName, Step } from '../../src/scenario/types.ts';
import { strategyNames } from '../../src/scenario/types.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;
const H = 60 * M;
const sdks: readonly SdkPresetName[] = ['botocore', 'js-v3', 'java-v1', 'java-v2', 'go-v2', 'dotnet', 'cli'];

/** The change a generated run makes: a strategy step, or the fresh-profile runbook. */
export type GeneratedChange =
  | {
      readonly kind: 'strategy';
      readonly strategy: (typeof strategyNames)[number];
      readonly to: { role: string } | { instanceProfile: string };
    }
  | { readonly kind: 'fresh-profile' }
  | { readonly kind: 'none' };

export interface CheckRun {
  readonly instances: number;
  readonly regions: readonly string[];
  readonly sdk: readonly SdkPresetName[];
  readonly change: GeneratedChange;
  readonly changeAtMs: number;
  readonly faults: readonly FaultSpec[];
  readonly seed: number;
}

/** Readable in a shrunk counterexample: what was built, in one line. */
export function describeRun(r: CheckRun): string {
  const change =
    r.change.kind === 'strategy'
      ? `${r.change.strategy} to ${JSON.stringify(r.change.to)}`
      : r.change.kind === 'fresh-profile'
        ? 'fresh-profile runbook'
        : 'no change';
  const faults = r.faults.map((f) => `${f.kind} ${f.fromMs / M}m-${f.toMs / M}m`).join(', ');
  return `${r.instances} instance(s) in ${r.regions.join('+')}, sdk ${r.sdk.join('/')}, ${change} at ${r.changeAtMs / M}m, faults [${faults}], seed ${r.seed}`;
}

export function arbitraryCheckRun(): fc.Arbitrary<CheckRun> {
  const window = (fromMax: number, lengthMax: number) =>
    fc
      .record({ from: fc.integer({ min: 0, max: fromMax }), length: fc.integer({ min: 1, max: lengthMax }) })
      .map((w) => ({ fromMs: w.from * M, toMs: (w.from + w.length) * M }));
  return fc
    .record({
      instances: fc.integer({ min: 1, max: 4 }),
      regions: fc.constantFrom(['us-east-1'], ['us-east-1', 'eu-west-1']),
      sdk: fc.array(fc.constantFrom(...sdks), { minLength: 1, maxLength: 4 }),
      change: fc.oneof(
        fc.record({
          kind: fc.constant('strategy' as const),
          strategy: fc.constantFrom(...strategyNames),
          to: fc.constantFrom({ role: 'app-v2' }, { instanceProfile: 'web-v2' }),
        }),
        fc.constant({ kind: 'fresh-profile' as const }),
        fc.constant({ kind: 'none' as const }),
      ),
      changeAtMs: fc.integer({ min: 5, max: 120 }).map((m) => m * M),
      outage: fc.option(window(150, 40), { nil: undefined }),
      partition: fc.option(window(150, 60), { nil: undefined }),
      pause: fc.option(window(150, 20), { nil: undefined }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .map((g) => {
      const faults: FaultSpec[] = [];
      if (g.outage !== undefined) faults.push({ kind: 'imdsOutage', instances: ['web-0'], ...g.outage });
      if (g.partition !== undefined)
        faults.push({ kind: 'partition', region: g.regions[g.regions.length - 1]!, ...g.partition });
      if (g.pause !== undefined) faults.push({ kind: 'controlPlanePause', ...g.pause });
      return {
        instances: g.instances,
        regions: g.regions,
        sdk: g.sdk,
        change: g.change,
        changeAtMs: g.changeAtMs,
        faults,
        seed: g.seed,
      };
    });
}

/** The scenario of a generated run. */
export function checkScenarioOf(r: CheckRun): Scenario {
  const base = {
    instances: r.instances,
    regions: r.regions,
    sdk: r.sdk,
    horizonMs: 9 * H,
    faults: r.faults,
  };
  if (r.change.kind === 'strategy')
    return makeScenario({ ...base, strategy: r.change.strategy, to: r.change.to, changeAtMs: r.changeAtMs });
  if (r.change.kind === 'none') return makeScenario(base);
  const scenario = makeScenario(base);
  return {
    ...scenario,
    steps: freshProfileRunbook(scenario, r.changeAtMs),
    change: { to: { role: 'app-v2' } },
  };
}

/**
 * A runbook that creates a profile for app-v2 and replaces every association with it at once
 * (EC2 usually cannot see the profile yet: InvalidParameterValue), then polls each region's IAM
 * view until the profile shows its role (NoSuchEntity first, then ok) and replaces again.
 */
function freshProfileRunbook(scenario: Scenario, atMs: number): Step[] {
  let n = 0;
  const source = () => ({ path: `steps.${n++}` });
  const byRegion = scenario.regions
    .map((region) => ({
      region,
      names: scenario.instances.filter((i) => i.region === region).map((i) => i.name),
    }))
    .filter((g) => g.names.length > 0);
  const replaceAll = (): Step[] =>
    byRegion.map(({ region, names }) => ({
      kind: 'forEach',
      targets: { fleets: [], instances: names },
      source: source(),
      steps: [
        {
          kind: 'call',
          service: 'ec2',
          operation: 'ReplaceIamInstanceProfileAssociation',
          params: { AssociationId: '${inst.associationId}', IamInstanceProfile: { Name: 'fresh' } },
          region,
          save: {},
          source: source(),
        },
      ],
    }));
  return [
    {
      kind: 'call',
      service: 'iam',
      operation: 'CreateInstanceProfile',
      params: { InstanceProfileName: 'fresh' },
      save: {},
      atMs,
      source: source(),
    },
    {
      kind: 'call',
      service: 'iam',
      operation: 'AddRoleToInstanceProfile',
      params: { InstanceProfileName: 'fresh', RoleName: 'app-v2' },
      save: {},
      source: source(),
    },
    ...replaceAll(),
    ...byRegion.map(
      ({ region }): Step => ({
        kind: 'waitUntil',
        service: 'iam',
        operation: 'GetInstanceProfile',
        params: { InstanceProfileName: 'fresh' },
        region,
        path: 'InstanceProfile.Roles.0.RoleName',
        equals: 'app-v2',
        everyMs: 2000,
        timeoutMs: 5 * M,
        source: source(),
      }),
    ),
    ...replaceAll(),
  ];
}
