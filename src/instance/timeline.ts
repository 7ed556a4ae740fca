/**
 * Records, per instance, what IMDS served and what the application held, as segments of
 * constant state. Metrics and probe counts are computed from the segments afterwards, so the
 * hot loop never needs an event per probe call.
 */
import { type HoldingKind, holdingKinds, type TimelineSegment } from '../result.ts';

export interface LaneState {
  readonly kind: HoldingKind;
  readonly role?: string;
  /** Whether the application's probe action is allowed in this state. */
  readonly probeAllowed: boolean;
}

export interface RecordedSegment extends TimelineSegment {
  readonly probeAllowed: boolean;
}

const KINDS = holdingKinds;
const interned = new Map<string | undefined, LaneState[]>();
/** Bound on the interning table (role names); past it the table starts over, which only costs allocations. */
const INTERNED_ROLES_MAX = 10_000;

/**
 * The one LaneState object with these fields. Lanes are re-evaluated on every event that could
 * change them; handing out shared immutable states means that costs no allocation, and that
 * equal states are identical objects.
 */
export function laneState(kind: HoldingKind, role: string | undefined, probeAllowed: boolean): LaneState {
  const states = interned.get(role) ?? internRole(role);
  return states[KINDS.indexOf(kind) * 2 + (probeAllowed ? 1 : 0)]!;
}

/**
 * Makes and keeps the states of `role`. Apart from laneState because its closures capture
 * `role`: V8 would otherwise make a context for it on every laneState call, a fleet's run
 * hundreds of thousands of times, although the closures run once per role.
 */
function internRole(role: string | undefined): LaneState[] {
  if (interned.size >= INTERNED_ROLES_MAX) interned.clear();
  const states = KINDS.flatMap((k) =>
    [false, true].map(
      (p): LaneState =>
        role === undefined ? { kind: k, probeAllowed: p } : { kind: k, role, probeAllowed: p },
    ),
  );
  interned.set(role, states);
  return states;
}

/**
 * Up to this many closed segments a lane's list is kept at its exact length: a lane usually
 * closes only a few, and `push` would give each list room for 17 (two lanes per instance, ~240
 * bytes of a fleet's per-instance memory). Longer lists grow as arrays do.
 */
const EXACT_SEGMENTS_MAX = 32;

/**
 * The closed segments of a lane that has closed none (shared: a list is made at the first;
 * frozen, so that a change to the shared list would throw instead of reaching every lane).
 */
const NO_SEGMENTS = Object.freeze([]) as unknown as RecordedSegment[];

export class Lane {
  private closed: RecordedSegment[] = NO_SEGMENTS;
  private current: LaneState;
  private currentFromMs: number;

  /**
   * @param keepAfterMs segments that end at or before this time are not kept: whoever reads the
   *   lane reads it from there on (see `segments`), as the world reads scenario time from its
   *   warm-up's end. Every lane of a fleet closes one or two such segments in the warm-up.
   */
  constructor(
    startMs: number,
    initial: LaneState,
    private readonly keepAfterMs = Number.NEGATIVE_INFINITY,
  ) {
    this.current = initial;
    this.currentFromMs = startMs;
  }

  get state(): LaneState {
    return this.current;
  }

  /** Moves to `next` at `nowMs`; identical states merge into one segment. */
  set(nowMs: number, next: LaneState): void {
    if (next === this.current || same(this.current, next)) return;
    if (nowMs > this.currentFromMs) {
      if (nowMs > this.keepAfterMs) {
        const closing = segment(this.currentFromMs, nowMs, this.current);
        if (this.closed.length < EXACT_SEGMENTS_MAX) this.closed = this.closed.concat([closing]);
        else this.closed.push(closing);
      }
      this.currentFromMs = nowMs;
    } else {
      // The current state lasted 0 ms (several changes within one event time): drop it, and if
      // the state before it comes back, continue that segment instead of starting an equal one.
      // (A segment not kept is not continued: it and the one that would continue it both start
      // at or before keepAfterMs, where every reader clips them.)
      const last = this.closed[this.closed.length - 1];
      if (last !== undefined && last.toMs === nowMs && same(last, next)) {
        this.closed.pop();
        this.currentFromMs = last.fromMs;
      }
    }
    this.current = next;
  }

  /**
   * All segments up to `endMs` (the current one closed there), shifted by `-offsetMs` and clipped
   * at 0. `offsetMs` is at least the lane's keepAfterMs.
   */
  segments(endMs: number, offsetMs: number): RecordedSegment[] {
    // Each segment is made once, shifted (segment() writes the fields in the order a spread of a
    // recorded segment would): every instance's lanes are read at the end of a run.
    const out: RecordedSegment[] = [];
    const closed = this.closed;
    for (let i = 0; i < closed.length; i++) {
      const s = closed[i]!;
      const toMs = s.toMs - offsetMs;
      if (toMs > 0) out.push(segment(Math.max(0, s.fromMs - offsetMs), toMs, s));
    }
    const toMs = endMs - offsetMs;
    if (endMs > this.currentFromMs && toMs > 0)
      out.push(segment(Math.max(0, this.currentFromMs - offsetMs), toMs, this.current));
    return out;
  }
}

function same(a: LaneState, b: LaneState): boolean {
  return a.kind === b.kind && a.role === b.role && a.probeAllowed === b.probeAllowed;
}

function segment(fromMs: number, toMs: number, s: LaneState | RecordedSegment): RecordedSegment {
  return s.role === undefined
    ? { fromMs, toMs, kind: s.kind, probeAllowed: s.probeAllowed }
    : { fromMs, toMs, kind: s.kind, role: s.role, probeAllowed: s.probeAllowed };
}
