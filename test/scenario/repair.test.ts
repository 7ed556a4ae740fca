/** Error recovery: schema problems and rule problems elsewhere come out of one load. */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.ts';
import { repairRound } from '../../src/scenario/repair.ts';

const lines = (text: string) => {
  const r = loadScenario(text, 'f.yaml');
  if (r.ok) throw new Error('expected problems');
  return r.problems.map((p) => `${p.path} (${p.line}:${p.col})`);
};

describe('repairRound', () => {
  it('drops the innermost list element holding a problem and maps paths back to the original indices', () => {
    const data = {
      name: 'x',
      steps: [{ wait: 'bad' }, { wait: '1s' }, { forEach: {}, steps: [{ a: 1 }, { b: 2 }, { c: 3 }] }],
    };
    const repair = repairRound(data, [
      ['steps', 0, 'wait'],
      ['steps', 2, 'steps', 1, 'b'],
    ]);
    expect(repair).toBeDefined();
    expect(repair!.data).toEqual({
      name: 'x',
      steps: [{ wait: '1s' }, { forEach: {}, steps: [{ a: 1 }, { c: 3 }] }],
    });
    expect(repair!.toOriginal('steps.0.wait')).toBe('steps.1.wait');
    expect(repair!.toOriginal('steps.1.steps.1.c')).toBe('steps.2.steps.2.c');
    // The input is not modified.
    expect(data.steps).toHaveLength(3);
  });

  it('refuses to drop definitions or required keys (every reference to them would become a false problem)', () => {
    expect(repairRound({ name: 'x', fleets: [{}] }, [['fleets', 0, 'count']])).toBeUndefined();
    expect(repairRound({ regions: 3 }, [['regions']])).toBeUndefined();
    expect(repairRound({ name: 'x', horizon: 'soon' }, [['horizon']])!.data).toEqual({ name: 'x' });
  });
});

describe('loading with recovery', () => {
  it('reports a bad step and dangling references elsewhere together', () => {
    const text = [
      'name: x',
      'regions: [us-east-1]',
      'fleets:',
      '  - { name: web, count: 3, region: us-west-9, instanceProfile: nope }',
      'steps:',
      '  - wait: 5q',
      '  - strategy: replace-profile',
      '    targets: { fleet: webb }',
      '    to: { role: app-v9 }',
    ].join('\n');
    expect(lines(text)).toEqual([
      'fleets.0.region (4:36)',
      'fleets.0.instanceProfile (4:64)',
      'steps.0.wait (6:11)',
      'steps.1.targets.fleet (8:23)',
      'steps.1.to.role (9:17)',
    ]);
  });

  it('keeps to schema problems when a definition is itself broken', () => {
    const text = [
      'name: x',
      'regions: [us-east-1]',
      'fleets:',
      '  - { name: web, count: -1, region: us-east-1 }',
      'steps:',
      '  - strategy: replace-profile',
      '    targets: { fleet: web }',
      '    to: { role: app-v2 }',
    ].join('\n');
    expect(lines(text)).toEqual(['fleets.0.count (4:25)']);
  });
});
