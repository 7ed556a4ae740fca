/** readPath: a dotted path read from a response, numeric segments indexing arrays. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPath } from '../../src/runbook/operator.ts';
import { propertyOptions } from '../helpers/fc.ts';

/** The definition: split on every dot, then step through the value (anything else reads undefined). */
function reference(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((cur, segment) => {
    if (Array.isArray(cur)) return Number.isInteger(Number(segment)) ? cur[Number(segment)] : undefined;
    return typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[segment] : undefined;
  }, value);
}

describe('readPath', () => {
  it('reads members and array elements', () => {
    const response = { Reservations: [{ Instances: [{ State: { Name: 'running' } }] }] };
    expect(readPath(response, 'Reservations.0.Instances.0.State.Name')).toBe('running');
    expect(readPath(response, 'Reservations.1.Instances')).toBeUndefined();
    expect(readPath(response, 'Reservations')).toBe(response.Reservations);
  });

  it('law: reads what splitting the path on every dot reads, empty segments included', () => {
    const segment = fc.constantFrom('', 'a', 'b', '0', '1', 'x1');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, undefined, 1, 'leaf'),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('', 'a', 'b', '0', 'x1'), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, path, (v, p) => {
        expect(readPath(v, p)).toBe(reference(v, p));
      }),
      propertyOptions(500),
    );
  });
});
