/**
 * Target slots: when replace-instances launches a replacement for an instance and terminates the
 * old one, the metrics belong to the place in the fleet (the slot, named after the scenario
 * instance), not to either machine. The slot's timeline is the old instance's until the
 * replacement takes over (see takeoverMs: as soon as its application runs and can do at least as
 * much as the old one's), and the replacement's from then on.
 *
 * One exception, because a single timeline cannot show two machines at once: the old instance
 * keeps its old credentials, which AWS still accepts, until it is terminated, even after the
 * replacement took over. So the slot's oldRoleExposureMs is the later of the merged timeline's
 * and the old instance's own.
 */
import { exposureEndMs } from '../metrics.ts';
import type { HoldingKind, InstanceResult, TimelineSegment } from '../result.ts';

/** The instance that took a slot's place (recorded on the slot's result). */
export interface Replacement {
  /** The replacement's Name tag. */
  readonly name: string;
  readonly id: string;
}

/** How much an application can do in a state: down < running without credentials < holding some. */
function rank(kind: HoldingKind): number {
  return kind === 'down' ? 0 : kind === 'none' ? 1 : 2;
}

function kindAt(segments: readonly TimelineSegment[], atMs: number): HoldingKind | undefined {
  return segments.find((s) => s.fromMs <= atMs && atMs < s.toMs)?.kind;
}

/**
 * When the replacement takes the slot over: the first moment its application is up and at least
 * as able as the old instance's (holding credentials, or running while the old one holds none or
 * is gone), or undefined if that never happens. So a replacement still waiting for its first
 * credentials does not count as a gap while the old instance serves, and one that is up when the
 * old instance goes away does not count as down.
 */
export function takeoverMs(
  oldApp: readonly TimelineSegment[],
  replacementApp: readonly TimelineSegment[],
): number | undefined {
  // Both lanes are constant between segment starts, so those are the only moments to look at.
  const moments = [...new Set([...oldApp, ...replacementApp].map((s) => s.fromMs))].sort((a, b) => a - b);
  for (const atMs of moments) {
    const next = kindAt(replacementApp, atMs);
    if (next === undefined || next === 'down') continue;
    const old = kindAt(oldApp, atMs);
    if (old === undefined || rank(next) >= rank(old)) return atMs;
  }
  return undefined;
}

/**
 * One lane of a slot: `old`'s segments before `atMs`, `replacement`'s from `atMs` on (each cut at
 * `atMs`). Without a takeover (`atMs` undefined) the slot is the old instance's alone.
 */
export function mergeLane<S extends TimelineSegment>(
  old: readonly S[],
  replacement: readonly S[],
  atMs: number | undefined,
): S[] {
  if (atMs === undefined) return [...old];
  const out: S[] = [];
  for (const s of old) {
    if (s.fromMs >= atMs) break;
    out.push(s.toMs <= atMs ? s : { ...s, toMs: atMs });
  }
  for (const s of replacement) {
    if (s.toMs <= atMs) continue;
    out.push(s.fromMs >= atMs ? s : { ...s, fromMs: atMs });
  }
  return out;
}

/**
 * The slot's result, computed from the merged lanes, with the replacement recorded and the old
 * instance's own exposure taken into account (see the top of the file). `oldApp` is the old
 * instance's own application lane; null exposure (still exposed at the horizon) wins.
 */
export function slotResult(
  merged: InstanceResult,
  replacement: Replacement,
  oldApp: readonly TimelineSegment[],
  changeStartMs: number | null,
  horizonMs: number,
): InstanceResult {
  const mergedMs = merged.metrics.oldRoleExposureMs;
  const ownMs = changeStartMs === null ? null : exposureEndMs(oldApp, changeStartMs, horizonMs);
  const exposureMs =
    changeStartMs === null ? null : mergedMs === null || ownMs === null ? null : Math.max(mergedMs, ownMs);
  return {
    ...merged,
    metrics: { ...merged.metrics, oldRoleExposureMs: exposureMs },
    replacedBy: { name: replacement.name, id: replacement.id },
  };
}
