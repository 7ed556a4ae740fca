import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HexIdSet, isHexId } from '../../src/aws/hex-id-set.ts';
import { IdFactory } from '../../src/aws/ids.ts';
import { RandomStream } from '../../src/engine/random.ts';
import { propertyOptions } from '../helpers/fc.ts';

const HEX = '0123456789abcdef';

/**
 * A stream that first replays `scripted` (values in [0, 1)), then continues as an ordinary seeded
 * stream: scripted draws of few distinct digits make ids repeat, so redraws happen.
 */
class ScriptedStream extends RandomStream {
  private at = 0;

  constructor(private readonly scripted: readonly number[]) {
    super('ids-test');
  }

  override next(): number {
    return this.at < this.scripted.length ? this.scripted[this.at++]! : super.next();
  }
}

/** IdFactory as it was before HexIdSet: one Set of every id issued or reserved. */
class ReferenceIds {
  private readonly issued = new Set<string>();

  constructor(private readonly stream: RandomStream) {}

  private unique(alphabet: string, length: number, prefix: string): string {
    for (;;) {
      const id = this.stream.chars(alphabet, length, prefix);
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  draw(kind: Kind): string {
    switch (kind) {
      case 'instance':
        return this.unique(HEX, 17, 'i-');
      case 'association':
        return this.unique(HEX, 17, 'iip-assoc-');
      case 'role':
        return this.unique('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 17, 'AROA');
    }
  }

  reserve(id: string): void {
    this.issued.add(id);
  }
}

type Kind = 'instance' | 'association' | 'role';

function draw(ids: IdFactory, kind: Kind): string {
  if (kind === 'instance') return ids.instanceId();
  if (kind === 'association') return ids.associationId();
  return ids.roleId();
}

/**
 * 17 hex digits from a pool of eight, which differ in the first digit, the next eight or the last
 * eight (the three words HexIdSet keeps), so that ids repeat and near-misses occur.
 */
const fewDigits = fc
  .tuple(
    fc.constantFrom('0', 'f'),
    fc.constantFrom('00000000', '0000000a'),
    fc.constantFrom('00000000', 'b0000000'),
  )
  .map(([top, mid, low]) => `${top}${mid}${low}`);

describe('HexIdSet', () => {
  it('law: add says whether an id is new, as a Set would, and holds only ids of its shape', () => {
    const idArb = fc.oneof(
      fewDigits.map((d) => `i-${d}`),
      fewDigits.map((d) => `iip-assoc-${d}`),
      fc.constantFrom(
        'i-',
        'i-12345678',
        'i-0123456789abcdef',
        'i-0123456789ABCDEF0',
        'i-0123456789abcdef01',
      ),
    );
    fc.assert(
      fc.property(fc.array(idArb, { maxLength: 60 }), (ids) => {
        const set = new HexIdSet('i-');
        const reference = new Set<string>();
        for (const id of ids) {
          const fits = /^i-[0-9a-f]{17}$/.test(id);
          const added = set.add(id);
          expect(added).toBe(fits ? !reference.has(id) : undefined);
          if (fits) reference.add(id);
        }
        expect(set.size).toBe(reference.size);
      }),
      propertyOptions(200),
    );
  });

  // Expecting none (1024 slots), all of them (no growth), or fewer (growth from a larger table).
  it.each([0, 8001, 3000])(
    'keeps every id (expecting %i), ids that differ in one word only included',
    (expected) => {
      const set = new HexIdSet('iip-assoc-', expected);
      const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
      const ids = [
        ...Array.from({ length: 3000 }, (_, i) => `iip-assoc-${hex(i, 17)}`), // the last word
        ...Array.from({ length: 2000 }, (_, i) => `iip-assoc-0${hex(i + 1, 8)}00000000`), // the middle one
        ...Array.from(
          { length: 15 * 200 },
          (_, i) => `iip-assoc-${hex((i % 15) + 1, 1)}00000000${hex(Math.floor(i / 15), 8)}`,
        ), // the first digit
      ];
      for (const id of ids) expect(set.add(id)).toBe(true);
      for (const id of ids) expect(set.add(id)).toBe(false);
      expect(set.add('iip-assoc-fffffffffffffffff')).toBe(true);
      expect(set.size).toBe(ids.length + 1);
    },
  );
});

describe('isHexId', () => {
  it("law: says what AWS's instance id pattern ^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$ says", () => {
    const pattern = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
    const chars = fc.constantFrom('i', '-', '0', '9', 'a', 'f', 'g', 'A', 'F', ' ', '\n');
    const idArb = fc.oneof(
      fc.array(chars, { maxLength: 21 }).map((c) => c.join('')),
      fc
        .tuple(
          fc.constantFrom('i-', 'i_', 'I-', ''),
          fc.integer({ min: 6, max: 19 }),
          fc.array(chars, { maxLength: 2 }),
        )
        .map(([prefix, n, extra]) => `${prefix}${'0a9f'.repeat(5).slice(0, n)}${extra.join('')}`),
      // A well-formed id with one character anywhere changed.
      fc
        .tuple(fc.constantFrom(8, 17), fc.nat({ max: 18 }), fc.constantFrom('g', 'A', ' ', '-', 'i', '0'))
        .map(([n, at, c]) => {
          const id = `i-${'0a9f'.repeat(5).slice(0, n)}`;
          return `${id.slice(0, at)}${c}${id.slice(at + 1)}`;
        }),
    );
    fc.assert(
      fc.property(idArb, (id) => {
        expect(isHexId(id, 'i-', [8, 17])).toBe(pattern.test(id));
      }),
      propertyOptions(1000),
    );
  });
});

describe('IdFactory', () => {
  it('law: draws, redraws on a repeat and honours reservations exactly as one Set of every id did', () => {
    // A step draws an id of a kind, or reserves an id (possibly one that will be drawn next).
    const stepArb = fc.oneof(
      fc.constantFrom<Kind>('instance', 'association', 'role').map((kind) => ({ kind })),
      fc
        .oneof(
          fewDigits.map((d) => `i-${d}`),
          fewDigits.map((d) => `iip-assoc-${d}`),
          fc.constantFrom('i-0000ffff', 'web-1'),
        )
        .map((reserve) => ({ reserve })),
    );
    // The stream's first draws: ids' worth (17 draws each) of fewDigits, so drawn ids repeat.
    const scriptArb = fc
      .array(fewDigits, { maxLength: 40 })
      .map((ids) => ids.flatMap((digits) => [...digits].map((d) => HEX.indexOf(d) / 16)));
    fc.assert(
      fc.property(scriptArb, fc.array(stepArb, { maxLength: 30 }), (script, steps) => {
        const ids = new IdFactory(new ScriptedStream(script));
        const reference = new ReferenceIds(new ScriptedStream(script));
        for (const step of steps) {
          if ('kind' in step) expect(draw(ids, step.kind)).toBe(reference.draw(step.kind));
          else {
            ids.reserve(step.reserve);
            reference.reserve(step.reserve);
          }
        }
      }),
      propertyOptions(300),
    );
  });
});
