/**
 * `run --json`'s document (src/report/run-json.ts) in parts: the same characters as the whole
 * document laid out by JSON.stringify at two spaces, whatever the lists hold, and no part holding
 * more than one step or instance.
 */
import { describe, expect, it } from 'vitest';
import { simulateExplained } from '../../src/check/causes.ts';
import { runJson, runJsonParts } from '../../src/report/run-json.ts';
import type { RunResult } from '../../src/result.ts';
import { makeScenario } from '../helpers/scenario.ts';

const H = 3_600_000;

const result = simulateExplained(
  makeScenario({
    instances: 12,
    regions: ['us-east-1', 'eu-west-1'],
    strategy: 'stop-start',
    horizonMs: 3 * H,
  }),
  { seed: 1 },
);

/** The document as one JSON.stringify lays it out (what runJson printed before it had parts). */
const laidOut = (text: string) => `${JSON.stringify(JSON.parse(text), null, 2)}\n`;

describe('the run document in parts', () => {
  it.each([
    ['a run with steps and instances', result],
    ['no steps', { ...result, steps: [] }],
    ['no instances', { ...result, instances: [] }],
    ['neither', { ...result, steps: [], instances: [] }],
    ['one of each', { ...result, steps: result.steps.slice(0, 1), instances: result.instances.slice(0, 1) }],
  ] as const)('%s: the whole document, character for character', (_, r) => {
    const text = [...runJsonParts(r as RunResult, 'hash', '1.0.0')].join('');
    expect(text).toBe(laidOut(text));
    expect(text).toBe(runJson(r as RunResult, 'hash', '1.0.0'));
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual([
      'scenario',
      'seed',
      'scenarioHash',
      'version',
      'changeStartMs',
      'judgedBy',
      'fleet',
      'eventsProcessed',
      'steps',
      'instances',
      'checks',
    ]);
    expect((doc.instances as unknown[]).length).toBe(r.instances.length);
  });

  it('keeps each step and each instance in a part of its own (a fleet-sized document is never one string)', () => {
    const parts = [...runJsonParts(result, 'hash', '1.0.0')];
    expect(result.steps.length).toBeGreaterThan(12);
    // The frame in three pieces, a part per step and per instance, and the lists' closings.
    expect(parts.length).toBe(3 + result.steps.length + result.instances.length + 2);
    const longest = Math.max(...parts.map((p) => p.length));
    const perInstance = parts.join('').length / result.instances.length;
    expect(longest).toBeLessThan(perInstance * 2);
  });
});
