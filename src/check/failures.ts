/**
 * The failures of one run, each with its cause and its signatures (types.ts): the invariants'
 * violations first (in registry order), then the scenario's `expect`s, runbook failures and
 * metric checks. Shrinking keeps a candidate only when it shows the same signature, so a witness
 * fails for the reason the original did, not merely "somehow".
 */

import type { Cause, CauseKind } from '../cause.ts';
import { metricCheckSubjects, missesCheck } from '../metrics.ts';
import type { RunResult, StepRecord } from '../result.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CauseRecorder } from './causes.ts';
import type { Checker, CheckFailure, FailureSignature } from './types.ts';

/** Whether instance metric `value` misses `check` (a metric that never happened misses it). */
const kindOf = (c: Cause | undefined): CauseKind | '' => c?.kind ?? '';

/** Every failure of a run. `causes` explains them; without it signatures carry no cause kind. */
export function failuresOf(
  scenario: Scenario,
  checkers: readonly Checker[],
  result: RunResult,
  causes: CauseRecorder | undefined,
): CheckFailure[] {
  const out: CheckFailure[] = [];
  for (const c of checkers) {
    const v = c.violations[0];
    if (v === undefined) continue;
    const cause =
      v.instance !== undefined && (c.name === 'liveness-imds-role' || c.name === 'imds-provenance')
        ? causes?.explainStaleImds(v.instance)
        : undefined;
    out.push({
      key: `invariant:${c.name}`,
      name: c.name,
      kind: c.kind,
      detail: v.detail,
      atMs: v.atMs,
      ...(v.instance !== undefined ? { instance: v.instance } : {}),
      ...(cause !== undefined ? { cause } : {}),
      signatures: [{ check: `invariant:${c.name}`, origin: '', code: '', cause: kindOf(cause) }],
    });
  }
  // Expects: one failure per expectation name, its signatures from every call that missed it.
  const expects = new Map<string, StepRecord[]>();
  for (const r of result.steps) {
    if (r.expect === undefined || r.expectMet !== false) continue;
    const name = `expect ${r.call} ${r.expect}`;
    expects.set(name, [...(expects.get(name) ?? []), r]);
  }
  for (const [name, records] of expects) {
    const first = records[0]!;
    const cause = first.ok ? undefined : causes?.explainCall(first);
    const got = first.ok ? 'ok' : (first.error?.code ?? 'error');
    out.push({
      key: `expect:${name}`,
      name,
      kind: 'expect',
      detail: `${first.origin}: expected ${first.expect}, got ${got}`,
      atMs: first.atMs,
      ...(cause !== undefined ? { cause } : {}),
      signatures: records.map((r) => ({
        check: `expect:${name}`,
        origin: r.call,
        code: r.ok ? 'ok' : (r.error?.code ?? 'error'),
        cause: r.ok ? '' : kindOf(causes?.explainCall(r)),
      })),
    });
  }
  for (const c of result.checks) {
    // Expectations and metric checks have their own passes (above and below): the outcome's
    // kind says which is which, never its name.
    if (c.ok || c.kind !== 'runbook') continue;
    // A runbook failure (a waitUntil that timed out, a save that found nothing): its name carries
    // the step's path, which shrinking renumbers, so the signature keeps the strategy and the
    // reason without numbers.
    const strategy = /\(([^)]+)\)$/.exec(c.name)?.[1] ?? '';
    out.push({
      key: 'runbook',
      name: c.name,
      kind: 'runbook',
      detail: c.detail,
      signatures: [
        { check: 'runbook', origin: strategy, code: c.detail.split(':')[0]!.replace(/\d+/g, 'N'), cause: '' },
      ],
    });
  }
  for (const check of scenario.checks) {
    const outcome = result.checks.find((c) => c.name === check.name);
    if (outcome === undefined || outcome.ok) continue;
    const failing = metricCheckSubjects(result.instances).filter((i) =>
      missesCheck(check, i.metrics[check.metric]),
    );
    const explained = failing.map((i) => ({
      instance: i,
      cause: causes?.explainMetric(result, i, check.metric),
    }));
    const first = explained[0];
    const signatures: FailureSignature[] = [];
    for (const e of explained) {
      const s = { check: `metric:${check.name}`, origin: check.metric, code: '', cause: kindOf(e.cause) };
      if (!signatures.some((x) => x.cause === s.cause)) signatures.push(s);
    }
    out.push({
      key: `metric:${check.name}`,
      name: check.name,
      kind: 'metric',
      detail: outcome.detail,
      ...(first !== undefined ? { instance: first.instance.name } : {}),
      ...(first?.cause !== undefined ? { cause: first.cause } : {}),
      signatures,
    });
  }
  return out;
}
