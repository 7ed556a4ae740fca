/**
 * resolveTargets, shared by the loader (imdsOutage) and the runbook (strategy and forEach
 * targets): every designated instance once, in scenario order, whatever order the target uses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTargets } from '../../src/scenario/targets.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { loadOk, makeRaw } from './builders.ts';

const fleets = [
  { name: 'web', instances: ['web-0', 'web-1'] },
  { name: 'db', instances: ['db-0'] },
];
const instances = [{ name: 'solo' }, { name: 'web-0' }, { name: 'web-1' }, { name: 'db-0' }];

describe('resolveTargets', () => {
  it('lists fleets and instances in scenario order, each once', () => {
    expect(
      resolveTargets({ fleets: ['db', 'web'], instances: ['web-1', 'solo'] }, fleets, instances),
    ).toEqual(['solo', 'web-0', 'web-1', 'db-0']);
  });

  it('leaves out names that are not instances of the scenario', () => {
    expect(resolveTargets({ fleets: ['nope'], instances: ['db-0', 'ghost'] }, fleets, instances)).toEqual([
      'db-0',
    ]);
  });

  it('law: the same list as a set of every designated name filtered in scenario order, fleet-wide targets included', () => {
    const nameArb = fc.constantFrom('a', 'b', 'c', 'd');
    const namesArb = fc.array(nameArb, { maxLength: 5 });
    fc.assert(
      fc.property(
        fc.array(nameArb, { maxLength: 5 }).map((names) => names.map((name) => ({ name }))),
        fc.array(fc.record({ name: fc.constantFrom('f', 'g'), instances: namesArb }), { maxLength: 3 }),
        fc.record({
          fleets: fc.array(fc.constantFrom('f', 'g', 'h'), { maxLength: 2 }),
          instances: namesArb,
        }),
        fc.boolean(),
        (someInstances, someFleets, target, fleetWide) => {
          // Half the cases: fleet `f` lists every instance in order, and the target is just `f`.
          const fleetsNow = fleetWide
            ? [{ name: 'f', instances: someInstances.map((i) => i.name) }, ...someFleets]
            : someFleets;
          const targetNow = fleetWide ? { fleets: ['f'], instances: [] } : target;
          const wanted = new Set([
            ...targetNow.instances,
            ...targetNow.fleets.flatMap((f) => fleetsNow.find((x) => x.name === f)?.instances ?? []),
          ]);
          expect(resolveTargets(targetNow, fleetsNow, someInstances)).toEqual(
            someInstances.filter((i) => wanted.has(i.name)).map((i) => i.name),
          );
        },
      ),
      propertyOptions(300),
    );
  });

  it('gives an imdsOutage the same instance list however the target orders them', () => {
    const outage = (target: object) =>
      loadOk(makeRaw({ faults: [{ imdsOutage: { ...target, from: '1h', to: '2h' } }] })).scenario.faults[0];
    const a = outage({ instances: ['web-2', 'web-0'] });
    expect(a).toMatchObject({ kind: 'imdsOutage', instances: ['web-0', 'web-2'] });
    expect(outage({ instances: ['web-0', 'web-2'] })).toEqual(a);
  });
});
