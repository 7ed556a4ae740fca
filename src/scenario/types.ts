/**
 * The normalised scenario: what the loader (scenario/load.ts) produces from YAML after schema
 * parsing, normalisation (durations to ms, fleets expanded, defaults filled) and cross-field
 * rules. The simulator consumes only this type, never raw YAML.
 *
 * All times are integer virtual milliseconds from the start of the run.
 */

import type { ModelOptions, Tag } from '../aws/iam/types.ts';
import type { Calibration, CalibrationPreset } from '../calibration.ts';
import type { MetricName } from '../result.ts';
import { type IncidentSection, responseNames } from './incident.ts';

export type { ModelOptions } from '../aws/iam/types.ts';

export type SdkPresetName = 'botocore' | 'js-v3' | 'java-v1' | 'java-v2' | 'go-v2' | 'dotnet' | 'cli';

/** A custom SDK refresh policy (a preset name is the usual choice). */
export interface CustomSdkPolicy {
  readonly name: string;
  /** Refresh when less than this remains before expiry, ms. */
  readonly refreshBeforeExpiryMs: number;
  /** Refresh at least this long after each fetch, ms (omit for no cap). */
  readonly maxHoldMs?: number;
  /** Keep using expired credentials this long while IMDS cannot give new ones, ms (0: no static stability). */
  readonly staticStabilityMs?: number;
}

export type SdkSpec = SdkPresetName | CustomSdkPolicy;

export interface ProbeSpec {
  /** The action the application calls, e.g. `s3:GetObject`. */
  readonly action: string;
  readonly everyMs: number;
}

export interface RoleSpec {
  readonly name: string;
  readonly path: string;
  /** Allowed actions (patterns), put as one inline policy. */
  readonly allow: readonly string[];
}

export interface InstanceProfileSpec {
  readonly name: string;
  readonly path: string;
  readonly tags: readonly Tag[];
  readonly role?: string;
}

export interface InstanceSpec {
  readonly name: string;
  /** Explicit instance id; otherwise one is drawn from the seed. */
  readonly id?: string;
  readonly region: string;
  readonly state: 'running' | 'stopped';
  readonly instanceProfile?: string;
  readonly sdk: SdkSpec;
  readonly probe?: ProbeSpec;
  /** The fleet this instance was expanded from, if any. */
  readonly fleet?: string;
  /** EC2 MetadataOptions.HttpTokens, when written (absent: optional, IMDSv1 allowed). */
  readonly imds?: { readonly tokens: 'optional' | 'required' };
  /** EC2 tags besides Name (the instance's name), in the order written. */
  readonly tags?: readonly { readonly Key: string; readonly Value: string }[];
}

export interface FleetSpec {
  readonly name: string;
  /** Names of the expanded instances, `NAME-0` … `NAME-(count-1)`. */
  readonly instances: readonly string[];
}

/** Which instances a strategy or forEach acts on. */
export interface TargetSpec {
  readonly fleets: readonly string[];
  readonly instances: readonly string[];
}

/** What the change moves to: a role (strategies create what they need) or an existing profile. */
export type ChangeTarget = { readonly role: string } | { readonly instanceProfile: string };

export const strategyNames = [
  'swap-role-in-profile',
  'replace-profile',
  'disassociate-associate',
  'stop-start',
  'replace-profile-revoke',
  'edit-policy',
  'replace-instances',
  // The incident responses (src/runbook/responses.ts).
  ...responseNames,
] as const;
export type StrategyName = (typeof strategyNames)[number];

/** The strategies whose work is per instance, so they can roll it out in batches. */
export const perInstanceStrategyNames = [
  'replace-profile',
  'disassociate-associate',
  'stop-start',
  'replace-profile-revoke',
  'replace-instances',
  // Incident responses whose per-instance part (a restart, a disassociation) can roll.
  'revoke-then-stop-start',
  'scp-then-stop-start',
  'disassociate',
] as const satisfies readonly StrategyName[];

/**
 * Rolling per-instance work out in batches: `count` instances (or `percent` of the targets,
 * rounded up) at a time, each batch starting `pauseMs` after every instance of the previous one
 * finished. Absent: a strategy does all its instances at once, a forEach one after the other.
 */
export interface BatchSpec {
  /** Exactly one of `count` and `percent` is set. */
  readonly count?: number;
  /** In (0, 100]. */
  readonly percent?: number;
  readonly pauseMs: number;
}

/** Where a step came from in the YAML, for messages. */
export interface SourceRef {
  readonly path: string;
  readonly line?: number;
  readonly col?: number;
}

/** How the AWS CLI / SDK retries a failed call (src/runbook/retry.ts has the rules and sources). */
export type RetryMode = 'standard' | 'legacy' | 'adaptive';
/**
 * Attempts when `maxAttempts` is not given: 3 for standard and adaptive (AWS SDKs and Tools
 * Reference Guide, "Retry behavior"), 5 for botocore's legacy mode (data/_retry.json).
 */
export const RETRY_DEFAULT_ATTEMPTS: Readonly<Record<RetryMode, number>> = {
  standard: 3,
  adaptive: 3,
  legacy: 5,
};
export interface RetrySpec {
  readonly mode: RetryMode;
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
}

interface StepTiming {
  /** Absolute virtual time to start this step, ms. */
  readonly atMs?: number;
  /** Delay after the previous step finished, ms. */
  readonly afterMs?: number;
  readonly source: SourceRef;
  /**
   * `continue`: a failure of this step (a missed expect, a timed-out waitUntil, a failed waiter)
   * is recorded but the runbook goes on. Absent: the runbook stops there, like `set -e`.
   */
  readonly onFailure?: 'continue';
  /** Retries of this step's calls; absent: the scenario's `retry`, else the AWS CLI's default. */
  readonly retry?: RetrySpec;
}

export interface CallStep extends StepTiming {
  readonly kind: 'call';
  readonly service: 'iam' | 'ec2';
  /** AWS operation name, PascalCase, e.g. `AddRoleToInstanceProfile`. */
  readonly operation: string;
  /** Parameters as the AWS API takes them; strings may contain `${...}` substitutions. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly region?: string;
  /** Saved name -> dotted path into the response (numeric segments index arrays). */
  readonly save: Readonly<Record<string, string>>;
  /** `ok` or an AWS error code; undefined: no expectation. */
  readonly expect?: string;
  /**
   * An AWS waiter (`aws iam wait instance-profile-exists …`): the call is repeated with the
   * waiter's delay, attempt limit and acceptors (the service model's waiters-2.json).
   */
  readonly waiter?: string;
  /**
   * Page through the results as the AWS CLI does (an `aws` line of a paginated operation without
   * `--no-paginate`): call until the last page and merge the pages; `maxItems` caps the items.
   */
  readonly paginate?: {
    readonly pageSize?: number;
    readonly maxItems?: number;
    readonly startingToken?: string;
  };
}

export interface WaitStep extends StepTiming {
  readonly kind: 'wait';
  readonly durationMs: number;
}

export interface WaitUntilStep extends StepTiming {
  readonly kind: 'waitUntil';
  readonly service: 'iam' | 'ec2';
  readonly operation: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly region?: string;
  /** Dotted path into the response. */
  readonly path: string;
  /** The value the path must equal (compared as JSON). Exactly one of equals, absent, length, in. */
  readonly equals?: unknown;
  /** The path must lead nowhere (missing, or null). */
  readonly absent?: true;
  /** The value at the path is a list (or string) whose length is within [min, max]. */
  readonly length?: { readonly min: number; readonly max: number };
  /** The value at the path equals one of these (compared as JSON). */
  readonly in?: readonly unknown[];
  readonly everyMs: number;
  readonly timeoutMs: number;
}

export interface StrategyStep extends StepTiming {
  readonly kind: 'strategy';
  readonly strategy: StrategyName;
  readonly targets: TargetSpec;
  readonly to: ChangeTarget;
  /** Per-instance strategies only; absent: every instance at once. */
  readonly batch?: BatchSpec;
}

export interface ForEachStep extends StepTiming {
  readonly kind: 'forEach';
  readonly targets: TargetSpec;
  /** Run for each instance in turn; `${inst.id}`, `${inst.name}`, `${inst.associationId}` substituted. */
  readonly steps: readonly Step[];
  /** Absent: one instance after the other; else the instances of a batch run in parallel. */
  readonly batch?: BatchSpec;
}

/** The console procedures a scenario can name (IAM User Guide, "Using instance profiles": the console creates and deletes a same-name profile). */
export const consoleActions = ['create-role-for-ec2', 'launch-with-role', 'delete-role'] as const;
export type ConsoleAction = (typeof consoleActions)[number];

/** A console procedure, run as the AWS calls the console makes (src/runbook/console.ts). */
export interface ConsoleStep extends StepTiming {
  readonly kind: 'console';
  readonly action: ConsoleAction;
  /** create-role-for-ec2, delete-role: the role (and its same-name instance profile). */
  readonly role?: string;
  /** create-role-for-ec2: the actions the role's permissions policy allows. */
  readonly allow?: readonly string[];
  /** launch-with-role: the entry picked in the console's IAM role list (an instance profile name). */
  readonly instanceProfile?: string;
  /** launch-with-role: the region of the launch (default: the model's default region). */
  readonly region?: string;
  /** launch-with-role: number of instances (default 1). */
  readonly count?: number;
}

export type Step = CallStep | WaitStep | WaitUntilStep | StrategyStep | ForEachStep | ConsoleStep;

export type FaultSpec =
  | { readonly kind: 'partition'; readonly region: string; readonly fromMs: number; readonly toMs: number }
  | {
      readonly kind: 'imdsOutage';
      readonly instances: readonly string[];
      readonly fromMs: number;
      readonly toMs: number;
    }
  /** IAM writes fail with ServiceFailure (500) during the window. */
  | { readonly kind: 'controlPlanePause'; readonly fromMs: number; readonly toMs: number };

/**
 * The built-in invariants `iamsim check` evaluates (src/check/registry.ts builds a checker for
 * each). Safety invariants must hold at every event; liveness invariants must hold once the last
 * change (write call or fault end) is a bound in the past. Every one is on unless a scenario turns
 * it off. The names live here, not in check/, so the scenario format does not depend on checkers.
 */
export const safetyInvariantNames = [
  'imds-overlap',
  'imds-provenance',
  'sdk-expired-credentials',
  'region-order',
  'profile-one-role',
  'time-monotonic',
  'call-outcome',
] as const;
export const livenessInvariantNames = ['liveness-convergence', 'liveness-imds-role'] as const;
export const invariantNames = [...safetyInvariantNames, ...livenessInvariantNames] as const;
export type InvariantName = (typeof invariantNames)[number];

/** A `checks:` entry about a built-in invariant: turn it off, or give a liveness bound. */
export interface InvariantSetting {
  readonly invariant: InvariantName;
  /** False turns the invariant off (every invariant is on by default). */
  readonly enabled: boolean;
  /** Liveness only: how long after the last change the property must hold, ms (default: from the calibration). */
  readonly withinMs?: number;
}

/** A named assertion over per-instance metrics (issue: iamsim check). */
export interface MetricCheck {
  readonly name: string;
  readonly metric: MetricName;
  /** The metric must be at most this, ms (null metric fails). */
  readonly maxMs?: number;
  /** The metric must equal this, ms. */
  readonly equalsMs?: number;
}

/** The change the metrics measure, for runbooks written as plain calls. */
export interface ChangeSpec {
  readonly to: ChangeTarget;
  /** When the change starts, ms (default: the runbook's first call). */
  readonly atMs?: number;
  /** The instances the change is meant for (see changePlan for the default). */
  readonly targets?: TargetSpec;
  /** The runbook's name in comparison reports (default `runbook`). */
  readonly label?: string;
}

/** One strategy of a comparison, under the label the report shows it with. */
export interface CompareStrategy {
  /** Unique within the comparison: the strategy's name, or the label given or derived for a batched variant. */
  readonly label: string;
  readonly strategy: StrategyName;
  readonly batch?: BatchSpec;
}

export interface CompareSpec {
  readonly targets: TargetSpec;
  readonly to: ChangeTarget;
  /** When the change starts, ms. */
  readonly atMs: number;
  readonly strategies: readonly CompareStrategy[];
  readonly seeds: number;
}

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly seed?: number;
  readonly horizonMs: number;
  readonly calibrationPreset: CalibrationPreset;
  /** The preset with the scenario's overrides applied. */
  readonly calibration: Calibration;
  readonly model: ModelOptions;
  readonly regions: readonly string[];
  readonly roles: readonly RoleSpec[];
  readonly instanceProfiles: readonly InstanceProfileSpec[];
  readonly instances: readonly InstanceSpec[];
  readonly fleets: readonly FleetSpec[];
  readonly steps: readonly Step[];
  /** Retries of the runbook's calls; absent: the AWS CLI's default (standard, 3 attempts). */
  readonly retry?: RetrySpec;
  readonly faults: readonly FaultSpec[];
  readonly checks: readonly MetricCheck[];
  /**
   * The `checks:` entries about built-in invariants, in file order. Absent when there are none
   * (so scenarios without them hash as before); absent or empty means every invariant is on.
   */
  readonly invariants?: readonly InvariantSetting[];
  readonly change?: ChangeSpec;
  readonly compare?: CompareSpec;
  /** Stolen credentials and their detection (absent without `incidents:`). */
  readonly incident?: IncidentSection;
}
