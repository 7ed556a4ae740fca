/**
 * Runs a scenario's steps as one operator process: calls (from `call:` or pasted `aws` lines, with
 * the CLI's retries and waiters), waits, polls, strategies and forEach loops, with `${...}`
 * substitution and `save`d values, stopping at the first failure as `set -e` would.
 *
 * Over 300 lines because the step kinds share one control flow (timing, failure, stop and the
 * not-run report); retries (retry.ts) and waiter acceptors (waiters.ts) live apart.
 */
import { waiter as waiterOf } from '../aws/catalogue.ts';
import type { Process, Yieldable } from '../engine/index.ts';
import { pascalToKebab } from '../scenario/aws-cli.ts';
import { formatDuration } from '../scenario/duration.ts';
import { resolveTargets as resolveIn } from '../scenario/targets.ts';
import type {
  CallStep,
  ForEachStep,
  RetrySpec,
  Scenario,
  Step,
  TargetSpec,
  WaitUntilStep,
} from '../scenario/types.ts';
import { runInBatches } from './batches.ts';
import { consoleProcedure } from './console.ts';
import {
  type CallOutcome,
  type CallRequest,
  expectationMet,
  type InstanceRef,
  type Operator,
  readPath,
} from './operator.ts';
import { callPaginated } from './paginate.ts';
import { CLI_DEFAULT_RETRY, type GaveUp, RetryClient, retriedCall, type SdkRetries } from './retry.ts';
import { strategyProcess } from './strategies.ts';
import { pollUntil } from './strategies-common.ts';
import { waiterPass } from './waiter-hazard.ts';
import { matchAcceptors } from './waiters.ts';

export interface RunbookContext {
  readonly scenario: Scenario;
  readonly offsetMs: number;
  readonly policies: {
    allow(actions: readonly string[]): string;
    revokeOlderSessions(beforeMs: number): string;
  };
  readonly scenarioPolicyName: string;
}

interface Scope {
  readonly vars: Map<string, unknown>;
  readonly inst?: InstanceRef;
}

/** Instances named by a target (fleets expanded), in scenario order, each once. */
function resolveTargets(scenario: Scenario, targets: TargetSpec): string[] {
  return resolveIn(targets, scenario.fleets, scenario.instances);
}

/**
 * Runs `steps` as a `set -e` shell script would: a step that fails (a missed `expect`, a timed-out
 * `waitUntil`, a failed waiter, a strategy that gave up) stops the runbook, and the steps that
 * did not run are reported as one failure, unless the step says `onFailure: continue`.
 */
export function* runSteps(op: Operator, steps: readonly Step[], ctx: RunbookContext, scope?: Scope): Process {
  const client = new RetryClient(op.stream('operator/retry'));
  const stop = yield* runList(op, client, steps, ctx, scope ?? { vars: new Map() });
  // The failing step has reported itself (a missed expect, a timeout); this adds what did not run.
  if (stop !== undefined && stop.notRun.length > 0) {
    op.fail(
      stop.at,
      `the runbook stopped here (set -e; onFailure: continue goes on); not run: ${stop.notRun.join(', ')}`,
    );
  }
}

/** Where the runbook stopped, and what it did not run (paths, innermost first). */
interface Stopped {
  readonly at: string;
  readonly notRun: string[];
}

function* runList(
  op: Operator,
  client: RetryClient,
  steps: readonly Step[],
  ctx: RunbookContext,
  s: Scope,
): Generator<Yieldable, Stopped | undefined, void> {
  for (const [i, step] of steps.entries()) {
    if (step.atMs !== undefined) {
      if (step.atMs > op.nowMs) yield step.atMs - op.nowMs;
    } else if (step.afterMs !== undefined && step.afterMs > 0) {
      yield step.afterMs;
    }
    const origin = step.source.path;
    const rest = () => steps.slice(i + 1).map((st) => st.source.path);
    if (step.kind === 'forEach' && step.batch !== undefined) {
      const inner = yield* forEachInBatches(op, client, step, ctx, s);
      if (inner === undefined) continue;
      inner.notRun.push(...rest());
      return inner;
    }
    if (step.kind === 'forEach') {
      const names = resolveTargets(ctx.scenario, step.targets);
      for (const [k, name] of names.entries()) {
        const inner = yield* runList(op, client, step.steps, ctx, { vars: s.vars, inst: op.instance(name) });
        if (inner !== undefined) {
          const others = names.slice(k + 1);
          if (others.length > 0) inner.notRun.push(`${origin} for ${others.join(', ')}`);
          inner.notRun.push(...rest());
          return inner;
        }
      }
      continue;
    }
    const failed = yield* runStep(op, client, step, ctx, s, origin);
    if (failed && step.onFailure !== 'continue') return { at: origin, notRun: rest() };
  }
  return undefined;
}

/** Runs one step that is not a forEach; true when it failed. */
function* runStep(
  op: Operator,
  client: RetryClient,
  step: Exclude<Step, { kind: 'forEach' }>,
  ctx: RunbookContext,
  s: Scope,
  origin: string,
): Generator<Yieldable, boolean, void> {
  switch (step.kind) {
    case 'call':
      return yield* runCall(op, client, step, s, origin, retryOf(step, ctx));
    case 'wait':
      if (step.durationMs > 0) yield step.durationMs;
      return false;
    case 'waitUntil':
      return yield* runWaitUntil(op, client, step, s, origin, retryOf(step, ctx));
    case 'strategy': {
      const careful = carefulOperator(op, client, retryOf(step, ctx));
      const names = resolveTargets(ctx.scenario, step.targets);
      // As many as the scenario's instances: all of them, in scenario order (resolveTargets).
      const targets =
        names.length === ctx.scenario.instances.length && op.scenarioRefs !== undefined
          ? op.scenarioRefs()
          : names.map((n) => op.instance(n));
      yield* strategyProcess(step.strategy, {
        op: careful.op,
        targets,
        to: step.to,
        ...(step.batch === undefined ? {} : { batch: step.batch }),
        origin,
        roleAllow: (name) =>
          ctx.scenario.roles.find((r) => r.name.toLowerCase() === name.toLowerCase())?.allow,
        policies: ctx.policies,
        scenarioPolicyName: ctx.scenarioPolicyName,
      });
      return careful.failures() > 0;
    }
    case 'console':
      return yield* consoleProcedure(step, {
        op,
        client,
        retry: retryOf(step, ctx),
        policyName: ctx.scenarioPolicyName,
        allowDocument: (actions) => ctx.policies.allow(actions),
      });
  }
}

/**
 * A forEach with `batch:`: the instances of a batch run in parallel, each with its own copy of
 * the saved values (so one instance's `save` cannot overwrite another's mid-flight). After a
 * batch, what its instances saved is copied back in target order, so later steps see the last
 * instance's values, as after a loop one instance at a time. An instance has finished when its
 * steps have; when one of them stopped (set -e), the batch still finishes (its instances run in
 * parallel, as background jobs would), and no later batch starts.
 */
function* forEachInBatches(
  op: Operator,
  client: RetryClient,
  step: ForEachStep,
  ctx: RunbookContext,
  s: Scope,
): Generator<Yieldable, Stopped | undefined, void> {
  const names = resolveTargets(ctx.scenario, step.targets);
  const scopes = new Map<string, Scope>();
  const stops: { name: string; stop: Stopped }[] = [];
  const started = new Set<string>();
  yield* runInBatches({
    op,
    items: names,
    batch: step.batch,
    label: `${step.source.path}.forEach`,
    childLabel: (name) => `${step.source.path} ${name}`,
    work: function* (name) {
      started.add(name);
      const scope: Scope = { vars: new Map(s.vars), inst: op.instance(name) };
      scopes.set(name, scope);
      const stop = yield* runList(op, client, step.steps, ctx, scope);
      if (stop !== undefined) stops.push({ name, stop });
    },
    afterBatch: (batch) => {
      for (const name of batch) for (const [k, v] of scopes.get(name)!.vars) s.vars.set(k, v);
      scopes.clear();
    },
    shouldStop: () => stops.length > 0,
  });
  const first = stops[0];
  if (first === undefined) return undefined;
  const others = names.filter((n) => !started.has(n));
  if (others.length > 0) first.stop.notRun.push(`${step.source.path} for ${others.join(', ')}`);
  return first.stop;
}

function retryOf(step: Step, ctx: RunbookContext): RetrySpec {
  return step.retry ?? ctx.scenario.retry ?? CLI_DEFAULT_RETRY;
}

/**
 * The operator a built-in strategy runs on: every call retried as the SDK does, with as many
 * attempts as Terraform's AWS provider allows by default (max_retries = 25, so 26 attempts) unless
 * the scenario asks for more, so a control-plane pause of a few minutes is ridden out; a call that
 * still fails with a retryable error is a failure of the strategy (it gave up), and so is any
 * failure the strategy itself reports.
 */
function carefulOperator(
  op: Operator,
  client: RetryClient,
  retry: RetrySpec,
): { op: Operator; failures(): number } {
  const spec: RetrySpec = {
    mode: retry.mode,
    maxAttempts: Math.max(retry.maxAttempts, CAREFUL_MAX_ATTEMPTS),
  };
  let failures = 0;
  const careful = retryingOperator(op, client, spec, {
    gaveUp: (request, attempts, code) => {
      failures++;
      op.fail(request.origin, `gave up after ${attempts} attempts: ${code}`);
    },
    failed: () => {
      failures++;
    },
  });
  return { op: careful, failures: () => failures };
}

/**
 * `op` with every call retried through `client` as the SDKs do (`spec`), so the runbook's own
 * waits and the strategies poll with the same retries. `hooks` hear of a call that gave up and of
 * every failure reported.
 */
function retryingOperator(
  op: Operator,
  client: RetryClient,
  spec: RetrySpec,
  hooks: { gaveUp?: GaveUp; failed?(): void } = {},
): Operator {
  const sdkRetries: SdkRetries = { client, spec, gaveUp: hooks.gaveUp, op };
  return {
    get nowMs() {
      return op.nowMs;
    },
    defaultRegion: op.defaultRegion,
    records: op.records,
    // The client's generator itself, not one wrapping it: one generator less per call in flight.
    call: (request) => retriedCall(sdkRetries, request),
    sdkRetries,
    instance: (name) => op.instance(name),
    associationIdOf: (id) => op.associationIdOf(id),
    markChangeStart: () => op.markChangeStart(),
    fail: (o, detail) => {
      hooks.failed?.();
      op.fail(o, detail);
    },
    waiterPassed: (pass) => op.waiterPassed(pass),
    spawn: (label, body) => op.spawn(label, body),
    stream: (name) => op.stream(name),
    replaceInstance: (slot, id, name) => op.replaceInstance(slot, id, name),
  };
}

/** Terraform AWS provider's default max_retries (25 retries after the first attempt). [CODE] */
const CAREFUL_MAX_ATTEMPTS = 26;

function* runCall(
  op: Operator,
  client: RetryClient,
  step: CallStep,
  scope: Scope,
  origin: string,
  retry: RetrySpec,
): Generator<Yieldable, boolean, void> {
  if (step.waiter !== undefined) return yield* runWaiter(op, client, step, scope, origin, retry);
  const request = {
    ...requestOf(step, op, scope, origin),
    ...(step.expect !== undefined ? { expect: step.expect } : {}),
  };
  const outcome =
    step.paginate === undefined
      ? yield* client.call(op, request, retry)
      : yield* callPaginated(
          op,
          client,
          step,
          request,
          retry,
          substitute(step.paginate, op, scope) as NonNullable<CallStep['paginate']>,
        );
  const missed = step.expect !== undefined && !expectationMet(step.expect, outcome);
  return saveValues(op, step, scope, origin, outcome) || missed;
}

/** Stores the step's `save` paths of the response; true when one of them found nothing (a failure). */
function saveValues(
  op: Operator,
  step: CallStep,
  scope: Scope,
  origin: string,
  outcome: CallOutcome,
): boolean {
  let failed = false;
  for (const [name, path] of Object.entries(step.save)) {
    const value = outcome.ok ? readPath(outcome.response, path) : undefined;
    if (value === undefined) {
      op.fail(origin, `save ${name}: nothing at ${path} in the response`);
      failed = true;
    }
    scope.vars.set(name, value);
  }
  return failed;
}

/**
 * `aws SERVICE wait NAME`: the waiter's acceptors decide after each attempt; it sleeps `delay`
 * seconds between attempts and fails after `maxAttempts`, as the AWS CLI does (exit status 255).
 */
function* runWaiter(
  op: Operator,
  client: RetryClient,
  step: CallStep,
  scope: Scope,
  origin: string,
  retry: RetrySpec,
): Generator<Yieldable, boolean, void> {
  const w = waiterOf(step.service, step.waiter!);
  if (w === undefined) throw new Error(`waiter ${step.waiter} is not in the ${step.service} model`);
  const name = `${step.service} wait ${pascalToKebab(step.waiter!)}`;
  for (let attempt = 1; ; attempt++) {
    const request = requestOf(step, op, scope, origin);
    const outcome = yield* client.call(op, request, retry);
    const state = matchAcceptors(w, outcome);
    if (state === 'success') {
      const pass = waiterPass(step.waiter!, origin, request.region ?? op.defaultRegion, op.nowMs, outcome);
      if (pass !== undefined) op.waiterPassed(pass);
      return saveValues(op, step, scope, origin, outcome);
    }
    const why =
      state === 'failure'
        ? 'Waiter encountered a terminal failure state'
        : state === 'unexpected-error'
          ? `Waiter encountered an unexpected error: ${outcome.error?.code}`
          : attempt >= w.maxAttempts
            ? 'Max attempts exceeded'
            : undefined;
    if (why !== undefined) {
      op.fail(origin, `${name} failed (exit status 255): Waiter ${step.waiter} failed: ${why}`);
      return true;
    }
    yield w.delay * 1000;
  }
}

function* runWaitUntil(
  op: Operator,
  client: RetryClient,
  step: WaitUntilStep,
  scope: Scope,
  origin: string,
  retry: RetrySpec,
): Generator<Yieldable, boolean, void> {
  // The one polling loop (pollUntil), each poll retried as the SDKs do; true when it timed out.
  const held = yield* pollUntil(
    retryingOperator(op, client, retry),
    () => requestOf(step, op, scope, origin),
    (response) => matcherHolds(step, readPath(response, step.path)),
    { everyMs: step.everyMs, timeoutMs: step.timeoutMs },
    `waitUntil timed out after ${formatDuration(step.timeoutMs)}: ${step.path} never ${describeMatcher(step)}`,
  );
  return !held;
}

/** Whether the value at a waitUntil's path satisfies its matcher. */
function matcherHolds(step: WaitUntilStep, value: unknown): boolean {
  if (step.absent === true) return value === undefined || value === null;
  if (step.length !== undefined) {
    const n = Array.isArray(value) || typeof value === 'string' ? value.length : undefined;
    return n !== undefined && n >= step.length.min && n <= step.length.max;
  }
  if (step.in !== undefined) return step.in.some((v) => JSON.stringify(v) === JSON.stringify(value));
  return JSON.stringify(value) === JSON.stringify(step.equals);
}

function describeMatcher(step: WaitUntilStep): string {
  if (step.absent === true) return 'became absent';
  if (step.length !== undefined) {
    const { min, max } = step.length;
    return min === max
      ? `had length ${min}`
      : `had a length within [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}]`;
  }
  if (step.in !== undefined) return `was one of ${JSON.stringify(step.in)}`;
  return `equalled ${JSON.stringify(step.equals)}`;
}

/** The AWS request a call or waitUntil step makes now, with substitutions applied. */
function requestOf(step: CallStep | WaitUntilStep, op: Operator, scope: Scope, origin: string): CallRequest {
  return {
    service: step.service,
    operation: step.operation,
    params: substitute(step.params, op, scope) as Record<string, unknown>,
    ...(step.region !== undefined ? { region: step.region } : {}),
    origin,
  };
}

const WHOLE = /^\$\{([^}]+)\}$/;
const PART = /\$\{([^}]+)\}/g;

/** Replaces `${inst.id}`, `${inst.name}`, `${inst.associationId}` and `${saved}` in every string. */
function substitute(value: unknown, op: Operator, scope: Scope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole !== null) return lookup(whole[1]!, op, scope);
    return value.replace(PART, (_m, name: string) => String(lookup(name, op, scope) ?? ''));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, op, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, op, scope)]));
  }
  return value;
}

function lookup(name: string, op: Operator, scope: Scope): unknown {
  if (name.startsWith('inst.')) {
    const inst = scope.inst;
    if (inst === undefined) return undefined;
    switch (name) {
      case 'inst.id':
        return inst.id;
      case 'inst.name':
        return inst.name;
      case 'inst.region':
        return inst.region;
      case 'inst.associationId':
        return op.associationIdOf(inst.id);
      default:
        return undefined;
    }
  }
  return scope.vars.get(name);
}
