/**
 * Runs a scenario's steps as one operator process: calls (from `call:` or pasted `aws` lines),
 * waits, polls, strategies and forEach loops, with `${...}` substitution and `save`d values.
 */
import type { Process, Yieldable } from '../engine/index.ts';
import { resolveTargets } from '../scenario/targets.ts';
import type { CallStep, ForEachStep, Scenario, Step, WaitUntilStep } from '../scenario/types.ts';
import { runInBatches } from './batches.ts';
import { type CallRequest, type InstanceRef, type Operator, readPath } from './operator.ts';
import { strategyProcess } from './strategies.ts';
import { pollUntil } from './strategies-common.ts';

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

export function* runSteps(op: Operator, steps: readonly Step[], ctx: RunbookContext, scope?: Scope): Process {
  const s: Scope = scope ?? { vars: new Map() };
  for (const step of steps) {
    if (step.atMs !== undefined) {
      if (step.atMs > op.nowMs) yield step.atMs - op.nowMs;
    } else if (step.afterMs !== undefined && step.afterMs > 0) {
      yield step.afterMs;
    }
    const origin = step.source.path;
    switch (step.kind) {
      case 'call':
        yield* runCall(op, step, s, origin);
        break;
      case 'wait':
        if (step.durationMs > 0) yield step.durationMs;
        break;
      case 'waitUntil':
        yield* runWaitUntil(op, step, s, origin);
        break;
      case 'strategy': {
        const targets = resolveTargets(step.targets, ctx.scenario.fleets, ctx.scenario.instances).map((n) =>
          op.instance(n),
        );
        yield* strategyProcess(step.strategy, {
          op,
          targets,
          to: step.to,
          ...(step.batch === undefined ? {} : { batch: step.batch }),
          origin,
          roleAllow: (name) =>
            ctx.scenario.roles.find((r) => r.name.toLowerCase() === name.toLowerCase())?.allow,
          policies: ctx.policies,
          scenarioPolicyName: ctx.scenarioPolicyName,
        });
        break;
      }
      case 'forEach':
        if (step.batch === undefined) {
          for (const name of resolveTargets(step.targets, ctx.scenario.fleets, ctx.scenario.instances)) {
            yield* runSteps(op, step.steps, ctx, { vars: s.vars, inst: op.instance(name) });
          }
        } else {
          yield* forEachInBatches(op, step, ctx, s);
        }
        break;
    }
  }
}

/**
 * A forEach with `batch:`: the instances of a batch run in parallel, each with its own copy of
 * the saved values (so one instance's `save` cannot overwrite another's mid-flight). After a
 * batch, what its instances saved is copied back in target order, so later steps see the last
 * instance's values, as they would after a loop one instance at a time. The loop's steps are the
 * work: an instance has finished when its steps have.
 */
function* forEachInBatches(op: Operator, step: ForEachStep, ctx: RunbookContext, s: Scope): Process {
  const scopes = new Map<string, Scope>();
  yield* runInBatches({
    op,
    items: resolveTargets(step.targets, ctx.scenario.fleets, ctx.scenario.instances),
    batch: step.batch,
    label: `${step.source.path}.forEach`,
    childLabel: (name) => `${step.source.path} ${name}`,
    work: (name) => {
      const scope: Scope = { vars: new Map(s.vars), inst: op.instance(name) };
      scopes.set(name, scope);
      return runSteps(op, step.steps, ctx, scope);
    },
    afterBatch: (names) => {
      for (const name of names) for (const [k, v] of scopes.get(name)!.vars) s.vars.set(k, v);
      scopes.clear();
    },
  });
}

function* runCall(
  op: Operator,
  step: CallStep,
  scope: Scope,
  origin: string,
): Generator<Yieldable, void, void> {
  const outcome = yield* op.call({
    ...requestOf(step, op, scope, origin),
    ...(step.expect !== undefined ? { expect: step.expect } : {}),
  });
  for (const [name, path] of Object.entries(step.save)) {
    const value = outcome.ok ? readPath(outcome.response, path) : undefined;
    if (value === undefined) op.fail(origin, `save ${name}: nothing at ${path} in the response`);
    scope.vars.set(name, value);
  }
}

function* runWaitUntil(
  op: Operator,
  step: WaitUntilStep,
  scope: Scope,
  origin: string,
): Generator<Yieldable, void, void> {
  const want = JSON.stringify(step.equals);
  yield* pollUntil(
    op,
    () => requestOf(step, op, scope, origin),
    (response) => JSON.stringify(readPath(response, step.path)) === want,
    { everyMs: step.everyMs, timeoutMs: step.timeoutMs },
    `waitUntil timed out after ${step.timeoutMs} ms: ${step.path} never equalled ${want}`,
  );
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
