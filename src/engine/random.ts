/**
 * Seeded random streams.
 *
 * One root seed; every consumer asks for a named substream (`region/eu-west-1`,
 * `instance/i-0abc/imds`) whose seed is derived from the root seed and the name alone. Adding an
 * instance therefore never changes what any other instance draws, and a run is reproduced from
 * the single root seed. The generator is Baagøe's Alea, exactly as the seedrandom package
 * implements it (same seeding, same doubles; a test compares the two): fast, and its output is
 * the same on every platform. It is written out here so that a stream's state lives in the
 * stream object itself: a fleet has one stream per instance, and each draw of a cold instance
 * then touches one object instead of three (wrapper, closure, generator state).
 */

export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
}

/** 2^-32. */
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/** Baagøe's Mash hash, as seedrandom seeds Alea with it; `state[0]` carries `n` between calls. */
function mash(state: [number], data: string): number {
  let n = state[0];
  for (let i = 0; i < data.length; i++) {
    n += data.charCodeAt(i);
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * 0x100000000; // 2^32
  }
  state[0] = n;
  return (n >>> 0) * TWO_POW_MINUS_32;
}

export class RandomStream implements RandomSource {
  // Alea's state.
  private s0: number;
  private s1: number;
  private s2: number;
  private c = 1;

  constructor(readonly seedKey: string) {
    const state: [number] = [0xefc8249d];
    let s0 = mash(state, ' ');
    let s1 = mash(state, ' ');
    let s2 = mash(state, ' ');
    s0 -= mash(state, seedKey);
    if (s0 < 0) s0 += 1;
    s1 -= mash(state, seedKey);
    if (s1 < 0) s1 += 1;
    s2 -= mash(state, seedKey);
    if (s2 < 0) s2 += 1;
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
  }

  next(): number {
    const t = 2091639 * this.s0 + this.c * TWO_POW_MINUS_32;
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return this.s2;
  }

  /** Uniform integer in [minInclusive, maxInclusive]. */
  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  /** Standard normal variate. */
  normal(): number {
    return standardNormal(this);
  }

  /** A string of `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

/** Standard normal variate by Box-Muller; the second value of the pair is discarded so a source needs no extra state. */
export function standardNormal(rng: RandomSource): number {
  let u = 0;
  while (u === 0) u = rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The root of a run's randomness: hands out named, independent substreams. */
export class RandomStreams {
  private readonly cache = new Map<string, RandomStream>();

  constructor(readonly rootSeed: number | string) {}

  /**
   * The substream called `name`. Asking twice for the same name returns the same stream object
   * (continuing its sequence), so a consumer may either keep the stream or ask again.
   */
  stream(name: string): RandomStream {
    let s = this.cache.get(name);
    if (s === undefined) {
      s = new RandomStream(`${String(this.rootSeed)}/${name}`);
      this.cache.set(name, s);
    }
    return s;
  }

  /** A fresh stream for `name` that does not share position with `stream(name)`. */
  fresh(name: string): RandomStream {
    return new RandomStream(`${String(this.rootSeed)}/${name}`);
  }
}
