import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdMap } from '../../src/aws/id-map.ts';
import { propertyOptions } from '../helpers/fc.ts';

interface Rec {
  readonly id: string;
  readonly seq: number;
}

/**
 * Ids from a small pool whose last 7 characters repeat across different ids (so records share a
 * number and go to the second map), plus ids whose end is not hex and short ones.
 */
const idArb = fc.oneof(
  fc
    .tuple(fc.constantFrom('i-', 'iip-assoc-', 'i-00', 'iip-assoc-ff'), fc.constantFrom('0000000', 'fffffff'))
    .map(([head, tail]) => `${head}${tail}`),
  fc.constantFrom('i-123456G', 'abc', '', 'iip-assoc-XYZ'),
);

/** Many distinct ids (the table grows and is rebuilt), a few of them sharing their last 7 digits. */
const manyIdsArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 0xfff }), fc.integer({ min: 0, max: 0x3ff })), {
    minLength: 200,
    maxLength: 600,
  })
  .map((pairs) => pairs.map(([head, tail]) => `i-${head.toString(16)}${tail.toString(16).padStart(7, '0')}`));

/**
 * A step: add a record for an id (if absent), add one with addNew (refused if present), delete
 * the record of an id (if present), or look one up.
 */
const stepArb = fc.tuple(fc.constantFrom('add', 'addNew', 'delete', 'get'), idArb);

describe('IdMap', () => {
  it('law: answers as a Map by id, and lists in creation order, whatever ids share a number', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 20, maxLength: 80 }), (steps) => {
        const map = new IdMap<Rec>();
        const reference = new Map<string, Rec>();
        let seq = 0;
        for (const [what, id] of steps) {
          const present = reference.get(id);
          if (what === 'add' && present === undefined) {
            const rec = { id, seq: seq++ };
            map.add(rec);
            reference.set(id, rec);
          } else if (what === 'addNew') {
            const rec = { id, seq };
            expect(map.addNew(rec)).toBe(present === undefined);
            if (present === undefined) {
              seq++;
              reference.set(id, rec);
            }
          } else if (what === 'delete' && present !== undefined) {
            expect(map.delete(present)).toBe(true);
            expect(map.delete(present)).toBe(false);
            reference.delete(id);
          }
          expect(map.get(id)).toBe(reference.get(id));
          expect(map.has(id)).toBe(reference.has(id));
          expect(map.size).toBe(reference.size);
        }
        expect([...map.inOrder()]).toEqual([...reference.values()]);
      }),
      propertyOptions(500),
    );
  });

  it('law: stays a Map by id through growth and churn (add all, delete every other, add again), whatever its size hint', () => {
    fc.assert(
      // Any size hint, below, at or above the records added: only where the table starts differs.
      fc.property(manyIdsArb, fc.integer({ min: 0, max: 1200 }), (ids, expectedSize) => {
        const map = new IdMap<Rec>(expectedSize);
        const reference = new Map<string, Rec>();
        let seq = 0;
        const addAll = () => {
          for (const id of ids) {
            const rec = { id, seq };
            expect(map.addNew(rec)).toBe(!reference.has(id));
            if (!reference.has(id)) {
              seq++;
              reference.set(id, rec);
            }
          }
        };
        addAll();
        [...reference.values()].forEach((rec, i) => {
          if (i % 2 === 0) {
            expect(map.delete(rec)).toBe(true);
            reference.delete(rec.id);
          }
        });
        addAll();
        for (const id of ids) expect(map.get(id)).toBe(reference.get(id));
        expect(map.size).toBe(reference.size);
        expect([...map.inOrder()]).toEqual([...reference.values()]);
      }),
      propertyOptions(30),
    );
  });
});
