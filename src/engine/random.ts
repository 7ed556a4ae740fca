/**
 * Seeded random streams.
 *
 * One root seed; every consumer asks for a named substream (`region/eu-west-1`,
 * `instance/i-0abc/imds`) whose seed is derived from the root seed and the name alone. Adding an
 * instance therefore never changes what any other instance draws, and a run is reproduced from
 * the single root seed.
 *
 * The generator is Baagøe's Alea exactly as the seedrandom package implements it (the draws are
 * the same, double for double, for every seed string), written out here as a class of four
 * numbers. An earlier inline copy measured only ~10% faster on the fleet benchmark and was not
 * worth owning; issue 16's per-instance targets changed that: a fleet instance seeds five streams,
 * and seedrandom's seeding (a Mash closure, a generator closure and four helper closures per
 * stream, the seed hashed after three constant hashes) cost ~3.2 µs each, ~16 µs of a ~150-180 µs
 * instance, while a live generator held a few hundred bytes of closures. Here seeding is three
 * passes of a plain function over the seed (the constant part is done once per process), and a
 * stream's whole state is its four numbers, whether it is drawn from again soon or not. seedrandom
 * stays the reference: test/engine/random.test.ts holds this class to it draw for draw.
 */

export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
}

/** 2^-32: Alea's and Mash's fixed-point scale. */
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;
const TWO_POW_32 = 4294967296;
/** Mash's initial state. */
const MASH_INITIAL = 0xefc8249d;

/**
 * Baagøe's Mash hash (seedrandom's `Mash`) of `data` continued from state `n`: returns the new
 * state, whose hash value is `(state >>> 0) * 2^-32`. A plain function over a local instead of a
 * closure, so hashing a seed allocates nothing.
 */
function mash(n: number, data: string): number {
  for (let i = 0; i < data.length; i++) {
    // seedrandom writes `n = h >>> 0` for both floors. n stays in [0, 2^33), so h1 and h2 lie in
    // [0, 2^32), where Math.floor is the same number: one rounding instruction instead of a
    // round trip through an integer register, on the chain every character waits for (~40%
    // faster seeding; the property test against seedrandom holds it to the same doubles).
    const h1 = 0.02519603282416938 * (n + data.charCodeAt(i));
    const f1 = Math.floor(h1);
    const h2 = (h1 - f1) * f1;
    const f2 = Math.floor(h2);
    n = f2 + (h2 - f2) * 0x100000000; // 2^32
  }
  return n;
}

// Alea's seeding starts by hashing ' ' three times, whatever the seed: done once, here.
const MASH_AFTER_SPACE_1 = mash(MASH_INITIAL, ' ');
const MASH_AFTER_SPACE_2 = mash(MASH_AFTER_SPACE_1, ' ');
const MASH_AFTER_SPACES = mash(MASH_AFTER_SPACE_2, ' ');
// Their hash values in units of 2^-32 (see Alea's state).
const K0_SPACE = MASH_AFTER_SPACE_1 >>> 0;
const K1_SPACE = MASH_AFTER_SPACE_2 >>> 0;
const K2_SPACE = MASH_AFTER_SPACES >>> 0;

/**
 * Alea, seeded when made (three hashes of the seed key). It was seeded at its first draw once, so
 * that a stream named but never drawn from cost only its object; but every stream a run makes is
 * drawn from at once (instances' boot, id, IMDS and EC2 streams, regions' at their first delay),
 * and the check at every draw made `next` a call too large to inline into the hottest callers
 * (IMDS's rotation: V8 counted the seeding it had inlined into `next`), which then boxed every
 * draw it returned, a fraction, as a heap number: about a million allocations in a fleet's run.
 *
 * Its state is Alea's s0, s1, s2 (multiples of 2^-32 in [0, 1)) and the carry `c`, kept here as
 * integers: `s0`..`s2` hold k = s * 2^32 as int32 (`k | 0`; `k >>> 0` gives k back), so that V8
 * stores all four in the object as small integers. As doubles each was a heap box of its own,
 * written on every draw: a fleet draws from one stream per instance, and each box was one more
 * likely cache miss. The arithmetic is the same: every intermediate value is an integer below
 * 2^53 (or one scaled by a power of two), exact in a double either way.
 */
export class Alea implements RandomSource {
  s0 = 0;
  s1 = 0;
  s2 = 0;
  c = 0;

  constructor(seedKey: string) {
    this.seed(seedKey);
  }

  next(): number {
    // Alea's t = 2091639 * s0 + c * 2^-32, times 2^32: below 2091640 * 2^32 < 2^53.
    const t = 2091639 * (this.s0 >>> 0) + this.c;
    this.s0 = this.s1;
    this.s1 = this.s2;
    // Alea's `t | 0` (t >= 0) and `t - c`, in units of 2^-32.
    const c = (t * TWO_POW_MINUS_32) | 0;
    this.c = c;
    const k = t - c * TWO_POW_32;
    this.s2 = k | 0;
    return k * TWO_POW_MINUS_32;
  }

  /**
   * Fills `out` with `Math.floor(next() * range)`, draw after draw: exactly that loop's values and
   * the stream's state after it, with the state in locals for the length of the loop instead of
   * written to the object at every draw (the cluster bootstrap draws ~10^6 indices per pool:
   * ~25% less time for its resampling, measured).
   */
  drawIndices(out: Int32Array, range: number): void {
    let { s0, s1, s2, c } = this;
    for (let i = 0; i < out.length; i++) {
      // next()'s arithmetic, step for step.
      const t = 2091639 * (s0 >>> 0) + c;
      s0 = s1;
      s1 = s2;
      c = (t * TWO_POW_MINUS_32) | 0;
      const k = t - c * TWO_POW_32;
      s2 = k | 0;
      out[i] = Math.floor(k * TWO_POW_MINUS_32 * range);
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.c = c;
  }

  /** Continues from a state read off a seeded stream (StreamStates): the same draws it would make next. */
  restore(s0: number, s1: number, s2: number, c: number): void {
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.c = c;
  }

  /**
   * seedrandom's Alea seeding, step for step, from the cached state after the three ' ' hashes:
   * s0 = value(' ') - value(seed), plus 1 when negative, is that difference modulo 2^32 in
   * units of 2^-32, which `| 0` keeps as an int32.
   */
  private seed(seedKey: string): void {
    let n = this.seedFirstDraw(seedKey);
    n = mash(n, seedKey);
    this.s1 = (K1_SPACE - (n >>> 0)) | 0;
    n = mash(n, seedKey);
    this.s2 = (K2_SPACE - (n >>> 0)) | 0;
  }

  /**
   * The first of seeding's three hashes: it sets s0 and c, all that the first draw reads (next()
   * reads s1 and s2 only to shift them along). Returns Mash's state, for the other two hashes.
   * @internal Alone, for RandomStreams.freshInt: the draws after the first are not the stream's.
   */
  seedFirstDraw(seedKey: string): number {
    const n = mash(MASH_AFTER_SPACES, seedKey);
    this.s0 = (K0_SPACE - (n >>> 0)) | 0;
    this.c = 1;
    return n;
  }
}

/**
 * Scratch for chars(), one array per string length (ids come in a handful of lengths): the codes
 * of the string being built, written by index. Emptying one shared array instead (`length = 0`)
 * drops its storage, so every id regrew it: ~1.2 KB of garbage per instance of a fleet.
 */
const charCodesByLength: number[][] = [];

export class RandomStream extends Alea {
  /** Uniform integer in [minInclusive, maxInclusive]. */
  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  /** Standard normal variate. */
  normal(): number {
    return standardNormal(this);
  }

  /**
   * `prefix` followed by `length` characters drawn from `alphabet`, built in one piece: appending
   * a character at a time would leave a tree of string fragments (V8's cons strings) behind every
   * id, which a fleet keeps by the hundred thousand and hashes on every lookup.
   */
  chars(alphabet: string, length: number, prefix = ''): string {
    const total = prefix.length + length;
    let charCodes = charCodesByLength[total];
    if (charCodes === undefined) {
      charCodes = new Array<number>(total).fill(0);
      charCodesByLength[total] = charCodes;
    }
    for (let i = 0; i < prefix.length; i++) charCodes[i] = prefix.charCodeAt(i);
    for (let i = 0; i < length; i++)
      charCodes[prefix.length + i] = alphabet.charCodeAt(Math.floor(this.next() * alphabet.length));
    return String.fromCharCode.apply(null, charCodes);
  }
}

/** Numbers per stream in StreamStates: Alea's s0, s1, s2 and c. */
const STATE_WORDS = 4;

/**
 * The states of many streams in one Float64Array, for an owner that keeps one stream per entity
 * (EC2, one per instance): 32 bytes each, where a kept RandomStream is an object of 64 bytes,
 * and a fleet keeps one per instance to the end. Streams are drawn from
 * through one shared cursor: `load` before the draws, `save` after, with nothing in between that
 * could draw from another of them.
 */
export class StreamStates {
  /** Four numbers per entity; NaN in the first marks one with no stream yet. */
  private states = new Float64Array(STATE_WORDS * 64).fill(Number.NaN);
  private readonly cursor = new RandomStream('');

  /** Entity `index`'s stream (the shared cursor), or undefined when it has no stream yet. */
  load(index: number): RandomStream | undefined {
    const at = index * STATE_WORDS;
    const { states } = this;
    if (at >= states.length || Number.isNaN(states[at]!)) return undefined;
    this.cursor.restore(states[at]!, states[at + 1]!, states[at + 2]!, states[at + 3]!);
    return this.cursor;
  }

  /** Keeps `stream`'s state as entity `index`'s. */
  save(index: number, stream: Alea): void {
    const at = index * STATE_WORDS;
    if (at >= this.states.length) {
      const grown = new Float64Array(Math.max(this.states.length * 2, at + STATE_WORDS)).fill(Number.NaN);
      grown.set(this.states);
      this.states = grown;
    }
    const { states } = this;
    states[at] = stream.s0;
    states[at + 1] = stream.s1;
    states[at + 2] = stream.s2;
    states[at + 3] = stream.c;
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
  /** freshInt's scratch: seeded for one draw at a time. */
  private readonly firstDraw = new RandomStream('');

  constructor(readonly rootSeed: number | string) {}

  /** The seed key of stream `name`. */
  private keyOf(name: string): string {
    return `${String(this.rootSeed)}/${name}`;
  }

  /**
   * The substream called `name`. Asking twice for the same name returns the same stream object
   * (continuing its sequence), so a consumer may either keep the stream or ask again.
   */
  stream(name: string): RandomStream {
    let s = this.cache.get(name);
    if (s === undefined) {
      s = new RandomStream(this.keyOf(name));
      this.cache.set(name, s);
    }
    return s;
  }

  /** A fresh stream for `name` that does not share position with `stream(name)`. */
  fresh(name: string): RandomStream {
    return new RandomStream(this.keyOf(name));
  }

  /**
   * `fresh(name).int(minInclusive, maxInclusive)`, for a stream drawn from once (an instance's
   * boot time, its probes' phase): the first draw needs only the first third of the seeding
   * (see Alea.seedFirstDraw), and a fleet makes two such streams per instance.
   */
  freshInt(name: string, minInclusive: number, maxInclusive: number): number {
    const stream = this.firstDraw;
    stream.seedFirstDraw(this.keyOf(name));
    return stream.int(minInclusive, maxInclusive);
  }
}
