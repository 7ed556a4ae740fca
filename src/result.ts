/**
 * What a simulation returns: plain data, rendered elsewhere (report/, cli.ts).
 * All times are virtual ms; metrics are ms after the change started, or null where they do not
 * apply (no change in the scenario, or the event never happened within the horizon).
 */
import type { Cause } from './cause.ts';

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
  /** Why a failed call failed (filled when the run was asked for causes). */
  readonly cause?: Cause;
}

/**
 * What IMDS served, or what the application held, over an interval. Judged by role identity: the
 * role the credentials were issued for, as enforcement in the instance's region sees it (see
 * src/world/classify.ts); for a change that keeps the role (`edit-policy`), by effective
 * permissions instead.
 * - `new`: accepted credentials of the change's target role;
 * - `old`: accepted credentials of the instance's pre-change role;
 * - `other`: accepted credentials of some other role (or, judged by permissions, another set);
 * - `denied`: credentials held and presented but rejected outright by AWS: expired (an SDK's
 *   static stability keeps presenting them), issued for a role enforcement does not know, or
 *   denied every action for their issue time (AWSRevokeOlderSessions, a deny-all policy);
 * - `none`: nothing to present (gap); `down`: the instance (or application) is not running.
 */
export type HoldingKind = 'new' | 'old' | 'other' | 'denied' | 'none' | 'down';
export const holdingKinds: readonly HoldingKind[] = ['new', 'old', 'other', 'denied', 'none', 'down'];

/** Kinds in which the application can make calls AWS accepts (the instance is "up"). */
export function isUp(kind: HoldingKind): boolean {
  return kind === 'new' || kind === 'old' || kind === 'other';
}

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
  'deniedMs',
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
  /** Whether the instance is one of the change's targets (metrics aggregate targets only). */
  readonly target: boolean;
  /**
   * A non-target whose credentials changed anyway after the change started (what IMDS serves or
   * the application holds differs from before: another role, denied, a gap, down): the change's
   * blast radius beyond its targets. Always false for targets.
   */
  readonly affected: boolean;
  readonly metrics: InstanceMetrics;
  readonly probes: { readonly allowed: number; readonly denied: number };
  readonly imdsTimeline: readonly TimelineSegment[];
  readonly appTimeline: readonly TimelineSegment[];
  /**
   * The instance launched in this one's place (replace-instances). The result is then the slot's:
   * timelines and metrics follow the replacement once it is up (src/slots.ts).
   */
  readonly replacedBy?: { readonly name: string; readonly id: string };
  /** Which mechanism set each metric (filled when the run was asked for causes). */
  readonly causes?: Readonly<Partial<Record<MetricName, Cause>>>;
}

/**
 * Where a check outcome comes from: a call's `expect`, a runbook failure (a `save` that found
 * nothing, a waitUntil or a strategy's wait that gave up), or a scenario's metric check. A field,
 * not a name prefix: a metric check may be named anything, "expect …" included.
 */
export type CheckKind = 'expect' | 'runbook' | 'metric';

/** One check over a comparison entry's runs: runs in which it failed, of how many. */
export interface CheckTally {
  readonly name: string;
  readonly kind: CheckKind;
  readonly runsFailed: number;
  readonly runs: number;
}

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
  /** How new and old credentials were told apart (see ChangePlan.judgedBy). */
  readonly judgedBy: 'role' | 'permissions';
  /** Fleet-level measures over the target instances (null without a change). */
  readonly fleet: FleetMetrics;
  readonly checks: readonly CheckOutcome[];
  readonly eventsProcessed: number;
  /** What the attacker of the scenario's incidents got (absent without incidents). */
  readonly incident?: IncidentRunResult;
  /** The runbook's profile waiter steps that passed, in the order they passed (absent when none did). */
  readonly waiterPasses?: readonly WaiterPass[];
}

/**
 * An `aws iam wait instance-profile-exists` step that passed, and what its passing poll showed:
 * its only success acceptor is HTTP 200 on GetInstanceProfile, so `roleShown` says whether the
 * caller's region's view showed a role in the profile (the hazard is passing before it does).
 */
export interface WaiterPass {
  readonly origin: string;
  /** The waiter's name in waiters-2.json, e.g. `InstanceProfileExists`. */
  readonly waiter: string;
  readonly region: string;
  readonly atMs: number;
  readonly roleShown: boolean;
}

/** One `aws iam wait instance-profile-exists` step over many runs (src/runbook/waiter-hazard.ts). */
export interface WaiterHazard {
  /** The step (`steps.2`), the waiter and the region(s) it polled. */
  readonly origin: string;
  readonly waiter: string;
  readonly regions: readonly string[];
  readonly runs: number;
  /** Runs in which it passed (at least once: a waiter inside forEach passes once per instance). */
  readonly runsPassed: number;
  /** Runs in which it passed (at least once) while its region's view showed no role in the profile. */
  readonly runsWithoutRole: number;
}

export interface FleetMetrics {
  /**
   * The lowest share of target instances whose application was running with accepted credentials
   * (new, old or other) at any moment from the change's start to the horizon; null without a
   * change or targets. 1 means no target was ever out; 0 means all were out at once.
   */
  readonly minUpShare: number | null;
}

/**
 * API errors of one kind in one step, summed over seeds: which call, which step of the runbook
 * (or strategy) made it, and how many of them the step got past (a later call of the same step
 * succeeded: a careful operator's polling of a lagging view, not a failure of the runbook).
 */
export interface ApiErrorCount {
  readonly code: string;
  readonly call: string;
  readonly origin: string;
  readonly count: number;
  /** Errors after which the same step's same call succeeded later in the run. */
  readonly handled: number;
}

/** Per-strategy samples handed from compare to the report aggregator. */
export interface StrategySamples {
  readonly strategy: string;
  /**
   * How "new" and "old" credentials are told apart: by the role they were issued for (`role`),
   * or, for a change that keeps the role (edit-policy), by effective permissions.
   */
  readonly judgedBy?: 'role' | 'permissions';
  /** One entry per (seed, target instance): only the change's targets are aggregated. */
  readonly samples: readonly {
    readonly seed: number;
    readonly instance: string;
    readonly sdk: string;
    readonly region?: string;
    readonly metrics: InstanceMetrics;
  }[];
  /** One entry per seed: fleet-level measures over the targets. */
  readonly fleet?: readonly { readonly seed: number; readonly minUpShare: number | null }[];
  /**
   * Instances outside the targets whose credentials changed anyway, with the number of seeds in
   * which they did (in first-seen order; the report sorts them), and how many non-target instances
   * each seed had.
   */
  readonly alsoAffected?: {
    readonly nonTargets: number;
    readonly instances: readonly {
      readonly instance: string;
      readonly fleet?: string;
      readonly seeds: number;
    }[];
  };
  /** API errors by code, call and step, summed over seeds. */
  readonly apiErrors: readonly ApiErrorCount[];
  /**
   * The file's own checks (metric checks, expects, steps that could not complete), per check: in
   * how many of the runs it failed. Absent when no run had any.
   */
  readonly checks?: readonly CheckTally[];
  /** A few instances' timelines from the first seed, for the HTML timeline chart. */
  readonly sampleTimelines: readonly InstanceResult[];
  /** Horizon minus change start, ms: the censoring bound for metrics that never happened. */
  readonly observationWindowMs: number;
  /** When the change started in the run the sample timelines come from (scenario ms), or null. */
  readonly timelineChangeStartMs?: number | null;
  /** One entry per seed: what the attacker got (scenarios with incidents only). */
  readonly incident?: readonly ({ readonly seed: number } & IncidentRunResult)[];
  /** The runbook's profile waiters: how often they passed before the role showed (absent without). */
  readonly waiters?: readonly WaiterHazard[];
}

/** What happened to one incident in one run. Times are ms; exposure is null when it outlived the horizon. */
export interface IncidentOutcome {
  readonly name: string;
  /** When the attacker first read IMDS (scenario ms), or null when the read was blocked or found nothing. */
  readonly theftMs: number | null;
  /** Credential sets read from IMDS (the first and every re-read while the foothold lasted). */
  readonly stolenSets: number;
  /** Role-chained sessions obtained. */
  readonly chainedSessions: number;
  /** When the last credential the attacker holds expires (scenario ms), or null when it holds none. */
  readonly heldUntilMs: number | null;
  /** From the first theft until every credential the attacker holds is rejected in every region. */
  readonly attackerExposureMs: number | null;
  /** The same, from the response's start (0 when the exposure had ended before it): time to contain. */
  readonly attackerExposureFromResponseMs: number | null;
  /** Attacker probe calls that enforcement would have allowed (null without a probe). */
  readonly attackerAllowedCalls: number | null;
  /** Longest time a chained session stayed accepted after the response started (null: none held then). */
  readonly chainedAfterResponseMs: number | null;
  /** The counter-move's outcome, when the incident has one and a deletable deny was put. */
  readonly counterMove?: 'attacker-won' | 'defender-won';
}

/** The incident part of a run's result (absent for scenarios without incidents). */
export interface IncidentRunResult {
  /** When the response started (scenario ms), or null when nothing was detected. */
  readonly responseStartMs: number | null;
  readonly incidents: readonly IncidentOutcome[];
  /**
   * Time to recover: from the response's start until every target application is up again for
   * good (0: never out; null: still out at the horizon).
   */
  readonly recoveryMs: number | null;
}
