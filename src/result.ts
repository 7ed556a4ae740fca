/**
 * What a simulation returns: plain data, rendered elsewhere (report/, cli.ts).
 * All times are virtual ms; metrics are ms after the change started, or null where they do not
 * apply (no change in the scenario, or the event never happened within the horizon).
 */

export interface AwsErrorData {
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
}

/** One executed AWS call, in execution order. */
export interface StepRecord {
  readonly index: number;
  readonly atMs: number;
  /** `service:Operation`, e.g. `ec2:ReplaceIamInstanceProfileAssociation`. */
  readonly call: string;
  readonly region: string;
  readonly ok: boolean;
  readonly response?: unknown;
  readonly error?: AwsErrorData;
  /** The expectation written in the scenario, if any, and whether it held. */
  readonly expect?: string;
  readonly expectMet?: boolean;
  /** Which scenario step produced the call (path in the YAML), and the strategy if any. */
  readonly origin: string;
}

/**
 * What IMDS served, or what the application held, over an interval:
 * - `new`: credentials whose effective permissions are the change's target permissions;
 * - `old`: credentials whose effective permissions are the old ones (still accepted);
 * - `other`: valid credentials with some other permission set (e.g. mid-change, or revoked: denied);
 * - `none`: no valid credentials (gap); `down`: the instance (or application) is not running.
 */
export type HoldingKind = 'new' | 'old' | 'other' | 'none' | 'down';

export interface TimelineSegment {
  readonly fromMs: number;
  readonly toMs: number;
  readonly kind: HoldingKind;
  /** Role name of the credentials held, when any. */
  readonly role?: string;
}

export const metricNames = [
  'imdsNewRoleMs',
  'appNewRoleMs',
  'oldRoleExposureMs',
  'credentialGapMs',
  'downtimeMs',
] as const;
export type MetricName = (typeof metricNames)[number];
export type InstanceMetrics = Readonly<Record<MetricName, number | null>>;

export interface InstanceResult {
  readonly name: string;
  readonly id: string;
  readonly region: string;
  /** SDK preset (or custom policy name). */
  readonly sdk: string;
  readonly fleet?: string;
  readonly metrics: InstanceMetrics;
  readonly probes: { readonly allowed: number; readonly denied: number };
  readonly imdsTimeline: readonly TimelineSegment[];
  readonly appTimeline: readonly TimelineSegment[];
}

/**
 * Where a check outcome comes from: a call's `expect`, a runbook failure (a `save` that found
 * nothing, a waitUntil or a strategy's wait that gave up), or a scenario's metric check. A field,
 * not a name prefix: a metric check may be named anything, "expect …" included.
 */
export type CheckKind = 'expect' | 'runbook' | 'metric';

export interface CheckOutcome {
  readonly name: string;
  readonly kind: CheckKind;
  readonly ok: boolean;
  readonly detail: string;
}

export interface RunResult {
  readonly scenario: string;
  readonly seed: number;
  readonly horizonMs: number;
  /** When the change started (first API call of the first strategy step, or of the first step), or null. */
  readonly changeStartMs: number | null;
  readonly steps: readonly StepRecord[];
  readonly instances: readonly InstanceResult[];
  readonly checks: readonly CheckOutcome[];
  readonly eventsProcessed: number;
}

/** Per-strategy samples handed from compare to the report aggregator. */
export interface StrategySamples {
  readonly strategy: string;
  /** One entry per (seed, instance). */
  readonly samples: readonly {
    readonly seed: number;
    readonly instance: string;
    readonly sdk: string;
    readonly metrics: InstanceMetrics;
  }[];
  /** API error counts by code, summed over seeds. */
  readonly apiErrors: Readonly<Record<string, number>>;
  /** A few instances' timelines from the first seed, for the HTML timeline chart. */
  readonly sampleTimelines: readonly InstanceResult[];
  /** Horizon minus change start, ms: the censoring bound for metrics that never happened. */
  readonly observationWindowMs: number;
  /** When the change started in the run the sample timelines come from (scenario ms), or null. */
  readonly timelineChangeStartMs?: number | null;
}
