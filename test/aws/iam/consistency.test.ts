/**
 * Eventual consistency: writes are strongly consistent at the control plane, reads from a region
 * view lag behind it (README.md, "Sources"), and every region converges once writes stop.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowPolicyDocument } from '../../../src/aws/iam/policy.ts';
import type { DistributionSpec, Scheduler } from '../../../src/engine/index.ts';
import type { ReplicatedStore } from '../../../src/replication/store.ts';
import { propertyOptions } from '../../helpers/fc.ts';
import { makeIam, OTHER_REGION, REGION, TRUST } from './helpers.ts';

const FIVE_SECONDS: DistributionSpec = { kind: 'fixed', valueMs: 5_000 };

describe('reads from a lagging region view', () => {
  it('GetInstanceProfile right after Create is NoSuchEntity, and succeeds once the change arrived', () => {
    const w = makeIam({ delay: FIVE_SECONDS });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'fresh' });
    expect(w.fail('GetInstanceProfile', { InstanceProfileName: 'fresh' }).code).toBe('NoSuchEntity');
    w.advance(4_999);
    expect(w.fail('GetInstanceProfile', { InstanceProfileName: 'fresh' }, OTHER_REGION).code).toBe(
      'NoSuchEntity',
    );
    w.advance(1);
    expect(
      w.call('GetInstanceProfile', { InstanceProfileName: 'fresh' }).InstanceProfile.InstanceProfileName,
    ).toBe('fresh');
  });

  it('polls like the InstanceProfileExists waiter (1 s apart) until a lognormal delay has passed', () => {
    const w = makeIam({ delay: { kind: 'lognormal', medianMs: 6_000, p99Ms: 60_000, maxMs: 120_000 } });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'fresh' });
    let attempts = 1;
    while (!w.service.tryInvoke('GetInstanceProfile', { InstanceProfileName: 'fresh' }, REGION).ok) {
      w.advance(1_000);
      attempts++;
      expect(attempts).toBeLessThanOrEqual(121);
    }
    expect(w.iam.view(REGION)!.appliedAtMs).toBeLessThanOrEqual(w.scheduler.nowMs);
  });

  it('serves stale data after a delete until the delete arrives', () => {
    const w = makeIam({ delay: FIVE_SECONDS });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p' });
    w.settle();
    w.call('DeleteInstanceProfile', { InstanceProfileName: 'p' });
    expect(
      w.call('GetInstanceProfile', { InstanceProfileName: 'p' }).InstanceProfile.InstanceProfileName,
    ).toBe('p');
    w.advance(5_000);
    expect(w.fail('GetInstanceProfile', { InstanceProfileName: 'p' }).code).toBe('NoSuchEntity');
  });

  it('answers from the control plane in readYourWrites mode', () => {
    const w = makeIam({ delay: FIVE_SECONDS, model: { iamReads: 'readYourWrites' } });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'fresh' });
    expect(w.call('GetInstanceProfile', { InstanceProfileName: 'fresh' }).InstanceProfile).toBeDefined();
  });
});

describe('writes validate against the control plane', () => {
  it('sees its own writes immediately, whatever the regions show', () => {
    const w = makeIam({ delay: FIVE_SECONDS });
    w.call('CreateInstanceProfile', { InstanceProfileName: 'p' });
    expect(w.fail('CreateInstanceProfile', { InstanceProfileName: 'P' }).code).toBe('EntityAlreadyExists');
    w.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST });
    w.call('AddRoleToInstanceProfile', { InstanceProfileName: 'p', RoleName: 'r' });
    expect(w.fail('DeleteRole', { RoleName: 'r' }).code).toBe('DeleteConflict');
    expect(w.fail('ListInstanceProfilesForRole', { RoleName: 'r' }).code).toBe('NoSuchEntity');
  });
});

type Write = {
  readonly waitMs: number;
  readonly operation: string;
  readonly params: Record<string, unknown>;
};

const name = fc.constantFrom('a', 'b', 'c', 'A');
const operationArb: fc.Arbitrary<Omit<Write, 'waitMs'>> = fc.oneof(
  name.map((n) => ({ operation: 'CreateInstanceProfile', params: { InstanceProfileName: n } })),
  name.map((n) => ({ operation: 'DeleteInstanceProfile', params: { InstanceProfileName: n } })),
  name.map((n) => ({ operation: 'CreateRole', params: { RoleName: n, AssumeRolePolicyDocument: TRUST } })),
  name.map((n) => ({ operation: 'DeleteRole', params: { RoleName: n } })),
  fc.tuple(name, name).map(([p, r]) => ({
    operation: 'AddRoleToInstanceProfile',
    params: { InstanceProfileName: p, RoleName: r },
  })),
  fc.tuple(name, name).map(([p, r]) => ({
    operation: 'RemoveRoleFromInstanceProfile',
    params: { InstanceProfileName: p, RoleName: r },
  })),
  fc.tuple(name, fc.constantFrom('x', 'y')).map(([r, p]) => ({
    operation: 'PutRolePolicy',
    params: { RoleName: r, PolicyName: p, PolicyDocument: allowPolicyDocument([`s3:${p}*`]) },
  })),
  fc
    .tuple(name, fc.constantFrom('x', 'y'))
    .map(([r, p]) => ({ operation: 'DeleteRolePolicy', params: { RoleName: r, PolicyName: p } })),
);
const writeArb: fc.Arbitrary<Write> = fc
  .tuple(fc.integer({ min: 0, max: 20_000 }), operationArb)
  .map(([waitMs, op]) => ({ waitMs, ...op }));

/** Records, per region, the versions a store applies and when. */
function watch<S>(store: ReplicatedStore<S>, scheduler: Scheduler) {
  const versions = new Map<string, number[]>();
  const timesMs = new Map<string, number[]>();
  store.onApply((region, version) => {
    versions.set(region, [...(versions.get(region) ?? []), version]);
    timesMs.set(region, [...(timesMs.get(region) ?? []), scheduler.nowMs]);
  });
  return { versions, timesMs };
}

function expectConverged<S>(store: ReplicatedStore<S>, watched: ReturnType<typeof watch<S>>): void {
  for (const region of store.regions) {
    const view = store.view(region)!;
    expect(view.version, `${store.name}/${region}`).toBe(store.version);
    expect(view.state, `${store.name}/${region}`).toBe(store.control);
  }
  for (const [region, versions] of watched.versions) {
    // Commit order: 1, 2, 3, ... with no gaps or repeats, at nondecreasing times.
    expect(versions, `${store.name}/${region}`).toEqual(versions.map((_, i) => i + 1));
    const times = watched.timesMs.get(region)!;
    expect(times, `${store.name}/${region}`).toEqual([...times].sort((a, b) => a - b));
  }
}

describe('property: convergence under a lognormal delay', () => {
  it('regions apply versions in commit order, never go back, and equal the control plane once writes stop', () => {
    fc.assert(
      fc.property(
        fc.array(writeArb, { maxLength: 30 }),
        fc.integer({ min: 1, max: 1_000 }),
        (writes, seed) => {
          const w = makeIam({
            regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
            delay: { kind: 'lognormal', medianMs: 6_000, p99Ms: 60_000, maxMs: 120_000 },
            authzDelay: { kind: 'lognormal', medianMs: 4_000, p99Ms: 120_000, maxMs: 300_000 },
            seed,
          });
          const iamApplied = watch(w.iam, w.scheduler);
          const authzApplied = watch(w.authz, w.scheduler);
          for (const write of writes) {
            w.advance(write.waitMs);
            w.service.tryInvoke(write.operation, write.params, w.regions[0]!);
          }
          // Writes stopped: after the largest possible delay every region must equal the control plane.
          w.advance(300_000);
          expectConverged(w.iam, iamApplied);
          expectConverged(w.authz, authzApplied);
        },
      ),
      propertyOptions(100),
    );
  });
});
