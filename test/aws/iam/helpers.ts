/**
 * Builders for IAM service tests: `makeIam()` gives a scheduler, both replicated stores and an
 * IamService with sensible defaults (two regions, instant propagation, region-view reads,
 * generous quotas), and small call helpers that turn outcomes into data.
 */
import { expect } from 'vitest';
import { AwsError } from '../../../src/aws/errors.ts';
import { IamService } from '../../../src/aws/iam/iam.ts';
import type { ModelOptions } from '../../../src/aws/iam/types.ts';
import {
  type AuthzState,
  emptyAuthzState,
  emptyIamState,
  type IamState,
} from '../../../src/aws/iam/types.ts';
import { IdFactory } from '../../../src/aws/ids.ts';
import {
  type DistributionSpec,
  makeDistribution,
  RandomStreams,
  Scheduler,
} from '../../../src/engine/index.ts';
import { ReplicatedStore } from '../../../src/replication/store.ts';

export const REGION = 'us-east-1';
export const OTHER_REGION = 'eu-west-1';

/** A trust policy EC2 can use; the tests' default for CreateRole. */
export const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export interface IamWorldOptions {
  readonly regions?: readonly string[];
  /** IAM control plane -> region delay. Default: fixed 0 ms. */
  readonly delay?: DistributionSpec;
  /** Authorization store delay. Default: same as `delay`. */
  readonly authzDelay?: DistributionSpec;
  readonly model?: Partial<ModelOptions>;
  readonly seed?: number;
  /** Control-plane pause windows [fromMs, toMs). */
  readonly pauses?: readonly { readonly fromMs: number; readonly toMs: number }[];
}

/** AWS-shaped JSON read by path in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: responses are AWS-shaped JSON, read by path in tests.
export type Json = any;

export interface IamWorld {
  readonly scheduler: Scheduler;
  readonly iam: ReplicatedStore<IamState>;
  readonly authz: ReplicatedStore<AuthzState>;
  readonly service: IamService;
  readonly regions: readonly string[];
  /** Invokes and returns the response; fails the test with the AWS error if the call fails. */
  call(operation: string, params?: unknown, region?: string): Json;
  /** Invokes a call that must fail; returns the AwsError. */
  fail(operation: string, params?: unknown, region?: string): AwsError;
  /** Runs the scheduler until every committed version has reached every region. */
  settle(): void;
  /** Advances virtual time by `ms`, firing what is due. */
  advance(ms: number): void;
}

export function makeIam(options: IamWorldOptions = {}): IamWorld {
  const regions = options.regions ?? [REGION, OTHER_REGION];
  const scheduler = new Scheduler();
  const streams = new RandomStreams(options.seed ?? 1);
  const delay = makeDistribution(options.delay ?? { kind: 'fixed', valueMs: 0 });
  const authzDelay = makeDistribution(options.authzDelay ?? options.delay ?? { kind: 'fixed', valueMs: 0 });
  const iam = new ReplicatedStore<IamState>({
    name: 'iam',
    initial: emptyIamState,
    regions,
    scheduler,
    delay,
    streamFor: (region) => streams.stream(`iam/${region}`),
  });
  const authz = new ReplicatedStore<AuthzState>({
    name: 'authz',
    initial: emptyAuthzState,
    regions,
    scheduler,
    delay: authzDelay,
    streamFor: (region) => streams.stream(`authz/${region}`),
  });
  const model: ModelOptions = {
    iamReads: 'regionView',
    profileQuota: 1000,
    roleQuota: 1000,
    defaultRegion: regions[0]!,
    ...options.model,
  };
  const pauses = options.pauses ?? [];
  const service = new IamService({
    scheduler,
    iam,
    authz,
    ids: new IdFactory(streams.stream('ids')),
    model,
    isControlPlanePaused: (nowMs) => pauses.some((p) => nowMs >= p.fromMs && nowMs < p.toMs),
  });
  const region0 = regions[0]!;
  const world: IamWorld = {
    scheduler,
    iam,
    authz,
    service,
    regions,
    call(operation, params = {}, region = region0) {
      const outcome = service.tryInvoke(operation, params, region);
      if (!outcome.ok) {
        expect.fail(`${operation} failed: ${outcome.error.code}: ${outcome.error.message}`);
      }
      return outcome.value;
    },
    fail(operation, params = {}, region = region0) {
      try {
        service.invoke(operation, params, region);
      } catch (error) {
        if (error instanceof AwsError) return error;
        throw error;
      }
      return expect.fail(`${operation} succeeded but was expected to fail`);
    },
    settle() {
      const untilMs = Math.max(scheduler.nowMs, iam.convergedByMs, authz.convergedByMs);
      scheduler.run({ untilMs });
    },
    advance(ms) {
      scheduler.run({ untilMs: scheduler.nowMs + ms });
    },
  };
  return world;
}

/** The control-plane profile names, sorted. */
export function profileNames(world: IamWorld): string[] {
  return Object.values(world.iam.control.profiles)
    .map((p) => p.InstanceProfileName)
    .sort();
}

/** Creates a role with the EC2 trust policy. */
export function createRole(world: IamWorld, name: string, extra: Record<string, unknown> = {}): Json {
  return world.call('CreateRole', { RoleName: name, AssumeRolePolicyDocument: TRUST, ...extra });
}

/** Creates a profile, optionally with a role already created and added. */
export function createProfile(world: IamWorld, name: string, roleName?: string): void {
  world.call('CreateInstanceProfile', { InstanceProfileName: name });
  if (roleName !== undefined)
    world.call('AddRoleToInstanceProfile', { InstanceProfileName: name, RoleName: roleName });
}
