/**
 * Human-readable rendering of one run (`iamsim run`): the calls in execution order, then per
 * instance when IMDS and the application switched roles and when the old credentials stopped
 * working, then the checks. Pure: data in, text out.
 */

import type { Cause } from '../cause.ts';
import { formatClock } from '../engine/index.ts';
import type { InstanceResult, RunResult } from '../result.ts';
import { waiterLabel } from './format.ts';

/**
 * A span as a person reads it: the two largest units, e.g. 3h20m, 1m35s, 4.2s, 150ms
 * (12023712 ms is 3h20m, not 3.34h).
 */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  if (ms < 0) return `-${formatSpan(-ms)}`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const totalS = Math.round(ms / 1000);
  const d = Math.floor(totalS / 86_400);
  const h = Math.floor((totalS % 86_400) / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const sec = totalS % 60;
  if (d > 0) return h > 0 ? `${d}d${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h${m}m` : `${h}h`;
  return sec > 0 ? `${m}m${sec}s` : `${m}m`;
}

function after(v: number | null, never: string): string {
  return v === null ? never : `+${formatSpan(v)}`;
}

function instanceLine(i: InstanceResult): string {
  if (!i.target) {
    const what = i.affected ? 'credentials changed anyway (see --json timelines)' : 'credentials unchanged';
    return `  ${i.name} (${i.id}, ${i.region}, ${i.sdk}): not a target; ${what}${probeText(i)}`;
  }
  const m = i.metrics;
  const parts = [
    `IMDS new role ${after(m.imdsNewRoleMs, 'never')}`,
    `app new role ${after(m.appNewRoleMs, 'never')}`,
    `old credentials accepted until ${after(m.oldRoleExposureMs, 'the end (still accepted)')}`,
  ];
  if (m.credentialGapMs !== null && m.credentialGapMs > 0)
    parts.push(`no credentials for ${formatSpan(m.credentialGapMs)}`);
  if (m.downtimeMs !== null && m.downtimeMs > 0) parts.push(`down for ${formatSpan(m.downtimeMs)}`);
  return `  ${i.name} (${i.id}, ${i.region}, ${i.sdk}): ${parts.join('; ')}${probeText(i)}`;
}

function probeText(i: InstanceResult): string {
  return i.probes.allowed + i.probes.denied > 0
    ? `; probes ${i.probes.allowed} allowed, ${i.probes.denied} denied`
    : '';
}

/** Median and maximum of a metric over a group, with how many never reached it. */
function spread(values: readonly (number | null)[], never: string): string {
  const done = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const missing = values.length - done.length;
  if (done.length === 0) return never;
  const median = done[Math.floor((done.length - 1) / 2)]!;
  const tail = missing > 0 ? ` (${missing} ${never})` : '';
  return `median +${formatSpan(median)}, max +${formatSpan(done[done.length - 1]!)}${tail}`;
}

/** One line per fleet (instances outside fleets together), before the per-instance lines. */
function fleetSummary(instances: readonly InstanceResult[]): string[] {
  const groups = new Map<string, InstanceResult[]>();
  for (const i of instances) {
    const key = i.fleet ?? '(no fleet)';
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [i]);
    else g.push(i);
  }
  const lines = [...groups].map(([name, all]) => {
    // The change's metrics mean something for its targets only; the others are its blast radius.
    const members = all.filter((i) => i.target);
    const others = all.length - members.length;
    if (members.length === 0) {
      const affected = all.filter((i) => i.affected).length;
      return `  fleet ${name} (${all.length}): not a target of the change; ${
        affected === 0 ? 'credentials unchanged' : `${affected} affected anyway (credentials changed)`
      }`;
    }
    const m = (pick: (i: InstanceResult) => number | null) => members.map(pick);
    return (
      `  fleet ${name} (${others === 0 ? all.length : `${members.length} of ${all.length} targeted`}): IMDS new role ${spread(
        m((i) => i.metrics.imdsNewRoleMs),
        'never',
      )}; ` +
      `app new role ${spread(
        m((i) => i.metrics.appNewRoleMs),
        'never',
      )}; ` +
      `old credentials accepted ${spread(
        m((i) => i.metrics.oldRoleExposureMs),
        'to the end',
      )}`
    );
  });
  return [...lines, ''];
}

export interface RunTextOptions {
  /** The command that reproduces this run (printed first). */
  readonly command: string;
  /** Show at most this many calls and instances (0: all). */
  readonly limit?: number;
  /** Print each cause's whole chain, not only its summary (`run --why`). */
  readonly why?: boolean;
}

/** The lines of a cause under a call or a metric: its summary, and with `why` its chain. */
function causeLines(label: string, cause: Cause | undefined, why: boolean): string[] {
  if (cause === undefined) return [];
  const lines = [`      ${label}: ${cause.summary}`];
  if (why) for (const e of cause.chain) lines.push(`        ${formatClock(e.atMs)}  ${e.event}`);
  return lines;
}

/** Profile waiters that passed before their region's view showed the role: the runbook's hazard. */
function waiterLines(result: RunResult): string[] {
  return (result.waiterPasses ?? [])
    .filter((w) => !w.roleShown)
    .map(
      (w) =>
        `  note: ${waiterLabel(w)} passed at ${formatClock(w.atMs)} while ${w.region}'s view showed the profile without a role`,
    );
}

export function renderRunText(result: RunResult, options: RunTextOptions): string {
  const limit = options.limit ?? 0;
  const lines: string[] = [];
  lines.push(`seed ${result.seed} · reproduce with: ${options.command}`);
  lines.push(
    `scenario ${result.scenario}: ${result.instances.length} instance(s), ${result.steps.length} call(s), horizon ${formatSpan(result.horizonMs)}, ${result.eventsProcessed} events`,
  );
  lines.push('');
  lines.push('Calls (virtual time, call, region, outcome):');
  const steps = limit > 0 ? result.steps.slice(0, limit) : result.steps;
  for (const s of steps) {
    const outcome = s.ok ? 'ok' : `${s.error?.code}: ${s.error?.message}`;
    const expect =
      s.expect === undefined
        ? ''
        : s.expectMet
          ? ` (expected ${s.expect}: met)`
          : ` (expected ${s.expect}: NOT MET)`;
    lines.push(`  ${formatClock(s.atMs)}  ${s.call}  ${s.region}  ${outcome}${expect}`);
    lines.push(...causeLines('why', s.cause, options.why === true));
  }
  if (steps.length < result.steps.length)
    lines.push(`  … ${result.steps.length - steps.length} more (use --json for all)`);
  if (result.steps.length === 0) lines.push('  (none)');
  lines.push(...waiterLines(result));
  lines.push('');
  if (result.changeStartMs === null) {
    lines.push('Instances (no strategy step, so no change is measured):');
  } else {
    lines.push(`Instances (times after the change started at ${formatClock(result.changeStartMs)}):`);
  }
  if (result.changeStartMs !== null) lines.push(...fleetSummary(result.instances));
  const instances = limit > 0 ? result.instances.slice(0, limit) : result.instances;
  for (const i of instances) {
    lines.push(instanceLine(i));
    // A non-target's metrics measure nothing the change meant to do: no causes for them.
    for (const [metric, cause] of Object.entries(i.target ? (i.causes ?? {}) : {}))
      lines.push(...causeLines(metric, cause, options.why === true));
  }
  if (instances.length < result.instances.length)
    lines.push(`  … ${result.instances.length - instances.length} more`);
  if (result.checks.length > 0) {
    lines.push('');
    lines.push('Checks:');
    for (const c of result.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  }
  return lines.join('\n') + '\n';
}
