/**
 * RandomStream writes Alea out (so its state lives in the stream object); it must draw exactly
 * what seedrandom's Alea draws, or every saved result would move.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.ts';
import { propertyOptions } from '../helpers/fc.ts';

describe('RandomStream', () => {
  it('draws the same doubles as seedrandom.alea for any seed key (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 300 }), (key, draws) => {
        const ours = new RandomStream(key);
        const reference = seedrandom.alea(key);
        for (let i = 0; i < draws; i++) expect(ours.next()).toBe(reference());
      }),
      propertyOptions(200),
    );
  });

  it('agrees on the keys simulations use', () => {
    for (const key of ['1/instance/web-0/imds', '7/region/us-east-1/iam', '2024/ids', '']) {
      const ours = new RandomStream(key);
      const reference = seedrandom.alea(key);
      for (let i = 0; i < 10_000; i++) expect(ours.next()).toBe(reference());
    }
  });
});
