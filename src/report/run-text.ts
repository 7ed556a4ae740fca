/**
 * Human-readable rendering of one run (`iamsim run`): the calls in execution order, then per
 * instance when IMDS and the application switched roles and when the old credentials stopped
 * working, then the checks. Pure: data in, text out.
 */

import type { Cause } from '../cause.ts';
import { formatClock, formatMs } from '../engine/index.ts';
import type { InstanceResult, RunResult } from '../result.ts';

function after(v: number | null, never: string): string {
  return v === null ? never : `+${formatMs(v)}`;
}

function instanceLine(i: InstanceResult): string {
  const m = i.metrics;
  const parts = [
    `IMDS new role ${after(m.imdsNewRoleMs, 'never')}`,
    `app new role ${after(m.appNewRoleMs, 'never')}`,
    `old credentials accepted until ${after(m.oldRoleExposureMs, 'the end (still accepted)')}`,
  ];
  if (m.credentialGapMs !== null && m.credentialGapMs > 0)
    parts.push(`no credentials for ${formatMs(m.credentialGapMs)}`);
  if (m.downtimeMs !== null && m.downtimeMs > 0) parts.push(`down for ${formatMs(m.downtimeMs)}`);
  const probes =
    i.probes.allowed + i.probes.denied > 0
      ? `; probes ${i.probes.allowed} allowed, ${i.probes.denied} denied`
      : '';
  return `  ${i.name} (${i.id}, ${i.region}, ${i.sdk}): ${parts.join('; ')}${probes}`;
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

export function renderRunText(result: RunResult, options: RunTextOptions): string {
  const limit = options.limit ?? 0;
  const lines: string[] = [];
  lines.push(`seed ${result.seed} · reproduce with: ${options.command}`);
  lines.push(
    `scenario ${result.scenario}: ${result.instances.length} instance(s), ${result.steps.length} call(s), horizon ${formatMs(result.horizonMs)}, ${result.eventsProcessed} events`,
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
  lines.push('');
  if (result.changeStartMs === null) {
    lines.push('Instances (no strategy step, so no change is measured):');
  } else {
    lines.push(`Instances (times after the change started at ${formatClock(result.changeStartMs)}):`);
  }
  const instances = limit > 0 ? result.instances.slice(0, limit) : result.instances;
  for (const i of instances) {
    lines.push(instanceLine(i));
    for (const [metric, cause] of Object.entries(i.causes ?? {}))
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
