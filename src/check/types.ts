/**
 * Checkers observe a world and record violations; they never drive it (no scheduling, no calls,
 * no writes). Safety checkers look at every relevant event; liveness checkers look at the end.
 */
import type { Cause, CauseKind } from '../cause.ts';
import type { CheckKind } from '../result.ts';
import type { WorldObserver } from '../simulate.ts';

export interface Violation {
  /** The checker's name, e.g. `imds-overlap`. */
  readonly check: string;
  /** Scenario time, ms. */
  readonly atMs: number;
  readonly instance?: string;
  readonly detail: string;
}

export interface Checker extends WorldObserver {
  readonly name: string;
  readonly kind: 'safety' | 'liveness';
  readonly violations: Violation[];
  /**
   * Liveness only: why this run could not judge the property (the run ended before the last
   * change plus the bound), or undefined once it was judged. Unknown is not a failure: a verdict
   * is valid, invalid or unknown, as in Jepsen.
   */
  readonly unknown?: string | undefined;
}

/** How a check failed: an invariant (safety or liveness), or the scenario's own expect, runbook or metric check. */
export type FailureKind = 'safety' | 'liveness' | CheckKind;

export interface CheckFailure {
  /** What stays the same while shrinking: `invariant:NAME`, `expect:NAME`, `metric:NAME` or `runbook`. */
  readonly key: string;
  /** The invariant or check name as printed. */
  readonly name: string;
  readonly kind: FailureKind;
  readonly detail: string;
  /** Scenario time of the violation, ms, when one time can be named. */
  readonly atMs?: number;
  readonly instance?: string;
  /** Why it failed, when the model can say (the first failing call or instance). */
  readonly cause?: Cause;
  /**
   * What "the same failure" means while shrinking: every signature this failure shows (one per
   * failing call or instance, first the one reported). A candidate reproduces the failure when one
   * of its failures shows the first signature here.
   */
  readonly signatures: readonly FailureSignature[];
}

/**
 * A failure's identity: the check, where it came from (the call of a step, since shrinking
 * renumbers step paths; or the metric), the error code, and the kind of its cause.
 */
export interface FailureSignature {
  readonly check: string;
  readonly origin: string;
  readonly code: string;
  readonly cause: CauseKind | '';
}

export function sameSignature(a: FailureSignature, b: FailureSignature): boolean {
  return a.check === b.check && a.origin === b.origin && a.code === b.code && a.cause === b.cause;
}

/** `check · origin · code · cause`, the empty parts left out. */
export function formatSignature(s: FailureSignature): string {
  return [s.check, s.origin, s.code, s.cause === '' ? '' : `cause ${s.cause}`]
    .filter((p) => p !== '')
    .join(' · ');
}
