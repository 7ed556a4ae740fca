/**
 * What a benchmark is: a name, a one-line description, and a function that returns plain data.
 * Rendering (table or JSON lines) lives in cli.ts, so a benchmark never prints.
 */

/** One benchmark's result. `name` comes first; the other fields are its measurements, units in their names. */
export interface BenchResult {
  readonly name: string;
  readonly [field: string]: string | number | boolean;
}

export interface Benchmark {
  /** Unique, lower-case; what `--only` selects. */
  readonly name: string;
  readonly description: string;
  run(): BenchResult | Promise<BenchResult>;
}
