/**
 * The incidents: section in scenario files: defaults filled, every problem reported at once with
 * its path, references checked.
 */
import { describe, expect, it } from 'vitest';
import { incidentDefaults } from '../../src/scenario/incident-calibration.ts';
import { loadOk, loadProblems, makeRaw } from '../scenario/builders.ts';

describe('incidents in a scenario', () => {
  it('fills the defaults: ssrf, until-replace, from outside AWS, CloudTrail and paging delays with sources', () => {
    const { scenario } = loadOk(makeRaw({ incidents: [{ fleet: 'web', at: '1h' }] }));
    const section = scenario.incident!;
    expect(section.incidents[0]).toEqual({
      name: 'incident-1',
      instances: ['web-0', 'web-1', 'web-2'],
      at: { kind: 'fixed', valueMs: 3_600_000 },
      via: 'ssrf',
      foothold: { kind: 'until-replace' },
      from: 'outside-aws',
    });
    expect(section.detection.cloudTrail).toEqual(incidentDefaults.cloudTrail.spec);
    expect(section.dataPerimeterRoles).toEqual([]);
  });

  it('reads imds tokens on instances and fleets', () => {
    const { scenario } = loadOk(
      makeRaw({
        fleets: [
          {
            name: 'web',
            count: 2,
            region: 'us-east-1',
            instanceProfile: 'web',
            imds: { tokens: 'required' },
          },
        ],
      }),
    );
    expect(scenario.instances.map((i) => i.imds)).toEqual([{ tokens: 'required' }, { tokens: 'required' }]);
  });

  it('reports every problem at once, with its path', () => {
    const problems = loadProblems(
      makeRaw({
        incidents: [
          { instances: ['web-9'], at: '1h', chain: { role: 'nope', every: '30m' } },
          { fleet: 'db', at: { kind: 'lognormal', median: '5m' }, foothold: 'forever' },
        ],
        dataPerimeter: { roles: ['ghost'] },
      }),
    );
    expect(problems.some((p) => p.startsWith('incidents.0.instances') && p.includes('web-9'))).toBe(true);
    expect(problems.some((p) => p.startsWith('incidents.0.chain.role') && p.includes('nope'))).toBe(true);
    expect(problems.some((p) => p.startsWith('incidents.1.foothold'))).toBe(true);
    expect(problems.some((p) => p.startsWith('dataPerimeter.roles.0') && p.includes('ghost'))).toBe(true);
  });

  it('refuses detection without incidents', () => {
    expect(loadProblems(makeRaw({ detection: { delay: '10m' } }))).toEqual([
      expect.stringMatching(/^detection.*needs at least one entry in incidents/),
    ]);
  });
});
