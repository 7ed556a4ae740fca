/**
 * Text formatting shared by the Markdown and HTML renderers, so both show exactly the same
 * strings (and the JSON test can map every shown number back to a JSON value).
 */
import type { MetricName } from '../result.ts';
import { pascalToKebab } from '../scenario/aws-cli.ts';
import type { MaxStat, QuantileStat } from './types.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Two significant digits below 10 of the unit, whole units above: 4.2s, 42s, 1.5m, 6.1h. */
function scaled(value: number): string {
  const text = value < 10 ? value.toFixed(1) : value.toFixed(0);
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/**
 * A duration in ms, rounded for reading in a report: 350ms, 4.2s, 42s, 1.5m, 6.1h (two significant
 * digits). Rounding never shows "60s" or "60m": such values move up to the next unit. Not the
 * scenario syntax: for an exact value that parses back, see formatDuration in scenario/duration.ts.
 * @throws RangeError for a negative or non-finite value (censored values are formatted by the caller).
 */
export function formatRoundedDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`duration must be finite and >= 0, got ${ms}`);
  if (ms === 0) return '0s';
  if (Math.round(ms) < SECOND) return `${Math.round(ms)}ms`;
  if (ms < MINUTE && Number(scaled(ms / SECOND)) < 60) return `${scaled(ms / SECOND)}s`;
  if (ms < HOUR && Number(scaled(ms / MINUTE)) < 60) return `${scaled(ms / MINUTE)}m`;
  return `${scaled(ms / HOUR)}h`;
}

/** A probability as a percentile label: 0.5 -> p50, 0.999 -> p99.9. */
export function percentileLabel(p: number): string {
  return `p${Number((p * 100).toFixed(3))}`;
}

/** A probability as a percentage: 0.999 -> 99.9%. */
export function percentLabel(p: number): string {
  return `${Number((p * 100).toFixed(3))}%`;
}

/** What "beyond the window" looks like: `>12h`. */
function beyondWindow(windowMs: number): string {
  return `>${formatRoundedDuration(windowMs)}`;
}

/**
 * A quantile with its interval: `6.1h [5.9h–6.3h]`. Censored values read `>12h` (beyond the
 * observation window); an upper bound that needs more samples reads `?`. A degenerate interval
 * (all three equal) is shown as the bare value.
 */
export function formatQuantile(q: QuantileStat, windowMs: number): string {
  const point = q.ms === null ? beyondWindow(windowMs) : formatRoundedDuration(q.ms);
  const [low, high] = q.ci;
  if (low !== null && low === high && high === q.ms) return point;
  const lowText = low === null ? beyondWindow(windowMs) : formatRoundedDuration(low);
  const highText =
    high !== null ? formatRoundedDuration(high) : q.ciOpen === 'samples' ? '?' : beyondWindow(windowMs);
  return `${point} [${lowText}–${highText}]`;
}

export function formatMax(m: MaxStat, windowMs: number): string {
  return m.ms === null ? beyondWindow(windowMs) : formatRoundedDuration(m.ms);
}

/** Short labels for the metrics, as shown in tables (the JSON keeps the metric names). */
export const metricLabels: Readonly<Record<MetricName, string>> = {
  imdsNewRoleMs: 'IMDS serves new role',
  appNewRoleMs: 'App uses new role',
  oldRoleExposureMs: 'Old permissions still work',
  credentialGapMs: 'No credentials (gap)',
  deniedMs: 'Denied (outage)',
  downtimeMs: 'Downtime',
};

/**
 * What each metric measures, one sentence each, for the reports' glossary (README and
 * scenarios/README.md say the same). Every metric is per target instance, from the change's start.
 */
export const metricDefinitions: Readonly<Record<MetricName, string>> = {
  imdsNewRoleMs:
    'time from the start of the change until instance metadata (IMDS) first serves accepted credentials of the target role',
  appNewRoleMs:
    "time until the application's SDK first holds accepted credentials of the target role (the role in the target profile)",
  oldRoleExposureMs:
    "time until the application no longer holds credentials of its pre-change role that the region's enforcement still accepts (replaced, expired, or denied by a revoke or policy)",
  credentialGapMs: 'total time the running application had no credentials to present',
  deniedMs:
    'total time the running application presented credentials AWS rejects outright (expired, issued for a role enforcement does not know, or denied every action by a revoke such as AWSRevokeOlderSessions or a deny-all policy): the outage the change caused',
  downtimeMs: 'total time the instance (or its application, during a reboot) was not running',
};

/** The fleet measure, in one sentence, for the same glossaries. */
export const minUpShareDefinition =
  'per run, the lowest share of target instances whose application was running with accepted credentials at any moment after the change started (1: never any outage; 0: all out at once); shown as the median over seeds with its interval, and the worst seed';

/** A share as a percentage with at most one decimal: 0.75 -> 75%, 0.9875 -> 98.8%. */
export function formatShare(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

/** Escapes text for HTML and SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Quotes a command-line argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** A profile waiter step as reports name it: `steps.2 (iam wait instance-profile-exists)`. */
export function waiterLabel(w: { readonly origin: string; readonly waiter: string }): string {
  return `${w.origin} (iam wait ${pascalToKebab(w.waiter)})`;
}
