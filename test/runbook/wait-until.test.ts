/**
 * A runbook's waitUntil polls through the operator's one polling loop (pollUntil): every
 * `every` until the response matches, and on timeout one runbook failure that names the path.
 */
import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import { makeScenario } from '../helpers/scenario.ts';

const M = 60_000;

function waitUntil(equals: string): Step {
  return {
    kind: 'waitUntil',
    service: 'iam',
    operation: 'GetInstanceProfile',
    params: { InstanceProfileName: 'web' },
    path: 'InstanceProfile.Roles.0.RoleName',
    equals,
    everyMs: 1000,
    timeoutMs: 5000,
    atMs: M,
    source: { path: 'steps.0' },
  };
}

describe('waitUntil', () => {
  it('stops at the first response that matches', () => {
    const result = simulate(makeScenario({ steps: [waitUntil('app-v1')] }), { seed: 1 });
    expect(result.steps.map((s) => s.call)).toEqual(['iam:GetInstanceProfile']);
    expect(result.checks).toEqual([]);
  });

  it('gives up after its timeout with one runbook failure naming the path and the value', () => {
    const result = simulate(makeScenario({ steps: [waitUntil('nope')] }), { seed: 1 });
    const polls = result.steps.filter((s) => s.call === 'iam:GetInstanceProfile');
    expect(polls.length).toBeGreaterThanOrEqual(3);
    const gapsMs = polls.slice(1).map((p, i) => p.atMs - polls[i]!.atMs);
    expect(gapsMs.every((g) => g >= 1000)).toBe(true);
    // A poll every second within a 5-second timeout: at most the first one and five more.
    expect(polls.length).toBeLessThanOrEqual(6);
    expect(result.checks).toEqual([
      {
        name: 'runbook steps.0',
        kind: 'runbook',
        ok: false,
        detail: 'waitUntil timed out after 5s: InstanceProfile.Roles.0.RoleName never equalled "nope"',
      },
    ]);
  });
});
