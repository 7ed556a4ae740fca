/**
 * Rolling per-instance work out in batches: at most a batch's worth of instances changing at
 * once, the next batch only after the previous one finished (as its strategy defines finished)
 * plus the pause, and forEach loops whose instances run in parallel within a batch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunResult, StepRecord } from '../../src/result.ts';
import { batchesOf, batchSize } from '../../src/runbook/batches.ts';
import type { BatchSpec, Scenario, Step } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { makeScenario, type ScenarioBuild } from '../helpers/scenario.ts';

const M = 60_000;

/** A scenario whose strategy step (if any) rolls out in `batch`. */
function batched(build: ScenarioBuild, batch: BatchSpec | undefined): Scenario {
  const s = makeScenario(build);
  const withBatch = (st: Step): Step =>
    st.kind === 'strategy' && batch !== undefined ? { ...st, batch } : st;
  return { ...s, steps: s.steps.map(withBatch) };
}

/** The most instances whose application is `down` at one instant at or after the change started. */
function maxDownAtOnce(result: RunResult): number {
  const t0 = result.changeStartMs ?? 0;
  const edges: [number, number][] = [];
  for (const inst of result.instances) {
    for (const s of inst.appTimeline) {
      if (s.kind !== 'down' || s.toMs <= t0) continue;
      edges.push([Math.max(s.fromMs, t0), 1], [s.toMs, -1]);
    }
  }
  // Segments are [from, to): one ending at t and one starting at t do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) {
    now += d;
    max = Math.max(max, now);
  }
  return max;
}

/** The instance a strategy call was made for (`compare (stop-start web-3)` → web-3). */
function instanceOf(r: StepRecord): string | undefined {
  return /\S+ (web-\d+)\)$/.exec(r.origin)?.[1];
}

describe('batch sizes', () => {
  it('takes the count, or the percentage of the targets rounded up, at least one', () => {
    expect(batchSize({ count: 5, pauseMs: 0 }, 40)).toBe(5);
    expect(batchSize({ percent: 25, pauseMs: 0 }, 40)).toBe(10);
    expect(batchSize({ percent: 25, pauseMs: 0 }, 7)).toBe(2);
    expect(batchSize({ percent: 1, pauseMs: 0 }, 3)).toBe(1);
    expect(batchSize({ percent: 100, pauseMs: 0 }, 3)).toBe(3);
  });

  it('cuts the targets into consecutive batches in order; no batch is one batch of all', () => {
    expect(batchesOf([1, 2, 3, 4, 5], { count: 2, pauseMs: 0 })).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchesOf([1, 2, 3], undefined)).toEqual([[1, 2, 3]]);
  });
});

describe('stop-start in batches (acceptance)', () => {
  const build: ScenarioBuild = { instances: 40, strategy: 'stop-start', sdk: ['botocore', 'cli'] };

  it('batches of 25% on 40 instances never have more than 10 down at once; all at once has all 40 down', () => {
    for (const seed of [1, 2]) {
      const rolling = simulate(batched(build, { percent: 25, pauseMs: 0 }), { seed });
      const allAtOnce = simulate(batched(build, undefined), { seed });
      expect(rolling.checks.filter((c) => !c.ok)).toEqual([]);
      expect(maxDownAtOnce(rolling), `seed ${seed}`).toBeLessThanOrEqual(10);
      expect(maxDownAtOnce(rolling), `seed ${seed}`).toBeGreaterThanOrEqual(9);
      expect(maxDownAtOnce(allAtOnce), `seed ${seed}`).toBe(40);
      // Every instance still moved: each restarted with the new role.
      for (const inst of rolling.instances) expect(inst.metrics.appNewRoleMs, inst.name).not.toBeNull();
    }
  });

  it('never has more instances down than a batch holds, whatever the fleet and batch size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.oneof(
          fc.integer({ min: 1, max: 4 }).map((count): BatchSpec => ({ count, pauseMs: 0 })),
          fc.integer({ min: 1, max: 100 }).map((percent): BatchSpec => ({ percent, pauseMs: 0 })),
        ),
        fc.integer({ min: 0, max: 1000 }),
        (instances, batch, seed) => {
          const result = simulate(batched({ ...build, instances, horizonMs: 3 * 3_600_000 }, batch), {
            seed,
            timelines: true,
          });
          expect(maxDownAtOnce(result)).toBeLessThanOrEqual(batchSize(batch, instances));
          for (const inst of result.instances) expect(inst.metrics.appNewRoleMs, inst.name).not.toBeNull();
        },
      ),
      propertyOptions(15),
    );
  });

  it('starts the next batch only after the previous one runs again, plus the pause', () => {
    const result = simulate(batched({ instances: 4, strategy: 'stop-start' }, { count: 2, pauseMs: 3 * M }), {
      seed: 5,
    });
    const byInstance = (name: string) => result.steps.filter((r) => instanceOf(r) === name);
    const finishedMs = (name: string) =>
      byInstance(name)
        .filter(
          (r) =>
            r.call === 'ec2:DescribeInstances' && JSON.stringify(r.response).includes('"Name":"running"'),
        )
        .at(-1)!.atMs;
    const firstMs = (name: string) => byInstance(name)[0]!.atMs;
    const batchOneDoneMs = Math.max(finishedMs('web-0'), finishedMs('web-1'));
    expect(firstMs('web-2')).toBeGreaterThanOrEqual(batchOneDoneMs + 3 * M);
    expect(firstMs('web-3')).toBeGreaterThanOrEqual(batchOneDoneMs + 3 * M);
    // Within a batch the instances start together (the same call time, give or take API latency).
    expect(Math.abs(firstMs('web-2') - firstMs('web-3'))).toBeLessThan(30_000);
  });
});

describe('association strategies in batches', () => {
  for (const strategy of ['replace-profile', 'disassociate-associate'] as const) {
    it(`${strategy}: the next batch starts only once the previous batch's associations are associated`, () => {
      const result = simulate(batched({ instances: 3, strategy }, { count: 1, pauseMs: 0 }), { seed: 11 });
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
      for (const [prev, next] of [
        ['web-0', 'web-1'],
        ['web-1', 'web-2'],
      ] as const) {
        const nextStartMs = result.steps.find((r) => instanceOf(r) === next)!.atMs;
        const settled = result.steps.find(
          (r) =>
            instanceOf(r) === prev &&
            r.call === 'ec2:DescribeIamInstanceProfileAssociations' &&
            JSON.stringify(r.response).includes('"State":"associated"') &&
            JSON.stringify(r.response).includes('instance-profile/web-v2'),
        );
        expect(settled, `${prev} settled`).toBeDefined();
        expect(nextStartMs).toBeGreaterThan(settled!.atMs);
      }
      // The last batch is not waited on: no poll after its change.
      const last = result.steps.filter((r) => instanceOf(r) === 'web-2').at(-1)!;
      expect(last.call).toMatch(/Replace|Associate/);
    });
  }
});

describe('forEach in batches', () => {
  /** Each instance: describe its association, save its id, replace it (a runbook pasted per instance). */
  const loop = (batch: BatchSpec | undefined): Step => ({
    kind: 'forEach',
    targets: { fleets: ['web'], instances: [] },
    atMs: 30 * M,
    source: { path: 'steps.0' },
    ...(batch === undefined ? {} : { batch }),
    steps: [
      {
        kind: 'call',
        service: 'ec2',
        operation: 'DescribeIamInstanceProfileAssociations',
        params: { Filters: [{ Name: 'instance-id', Values: ['${inst.id}'] }] },
        save: { associationId: 'IamInstanceProfileAssociations.0.AssociationId' },
        source: { path: 'steps.0.steps.0' },
      },
      { kind: 'wait', durationMs: 5000, source: { path: 'steps.0.steps.1' } },
      {
        kind: 'call',
        service: 'ec2',
        operation: 'ReplaceIamInstanceProfileAssociation',
        params: { AssociationId: '${associationId}', IamInstanceProfile: { Name: 'web-v2' } },
        save: {},
        expect: 'ok',
        source: { path: 'steps.0.steps.2' },
      },
    ],
  });
  const scenario = (batch: BatchSpec | undefined): Scenario => {
    // The helper's world already has profile web-v2 holding app-v2.
    return {
      ...makeScenario({ instances: 5, steps: [loop(batch)] }),
      change: { to: { instanceProfile: 'web-v2' } },
    };
  };
  const replaces = (r: RunResult) =>
    r.steps.filter((s) => s.call === 'ec2:ReplaceIamInstanceProfileAssociation');

  it('runs a batch in parallel, each instance with its own saved values, batches one after the other', () => {
    const result = simulate(scenario({ count: 2, pauseMs: 60_000 }), { seed: 3 });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    const done = replaces(result);
    expect(done.map((r) => r.ok)).toEqual([true, true, true, true, true]);
    const describes = result.steps.filter((s) => s.call === 'ec2:DescribeIamInstanceProfileAssociations');
    // Both describes of a batch come before either replace of it: the instances ran side by side.
    expect(describes[1]!.atMs).toBeLessThan(Math.min(done[0]!.atMs, done[1]!.atMs));
    // The next batch begins a pause after the previous one's last replace.
    expect(describes[2]!.atMs).toBeGreaterThanOrEqual(Math.max(done[0]!.atMs, done[1]!.atMs) + 60_000);
    for (const inst of result.instances) expect(inst.metrics.imdsNewRoleMs, inst.name).not.toBeNull();
  });

  it('without batch runs one instance after the other', () => {
    const result = simulate(scenario(undefined), { seed: 3 });
    const calls = result.steps.map((s) => s.call.split(':')[1]);
    expect(calls).toEqual(
      Array.from({ length: 5 }, () => [
        'DescribeIamInstanceProfileAssociations',
        'ReplaceIamInstanceProfileAssociation',
      ]).flat(),
    );
    expect(replaces(result).every((r) => r.ok)).toBe(true);
  });
});

describe('incident responses in batches', () => {
  it('revoke-then-stop-start and scp-then-stop-start restart at most a batch at a time', () => {
    for (const strategy of ['revoke-then-stop-start', 'scp-then-stop-start'] as const) {
      const build: ScenarioBuild = { instances: 8, strategy, sdk: ['botocore', 'cli'] };
      const all = simulate(batched(build, undefined), { seed: 3 });
      const rolled = simulate(batched(build, { percent: 25, pauseMs: 0 }), { seed: 3 });
      expect(maxDownAtOnce(all), strategy).toBe(8);
      expect(maxDownAtOnce(rolled), strategy).toBeLessThanOrEqual(2);
      expect(maxDownAtOnce(rolled), strategy).toBeGreaterThanOrEqual(1);
    }
  });

  it('disassociate in batches of 2 makes the calls two instances at a time', () => {
    const build: ScenarioBuild = { instances: 6, strategy: 'disassociate', sdk: 'cli' };
    const r = simulate(batched(build, { count: 2, pauseMs: 10 * M }), { seed: 5 });
    const calls = r.steps.filter((s) => s.call === 'ec2:DisassociateIamInstanceProfile');
    // Within a batch the calls race (each has its own API latency); the batches come in order.
    const names = calls.map(instanceOf);
    expect([names.slice(0, 2), names.slice(2, 4), names.slice(4)].map((b) => [...b].sort())).toEqual([
      ['web-0', 'web-1'],
      ['web-2', 'web-3'],
      ['web-4', 'web-5'],
    ]);
    // The pause of 10 minutes separates the batches: web-2 waits for web-0..1 plus the pause.
    expect(calls[2]!.atMs - calls[1]!.atMs).toBeGreaterThanOrEqual(10 * M);
    expect(calls[1]!.atMs - calls[0]!.atMs).toBeLessThan(10 * M);
  });
});
