/**
 * Target slots: when replace-instances launches a replacement for an instance and terminates the
 * old one, the metrics belong to the place in the fleet (the slot, named after the scenario
 * instance), not to either machine. The slot's timeline is the old instance's until the
 * replacement's application is first up, and the replacement's from then on: the replacement's
 * application counts as the slot's as soon as it runs.
 *
 * One exception, because a single timeline cannot show two machines at once: the old instance
 * keeps its old credentials, which AWS still accepts, until it is terminated, even after the
 * replacement took over. So the slot's oldRoleExposureMs is the later of the merged timeline's
 * and the old instance's own.
 */
import { exposureEndMs } from './metrics.ts';
import type { InstanceResult, TimelineSegment } from './result.ts';

/** The instance that took a slot's place (recorded on the slot's result). */
export interface Replacement {
  /** The replacement's Name tag. */
  readonly name: string;
  readonly id: string;
}

/** When the replacement's application was first up (its first segment that is not `down`), or undefined. */
export function takeoverMs(replacementApp: readonly TimelineSegment[]): number | undefined {
  return replacementApp.find((s) => s.kind !== 'down')?.fromMs;
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
