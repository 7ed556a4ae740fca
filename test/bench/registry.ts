/**
 * Every benchmark `npm run bench` knows, in the order they run. To add one, write
 * `test/bench/<name>.ts` exporting a `Benchmark` and list it here.
 */
import type { Benchmark } from './benchmark.ts';
import { engineBenchmark } from './engine.ts';
import { fleetBenchmark } from './fleet.ts';
import { millionBenchmark } from './million.ts';
import { scaleBenchmark } from './scale.ts';
import { startupBenchmark } from './startup.ts';
import { sweepBenchmark } from './sweep.ts';

export const benchmarks: readonly Benchmark[] = [
  engineBenchmark,
  fleetBenchmark,
  scaleBenchmark,
  millionBenchmark,
  sweepBenchmark,
  startupBenchmark,
];

export class UnknownBenchmarkError extends Error {
  override readonly name = 'UnknownBenchmarkError';
}

/**
 * The benchmarks to run: all of them, or those named in `only`, in registry order.
 * @throws UnknownBenchmarkError naming every unknown name and listing the known ones.
 */
export function selectBenchmarks(
  only: readonly string[] | undefined,
  registry: readonly Benchmark[] = benchmarks,
): Benchmark[] {
  if (only === undefined) return [...registry];
  const known = new Set(registry.map((b) => b.name));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new UnknownBenchmarkError(
      `unknown benchmark${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${[...known].join(', ')}`,
    );
  }
  const wanted = new Set(only);
  return registry.filter((b) => wanted.has(b.name));
}
