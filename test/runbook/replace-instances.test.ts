/**
 * replace-instances (blue/green): a replacement launched with the new profile takes each
 * target's slot, the old instance is terminated once the replacement runs, and the slot's
 * metrics follow the replacement (src/slots.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/check-scenario.ts';
import { firstReachedMs } from '../../src/metrics.ts';
import type { RunResult, TimelineSegment } from '../../src/result.ts';
import { replacementName } from '../../src/runbook/replace-instances.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { simulate, type WorldObserver, type WorldView } from '../../src/simulate.ts';
import { mergeLane, slotResult, takeoverMs } from '../../src/world/slots.ts';
import { makeScenario } from '../helpers/scenario.ts';

/** Runs `scenario` and keeps what only the world knows: each replacement's own application lane. */
function runWithLanes(scenario: Scenario, seed: number) {
  let world: WorldView | undefined;
  const own = new Map<string, TimelineSegment[]>();
  const states = new Map<string, string | undefined>();
  const observer: WorldObserver = {
    attach: (w) => {
      world = w;
    },
    finished: () => {
      const w = world!;
      for (const [name, rt] of w.runtimes) own.set(name, rt.appLane.segments(w.scheduler.nowMs, w.offsetMs));
      for (const [name, ref] of w.refs) states.set(name, w.ec2.instance(ref.id)?.state);
    },
  };
  const result = simulate(scenario, { seed, observers: [observer] });
  return { result, own, states };
}

const seg = (fromMs: number, toMs: number, kind: TimelineSegment['kind']): TimelineSegment => ({
  fromMs,
  toMs,
  kind,
});

describe('replace-instances', () => {
  const scenario = makeScenario({
    instances: 4,
    strategy: 'replace-instances',
    sdk: ['botocore', 'js-v3', 'cli'],
  });

  it('launches a replacement with the new profile, waits until it runs, then terminates the old instance', () => {
    const { result, states } = runWithLanes(scenario, 4);
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    for (const inst of result.instances) {
      const mine = result.steps.filter((r) => r.origin.endsWith(`replace-instances ${inst.name})`));
      const calls = mine.map((r) => r.call);
      expect(calls[0]).toBe('ec2:RunInstances');
      expect(calls.at(-1)).toBe('ec2:TerminateInstances');
      expect(mine.every((r) => r.ok)).toBe(true);
      const polls = mine.filter((r) => r.call === 'ec2:DescribeInstances');
      expect(JSON.stringify(polls.at(-1)!.response)).toContain('"Name":"running"');
      expect(JSON.stringify(mine[0]!.response)).toContain('instance-profile/web-v2');
      expect(inst.replacedBy?.name).toBe(replacementName(inst.name));
      expect(states.get(inst.name)).toBe('terminated');
      expect(states.get(replacementName(inst.name))).toBe('running');
    }
  });

  it("counts the replacement's application as the slot's: first new-role credentials, no downtime", () => {
    for (const seed of [1, 2, 3]) {
      const { result, own } = runWithLanes(scenario, seed);
      const t0 = result.changeStartMs!;
      for (const inst of result.instances) {
        const replacement = own.get(replacementName(inst.name))!;
        const firstNewMs = firstReachedMs(replacement, 'new', t0);
        expect(firstNewMs, inst.name).not.toBeNull();
        expect(inst.metrics.appNewRoleMs, `${inst.name} seed ${seed}`).toBe(firstNewMs);
        // The old instance was terminated after its replacement was up, so the slot never went down.
        const terminatedMs = result.steps.find(
          (r) => r.call === 'ec2:TerminateInstances' && r.origin.endsWith(`${inst.name})`),
        )!.atMs;
        expect(takeoverMs(own.get(inst.name)!, replacement)!).toBeLessThan(terminatedMs);
        expect(inst.metrics.downtimeMs, `${inst.name} seed ${seed}`).toBe(0);
        // Old permissions work in the slot until the old instance, which held them, is terminated.
        expect(inst.metrics.oldRoleExposureMs, inst.name).toBe(terminatedMs - t0);
      }
    }
  });

  it('rolls out in batches: the next launch only after the previous slot was handed over', () => {
    const s = makeScenario({ instances: 3, strategy: 'replace-instances' });
    const batched: Scenario = {
      ...s,
      steps: s.steps.map((st) =>
        st.kind === 'strategy' ? { ...st, batch: { count: 1, pauseMs: 60_000 } } : st,
      ),
    };
    const result: RunResult = simulate(batched, { seed: 9 });
    const at = (call: string, name: string) =>
      result.steps.find((r) => r.call === call && r.origin.endsWith(`${name})`))!.atMs;
    expect(at('ec2:RunInstances', 'web-1')).toBeGreaterThanOrEqual(
      at('ec2:TerminateInstances', 'web-0') + 60_000,
    );
    expect(at('ec2:RunInstances', 'web-2')).toBeGreaterThanOrEqual(
      at('ec2:TerminateInstances', 'web-1') + 60_000,
    );
    for (const inst of result.instances) expect(inst.metrics.downtimeMs).toBe(0);
  });

  it('refuses to replace a slot twice in one run, as a failed check rather than a crash', () => {
    const s = makeScenario({ instances: 1, strategy: 'replace-instances' });
    const again = s.steps.map((st) => ({ ...st, atMs: 2 * 3_600_000, source: { path: 'steps.again' } }));
    const result = simulate({ ...s, steps: [...s.steps, ...again] }, { seed: 2 });
    expect(result.checks.filter((c) => !c.ok).map((c) => c.detail)).toEqual([
      'web-0 was already replaced; a slot can be replaced once',
    ]);
    expect(result.instances[0]!.replacedBy?.name).toBe('web-0~new');
  });

  it('passes every invariant of iamsim check (replacements are instances the checkers see)', () => {
    const report = checkScenario(makeScenario({ instances: 2, strategy: 'replace-instances' }), {
      runs: 3,
      seed: 1,
      shrink: false,
    });
    expect(report.failed).toBeUndefined();
    expect(report.unknown).toEqual([]);
  });
});

describe('slot timelines', () => {
  it("take the old instance's segments until the replacement holds credentials, the replacement's after", () => {
    const old = [seg(0, 100, 'old'), seg(100, 130, 'down')];
    const replacement = [seg(50, 80, 'down'), seg(80, 90, 'none'), seg(90, 130, 'new')];
    const at = takeoverMs(old, replacement);
    // While the replacement runs without credentials the old instance still serves: no gap.
    expect(at).toBe(90);
    expect(mergeLane(old, replacement, at)).toEqual([seg(0, 90, 'old'), seg(90, 130, 'new')]);
  });

  it('show a credential gap, not downtime, when the old instance went before the replacement had credentials', () => {
    const old = [seg(0, 100, 'old'), seg(100, 200, 'down')];
    const replacement = [seg(60, 80, 'down'), seg(80, 150, 'none'), seg(150, 200, 'new')];
    expect(mergeLane(old, replacement, takeoverMs(old, replacement))).toEqual([
      seg(0, 100, 'old'),
      seg(100, 150, 'none'),
      seg(150, 200, 'new'),
    ]);
  });

  it('show downtime when the old instance went before the replacement was up', () => {
    const old = [seg(0, 100, 'old'), seg(100, 200, 'down')];
    const replacement = [seg(60, 150, 'down'), seg(150, 200, 'new')];
    expect(mergeLane(old, replacement, takeoverMs(old, replacement))).toEqual([
      seg(0, 100, 'old'),
      seg(100, 150, 'down'),
      seg(150, 200, 'new'),
    ]);
  });

  it("are the old instance's alone when the replacement never came up", () => {
    const old = [seg(0, 200, 'old')];
    const replacement = [seg(60, 200, 'down')];
    expect(takeoverMs(old, replacement)).toBeUndefined();
    expect(mergeLane(old, replacement, undefined)).toEqual(old);
  });

  it("keep the later exposure: the old instance's own, or the merged timeline's (null: still exposed)", () => {
    const base = makeScenario({ instances: 1 });
    const merged = simulate(base, { seed: 1 }).instances[0]!;
    const withExposure = (ms: number | null) => ({
      ...merged,
      metrics: { ...merged.metrics, oldRoleExposureMs: ms },
    });
    const r = { name: 'web-0~new', id: 'i-0123456789abcdef0' };
    const oldApp = [seg(0, 150, 'old'), seg(150, 1000, 'down')];
    expect(slotResult(withExposure(20), r, oldApp, 100, 1000).metrics.oldRoleExposureMs).toBe(50);
    expect(slotResult(withExposure(70), r, oldApp, 100, 1000).metrics.oldRoleExposureMs).toBe(70);
    expect(slotResult(withExposure(null), r, oldApp, 100, 1000).metrics.oldRoleExposureMs).toBeNull();
    expect(
      slotResult(withExposure(20), r, [seg(0, 1000, 'old')], 100, 1000).metrics.oldRoleExposureMs,
    ).toBeNull();
    expect(slotResult(withExposure(20), r, oldApp, 100, 1000).replacedBy).toEqual(r);
  });
});
