/**
 * Every bound the loader enforces, in one place ("put a limit on everything"). A scenario over a
 * limit is refused with a message naming the limit, before any work proportional to it is done.
 */
const SECOND = 1000;
const DAY = 86_400_000;

export const limits = {
  /** Scenario files are hand-written; anything bigger is a mistake or an attack. */
  maxFileBytes: 1024 * 1024,
  /** YAML nesting depth (mappings and lists); real scenarios use well under 15. */
  maxDepth: 64,
  /** Alias expansions; small, so "billion laughs" documents are refused. */
  maxAliasCount: 50,
  /** Instances after fleets are expanded. */
  maxInstances: 200_000,
  /** Steps after forEach loops are multiplied out (an estimate: strategies count as one). */
  maxSteps: 10_000,
  maxHorizonMs: 30 * DAY,
  maxCompareSeeds: 100_000,
  /** A probe more frequent than this would dominate the event count without telling anything new. */
  minProbeEveryMs: SECOND,
  /** waitUntil polling; AWS's own waiters poll every 1 s or more. */
  minPollEveryMs: 100,
} as const;

/** Defaults filled in by the normaliser. */
export const defaults = {
  horizonMs: 8 * 3_600_000,
  sdk: 'botocore',
  waitUntilEveryMs: 2 * SECOND,
  waitUntilTimeoutMs: 2 * 60 * SECOND,
  compareSeeds: 200,
  compareStrategies: ['swap-role-in-profile', 'replace-profile', 'disassociate-associate', 'stop-start'],
  /** IAM account quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
  profileQuota: 1000,
  roleQuota: 1000,
  path: '/',
} as const;
