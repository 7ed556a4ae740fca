/**
 * The report's tables as plain string grids. Markdown and HTML render these same grids, so the
 * two formats can never show different numbers.
 */
import { metricNames } from '../result.ts';
import {
  formatMax,
  formatQuantile,
  formatRoundedDuration,
  formatShare,
  metricLabels,
  percentileLabel,
  percentLabel,
  waiterLabel,
} from './format.ts';
import { RUNBOOK_PS } from './summarize.ts';
import type { CompareReport, MetricSummaries, ShareStat, StrategyReport } from './types.ts';

export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Per column: numbers right-aligned. */
  readonly align: readonly ('left' | 'right')[];
  /**
   * Optional two-level header for HTML (Markdown has no column groups): group labels spanning
   * columns, then short column labels. Markdown uses `headers`, which must say the same in one line.
   */
  readonly grouped?: {
    readonly groups: readonly { readonly label: string; readonly span: number }[];
    readonly headers: readonly string[];
  };
}

function metricRows(metrics: MetricSummaries, windowMs: number, prefix: readonly string[]): string[][] {
  return metricNames.map((name) => {
    const m = metrics[name];
    return [
      ...prefix,
      metricLabels[name],
      String(m.n),
      String(m.censored),
      formatQuantile(m.p50, windowMs),
      formatQuantile(m.p90, windowMs),
      formatQuantile(m.p99, windowMs),
      formatMax(m.max, windowMs),
    ];
  });
}

const METRIC_HEADERS = ['Metric', 'n', 'censored', 'p50', 'p90', 'p99', 'max'];
const METRIC_ALIGN: ('left' | 'right')[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right'];

/** The sentence introducing the runbook table (plain text; renderers escape it). */
export function runbookIntro(report: CompareReport): string {
  const confidence = `${Math.round(report.ci.confidence * 1000) / 10}%`;
  return (
    "Time after the change starts until P% of the target instances' applications use the new role, and until no " +
    'credential of their old role is still accepted on P% of them; then what the change costs: the p99 of the time ' +
    'an application presented credentials AWS rejects (denied) and of downtime, and the lowest share of targets up ' +
    `at any moment (median over seeds [interval], worst seed). Point estimate [${confidence} interval]; ">" means ` +
    'beyond the observation window (the event had not happened when the simulation stopped).'
  );
}

/** Runbook: for each strategy, how long until P% of instances use the new role / lost the old one. */
export function runbookTable(report: CompareReport): Table {
  const percents = RUNBOOK_PS.map(percentLabel);
  return {
    headers: [
      'Strategy',
      'n',
      ...percents.map((p) => `${p} use new role`),
      ...percents.map((p) => `${p} old role unusable`),
      'denied p99',
      'downtime p99',
      'min up share',
    ],
    align: [
      'left',
      'right',
      ...RUNBOOK_PS.map(() => 'right' as const),
      ...RUNBOOK_PS.map(() => 'right' as const),
      'right',
      'right',
      'right',
    ],
    grouped: {
      groups: [
        { label: '', span: 2 },
        { label: 'Application uses the new role: P% of targets', span: RUNBOOK_PS.length },
        { label: 'Old role no longer usable: P% of targets', span: RUNBOOK_PS.length },
        { label: 'What it costs', span: 3 },
      ],
      headers: ['Strategy', 'n', ...percents, ...percents, 'denied p99', 'down p99', 'min up'],
    },
    rows: report.strategies.map((s) => [
      s.strategy,
      String(s.n),
      ...s.runbook.newPermissionsInApp.map((q) => formatQuantile(q, s.observationWindowMs)),
      ...s.runbook.oldPermissionsGone.map((q) => formatQuantile(q, s.observationWindowMs)),
      formatQuantile(s.metrics.deniedMs.p99, s.observationWindowMs),
      formatQuantile(s.metrics.downtimeMs.p99, s.observationWindowMs),
      formatShareStat(s.fleet.minUpShare),
    ]),
  };
}

/** One strategy's metrics over all instances. */
export function strategyTable(s: StrategyReport): Table {
  return {
    headers: METRIC_HEADERS,
    align: METRIC_ALIGN,
    rows: metricRows(s.metrics, s.observationWindowMs, []),
  };
}

/** A share over seeds: `75% [75%–75%], worst 72.5%`; `–` without a change. */
function formatShareStat(stat: ShareStat): string {
  if (stat.median === null) return '–';
  const [low, high] = stat.ci;
  const interval =
    low === stat.median && high === stat.median
      ? ''
      : ` [${low === null ? '?' : formatShare(low)}–${high === null ? '?' : formatShare(high)}]`;
  const worst = stat.min !== null && stat.min !== stat.median ? `, worst ${formatShare(stat.min)}` : '';
  return `${formatShare(stat.median)}${interval}${worst}`;
}

/** One strategy's metrics per region. */
export function regionTable(s: StrategyReport): Table {
  return {
    headers: ['Region', ...METRIC_HEADERS],
    align: ['left', ...METRIC_ALIGN],
    rows: s.byRegion.flatMap((g) => metricRows(g.metrics, s.observationWindowMs, [g.region])),
  };
}

/**
 * API errors of every strategy, one row per (strategy, step, call, code), with how many the step
 * got past: an error followed by a success of the same call in the same step is the careful
 * operator polling a lagging view or a settling association, expected; the rest are failures.
 */
export function apiErrorTable(report: CompareReport): Table {
  return {
    headers: ['Strategy', 'Step', 'Call', 'Error', 'count', 'then succeeded', 'unresolved'],
    align: ['left', 'left', 'left', 'left', 'right', 'right', 'right'],
    rows: report.strategies.flatMap((s) =>
      s.apiErrors.map((e) => [
        s.strategy,
        e.origin,
        e.call,
        e.code,
        String(e.count),
        String(e.handled),
        String(e.unresolved),
      ]),
    ),
  };
}

/** The sentence before the also-affected table (plain text). */
export function alsoAffectedIntro(report: CompareReport): string {
  const any = report.strategies.some((s) => s.alsoAffected.instances.length > 0);
  const base =
    'Instances outside the targets are in no number above. Those whose credentials changed anyway after the change ' +
    'started (another role, denied, a gap, down), for example because they share a profile whose role was swapped, ' +
    'are listed here with the number of seeds in which they were.';
  return any ? base : `${base} None were.`;
}

/** The sentence before the API error table (plain text). */
export function apiErrorIntro(report: CompareReport): string {
  const any = report.strategies.some((s) => s.apiErrors.length > 0);
  const base =
    'Every error an AWS call returned, by strategy, step and call, summed over seeds. "Then succeeded" counts errors ' +
    'after which a later call of the same step succeeded: a careful operator retrying while a view lags or an ' +
    'association settles, which is expected. "Unresolved" errors are failures of the runbook.';
  return any ? base : `${base} There were none.`;
}

/** How new and old were told apart, for a strategy's section (plain text). */
export function judgedByNote(s: StrategyReport): string {
  return s.judgedBy === 'role'
    ? 'New and old credentials are told apart by the role they were issued for.'
    : 'This change keeps the role and rewrites its policy, so new and old credentials are told apart by their effective permissions.';
}

/** The file's own checks per strategy: in how many runs each failed (empty rows without checks). */
export function checksTable(report: CompareReport): Table {
  return {
    headers: ['Strategy', 'Check', 'kind', 'result', 'runs failed'],
    align: ['left', 'left', 'left', 'left', 'right'],
    rows: report.strategies.flatMap((s) =>
      (s.checks ?? []).map((c) => [
        s.strategy,
        c.name,
        c.kind,
        c.runsFailed === 0 ? 'pass' : 'FAIL',
        `${c.runsFailed} of ${c.runs}`,
      ]),
    ),
  };
}

/** The sentence before the checks table (plain text). */
export function checksIntro(): string {
  return (
    "The scenario's own checks (metric checks, expects, steps that could not complete), evaluated on every run of " +
    'every strategy. The built-in invariants are evaluated by iamsim check, which attaches checkers to each run.'
  );
}

/**
 * The runbook's profile waiters per strategy: in how many runs each passed, and in how many it
 * passed while its region's view still showed the profile without a role (with the share's
 * Wilson interval, computed by the summary). Empty rows without such waiters.
 */
export function waitersTable(report: CompareReport): Table {
  return {
    headers: [
      'Strategy',
      'Waiter step',
      'region',
      'runs passed',
      'passed before the role showed',
      'share of runs',
    ],
    align: ['left', 'left', 'left', 'right', 'right', 'right'],
    rows: report.strategies.flatMap((s) =>
      (s.waiters ?? []).map((w) => {
        const { share, low, high } = w.withoutRoleShare;
        return [
          s.strategy,
          waiterLabel(w),
          w.regions.join(', '),
          `${w.runsPassed} of ${w.runs}`,
          `${w.runsWithoutRole} of ${w.runs}`,
          `${formatShare(share)} [${formatShare(low)}–${formatShare(high)}]`,
        ];
      }),
    ),
  };
}

/** The sentence before the waiters table (plain text). */
export function waitersIntro(): string {
  return (
    'aws iam wait instance-profile-exists succeeds on any answer to GetInstanceProfile, so it can pass while ' +
    "the region's view still shows the profile without its role; an association made then picks up no role, and " +
    'the instance keeps its old credentials until its next rotation. Wait for the role itself (a waitUntil on ' +
    'InstanceProfile.Roles) before associating.'
  );
}

/** Non-targets whose credentials changed anyway, per strategy: the change's blast radius. */
export function alsoAffectedTable(report: CompareReport): Table {
  return {
    headers: ['Strategy', 'Instance', 'Fleet', 'seeds affected'],
    align: ['left', 'left', 'left', 'right'],
    rows: report.strategies.flatMap((s) =>
      s.alsoAffected.instances.map((a) => [
        s.strategy,
        a.instance,
        a.fleet ?? '',
        `${a.seeds} of ${report.seeds.count}`,
      ]),
    ),
  };
}

/** One strategy's metrics per SDK preset. */
export function sdkTable(s: StrategyReport): Table {
  return {
    headers: ['SDK', ...METRIC_HEADERS],
    align: ['left', ...METRIC_ALIGN],
    rows: s.bySdk.flatMap((g) => metricRows(g.metrics, s.observationWindowMs, [g.sdk])),
  };
}

/** Strategies side by side: samples, observation window, API errors. */
export function overviewTable(report: CompareReport): Table {
  return {
    headers: ['Strategy', 'n', 'window', 'judged by', 'also affected', 'API errors (unresolved)'],
    align: ['left', 'right', 'right', 'left', 'right', 'left'],
    rows: report.strategies.map((s) => [
      s.strategy,
      String(s.n),
      formatRoundedDuration(s.observationWindowMs),
      s.judgedBy === 'role' ? 'role' : 'permissions (role kept)',
      `${s.alsoAffected.instances.length} of ${s.alsoAffected.nonTargets}`,
      apiErrorSummary(s),
    ]),
  };
}

/** `IncorrectState ×60 (0)`: errors per code over all steps, with how many no later call got past. */
function apiErrorSummary(s: StrategyReport): string {
  if (s.apiErrorsByCode.length === 0) return 'none';
  return s.apiErrorsByCode.map((c) => `${c.code} ×${c.count} (${c.unresolved})`).join(', ');
}

/**
 * A table as aligned plain text for a terminal: columns padded to their widest cell, numbers
 * right-aligned, a rule under the header.
 */
export function textTable(table: Table): string {
  const widths = table.headers.map((h, i) =>
    Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)),
  );
  const pad = (cells: readonly string[]) =>
    cells
      .map((c, i) => (table.align[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [pad(table.headers), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(pad)].join('\n');
}

export function calibrationTable(report: CompareReport): Table {
  return {
    headers: ['Parameter', 'Value', 'Source'],
    align: ['left', 'left', 'left'],
    rows: report.calibration.map((c) => [c.key, c.description, c.source]),
  };
}

/** Bounds that need more samples, as a footnote: `p99.9 needs n >= 3688`. Empty when none. */
export function samplesNeededNote(report: CompareReport): string {
  const need = new Map<number, number>();
  for (const s of report.strategies) {
    const stats = [
      ...s.runbook.newPermissionsInApp,
      ...s.runbook.oldPermissionsGone,
      ...[s.metrics, ...s.bySdk.map((g) => g.metrics)].flatMap((ms) =>
        metricNames.flatMap((m) => [ms[m].p50, ms[m].p90, ms[m].p99]),
      ),
    ];
    for (const q of stats) if (q.samplesNeeded !== undefined) need.set(q.p, q.samplesNeeded);
  }
  if (need.size === 0) return '';
  const parts = [...need.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([p, n]) => `${percentileLabel(p)} needs n ≥ ${n}`);
  return `"?": too few samples for a finite upper bound (${parts.join('; ')}); run more seeds.`;
}
