/** Small sample statistics for distribution tests. Inputs are not modified. */

export function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

export function variance(xs: readonly number[]): number {
  const m = mean(xs);
  let sum = 0;
  for (const x of xs) sum += (x - m) ** 2;
  return sum / (xs.length - 1);
}

/** Empirical quantile `q` in [0, 1] by the nearest-rank method. */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Pearson correlation of two equally long samples. */
export function correlation(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new Error(`lengths differ: ${xs.length} vs ${ys.length}`);
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Fraction of `xs` for which `predicate` holds. */
export function fraction(xs: readonly number[], predicate: (x: number) => boolean): number {
  let n = 0;
  for (const x of xs) if (predicate(x)) n++;
  return n / xs.length;
}

/** `n` draws of `draw`. */
export function draws(n: number, draw: () => number): number[] {
  return Array.from({ length: n }, draw);
}
