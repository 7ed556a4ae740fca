import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Alea, RandomStream, RandomStreams, StreamStates, standardNormal } from '../../src/engine/random.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { correlation, draws, mean, variance } from '../helpers/stats.ts';

const take = (stream: RandomStream, n: number): number[] => draws(n, () => stream.next());

const seedArb = fc.oneof(fc.integer(), fc.string({ maxLength: 12 }));
const nameArb = fc.string({ minLength: 1, maxLength: 16 });

describe('RandomStreams', () => {
  it('returns the same stream object for the same name, continuing its sequence', () => {
    const streams = new RandomStreams(42);
    const a = streams.stream('region/eu-west-1');
    expect(streams.stream('region/eu-west-1')).toBe(a);
    const reference = take(new RandomStreams(42).stream('region/eu-west-1'), 4);
    const first = [a.next(), a.next()];
    const rest = [streams.stream('region/eu-west-1').next(), streams.stream('region/eu-west-1').next()];
    expect([...first, ...rest]).toEqual(reference);
  });

  it('fresh(name) restarts the sequence without moving stream(name)', () => {
    const streams = new RandomStreams('seed');
    const s = streams.stream('x');
    const firstTwo = [s.next(), s.next()];
    expect(take(streams.fresh('x'), 2)).toEqual(firstTwo);
    expect(streams.fresh('x')).not.toBe(s);
    expect(s.next()).toBe(take(new RandomStreams('seed').stream('x'), 3)[2]);
  });

  it('law: the same root seed and name give the same draws', () => {
    fc.assert(
      fc.property(seedArb, nameArb, (seed, name) => {
        expect(take(new RandomStreams(seed).stream(name), 8)).toEqual(
          take(new RandomStreams(seed).stream(name), 8),
        );
      }),
      propertyOptions(200),
    );
  });

  it('law: drawing from other substreams, in any interleaving, never changes what a stream draws', () => {
    fc.assert(
      fc.property(
        seedArb,
        nameArb,
        fc.array(fc.tuple(nameArb, fc.nat({ max: 5 })), { maxLength: 10 }),
        (seed, name, others) => {
          const alone = take(new RandomStreams(seed).stream(name), others.length + 1);
          const streams = new RandomStreams(seed);
          const together: number[] = [];
          for (const [other, count] of others) {
            if (other !== name) take(streams.stream(other), count);
            together.push(streams.stream(name).next());
          }
          together.push(streams.stream(name).next());
          expect(together).toEqual(alone);
        },
      ),
      propertyOptions(200),
    );
  });

  it('law: freshInt(name, min, max) is the first int(min, max) of fresh(name), whatever came before', () => {
    const rangeArb = fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.nat({ max: 1e9 }));
    fc.assert(
      fc.property(
        seedArb,
        fc.array(fc.tuple(nameArb, rangeArb), { minLength: 1, maxLength: 8 }),
        (seed, asks) => {
          const streams = new RandomStreams(seed);
          for (const [name, [min, width]] of asks) {
            const expected = new RandomStreams(seed).fresh(name).int(min, min + width);
            expect(streams.freshInt(name, min, min + width)).toBe(expected);
          }
        },
      ),
      propertyOptions(200),
    );
  });

  it('gives different names and different root seeds different sequences', () => {
    const streams = new RandomStreams(7);
    const a = take(streams.stream('instance/i-1'), 5);
    const b = take(streams.stream('instance/i-2'), 5);
    const c = take(new RandomStreams(8).stream('instance/i-1'), 5);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('gives uncorrelated streams for similar names, and each stream is uncorrelated with itself shifted', () => {
    const n = 20_000;
    // |r| of independent uniform samples has standard deviation 1/sqrt(n) ~ 0.007.
    const bound = 0.03;
    const streams = new RandomStreams(2024);
    const names = ['instance/i-1', 'instance/i-2', 'instance/i-10', 'region/us-east-1', 'region/us-east-2'];
    const samples = names.map((name) => take(streams.stream(name), n));
    for (let i = 0; i < samples.length; i++) {
      for (let j = i + 1; j < samples.length; j++) {
        expect(Math.abs(correlation(samples[i]!, samples[j]!)), `${names[i]} vs ${names[j]}`).toBeLessThan(
          bound,
        );
      }
      const xs = samples[i]!;
      expect(Math.abs(correlation(xs.slice(0, -1), xs.slice(1))), `${names[i]} lag 1`).toBeLessThan(bound);
    }
    // The same name under neighbouring root seeds is unrelated too.
    const other = take(new RandomStreams(2025).stream('instance/i-1'), n);
    expect(Math.abs(correlation(samples[0]!, other))).toBeLessThan(bound);
  });
});

describe('RandomStream', () => {
  it('law: drawIndices(out, range) is floor(next() * range) draw after draw, and leaves the same state', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 40 }),
        (name, skip, range, length) => {
          const bulk = new RandomStream(name);
          const loop = new RandomStream(name);
          for (let i = 0; i < skip; i++) {
            bulk.next();
            loop.next();
          }
          const out = new Int32Array(length);
          bulk.drawIndices(out, range);
          const expected = Array.from({ length }, () => Math.floor(loop.next() * range));
          expect([...out]).toEqual(expected);
          // The streams continue alike.
          expect(bulk.next()).toBe(loop.next());
        },
      ),
      propertyOptions(200),
    );
  });

  it('draws uniformly in [0, 1)', () => {
    const xs = take(new RandomStream('uniform'), 50_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
    expect(variance(xs)).toBeCloseTo(1 / 12, 2);
  });

  it('int(min, max) covers both ends inclusively and nothing else', () => {
    const s = new RandomStream('int');
    const seen = new Map<number, number>();
    for (let i = 0; i < 6_000; i++) {
      const v = s.int(-2, 3);
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const count of seen.values()) expect(count).toBeGreaterThan(850);
  });

  it('normal() has mean 0 and variance 1', () => {
    const s = new RandomStream('normal');
    const xs = draws(50_000, () => s.normal());
    expect(Math.abs(mean(xs))).toBeLessThan(0.02);
    expect(Math.abs(variance(xs) - 1)).toBeLessThan(0.03);
  });

  it('standardNormal never takes log(0), even from a source that returns 0 first', () => {
    const values = [0, 0, 0.5, 0.25];
    const source = { next: () => values.shift() ?? 0.5 };
    expect(Number.isFinite(standardNormal(source))).toBe(true);
  });

  it('chars(alphabet, length, prefix) draws as one draw per character appended to the prefix', () => {
    const alphabet = '0123456789abcdef';
    const reference = new RandomStream('ids');
    const expected = Array.from({ length: 3 }, () => {
      let out = 'i-';
      for (let i = 0; i < 17; i++) out += alphabet[Math.floor(reference.next() * alphabet.length)];
      return out;
    });
    const s = new RandomStream('ids');
    expect([s.chars(alphabet, 17, 'i-'), s.chars(alphabet, 17, 'i-'), `i-${s.chars(alphabet, 17)}`]).toEqual(
      expected,
    );
  });

  it('chars(alphabet, length) uses only the alphabet', () => {
    const s = new RandomStream('chars');
    const text = s.chars('abc', 300);
    expect(text).toHaveLength(300);
    expect(new Set(text)).toEqual(new Set(['a', 'b', 'c']));
  });
});

describe('Alea (written out) against seedrandom.alea, the reference', () => {
  /** Seed strings of every kind: ASCII, any code point, lone surrogates, empty, long. */
  const seedKeyArb = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }),
    fc.string({ minLength: 200, maxLength: 3_000 }),
    fc.constantFrom('', ' ', '0', '1/instance/i-0abc/imds', 'report/bootstrap/x/y'),
  );
  it('law: draws exactly the same doubles as seedrandom.alea for any seed', () => {
    fc.assert(
      fc.property(seedKeyArb, fc.nat({ max: 300 }), (seedKey, count) => {
        const reference = seedrandom.alea(seedKey);
        const alea = new Alea(seedKey);
        const stream = new RandomStream(seedKey);
        for (let i = 0; i < count; i++) {
          const expected = reference();
          const a = alea.next();
          const s = stream.next();
          if (!Object.is(a, expected) || !Object.is(s, expected)) {
            expect({ draw: i, alea: a, stream: s }).toEqual({ draw: i, alea: expected, stream: expected });
          }
        }
      }),
      propertyOptions(300),
    );
  });

  it('law: a named stream is seedrandom.alea of `rootSeed/name`', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.string({ unit: 'binary', maxLength: 12 })),
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.nat({ max: 50 }),
        (rootSeed, name, count) => {
          const reference = seedrandom.alea(`${String(rootSeed)}/${name}`);
          const expected = draws(count, () => reference());
          expect(take(new RandomStreams(rootSeed).fresh(name), count)).toEqual(expected);
          expect(take(new RandomStreams(rootSeed).stream(name), count)).toEqual(expected);
        },
      ),
      propertyOptions(200),
    );
  });

  it('keeps a stream in four int32s, seeded when made (no key kept)', () => {
    const stream = new RandomStream('state');
    expect(Object.keys(stream).sort()).toEqual(['c', 's0', 's1', 's2']);
    const first = stream.next();
    const { s0, s1, s2, c } = stream;
    // Small integers all (V8 keeps them in the object), s2 the last draw in units of 2^-32.
    for (const k of [s0, s1, s2, c]) expect(k === (k | 0)).toBe(true);
    expect((s2 >>> 0) * 2 ** -32).toBe(first);
  });
});

describe('StreamStates', () => {
  it('law: streams kept in it draw, in any interleaving, exactly what streams kept as objects draw', () => {
    // A step: entity `index` draws `count` numbers (0: none).
    const stepArb = fc.tuple(fc.nat({ max: 300 }), fc.nat({ max: 3 }));
    fc.assert(
      fc.property(seedArb, fc.array(stepArb, { maxLength: 60 }), (seed, steps) => {
        const streams = new RandomStreams(seed);
        const states = new StreamStates();
        const objects = new Map<number, RandomStream>();
        for (const [index, count] of steps) {
          const name = `entity/${index}`;
          const kept = states.load(index) ?? streams.fresh(name);
          const got = take(kept, count);
          states.save(index, kept);
          let object = objects.get(index);
          if (object === undefined) {
            object = streams.fresh(name);
            objects.set(index, object);
          }
          expect(got).toEqual(take(object, count));
        }
      }),
      propertyOptions(200),
    );
  });

  it('has no stream for an entity until one is saved, and gives back where it was', () => {
    const states = new StreamStates();
    expect(states.load(5)).toBeUndefined();
    const undrawn = new RandomStream('k');
    states.save(5, undrawn);
    expect(states.load(5)?.next()).toBe(take(new RandomStream('k'), 1)[0]);
    undrawn.next();
    states.save(5, undrawn);
    expect(states.load(5)?.next()).toBe(take(new RandomStream('k'), 2)[1]);
    expect(states.load(4)).toBeUndefined();
    expect(states.load(10_000)).toBeUndefined();
  });
});
