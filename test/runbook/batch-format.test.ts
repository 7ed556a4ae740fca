/**
 * `batch:` in scenario files: what it normalises to, what is refused (every problem at once), the
 * labels of compare entries, and the round trip through YAML.
 */
import { describe, expect, it } from 'vitest';
import { hashScenario } from '../../src/scenario/hash.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { scenarioToYaml } from '../../src/scenario/to-yaml.ts';
import { loadOk, loadProblems, makeRaw } from '../scenario/builders.ts';

const step = (extra: Record<string, unknown>) => ({
  strategy: 'stop-start',
  targets: { fleet: 'web' },
  to: { role: 'app-v2' },
  ...extra,
});
const compare = (strategies: unknown[]) => ({
  compare: { targets: { fleet: 'web' }, to: { role: 'app-v2' }, at: '30m', strategies },
});

describe('batch', () => {
  it('normalises a count, a percentage and a pause; absent means no batch', () => {
    const { scenario } = loadOk(
      makeRaw({
        steps: [
          step({ batch: { size: 5 } }),
          step({ batch: { size: '25%', pause: '2m' } }),
          step({}),
          { forEach: { fleet: 'web' }, batch: { size: '12.5%' }, steps: [{ wait: '1s' }] },
        ],
      }),
    );
    expect(scenario.steps.map((s) => ('batch' in s ? s.batch : 'none'))).toEqual([
      { count: 5, pauseMs: 0 },
      { percent: 25, pauseMs: 120_000 },
      'none',
      { percent: 12.5, pauseMs: 0 },
    ]);
  });

  it('refuses sizes below one, percentages outside (0, 100] and batches of whole-profile strategies, all at once', () => {
    const problems = loadProblems(
      makeRaw({
        steps: [
          step({ batch: { size: 0 } }),
          step({ batch: { size: '150%' } }),
          step({ batch: { size: '0%' } }),
          step({ batch: { size: 'half' } }),
          step({ batch: { size: 2.5 } }),
          step({ strategy: 'swap-role-in-profile', batch: { size: 1 } }),
          step({ batch: { size: 1, pause: '-1s' } }),
        ],
      }),
    );
    expect(problems).toEqual([
      'steps.0.batch.size: a batch size is at least 1 instance',
      'steps.1.batch.size: a batch percentage must be more than 0% and at most 100%, got 150%',
      'steps.2.batch.size: a batch percentage must be more than 0% and at most 100%, got 0%',
      'steps.3.batch.size: "half" is not a batch size: write a count such as 5 or a percentage such as "25%"',
      'steps.4.batch.size: a batch size is a whole number of instances or a percentage such as "25%"',
      expect.stringMatching(
        /^steps\.5\.batch: swap-role-in-profile does not work instance by instance, so it cannot be rolled out in batches/,
      ),
      expect.stringMatching(/^steps\.6\.batch\.pause: negative duration/),
    ]);
  });

  it('labels compare entries: a plain name, a derived label, a given one', () => {
    const { scenario } = loadOk(
      makeRaw(
        compare([
          'stop-start',
          { strategy: 'stop-start', batch: { size: '25%' } },
          { strategy: 'stop-start', batch: { size: 2, pause: '1m30s' } },
          { strategy: 'replace-instances', batch: { size: 1 }, label: 'blue-green one by one' },
        ]),
      ),
    );
    expect(scenario.compare?.strategies).toEqual([
      { label: 'stop-start', strategy: 'stop-start' },
      { label: 'stop-start (batches of 25%)', strategy: 'stop-start', batch: { percent: 25, pauseMs: 0 } },
      {
        label: 'stop-start (batches of 2, pause 1m30s)',
        strategy: 'stop-start',
        batch: { count: 2, pauseMs: 90_000 },
      },
      { label: 'blue-green one by one', strategy: 'replace-instances', batch: { count: 1, pauseMs: 0 } },
    ]);
  });

  it('refuses two compare entries with the same label, and a batch on a whole-profile strategy', () => {
    const problems = loadProblems(
      makeRaw(
        compare([
          'stop-start',
          { strategy: 'stop-start' },
          { strategy: 'replace-profile', batch: { size: 1 }, label: 'x' },
          { strategy: 'stop-start', label: 'x' },
          { strategy: 'edit-policy', batch: { size: 1 } },
        ]),
      ),
    );
    expect(problems).toEqual([
      'compare.strategies.1: the label "stop-start" is already used by strategies.0; give each variant its own label',
      'compare.strategies.3.label: the label "x" is already used by strategies.2; give each variant its own label',
      expect.stringMatching(/^compare\.strategies\.4\.batch: edit-policy does not work instance by instance/),
    ]);
  });

  it('survives the round trip through YAML', () => {
    const { scenario } = loadOk(
      makeRaw({
        steps: [
          step({ batch: { size: '25%', pause: '2m' } }),
          { forEach: { fleet: 'web' }, batch: { size: 2 }, steps: [{ wait: '1s' }] },
        ],
        ...compare(['replace-profile', { strategy: 'stop-start', batch: { size: 3 }, label: 'three' }]),
      }),
    );
    const again = loadScenario(scenarioToYaml(scenario));
    if (!again.ok) throw new Error(again.problems.map((p) => p.message).join('\n'));
    expect(hashScenario(again.scenario)).toBe(hashScenario(scenario));
    expect(again.scenario.compare).toEqual(scenario.compare);
  });
});
