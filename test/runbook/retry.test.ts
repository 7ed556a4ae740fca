/**
 * RetryClient.call is written out as an iterator (RetriedCall) for the fan-out's memory; this
 * holds it to the generator it replaced, step by step: the same yields (latencies, backoffs),
 * the same outcome, the same jitter draws, the same gave-up reports and expectation records.
 * Likewise callWithRetry (a strategy's retry on chosen error codes) and pollUntil. One file
 * (over 300 lines) because the three RetryLoops share the scripted operator and the driver.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RandomSource, Yieldable } from '../../src/engine/index.ts';
import type { AwsErrorData, StepRecord } from '../../src/result.ts';
import type { CallOutcome, CallRequest, Operator } from '../../src/runbook/operator.ts';
import { backoffMs, isRetryable, RetryClient } from '../../src/runbook/retry.ts';
import { callWithRetry, pollUntil } from '../../src/runbook/strategies-common.ts';
import type { RetrySpec } from '../../src/scenario/types.ts';
import { propertyOptions } from '../helpers/fc.ts';

const QUOTA = 500;

/** The generator RetryClient.call was before RetriedCall (quota included), as the reference. */
function* referenceCall(
  quota: { available: number },
  random: RandomSource,
  op: Operator,
  request: CallRequest,
  spec: RetrySpec,
  gaveUp: (attempts: number, code: string | undefined) => void,
): Generator<Yieldable, CallOutcome, void> {
  let lastCost = 0;
  for (let attempt = 1; ; attempt++) {
    const outcome = yield* op.call(request);
    if (outcome.ok || outcome.error === undefined) {
      if (spec.mode !== 'legacy')
        quota.available = Math.min(QUOTA, quota.available + (lastCost > 0 ? lastCost : 1));
      return outcome;
    }
    if (!isRetryable(spec.mode, request.service, outcome.error)) return outcome;
    let cost: number | undefined;
    if (attempt >= spec.maxAttempts) cost = undefined;
    else if (spec.mode === 'legacy') cost = 0;
    else {
      const want = ['RequestTimeout', 'RequestTimeoutException', 'PriorRequestNotComplete'].includes(
        outcome.error.code,
      )
        ? 10
        : 5;
      cost = want > quota.available ? undefined : want;
      if (cost !== undefined) quota.available -= cost;
    }
    if (cost === undefined) {
      gaveUp(attempt, outcome.error.code);
      return outcome;
    }
    lastCost = cost;
    if (request.expect !== undefined) {
      const last = op.records[op.records.length - 1]!;
      const { expect: _e, expectMet: _m, ...rest } = last;
      op.records[op.records.length - 1] = rest;
    }
    yield backoffMs(spec.mode, attempt, random.next());
  }
}

const ERRORS: readonly AwsErrorData[] = [
  { code: 'Throttling', message: 'Rate exceeded', statusCode: 400 },
  { code: 'RequestTimeout', message: 'timeout', statusCode: 400 },
  { code: 'InternalFailure', message: 'oops', statusCode: 500 },
  { code: 'NoSuchEntity', message: 'no', statusCode: 404 },
];

/** A script for scriptedOperator: each call's outcome, an index into ERRORS or undefined for ok. */
const scriptArb = (maxLength: number) =>
  fc.array(fc.option(fc.integer({ min: 0, max: ERRORS.length - 1 }), { nil: undefined }), { maxLength });

/** An operator whose calls take `latencyMs` and answer from `outcomes` in turn (then ok). */
function scriptedOperator(
  outcomes: readonly (number | undefined)[],
  latencyMs: number,
  clock = { nowMs: 0 },
  viaSite = false,
): Operator {
  let n = 0;
  const records: StepRecord[] = [];
  const failures: string[] = [];
  const execute = (request: CallRequest): CallOutcome => {
    const e = outcomes[n++];
    const outcome: CallOutcome =
      e === undefined ? { ok: true, response: {} } : { ok: false, error: ERRORS[e]! };
    records.push({
      index: records.length,
      atMs: 0,
      call: request.operation,
      region: 'us-east-1',
      ok: outcome.ok,
      ...(request.expect === undefined ? {} : { expect: request.expect, expectMet: outcome.ok }),
      origin: request.origin,
    });
    return outcome;
  };
  return {
    records,
    failures,
    fail: (origin: string, detail: string) => failures.push(`${origin}: ${detail}`),
    get nowMs() {
      return clock.nowMs;
    },
    // With a site (Operator.site), a retrying step must make its attempts through it, not call.
    ...(viaSite
      ? {
          site: { latencyMs: () => latencyMs, execute },
          call() {
            throw new Error('op.call used although the operator has a site');
          },
        }
      : {
          *call(request: CallRequest) {
            if (latencyMs > 0) yield latencyMs;
            return execute(request);
          },
        }),
  } as unknown as Operator;
}

function counting(seed: number): RandomSource & { draws: number } {
  let x = seed;
  const r = {
    draws: 0,
    next() {
      r.draws++;
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    },
  };
  return r;
}

/** Every step of `step`, and what it returned; each yielded delay advances `clock`. */
function drive(
  step: Generator<Yieldable, CallOutcome, void>,
  clock = { nowMs: 0 },
): { yields: Yieldable[]; outcome: CallOutcome } {
  const yields: Yieldable[] = [];
  for (;;) {
    const r = step.next();
    if (r.done === true) return { yields, outcome: r.value };
    yields.push(r.value);
    if (typeof r.value === 'number') clock.nowMs += r.value;
  }
}

describe('RetryClient.call', () => {
  it('steps, draws, reports and records as the generator it replaced, through a site too', () => {
    fc.assert(
      fc.property(
        fc.array(scriptArb(8), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.constantFrom<RetrySpec['mode']>('standard', 'adaptive', 'legacy'),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 1000 }),
        (calls, mode, maxAttempts, latencyMs, expectOk, seed) => {
          const spec: RetrySpec = { mode, maxAttempts };
          // One client over several calls in a row, so the quota carries from call to call.
          const randomA = counting(seed);
          const randomB = counting(seed);
          const randomC = counting(seed);
          const client = new RetryClient(randomA);
          const clientC = new RetryClient(randomC);
          const quota = { available: QUOTA };
          for (const script of calls) {
            const opA = scriptedOperator(script, latencyMs);
            const opB = scriptedOperator(script, latencyMs);
            const opC = scriptedOperator(script, latencyMs, { nowMs: 0 }, true);
            const request: CallRequest = {
              service: 'iam',
              operation: 'GetRole',
              params: {},
              origin: 'test',
              ...(expectOk ? { expect: 'ok' } : {}),
            };
            const gaveA: [number, string | undefined][] = [];
            const gaveB: [number, string | undefined][] = [];
            const a = drive(client.call(opA, request, spec, (_r, n, code) => gaveA.push([n, code])));
            const b = drive(
              referenceCall(quota, randomB, opB, request, spec, (n, code) => gaveB.push([n, code])),
            );
            const gaveC: [number, string | undefined][] = [];
            const c = drive(clientC.call(opC, request, spec, (_r, n, code) => gaveC.push([n, code])));
            expect(a).toEqual(b);
            expect(gaveA).toEqual(gaveB);
            expect(opA.records).toEqual(opB.records);
            expect(randomA.draws).toBe(randomB.draws);
            // The same attempts through the operator's site as through its call.
            expect(c).toEqual(a);
            expect(gaveC).toEqual(gaveA);
            expect(opC.records).toEqual(opA.records);
            expect(randomC.draws).toBe(randomA.draws);
          }
        },
      ),
      propertyOptions(300),
    );
  });

  it('retries a throttled call and gives up after maxAttempts', () => {
    const op = scriptedOperator([0, 0, 0, 0], 5);
    const gave: number[] = [];
    const { yields, outcome } = drive(
      new RetryClient(counting(7)).call(
        op,
        { service: 'iam', operation: 'GetRole', params: {}, origin: 'test' },
        { mode: 'standard', maxAttempts: 3 },
        (_r, n) => gave.push(n),
      ),
    );
    // Latency, backoff, latency, backoff, latency: three attempts.
    expect(yields.filter((_, i) => i % 2 === 0)).toEqual([5, 5, 5]);
    expect(yields).toHaveLength(5);
    expect(outcome.ok).toBe(false);
    expect(gave).toEqual([3]);
    expect(op.records).toHaveLength(3);
  });
});

/** The generator callWithRetry was before RetryOnCodes, as the reference. */
function* referenceCallWithRetry(
  op: Operator,
  request: CallRequest,
  retryOn: readonly string[],
): Generator<Yieldable, CallOutcome, void> {
  const startMs = op.nowMs;
  let backoffMs = 2000;
  for (;;) {
    const outcome = yield* op.call(request);
    if (outcome.ok || outcome.error === undefined || !retryOn.includes(outcome.error.code)) return outcome;
    if (op.nowMs - startMs + backoffMs > 120_000) return outcome;
    yield backoffMs;
    backoffMs = Math.min(backoffMs * 2, 30_000);
  }
}

describe('callWithRetry', () => {
  it('steps as the generator it replaced, within the same time budget', () => {
    fc.assert(
      fc.property(
        scriptArb(12),
        fc.subarray(ERRORS.map((e) => e.code)),
        fc.integer({ min: 0, max: 40_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (script, retryOn, latencyMs, startMs) => {
          const clockA = { nowMs: startMs };
          const clockB = { nowMs: startMs };
          const opA = scriptedOperator(script, latencyMs, clockA);
          const opB = scriptedOperator(script, latencyMs, clockB);
          const request: CallRequest = { service: 'ec2', operation: 'X', params: {}, origin: 'test' };
          const a = drive(callWithRetry(opA, request, retryOn), clockA);
          const b = drive(referenceCallWithRetry(opB, request, retryOn), clockB);
          expect(a).toEqual(b);
          expect(opA.records).toEqual(opB.records);
        },
      ),
      propertyOptions(300),
    );
  });
});

/** The generator pollUntil was before Poll, as the reference. */
function* referencePollUntil(
  op: Operator,
  request: CallRequest | (() => CallRequest),
  done: (response: unknown) => boolean,
  pace: { everyMs: number; timeoutMs: number },
  timeoutReason?: string,
): Generator<Yieldable, boolean, void> {
  const startMs = op.nowMs;
  for (;;) {
    const attempt = typeof request === 'function' ? request() : request;
    const outcome = yield* op.call(attempt);
    if (outcome.ok && done(outcome.response)) return true;
    if (op.nowMs - startMs + pace.everyMs > pace.timeoutMs) {
      op.fail(
        attempt.origin,
        timeoutReason ??
          `gave up waiting after ${pace.timeoutMs / 1000} s on ${attempt.service}:${attempt.operation}`,
      );
      return false;
    }
    yield pace.everyMs;
  }
}

describe('pollUntil', () => {
  it('steps, records and fails as the generator it replaced', () => {
    fc.assert(
      fc.property(
        scriptArb(12),
        fc.integer({ min: 0, max: 12 }),
        // Round numbers, so that the time budget is often met exactly (its boundary).
        fc.constantFrom(0, 500, 1_000),
        fc.constantFrom(0, 1_000, 2_000, 3_000),
        fc.constantFrom(0, 2_000, 6_000, 10_000, 30_000),
        fc.boolean(),
        fc.option(fc.constant('custom reason'), { nil: undefined }),
        (script, okNeeded, latencyMs, everyMs, timeoutMs, requestFn, reason) => {
          const run = (poll: typeof referencePollUntil) => {
            const clock = { nowMs: 1_000 };
            const op = scriptedOperator(script, latencyMs, clock);
            let asked = 0;
            // A request function sees each attempt (as waitUntil's substitutions do).
            const request = requestFn
              ? (): CallRequest => ({ service: 'ec2', operation: 'X', params: {}, origin: `o${asked++}` })
              : { service: 'ec2' as const, operation: 'X', params: {}, origin: 'o' };
            let oks = 0;
            const done = () => ++oks > okNeeded;
            const steps = drive(
              poll(op, request, done, { everyMs, timeoutMs }, reason) as unknown as Generator<
                Yieldable,
                CallOutcome,
                void
              >,
              clock,
            );
            return {
              steps,
              records: op.records,
              failures: (op as unknown as { failures: string[] }).failures,
            };
          };
          expect(run(pollUntil)).toEqual(run(referencePollUntil));
        },
      ),
      propertyOptions(300),
    );
  });
});
