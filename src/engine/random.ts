/**
 * Seeded random streams.
 *
 * One root seed; every consumer asks for a named substream (`region/eu-west-1`,
 * `instance/i-0abc/imds`) whose seed is derived from the root seed and the name alone. Adding an
 * instance therefore never changes what any other instance draws, and a run is reproduced from
 * the single root seed. The generator is seedrandom's Alea: fast, and its output is the same on
 * every platform. (Writing Alea out inline was measured at ~10% faster on the fleet benchmark:
 * not worth owning a copy of the library's algorithm.)
 */
import seedrandom from 'seedrandom';

export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
}

/** Scratch for chars(): the codes of the string being built (one string at a time, single-threaded). */
const charCodes: number[] = [];

export class RandomStream implements RandomSource {
  /**
   * The generator, made at the first draw: seeding Alea (hashing the seed key six times) is a
   * fair share of a fleet run's cost, and a stream that is named but never drawn from (an
   * instance that is never touched) then costs nothing but this object.
   */
  private prng: (() => number) | undefined = undefined;
  /** The seed until the generator is made (then dropped: a fleet holds two streams per instance). */
  private seedKey: string | undefined;
  /** The generator's state while parked (see park). */
  private parked: seedrandom.State.Alea | undefined = undefined;

  /**
   * @param parkable whether `park` may set the generator aside (its generator then keeps the
   *   means to report its state, which costs a little memory while it is live).
   */
  constructor(
    seedKey: string,
    private readonly parkable = false,
  ) {
    this.seedKey = seedKey;
  }

  next(): number {
    let prng = this.prng;
    if (prng === undefined) {
      prng = this.makePrng();
      this.prng = prng;
    }
    return prng();
  }

  /**
   * Sets a parkable stream's generator aside until the next draw, keeping only its state (four
   * numbers, against a live generator's few hundred bytes of closures): for a stream drawn from
   * now and then, such as an instance's EC2 delays, held by every instance of a fleet. The next
   * draw restores it through seedrandom's own state option, so the sequence goes on unchanged.
   * A stream that is not parkable, or not yet drawn from, is left as it is.
   */
  park(): void {
    const prng = this.prng as seedrandom.StatefulPRNG<seedrandom.State.Alea> | undefined;
    if (!this.parkable || prng === undefined) return;
    this.parked = prng.state();
    this.prng = undefined;
  }

  private makePrng(): () => number {
    const parked = this.parked;
    if (parked !== undefined) {
      this.parked = undefined;
      return seedrandom.alea('', { state: parked });
    }
    const seedKey = this.seedKey!;
    this.seedKey = undefined;
    return this.parkable ? seedrandom.alea(seedKey, { state: true }) : seedrandom.alea(seedKey);
  }

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
    charCodes.length = 0;
    for (let i = 0; i < prefix.length; i++) charCodes.push(prefix.charCodeAt(i));
    for (let i = 0; i < length; i++)
      charCodes.push(alphabet.charCodeAt(Math.floor(this.next() * alphabet.length)));
    return String.fromCharCode.apply(null, charCodes);
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

  /**
   * A fresh stream for `name` that does not share position with `stream(name)`; `parkable` (see
   * RandomStream.park) for a stream its owner sets aside between rare draws.
   */
  fresh(name: string, parkable = false): RandomStream {
    return new RandomStream(`${String(this.rootSeed)}/${name}`, parkable);
  }
}
