/**
 * Why an outcome happened: a small causal chain built from the events a run already processes
 * (src/check/causes.ts builds them). Plain data, so `run --json` carries it as it is and every
 * renderer prints the same `summary` and `chain` strings.
 *
 * A cause's `kind` is what `iamsim check` compares while shrinking (a failure's signature), so a
 * shrunk witness fails for the same reason as the original: a call refused because a region's view
 * lagged (`propagation`) is a different failure from one refused because the profile never existed
 * (`missing`), even though AWS answers both with InvalidParameterValue.
 */

const causeKinds = [
  // API errors
  'propagation',
  'missing',
  'control-plane-pause',
  'rejected',
  // what made IMDS serve the new role
  'imds-rotation',
  'association-pickup',
  'boot',
  'policy-propagation',
  'imds-outage-ended',
  // what made the application hold (or stop holding) credentials
  'sdk-refresh',
  'per-call-client',
  'app-restart',
  'credentials-expired',
  'revoke-arrival',
  'instance-stopped',
  'no-credentials',
  // outcomes that did not happen
  'no-change',
  'imds-kept-old-role',
  'sdk-kept-old-credentials',
  'still-exposed',
  // an invariant's violation
  'rotation-kept-removed-role',
  'unexplained',
] as const;
export type CauseKind = (typeof causeKinds)[number];

/** One link of the chain: what happened when (scenario ms). */
export interface CauseEvent {
  readonly atMs: number;
  readonly event: string;
}

export interface Cause {
  readonly kind: CauseKind;
  /** One line, the way `run` prints it next to a call or a metric. */
  readonly summary: string;
  /** The events that led to the outcome, oldest first (`run --why`). */
  readonly chain: readonly CauseEvent[];
  /** For a stale view: which replica answered, and the version it had. */
  readonly view?: { readonly store: 'iam' | 'authz'; readonly region: string; readonly version: number };
  /** The committed version the outcome needed, when it was committed, and when it reached the view (null: not within the horizon). */
  readonly needed?: {
    readonly version: number;
    readonly committedAtMs: number;
    readonly arrivedAtMs: number | null;
  };
  /** How much too early the call came (arrival minus call time), ms. */
  readonly earlyByMs?: number;
}
