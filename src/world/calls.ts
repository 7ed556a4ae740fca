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

/**
 * `service:operation`, one string per operation: a fleet's runbook records a few calls per
 * instance. Bounded, since a served world takes operation names from its clients.
 */
const callNames = new Map<string, Map<string, string>>();
const CALL_NAMES_MAX = 1000;

function callName(service: string, operation: string): string {
  let names = callNames.get(service);
  if (names === undefined) {
    names = new Map();
    callNames.set(service, names);
  }
  let name = names.get(operation);
  if (name === undefined) {
    name = `${service}:${operation}`;
    if (names.size < CALL_NAMES_MAX) names.set(operation, name);
  }
  return name;
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
    call: callName(request.service, request.operation),
    region,
    ok: outcome.ok,
    ...(outcome.ok && at.keepResponse ? { response: outcome.response } : {}),
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(request.expect !== undefined ? { expect: request.expect, expectMet: expectMet === true } : {}),
    origin: request.origin,
  };
  return { outcome, record };
}
