/**
 * Retries as the AWS CLI and SDKs make them, so a runbook or a built-in strategy survives a
 * throttle or a 5xx the way a real script would (and gives up when a real script would).
 *
 * Sources (botocore 1.43.11, whose rules the AWS CLI v2 uses; the pre-2026 behaviour, which is
 * the default until AWS_NEW_RETRIES_2026 is set):
 * - `standard` / `adaptive`: botocore/retries/standard.py. Retryable: error codes in
 *   TransientRetryableChecker._TRANSIENT_ERROR_CODES and ThrottledRetryableChecker
 *   ._THROTTLED_ERROR_CODES, and HTTP 500, 502, 503, 504. Delay before retry i (1-based):
 *   rand(0,1) × min(2^(i-1), 20) s (ExponentialBackoff, _MAX_BACKOFF = 20). Retry quota: 500
 *   tokens per client; a retry costs 5 (10 after a timeout), a success gives back what its retries
 *   took, or 1 when it needed none (RetryQuotaChecker, retries/quota.py INITIAL_CAPACITY = 500).
 *   Default 3 attempts (DEFAULT_MAX_ATTEMPTS; AWS SDKs and Tools Reference Guide, "Retry
 *   behavior": "standard – … The default maximum number of attempts with this mode is three").
 *   `adaptive` adds a client-side rate limiter that only engages after throttling responses; the
 *   model never throttles, so it behaves as `standard` here.
 * - `legacy`: botocore/data/_retry.json `__default__` (max_attempts 5; delay rand × 2^(i-1) s,
 *   uncapped) with its policies: HTTP 500, 502, 503, 504, 509 and 429; Throttling,
 *   ThrottlingException, ThrottledException, RequestThrottledException and
 *   ProvisionedThroughputExceededException with HTTP 400; for EC2 also RequestLimitExceeded and
 *   EC2ThrottledException with HTTP 503.
 * The AWS CLI v2 uses `standard` by default (AWS CLI User Guide, "AWS CLI retries").
 */
import { ProcessStep, type RandomSource, stepReturn, stepYield, type Yieldable } from '../engine/index.ts';
import type { AwsErrorData, StepRecord } from '../result.ts';
import { RETRY_DEFAULT_ATTEMPTS, type RetryMode, type RetrySpec } from '../scenario/types.ts';

import type { CallOutcome, CallRequest, Operator } from './operator.ts';

/** The AWS CLI v2's default. */
export const CLI_DEFAULT_RETRY: RetrySpec = {
  mode: 'standard',
  maxAttempts: RETRY_DEFAULT_ATTEMPTS.standard,
};

const TRANSIENT_ERROR_CODES = ['RequestTimeout', 'RequestTimeoutException', 'PriorRequestNotComplete'];
const TRANSIENT_STATUS_CODES = [500, 502, 503, 504];
const THROTTLED_ERROR_CODES = [
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
];
const MAX_BACKOFF_S = 20;

/** Legacy policies: [error code or undefined for any, HTTP status, service or undefined for all]. */
const LEGACY_POLICIES: readonly (readonly [string | undefined, number, string | undefined])[] = [
  [undefined, 500, undefined],
  [undefined, 502, undefined],
  [undefined, 503, undefined],
  [undefined, 504, undefined],
  [undefined, 509, undefined],
  [undefined, 429, undefined],
  ['Throttling', 400, undefined],
  ['ThrottlingException', 400, undefined],
  ['ThrottledException', 400, undefined],
  ['RequestThrottledException', 400, undefined],
  ['ProvisionedThroughputExceededException', 400, undefined],
  ['RequestLimitExceeded', 503, 'ec2'],
  ['EC2ThrottledException', 503, 'ec2'],
];

const QUOTA_INITIAL = 500;
const QUOTA_RETRY_COST = 5;
const QUOTA_TIMEOUT_RETRY_COST = 10;
const QUOTA_NO_RETRY_INCREMENT = 1;

/** Whether `error` from `service` is retried in `mode`. */
export function isRetryable(mode: RetryMode, service: string, error: AwsErrorData): boolean {
  if (mode === 'legacy') {
    return LEGACY_POLICIES.some(
      ([code, status, svc]) =>
        error.statusCode === status &&
        (code === undefined || code === error.code) &&
        (svc ?? service) === service,
    );
  }
  return (
    TRANSIENT_ERROR_CODES.includes(error.code) ||
    THROTTLED_ERROR_CODES.includes(error.code) ||
    TRANSIENT_STATUS_CODES.includes(error.statusCode)
  );
}

/** The delay before the retry that follows failed attempt `attempt` (1-based), ms. `rand` is in [0, 1). */
export function backoffMs(mode: RetryMode, attempt: number, rand: number): number {
  const ceilingS = 2 ** (attempt - 1);
  const s = mode === 'legacy' ? rand * ceilingS : rand * Math.min(ceilingS, MAX_BACKOFF_S);
  return Math.round(s * 1000);
}

/** The retry quota of one client (standard and adaptive modes; legacy has none). */
class RetryQuota {
  private available = QUOTA_INITIAL;

  /** Takes the cost of one retry; false (no retry) when the quota cannot pay it. */
  acquire(error: AwsErrorData): number | undefined {
    const cost = TRANSIENT_ERROR_CODES.includes(error.code) ? QUOTA_TIMEOUT_RETRY_COST : QUOTA_RETRY_COST;
    if (cost > this.available) return undefined;
    this.available -= cost;
    return cost;
  }

  /** A success gives back what its retries took, or a little when it needed none. */
  release(acquired: number): void {
    this.available = Math.min(
      QUOTA_INITIAL,
      this.available + (acquired > 0 ? acquired : QUOTA_NO_RETRY_INCREMENT),
    );
  }

  get capacity(): number {
    return this.available;
  }
}

/** Hears of a call whose last attempt failed with a retryable error, with no attempt or quota left. */
export type GaveUp = (request: CallRequest, attempts: number, code: string | undefined) => void;

/**
 * One client's retrying caller: every attempt is a real call, recorded in the run's steps; the
 * jitter comes from the operator's own seeded stream, drawn only when a retry happens, so runs
 * without retryable errors draw nothing and stay as they were.
 */
export class RetryClient {
  /** @internal The quota RetriedCall draws on. */
  readonly quota = new RetryQuota();

  /** `random` (internal to RetriedCall): the jitter stream. */
  constructor(readonly random: RandomSource) {}

  /**
   * Makes `request` with retries (a process step: `yield* client.call(...)`); returns the outcome
   * of the last attempt and tells `gaveUp` (if any) when it gave up.
   */
  call(
    op: Operator,
    request: CallRequest,
    spec: RetrySpec,
    gaveUp?: GaveUp,
  ): Generator<Yieldable, CallOutcome, void> {
    return new RetriedCall({ client: this, spec, gaveUp, op }, request);
  }
}

/**
 * The SDK retries of an operator that retries every call as `client` does (Operator.sdkRetries):
 * each of its calls is attempts made on `op` until the SDK stops (RetriedCall).
 */
export interface SdkRetries {
  readonly client: RetryClient;
  readonly spec: RetrySpec;
  readonly gaveUp: GaveUp | undefined;
  /** The operator the attempts are made on. */
  readonly op: Operator;
}

/**
 * A call made again after a delay until `retryDelayMs` says to stop: the generator
 *
 *   for (attempt = 1; ; attempt++) {
 *     outcome = yield* op.call(request);   // a request function is called before each attempt
 *     delayMs = retryDelayMs(outcome);     // undefined: no retry
 *     if (delayMs === undefined) return result(outcome);
 *     yield delayMs;
 *   }
 *
 * as a ProcessStep: a fleet's fan-out has one of these (a retried call, a poll) in flight for
 * every instance at once. When `op` retries its calls as an SDK does (Operator.sdkRetries, the
 * operator a strategy runs on), `op.call` is a RetriedCall, and the loop makes its attempts and
 * their SDK retries itself, exactly as that RetriedCall would: one step per call in flight, not two.
 */
export abstract class RetryLoop<R> extends ProcessStep<Yieldable, R> {
  /** Attempts made so far, the one in flight included. */
  protected attempt = 0;
  /** The request of the attempt in flight (or of the last one). */
  private current: CallRequest | undefined = undefined;
  /**
   * The attempt being made through `op.call`, `DUE` when it is made through `op.site` and its
   * latency has passed, `BACKOFF` when the SDK's retry delay of the attempt has passed, or
   * undefined between attempts (waiting to retry).
   */
  private inFlight: Generator<Yieldable, CallOutcome, void> | typeof DUE | typeof BACKOFF | undefined =
    undefined;
  /** The SDK's attempts of the call in flight (Operator.sdkRetries), and what the quota gave for its last retry. */
  private sdkAttempt = 0;
  private sdkCost = 0;

  /** `sdk`: the SDK retries this loop makes itself (default: `op`'s, see Operator.sdkRetries). */
  constructor(
    protected readonly op: Operator,
    private readonly request: CallRequest | (() => CallRequest),
    private readonly sdk: SdkRetries | undefined = op.sdkRetries,
  ) {
    super();
  }

  /** Called when the step starts, before the first attempt. */
  protected started(): void {}

  /** After an attempt made with `request`: the delay before the next one, or undefined to stop. */
  protected abstract retryDelayMs(outcome: CallOutcome, request: CallRequest): number | undefined;

  /** What the step returns, from the last attempt's outcome. */
  protected abstract result(outcome: CallOutcome): R;

  protected advance(): IteratorResult<Yieldable, R> {
    const sdk = this.sdk;
    // Where the attempts are made: the SDK's operator, whose calls are single attempts.
    const target = sdk === undefined ? this.op : sdk.op;
    const site = target.site;
    if (this.inFlight === undefined || this.inFlight === BACKOFF) {
      if (this.inFlight === undefined) {
        this.attempt++;
        if (this.attempt === 1) this.started();
        const request = this.request;
        this.current = typeof request === 'function' ? request() : request;
        this.sdkAttempt = 0;
        this.sdkCost = 0;
      }
      this.sdkAttempt++;
      if (site === undefined) {
        this.inFlight = target.call(this.current!);
      } else {
        // op.call's own steps (Operator.site), without a call object per attempt.
        this.inFlight = DUE;
        const latencyMs = site.latencyMs();
        if (latencyMs > 0) return stepYield(latencyMs);
      }
    }
    let outcome: CallOutcome;
    if (this.inFlight === DUE) {
      outcome = site!.execute(this.current!);
    } else {
      const step = this.inFlight.next();
      if (step.done !== true) return step;
      outcome = step.value;
    }
    if (sdk !== undefined) {
      const backoffMs = this.sdkRetryDelayMs(sdk, outcome, this.current!);
      if (backoffMs !== undefined) {
        this.inFlight = BACKOFF;
        return stepYield(backoffMs);
      }
    }
    this.inFlight = undefined;
    const delayMs = this.retryDelayMs(outcome, this.current!);
    return delayMs === undefined ? stepReturn(this.result(outcome)) : stepYield(delayMs);
  }

  /** After the SDK's attempt `sdkAttempt` of a call: the delay before its next, or undefined when the SDK stops. */
  private sdkRetryDelayMs(sdk: SdkRetries, outcome: CallOutcome, request: CallRequest): number | undefined {
    const { spec, client } = sdk;
    const attempt = this.sdkAttempt;
    if (outcome.ok || outcome.error === undefined) {
      if (spec.mode !== 'legacy') client.quota.release(this.sdkCost);
      return undefined;
    }
    if (!isRetryable(spec.mode, request.service, outcome.error)) return undefined;
    const cost =
      attempt >= spec.maxAttempts
        ? undefined
        : spec.mode === 'legacy'
          ? 0
          : client.quota.acquire(outcome.error);
    if (cost === undefined) {
      sdk.gaveUp?.(request, attempt, outcome.error.code);
      return undefined;
    }
    this.sdkCost = cost;
    // An `expect` judges the command's final outcome, as a script's exit status does, so the
    // attempt about to be retried loses it. The attempt has just pushed its record synchronously.
    if (request.expect !== undefined) dropExpectation(sdk.op.records);
    return backoffMs(spec.mode, attempt, client.random.next());
  }
}

/** RetryLoop.inFlight of an attempt made through Operator.site whose latency has passed. */
const DUE = 'due';
/** RetryLoop.inFlight when the SDK's delay before retrying an attempt has passed. */
const BACKOFF = 'backoff';

/** One call with the SDK's retries `sdk` (a process step): what RetryClient.call makes. */
export function retriedCall(sdk: SdkRetries, request: CallRequest): Generator<Yieldable, CallOutcome, void> {
  return new RetriedCall(sdk, request);
}

/** One call with the SDK's retries (retriedCall): a RetryLoop that only the SDK retries. */
class RetriedCall extends RetryLoop<CallOutcome> {
  constructor(sdk: SdkRetries, request: CallRequest) {
    super(sdk.op, request, sdk);
  }

  protected result(outcome: CallOutcome): CallOutcome {
    return outcome;
  }

  protected retryDelayMs(): undefined {
    return undefined;
  }
}

function dropExpectation(records: StepRecord[]): void {
  const last = records[records.length - 1];
  if (last === undefined) return;
  const { expect: _e, expectMet: _m, ...rest } = last;
  records[records.length - 1] = rest;
}
