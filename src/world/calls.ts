/**
 * One AWS call of the operator, executed against the modelled services and recorded: the
 * outcome (a response, or AWS's error) and the step record the run reports. A user's mistake in
 * the model (an AwsError) is an outcome; anything else is a bug and propagates.
 */
import { AwsError } from '../aws/errors.ts';
import { ProcessStep, stepReturn, stepYield, type Yieldable } from '../engine/index.ts';
import type { StepRecord } from '../result.ts';
import { type CallOutcome, type CallRequest, type CallSite, expectationMet } from '../runbook/operator.ts';

/**
 * A modelled service: an operation name, its parameters and the caller's region in, a response
 * out. `shapeChecked`: the request is one the simulator built in its operation's input shape
 * (CallRequest.shapeChecked), so the service may skip checking the shape.
 */
export interface Service {
  invoke(
    operation: string,
    params: Readonly<Record<string, unknown>>,
    region: string,
    shapeChecked?: boolean,
  ): unknown;
}

/**
 * `service:operation`, one string per operation: a fleet's runbook records a few calls per
 * instance. Bounded, since a served world takes operation names from its clients.
 */
const callNames = new Map<string, Map<string, string>>();
const CALL_NAMES_MAX = 1000;

export function callName(service: string, operation: string): string {
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

/**
 * Executes `request` now against `services` (in its region, else `defaultRegion`): AWS's response,
 * or its error as the outcome.
 */
export function callService(
  request: CallRequest,
  services: Readonly<Record<CallRequest['service'], Service>>,
  defaultRegion: string,
): CallOutcome {
  try {
    return {
      ok: true,
      response: services[request.service].invoke(
        request.operation,
        request.params,
        request.region ?? defaultRegion,
        request.shapeChecked === true,
      ),
    };
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    return { ok: false, error: e.toJSON() };
  }
}

/**
 * The step record of `request`'s call, made at `atMs` (scenario ms) as the run's call number
 * `index`, with `outcome`. Apart from callService, not one function returning both: the pair
 * would be an object per call, and a fleet's runbook makes a few calls per instance.
 */
export function stepRecord(
  request: CallRequest,
  outcome: CallOutcome,
  atMs: number,
  index: number,
  defaultRegion: string,
  keepResponse: boolean,
): StepRecord {
  const region = request.region ?? defaultRegion;
  const keep = outcome.ok && keepResponse;
  const call = callName(request.service, request.operation);
  return isPlainStep(request, outcome, keepResponse)
    ? plainStepRecord(index, atMs, call, region, outcome.ok, request.origin)
    : {
        index,
        atMs,
        call,
        region,
        ok: outcome.ok,
        ...(keep ? { response: outcome.response } : {}),
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        ...(request.expect !== undefined
          ? { expect: request.expect, expectMet: expectationMet(request.expect, outcome) }
          : {}),
        origin: request.origin,
      };
}

/**
 * A plain record (see isPlainStep; what a fleet's runbook makes a few of per instance), without
 * stepRecord's conditional spreads, each of which builds a temporary object: the same members in
 * the same order. DeferredSteps makes its records with it too.
 */
export function plainStepRecord(
  index: number,
  atMs: number,
  call: string,
  region: string,
  ok: boolean,
  origin: string,
): StepRecord {
  return { index, atMs, call, region, ok, origin };
}

/** Whether `request`'s record with `outcome` is plain: no response kept, no error, no expectation. */
export function isPlainStep(request: CallRequest, outcome: CallOutcome, keepResponse: boolean): boolean {
  return !(outcome.ok && keepResponse) && outcome.error === undefined && request.expect === undefined;
}

/**
 * One call in flight as a process step (`yield* op.call(request)`): the latency passes, then the
 * call executes. The generator `{ ms = latency(); if (ms > 0) yield ms; return execute(); }` as a
 * ProcessStep (a fleet's fan-out has a call in flight for every instance at once).
 */
export class CallInFlight extends ProcessStep<Yieldable, CallOutcome> {
  private started = false;

  constructor(
    private readonly site: CallSite,
    private readonly request: CallRequest,
  ) {
    super();
  }

  protected advance(): IteratorResult<Yieldable, CallOutcome> {
    if (!this.started) {
      this.started = true;
      const latencyMs = this.site.latencyMs();
      if (latencyMs > 0) return stepYield(latencyMs);
    }
    return stepReturn(this.site.execute(this.request));
  }
}
