/**
 * The comparison report: its input (what compare hands over) and its output (what every renderer
 * reads). The report is plain JSON-friendly data: every duration is whole milliseconds, there is
 * no Infinity or NaN anywhere, and a quantity that lies beyond what the simulation observed is
 * `null` with a flag that says why. Renderers only format; they never compute statistics.
 */
import type {
  ApiErrorCount,
  CheckTally,
  InstanceResult,
  MetricName,
  StrategySamples,
  WaiterHazard,
} from '../result.ts';

import type { IncidentReport } from './incident.ts';

export type CiMethod = 'order-statistic' | 'cluster-bootstrap';

/**
 * The one default interval method, for the library and the CLI alike: whole seeds are resampled,
 * because the instances of one seed share draws (a region's propagation delays, the operator's
 * calls), so they are not independent samples, and intervals that assume they are come out too
 * narrow (test/report measures how much).
 */
export const DEFAULT_CI: CiMethod = 'cluster-bootstrap';

/** One strategy's samples, optionally with where its sample timelines' change started. */
export type StrategyInput = StrategySamples & {
  /**
   * When the change started in the run the sample timelines come from (that run's
   * RunResult.changeStartMs), ms. With it the timeline chart uses a log axis of time after the
   * change, like the other charts (seconds and hours both visible); without it, a linear axis
   * over the whole run.
   */
  readonly timelineChangeStartMs?: number | null;
};

export interface CompareInput {
  readonly scenarioName: string;
  readonly scenarioHash: string;
  /** The seeds that were run, in any order (reported sorted). */
  readonly seeds: readonly number[];
  /** One entry per strategy, in the order the report should show them. */
  readonly strategies: readonly StrategyInput[];
  /** Every calibrated delay used: key, human description (e.g. `describe()`), and where it comes from. */
  readonly calibration: readonly {
    readonly key: string;
    readonly description: string;
    readonly source: string;
  }[];
  /** The command line that reproduces this report. */
  readonly command: string;
  /** iamsim version that produced it. */
  readonly version: string;
  /** How to compute intervals; defaults: order-statistic, 0.95, 1000 resamples. */
  readonly ci?: {
    readonly method?: CiMethod;
    readonly confidence?: number;
    /** Bootstrap resamples (cluster-bootstrap only). */
    readonly resamples?: number;
  };
}

/**
 * One quantile with its confidence interval.
 * - `ms` is the point estimate; null iff `censored`: the quantile is at or beyond the observation
 *   window (it needs a sample whose event never happened while we watched).
 * - `ci` is [low, high] in ms. low is 0 when the data cannot bound the quantile from below
 *   (durations are never negative); low is null only when it is censored too.
 * - high is null when the data cannot bound it from above; `ciOpen` says why: `censored` (the
 *   bound falls on a censored sample: "> window") or `samples` (too few samples for this
 *   quantile: at least `samplesNeeded` are required for a finite upper bound).
 */
export interface QuantileStat {
  readonly p: number;
  readonly ms: number | null;
  readonly censored: boolean;
  readonly ci: readonly [number | null, number | null];
  readonly ciOpen?: 'censored' | 'samples';
  readonly samplesNeeded?: number;
}

/** Sample maximum; null iff some sample is censored. No CI: no distribution-free interval exists for a population maximum. */
export interface MaxStat {
  readonly ms: number | null;
  readonly censored: boolean;
}

export interface MetricSummary {
  /** Samples (instance x seed), censored ones included. */
  readonly n: number;
  /** Samples whose event did not happen within the observation window. */
  readonly censored: number;
  readonly p50: QuantileStat;
  readonly p90: QuantileStat;
  readonly p99: QuantileStat;
  readonly max: MaxStat;
}

export type MetricSummaries = Readonly<Record<MetricName, MetricSummary>>;

/** A point of a t-visibility curve: P(event by tMs) with its Wilson interval. Probabilities are rounded to 6 decimals. */
export interface VisibilityPoint {
  readonly tMs: number;
  readonly p: number;
  readonly low: number;
  readonly high: number;
}

/** The quantile function at fixed probabilities, for drawing CDFs: `ms` null = censored. */
export interface CdfPoint {
  readonly p: number;
  readonly ms: number | null;
}

/** A share (0..1) over seeds: its median with an interval, and the worst seed. */
export interface ShareStat {
  /** Seeds with a value (a run without a change has none). */
  readonly seeds: number;
  readonly median: number | null;
  /** Distribution-free interval for the median over seeds (seeds are independent); null bounds: too few seeds. */
  readonly ci: readonly [number | null, number | null];
  /** The lowest value of any seed. */
  readonly min: number | null;
}

export interface StrategyReport {
  readonly strategy: string;
  /** How new and old credentials were told apart (edit-policy keeps the role: by permissions). */
  readonly judgedBy: 'role' | 'permissions';
  /** Samples (target instance x seed). */
  readonly n: number;
  /** Horizon minus change start, ms: the censoring bound ("> window"). */
  readonly observationWindowMs: number;
  readonly metrics: MetricSummaries;
  /** The same per SDK preset, sorted by SDK name. */
  readonly bySdk: readonly { readonly sdk: string; readonly n: number; readonly metrics: MetricSummaries }[];
  /** The same per region, sorted by region name. */
  readonly byRegion: readonly {
    readonly region: string;
    readonly n: number;
    readonly metrics: MetricSummaries;
  }[];
  /** Fleet measures over the targets, one value per seed. */
  readonly fleet: { readonly minUpShare: ShareStat };
  /** Non-target instances whose credentials changed anyway: the change's blast radius. */
  readonly alsoAffected: {
    /** Non-target instances per run. */
    readonly nonTargets: number;
    readonly instances: readonly {
      readonly instance: string;
      readonly fleet?: string;
      readonly seeds: number;
    }[];
  };
  /**
   * API errors by code, call and step over all seeds, sorted by code, call, step; `unresolved`
   * is count − handled (errors no later call of the same step got past).
   */
  readonly apiErrors: readonly (ApiErrorCount & { readonly unresolved: number })[];
  /** The file's own checks over this entry's runs (absent when it has none). */
  readonly checks?: readonly CheckTally[];
  /** The runbook's `aws iam wait instance-profile-exists` steps over this entry's runs (absent without). */
  readonly waiters?: readonly WaiterReport[];
  /** The same summed per error code, sorted by code. */
  readonly apiErrorsByCode: readonly {
    readonly code: string;
    readonly count: number;
    readonly unresolved: number;
  }[];
  /**
   * Runbook answers: how long until P% of instances' applications use the new permissions
   * (appNewRoleMs quantiles) and until the old permissions stop working (oldRoleExposureMs), for
   * P = 50, 99, 99.9.
   */
  readonly runbook: {
    readonly newPermissionsInApp: readonly QuantileStat[];
    readonly oldPermissionsGone: readonly QuantileStat[];
  };
  /**
   * t-visibility (PBS): over a log grid from 1 s to the window, the share of instances whose
   * application uses the new role by t (appNew) and whose old permissions are gone by t (oldGone).
   */
  readonly tVisibility: {
    readonly appNew: readonly VisibilityPoint[];
    readonly oldGone: readonly VisibilityPoint[];
  };
  /** What the attacker got and what the response cost (scenarios with incidents only). */
  readonly incident?: IncidentReport;
  /** Quantile functions for the CDF chart. */
  readonly cdf: { readonly imdsNewRoleMs: readonly CdfPoint[]; readonly appNewRoleMs: readonly CdfPoint[] };
  readonly sampleTimelines: readonly InstanceResult[];
  /** Change start in the sample timelines' run, ms, or null when not given (see StrategyInput). */
  readonly timelineChangeStartMs: number | null;
}

export interface CompareReport {
  /** Bumped when the shape changes incompatibly (2: targets only, deniedMs, fleet, regions, API errors by step). */
  readonly schemaVersion: 2;
  readonly scenario: { readonly name: string; readonly hash: string };
  readonly version: string;
  readonly command: string;
  /** Seeds sorted ascending, and the same compressed into ranges (`1-100, 205`). */
  readonly seeds: { readonly count: number; readonly ranges: string; readonly list: readonly number[] };
  readonly ci: {
    readonly method: CiMethod;
    readonly confidence: number;
    readonly resamples: number | null;
    /** One paragraph explaining the method, censoring and quantile definition, printed in every report. */
    readonly description: string;
  };
  readonly calibration: readonly {
    readonly key: string;
    readonly description: string;
    readonly source: string;
  }[];
  readonly strategies: readonly StrategyReport[];
}

/**
 * A profile waiter step over an entry's runs, with the share of runs in which it passed before
 * its region's view showed the role, and that share's Wilson interval at the report's confidence.
 */
export interface WaiterReport extends WaiterHazard {
  readonly withoutRoleShare: { readonly share: number; readonly low: number; readonly high: number };
}
