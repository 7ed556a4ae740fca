/**
 * The served world's clock: which virtual instant (scenario ms) it should be at now.
 *
 * - `manual`: virtual time stands still until the admin API advances it (calls still take their
 *   modelled API latency, so each call moves it by that much);
 * - `realtime:SPEED`: virtual time follows the wall clock, SPEED virtual ms per wall ms, from the
 *   moment the world was opened; an admin `advance` jumps ahead of it and it continues from there.
 *
 * This is the one place the server reads the wall clock; the simulation never does.
 */
import { performance } from 'node:perf_hooks';

export type ClockSpec = { readonly kind: 'manual' } | { readonly kind: 'realtime'; readonly speed: number };

/** Parses `manual`, `realtime` or `realtime:SPEED`. @returns undefined for anything else. */
export function parseClock(text: string): ClockSpec | undefined {
  if (text === 'manual') return { kind: 'manual' };
  const m = /^realtime(?::(\d+(?:\.\d+)?))?$/.exec(text);
  if (m === null) return undefined;
  const speed = m[1] === undefined ? 1 : Number(m[1]);
  return speed > 0 && Number.isFinite(speed) ? { kind: 'realtime', speed } : undefined;
}

export interface Clock {
  readonly spec: ClockSpec;
  /** Where virtual time should be now (scenario ms), given where the world is: never earlier than `worldMs`. */
  target(worldMs: number): number;
  /** The world was moved to `worldMs` by hand (advance): realtime continues from there. */
  jumped(worldMs: number): void;
  /** Starts again from virtual time 0 (reset). */
  restart(): void;
}

function wallMs(): number {
  return performance.now(); // wall-clock: the realtime clock's source, outside the simulation
}

export function makeClock(spec: ClockSpec): Clock {
  if (spec.kind === 'manual') {
    return { spec, target: (worldMs) => worldMs, jumped: () => {}, restart: () => {} };
  }
  let startWallMs = wallMs();
  let baseMs = 0;
  return {
    spec,
    target: (worldMs) => Math.max(worldMs, baseMs + Math.floor((wallMs() - startWallMs) * spec.speed)),
    jumped: (worldMs) => {
      startWallMs = wallMs();
      baseMs = worldMs;
    },
    restart: () => {
      startWallMs = wallMs();
      baseMs = 0;
    },
  };
}
