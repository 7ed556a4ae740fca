/**
 * `batch:` settings (strategy steps, forEach steps, compare entries) and the labels under which
 * a comparison shows its strategies. Kept apart from normalise.ts so the rules about rolling work
 * out in batches sit in one place.
 */
import { formatDuration, schemaDurationMs } from './duration.ts';
import type { RawBatch } from './schema.ts';
import {
  type BatchSpec,
  type CompareStrategy,
  perInstanceStrategyNames,
  type StrategyName,
} from './types.ts';

type Report = (path: string, message: string) => void;

/** A schema-valid `batch:` as a BatchSpec; a percentage outside (0, 100] is reported at `path.size`. */
export function normaliseBatch(raw: RawBatch, path: string, error: Report): BatchSpec {
  const pauseMs = raw.pause === undefined ? 0 : durationMs(raw.pause);
  if (typeof raw.size === 'number') return { count: raw.size, pauseMs };
  const percent = Number(raw.size.slice(0, -1));
  if (!(percent > 0 && percent <= 100))
    error(`${path}.size`, `a batch percentage must be more than 0% and at most 100%, got ${raw.size}`);
  return { percent, pauseMs };
}

/** The `batch:` that normalises to `batch` (for writing scenarios back as YAML). */
export function batchToRaw(batch: BatchSpec): RawBatch {
  return {
    size: batch.percent !== undefined ? `${batch.percent}%` : (batch.count ?? 1),
    ...(batch.pauseMs > 0 ? { pause: formatDuration(batch.pauseMs) } : {}),
  };
}

/** Reports a batch given to a strategy whose work is not per instance. */
export function checkBatchable(strategy: StrategyName, path: string, error: Report): void {
  if (!(perInstanceStrategyNames as readonly string[]).includes(strategy)) {
    error(
      path,
      `${strategy} does not work instance by instance, so it cannot be rolled out in batches; batch applies to ${perInstanceStrategyNames.join(', ')}`,
    );
  }
}

/** How a batch reads in a label: `batches of 25%`, `batches of 5, pause 2m`. */
function describeBatch(batch: BatchSpec): string {
  const size = batch.percent !== undefined ? `${batch.percent}%` : String(batch.count);
  return `batches of ${size}${batch.pauseMs > 0 ? `, pause ${formatDuration(batch.pauseMs)}` : ''}`;
}

/** The label a compare entry gets when none is written: `stop-start (batches of 25%)`. */
function defaultLabel(strategy: StrategyName, batch: BatchSpec | undefined): string {
  return batch === undefined ? strategy : `${strategy} (${describeBatch(batch)})`;
}

/** Raw compare entries (names or {strategy, batch?, label?}) with unique labels; problems at `base.i`. */
export function normaliseCompareStrategies(
  raw: readonly (StrategyName | { strategy: StrategyName; batch?: RawBatch; label?: string })[],
  base: string,
  error: Report,
): CompareStrategy[] {
  const seen = new Map<string, number>();
  return raw.map((entry, i) => {
    const path = `${base}.${i}`;
    const e = typeof entry === 'string' ? { strategy: entry } : entry;
    let batch: BatchSpec | undefined;
    if (e.batch !== undefined) {
      checkBatchable(e.strategy, `${path}.batch`, error);
      batch = normaliseBatch(e.batch, `${path}.batch`, error);
    }
    const label = e.label ?? defaultLabel(e.strategy, batch);
    const first = seen.get(label);
    if (first !== undefined) {
      error(
        typeof entry === 'string' || entry.label === undefined ? path : `${path}.label`,
        `the label "${label}" is already used by strategies.${first}; give each variant its own label`,
      );
    } else {
      seen.set(label, i);
    }
    return { label, strategy: e.strategy, ...(batch === undefined ? {} : { batch }) };
  });
}

const durationMs = schemaDurationMs;
