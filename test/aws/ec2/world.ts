/**
 * A small EC2 world for tests: a scheduler, an IAM store built directly from IamState objects (so
 * these tests do not depend on the IAM service), and an Ec2Service with fixed delays by default.
 */
import { castDraft } from 'immer';
import { Ec2Service } from '../../../src/aws/ec2/ec2.ts';
import type { Ec2Delays, Ec2Event } from '../../../src/aws/ec2/types.ts';
import { AwsError } from '../../../src/aws/errors.ts';
import { ACCOUNT_ID, type IamState, type InstanceProfile, type Role } from '../../../src/aws/iam/types.ts';
import { IdFactory } from '../../../src/aws/ids.ts';
import {
  type DistributionSpec,
  makeDistribution,
  RandomStreams,
  Scheduler,
} from '../../../src/engine/index.ts';
import { ReplicatedStore } from '../../../src/replication/store.ts';

export const REGION = 'eu-west-1';
export const OTHER_REGION = 'us-east-1';

/** Delays used unless a test overrides them, ms. Distinct values make the timeline readable. */
export const defaultDelaysMs = {
  associationSettle: 2_000,
  disassociationSettle: 3_000,
  instanceStop: 40_000,
  instanceStart: 30_000,
  instanceReboot: 20_000,
} as const;

export type DelayName = keyof typeof defaultDelaysMs;

export function role(name: string): Role {
  return {
    RoleName: name,
    RoleId: `AROA${name.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
    Arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}`,
    Path: '/',
    CreateDateMs: 0,
    AssumeRolePolicyDocument: '{}',
    MaxSessionDuration: 3600,
    Tags: [],
    policies: {},
  };
}

export function profile(name: string, roleName?: string, path = '/'): InstanceProfile {
  const base = {
    InstanceProfileName: name,
    InstanceProfileId: `AIPA${name.toUpperCase().padEnd(17, 'Z').slice(0, 17)}`,
    Arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile${path}${name}`,
    Path: path,
    CreateDateMs: 0,
    Tags: [],
  };
  return roleName === undefined ? base : { ...base, roleKey: roleName.toLowerCase() };
}

/** An IamState with `profiles` (name -> role name or null for a role-less profile). */
export function iamState(profiles: Readonly<Record<string, string | null>>): IamState {
  const roles: Record<string, Role> = {};
  const out: Record<string, InstanceProfile> = {};
  for (const [name, roleName] of Object.entries(profiles)) {
    if (roleName !== null) roles[roleName.toLowerCase()] = role(roleName);
    out[name.toLowerCase()] = profile(name, roleName ?? undefined);
  }
  return { roles, profiles: out };
}

export interface WorldOptions {
  readonly profiles?: Readonly<Record<string, string | null>>;
  /** IAM control plane -> region delay, ms. */
  readonly iamDelayMs?: number;
  readonly delaysMs?: Partial<Record<DelayName, number>>;
  /** Whole distributions, overriding delaysMs. */
  readonly delaySpecs?: Partial<Record<DelayName, DistributionSpec>>;
  readonly seed?: number;
  readonly runInstancesCountMax?: number;
}

export function makeWorld(options: WorldOptions = {}) {
  const scheduler = new Scheduler();
  const streams = new RandomStreams(options.seed ?? 7);
  const regions = [REGION, OTHER_REGION];
  const iam = new ReplicatedStore<IamState>({
    name: 'iam',
    initial: iamState(options.profiles ?? { web: 'WebRole', other: 'OtherRole', empty: null }),
    regions,
    scheduler,
    delay: makeDistribution({ kind: 'fixed', valueMs: options.iamDelayMs ?? 5_000 }),
    streamFor: (r) => streams.stream(`iam/${r}`),
  });
  const ids = new IdFactory(streams.stream('ids'));
  const delay = (name: DelayName) =>
    makeDistribution(
      options.delaySpecs?.[name] ?? {
        kind: 'fixed',
        valueMs: options.delaysMs?.[name] ?? defaultDelaysMs[name],
      },
    );
  const delays: Ec2Delays = {
    associationSettle: delay('associationSettle'),
    disassociationSettle: delay('disassociationSettle'),
    instanceStop: delay('instanceStop'),
    instanceStart: delay('instanceStart'),
    instanceReboot: delay('instanceReboot'),
  };
  const ec2 = new Ec2Service({
    scheduler,
    iam,
    ids,
    regions,
    delays,
    streamFor: (name) => streams.stream(name),
    ...(options.runInstancesCountMax === undefined
      ? {}
      : { runInstancesCountMax: options.runInstancesCountMax }),
  });
  const events: Ec2Event[] = [];
  ec2.onEvent((e) => events.push(e));

  /** Calls in REGION unless told otherwise; the response typed loosely for assertions. */
  // biome-ignore lint/suspicious/noExplicitAny: responses are AWS-shaped JSON, read by path in tests.
  const call = (op: string, params: unknown, region = REGION): any => ec2.invoke(op, params, region);

  /** The AwsError a call throws (fails the test if it succeeds or throws anything else). */
  const fail = (op: string, params: unknown, region = REGION): AwsError => {
    try {
      ec2.invoke(op, params, region);
    } catch (e) {
      if (e instanceof AwsError) return e;
      throw new Error(`${op} threw a non-AWS error: ${String(e)}`);
    }
    throw new Error(`${op} succeeded but was expected to fail`);
  };

  /** Advances virtual time by `ms`, firing everything due. */
  const advance = (ms: number) => scheduler.run({ untilMs: scheduler.nowMs + ms, eventsMax: 100_000 });

  /** A running instance with no profile (seeded, so no delay and no event). */
  const running = (name = 'app', region = REGION) => ec2.seedInstance({ name, region, state: 'running' });

  const associations = (params: unknown = {}, region = REGION) =>
    call('DescribeIamInstanceProfileAssociations', params, region).IamInstanceProfileAssociations as {
      AssociationId: string;
      InstanceId: string;
      State: string;
      IamInstanceProfile: { Arn: string; Id: string };
    }[];

  /** Commits `p` at the IAM control plane (regions see it after the IAM delay). */
  const putProfile = (p: InstanceProfile) =>
    iam.commit((d) => {
      d.profiles[p.InstanceProfileName.toLowerCase()] = castDraft(p);
    });

  return {
    scheduler,
    streams,
    iam,
    ids,
    ec2,
    events,
    call,
    fail,
    advance,
    running,
    associations,
    putProfile,
  };
}

export type World = ReturnType<typeof makeWorld>;
