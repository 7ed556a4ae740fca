/**
 * Durations as scenario files write them: `250ms`, `30s`, `10m`, `1h30m`, `2d`, `1.5s`, or a
 * non-negative integer meaning milliseconds. Parsing is exact (decimal arithmetic on BigInt), so
 * `1.1s` is 1100 ms and not 1100.0000000000002, and anything that is not a whole number of
 * milliseconds is refused rather than rounded: the simulator's clock is integer ms.
 */

const unitMs = { d: 86_400_000n, h: 3_600_000n, m: 60_000n, s: 1000n, ms: 1n } as const;
type Unit = keyof typeof unitMs;
/** Largest to smallest: a duration names each unit at most once, in this order. */
const unitOrder: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];

/** The JSON Schema pattern for duration strings (editor hint; the parser below is the authority). */
export const durationPattern = '^(\\d+|(\\d+(\\.\\d+)?(ms|s|m|h|d))+)$';

/** Examples shown in messages and schema descriptions. */
export const durationExamples = '250ms, 30s, 10m, 1h30m, 2d, or a whole number of milliseconds';

export type DurationResult =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly reason: string };

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const tooLong = `is too long (the limit is ${Number.MAX_SAFE_INTEGER} ms)`;

/**
 * Parses a duration written in a scenario. Never throws: a bad value gives a reason that says
 * what is wrong and what would be right.
 */
export function parseDuration(value: unknown): DurationResult {
  if (typeof value === 'number') return parseMsNumber(value);
  if (typeof value !== 'string') {
    return { ok: false, reason: `expected a duration (${durationExamples}), got ${describeValue(value)}` };
  }
  const text = value.trim();
  if (text === '') return { ok: false, reason: `empty duration; write e.g. ${durationExamples}` };
  if (text.startsWith('-'))
    return { ok: false, reason: `negative duration ${JSON.stringify(value)}: durations must be >= 0` };
  if (/^\d+$/.test(text)) {
    const ms = BigInt(text);
    return ms > MAX ? { ok: false, reason: `duration ${text} ms ${tooLong}` } : { ok: true, ms: Number(ms) };
  }
  const component = /(\d+)(?:\.(\d+))?(ms|s|m|h|d)/y;
  let total = 0n;
  let lastUnit = -1;
  let index = 0;
  while (index < text.length) {
    component.lastIndex = index;
    const m = component.exec(text);
    if (m === null) {
      return {
        ok: false,
        reason: `invalid duration ${JSON.stringify(value)}: expected e.g. ${durationExamples}`,
      };
    }
    const [, whole, frac = '', unit] = m as unknown as [string, string, string | undefined, Unit];
    const order = unitOrder.indexOf(unit);
    if (order <= lastUnit) {
      return {
        ok: false,
        reason: `invalid duration ${JSON.stringify(value)}: write units from largest to smallest, each once (e.g. 1h30m)`,
      };
    }
    lastUnit = order;
    const scale = 10n ** BigInt(frac.length);
    const scaled = BigInt(whole + frac) * unitMs[unit];
    if (scaled % scale !== 0n) {
      return { ok: false, reason: `duration ${JSON.stringify(value)} is not a whole number of milliseconds` };
    }
    total += scaled / scale;
    if (total > MAX) return { ok: false, reason: `duration ${JSON.stringify(value)} ${tooLong}` };
    index = component.lastIndex;
  }
  return { ok: true, ms: Number(total) };
}

function parseMsNumber(value: number): DurationResult {
  if (!Number.isFinite(value)) return { ok: false, reason: `duration must be finite, got ${value}` };
  if (value < 0) return { ok: false, reason: `negative duration ${value}: durations must be >= 0` };
  if (!Number.isInteger(value)) {
    return { ok: false, reason: `duration ${value} ms is not a whole number of milliseconds` };
  }
  if (value > Number.MAX_SAFE_INTEGER) return { ok: false, reason: `duration ${value} ms ${tooLong}` };
  return { ok: true, ms: value };
}

/**
 * Formats ms exactly, in the scenario syntax, largest units first: 5400000 -> `1h30m`, 0 -> `0ms`.
 * The inverse of parseDuration, for files and for messages that quote a value as a user writes it;
 * reports round instead (formatRoundedDuration in report/format.ts).
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) return `${ms}ms`;
  if (ms === 0) return '0ms';
  let rest = BigInt(ms);
  let out = '';
  for (const unit of unitOrder) {
    const n = rest / unitMs[unit];
    if (n > 0n) {
      out += `${n}${unit}`;
      rest -= n * unitMs[unit];
    }
  }
  return out;
}

/** A value as a message names it: strings quoted (`"boto"`), anything else described. */
export function quoteValue(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
    : describeValue(value);
}

/** A short description of a value's type for messages: `a list`, `a mapping`, `null`, `true`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/**
 * A duration the schema has already accepted, in ms. The loader's later passes read durations
 * only after the schema checked them, so a value the parser refuses here is a bug.
 * @throws Error when `value` is not a valid duration after all.
 */
export function schemaDurationMs(value: string | number): number {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new Error(`internal: duration ${String(value)} passed the schema but not the parser`);
  return parsed.ms;
}
