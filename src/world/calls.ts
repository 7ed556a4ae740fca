/**
 * One AWS call of the operator, executed against the modelled services and recorded: the
 * outcome (a response, or AWS's error) and the step record the run reports. A user's mistake in
 * the model (an AwsError) is an outcome; anything else is a bug and propagates.
 */
import { AwsError } from '../aws/errors.ts';
import type { StepRecord } from '../result.ts';
import type { CallOutcome, CallRequest } from '../runbook/operator.ts';

/** A modelled service: an operation name, its parameters and the caller's region in, a response out. */
export interface Service {
  invoke(operation: string, params: Readonly<Record<string, unknown>>, region: string): unknown;
}

/** Executes `request` now and builds its record (`at.atMs` in scenario ms). */
export function executeCall(
  request: CallRequest,
  services: Readonly<Record<CallRequest['service'], Service>>,
  at: {
    readonly atMs: number;
    readonly index: number;
    readonly defaultRegion: string;
    readonly keepResponse: boolean;
  },
): { readonly outcome: CallOutcome; readonly record: StepRecord } {
  const region = request.region ?? at.defaultRegion;
  let outcome: CallOutcome;
  try {
    outcome = {
      ok: true,
      response: services[request.service].invoke(request.operation, request.params, region),
    };
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    outcome = { ok: false, error: e.toJSON() };
  }
  const expectMet =
    request.expect === undefined
      ? undefined
      : request.expect === 'ok'
        ? outcome.ok
        : outcome.error?.code === request.expect;
  const record: StepRecord = {
    index: at.index,
    atMs: at.atMs,
    call: `${request.service}:${request.operation}`,
    region,
    ok: outcome.ok,
    ...(outcome.ok && at.keepResponse ? { response: outcome.response } : {}),
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(request.expect !== undefined ? { expect: request.expect, expectMet: expectMet === true } : {}),
    origin: request.origin,
  };
  return { outcome, record };
}
