/**
 * Normalisation: from the schema-valid YAML shape (RawScenario) to the Scenario the simulator
 * consumes. Durations become ms, defaults are filled, fleets are expanded into instances,
 * calibration overrides are applied to the preset, `aws:` lines become calls, and call
 * parameters are checked against the operation table.
 *
 * Problems found here are local to one field (a bad distribution, an unknown parameter).
 * Cross-field rules (references, uniqueness, windows within the horizon, caps) are in rules.ts,
 * which runs on this module's output; `Origins` tells it where each normalised thing came from.
 *
 * One file because it mirrors the Scenario type section by section; splitting it would scatter
 * the defaults that a reader wants to see side by side.
 */

import {
  checkStructure,
  frontEndOptions,
  inputShape,
  models,
  paginator as paginatorOf,
  waiter as waiterOf,
} from '../aws/catalogue.ts';
import {
  type Calibration,
  type CalibrationEntry,
  type CalibrationKey,
  calibrationKeys,
  calibrationPresets,
} from '../calibration.ts';
import { parseAwsCli } from './aws-cli.ts';
import { checkBatchable, normaliseBatch, normaliseCompareStrategies } from './batch.ts';
import { toDistributionSpec } from './distribution.ts';
import { schemaDurationMs } from './duration.ts';
import { normaliseIncidents } from './incident-normalise.ts';
import { defaults, limits } from './limits.ts';
import { operationSpec, type ServiceName, splitCallName } from './operations.ts';
import type {
  ForEachStepRaw,
  RawBatch,
  RawChangeTarget,
  RawProbe,
  RawScenario,
  RawSdk,
  RawStep,
  RawTags,
  RawTargets,
} from './schema.ts';
import { closest } from './suggest.ts';
import { resolveTargets } from './targets.ts';
import {
  type BatchSpec,
  type CallStep,
  type ChangeSpec,
  type ChangeTarget,
  type CompareSpec,
  type ConsoleAction,
  type FaultSpec,
  type InstanceSpec,
  type InvariantSetting,
  type MetricCheck,
  type ProbeSpec,
  RETRY_DEFAULT_ATTEMPTS,
  type RetryMode,
  type RetrySpec,
  type Scenario,
  type SdkSpec,
  type SourceRef,
  type Step,
  type StrategyName,
  type TargetSpec,
  type WaitUntilStep,
} from './types.ts';

/** A problem or warning at a dotted path, before the loader attaches file and line:col. */
export interface Finding {
  readonly path: string;
  readonly message: string;
}

/** Where normalised things came from in the YAML, for rules that report on them. */
export interface Origins {
  /** YAML path of each `scenario.instances[i]`: `instances.3` or `fleets.1`. */
  readonly instancePaths: readonly string[];
  /** `fleets[i].count` as written (the expansion may have been skipped, see `expanded`). */
  readonly fleetCounts: readonly number[];
  /** False when the instance cap was exceeded and fleets were not expanded. */
  readonly expanded: boolean;
  /** The targets of each fault as written (imdsOutage only), to check the names exist. */
  readonly faultTargets: readonly (TargetSpec | undefined)[];
  /** Paths of targets written with `fleet:` (normalised to the first entry of `fleets`). */
  readonly singleFleetTargets: ReadonlySet<string>;
  /** Paths of steps written as `aws:` lines (their parameters have no YAML path of their own). */
  readonly awsStepPaths: ReadonlySet<string>;
  /** YAML path of each `scenario.checks[i]` (`checks.N`: invariant entries share the list). */
  readonly checkPaths: readonly string[];
  /** YAML path of each `scenario.invariants[i]`. */
  readonly invariantPaths: readonly string[];
}

export interface NormaliseResult {
  readonly scenario: Scenario;
  readonly origins: Origins;
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
}

/** Looks up line:col of a dotted path, so steps can carry their source position. */
export type Locator = (path: string) => { line: number; col: number } | undefined;

const ms = schemaDurationMs;
const optMs = (value: string | number | undefined): number | undefined =>
  value === undefined ? undefined : ms(value);

export function normalise(raw: RawScenario, locate: Locator = () => undefined): NormaliseResult {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const error = (path: string, message: string) => errors.push({ path, message });
  const warn = (path: string, message: string) => warnings.push({ path, message });
  const singleFleetTargets = new Set<string>();
  const awsStepPaths = new Set<string>();
  const targets = (t: RawTargets, path: string): TargetSpec => {
    if (t.fleet !== undefined) singleFleetTargets.add(path);
    return normaliseTargets(t);
  };

  const regions = [...raw.regions];
  const calibrationPreset = raw.calibration?.preset ?? 'default';
  const calibration = normaliseCalibration(raw, calibrationPreset, error);

  const roles = (raw.roles ?? []).map((r) => ({
    name: r.name,
    path: r.path ?? defaults.path,
    allow: [...(r.allow ?? [])],
  }));
  const instanceProfiles = (raw.instanceProfiles ?? []).map((p, i) => ({
    name: p.name,
    path: p.path ?? defaults.path,
    tags: normaliseTags(p.tags, `instanceProfiles.${i}.tags`, error),
    ...(p.role === undefined ? {} : { role: p.role }),
  }));

  // Instances: explicit ones first, then each fleet expanded in order.
  const instances: InstanceSpec[] = [];
  const instancePaths: string[] = [];
  (raw.instances ?? []).forEach((inst, i) => {
    instances.push({
      name: inst.name,
      ...(inst.id === undefined ? {} : { id: inst.id }),
      region: inst.region,
      state: inst.state ?? 'running',
      ...(inst.instanceProfile === undefined ? {} : { instanceProfile: inst.instanceProfile }),
      sdk: normaliseSdk(inst.sdk ?? defaults.sdk),
      ...(inst.probe === undefined ? {} : { probe: normaliseProbe(inst.probe) }),
      ...(inst.imds === undefined ? {} : { imds: { tokens: inst.imds.tokens } }),
      ...ec2Tags(inst.tags),
    });
    instancePaths.push(`instances.${i}`);
  });
  const rawFleets = raw.fleets ?? [];
  const fleetCounts = rawFleets.map((f) => f.count);
  // Check the cap before expanding anything: a fleet of 10^7 must cost nothing to refuse.
  let total = instances.length;
  let expanded = true;
  rawFleets.forEach((f, i) => {
    total += f.count;
    if (expanded && total > limits.maxInstances) {
      error(
        `fleets.${i}.count`,
        `too many instances: this fleet brings the total to ${total}, over the limit of ${limits.maxInstances}`,
      );
      expanded = false;
    }
  });
  const fleets = rawFleets.map((f, i) => {
    const names: string[] = [];
    if (expanded) {
      const sdks = (Array.isArray(f.sdk) ? f.sdk : [f.sdk ?? defaults.sdk]).map(normaliseSdk);
      const probe = f.probe === undefined ? undefined : normaliseProbe(f.probe);
      const tags = ec2Tags(f.tags);
      for (let k = 0; k < f.count; k++) {
        const name = `${f.name}-${k}`;
        names.push(name);
        instances.push({
          name,
          region: f.region,
          state: f.state ?? 'running',
          ...(f.instanceProfile === undefined ? {} : { instanceProfile: f.instanceProfile }),
          sdk: sdks[k % sdks.length]!,
          ...(probe === undefined ? {} : { probe }),
          fleet: f.name,
          ...(f.imds === undefined ? {} : { imds: { tokens: f.imds.tokens } }),
          ...tags,
        });
        instancePaths.push(`fleets.${i}`);
      }
    }
    return { name: f.name, instances: names };
  });

  const steps = normaliseSteps(raw.steps ?? [], 'steps', { error, warn, locate, targets, awsStepPaths });

  const faultTargets: (TargetSpec | undefined)[] = [];
  const faults: FaultSpec[] = (raw.faults ?? []).map((f, i) => {
    if ('partition' in f) {
      faultTargets.push(undefined);
      return {
        kind: 'partition',
        region: f.partition.region,
        fromMs: ms(f.partition.from),
        toMs: ms(f.partition.to),
      };
    }
    if ('imdsOutage' in f) {
      const designated = targets(f.imdsOutage, `faults.${i}.imdsOutage`);
      faultTargets.push(designated);
      return {
        kind: 'imdsOutage',
        instances: resolveTargets(designated, fleets, instances),
        fromMs: ms(f.imdsOutage.from),
        toMs: ms(f.imdsOutage.to),
      };
    }
    faultTargets.push(undefined);
    return {
      kind: 'controlPlanePause',
      fromMs: ms(f.controlPlanePause.from),
      toMs: ms(f.controlPlanePause.to),
    };
  });

  const checks: MetricCheck[] = [];
  const checkPaths: string[] = [];
  const invariants: InvariantSetting[] = [];
  const invariantPaths: string[] = [];
  (raw.checks ?? []).forEach((c, i) => {
    if ('invariant' in c) {
      invariants.push({
        invariant: c.invariant,
        enabled: c.enabled ?? true,
        ...(c.within === undefined ? {} : { withinMs: ms(c.within) }),
      });
      invariantPaths.push(`checks.${i}`);
      return;
    }
    if ((c.max === undefined) === (c.equals === undefined)) {
      error(`checks.${i}`, 'a check needs exactly one of max or equals');
    }
    checks.push({
      name: c.name,
      metric: c.metric,
      ...(c.max === undefined ? {} : { maxMs: ms(c.max) }),
      ...(c.equals === undefined ? {} : { equalsMs: ms(c.equals) }),
    });
    checkPaths.push(`checks.${i}`);
  });

  const change: ChangeSpec | undefined =
    raw.change === undefined
      ? undefined
      : {
          to: normaliseChangeTarget(raw.change.to),
          ...(raw.change.at === undefined ? {} : { atMs: ms(raw.change.at) }),
          ...(raw.change.targets === undefined
            ? {}
            : { targets: targets(raw.change.targets, 'change.targets') }),
          ...(raw.change.label === undefined ? {} : { label: raw.change.label }),
        };
  let compare: CompareSpec | undefined;
  if (raw.compare !== undefined) {
    compare = {
      targets: targets(raw.compare.targets, 'compare.targets'),
      to: normaliseChangeTarget(raw.compare.to),
      atMs: ms(raw.compare.at),
      strategies: normaliseCompareStrategies(
        raw.compare.strategies ?? (defaults.compareStrategies as readonly StrategyName[]),
        'compare.strategies',
        error,
      ),
      seeds: raw.compare.seeds ?? defaults.compareSeeds,
    };
  }

  const incident = normaliseIncidents(raw, { instances, fleets, roles: roles.map((r) => r.name) }, error);

  const scenario: Scenario = {
    name: raw.name,
    ...(raw.description === undefined ? {} : { description: raw.description }),
    ...(raw.seed === undefined ? {} : { seed: raw.seed }),
    horizonMs: raw.horizon === undefined ? defaults.horizonMs : ms(raw.horizon),
    calibrationPreset,
    calibration,
    model: {
      iamReads: raw.model?.iamReads ?? 'regionView',
      profileQuota: raw.model?.quotas?.instanceProfiles ?? defaults.profileQuota,
      roleQuota: raw.model?.quotas?.roles ?? defaults.roleQuota,
      defaultRegion: raw.model?.defaultRegion ?? regions[0]!,
    },
    regions,
    roles,
    instanceProfiles,
    instances,
    fleets,
    steps,
    ...(raw.retry === undefined ? {} : { retry: normaliseRetry(raw.retry) }),
    faults,
    checks,
    ...(invariants.length === 0 ? {} : { invariants }),
    ...(change === undefined ? {} : { change }),
    ...(compare === undefined ? {} : { compare }),
    ...(incident === undefined ? {} : { incident }),
  };
  return {
    scenario,
    origins: {
      instancePaths,
      fleetCounts,
      expanded,
      faultTargets,
      singleFleetTargets,
      awsStepPaths,
      checkPaths,
      invariantPaths,
    },
    errors,
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------

function normaliseCalibration(
  raw: RawScenario,
  preset: keyof typeof calibrationPresets,
  error: (path: string, message: string) => void,
): Calibration {
  const entries = { ...calibrationPresets[preset] } as Record<CalibrationKey, CalibrationEntry>;
  const overrides = raw.calibration?.overrides ?? {};
  for (const key of calibrationKeys) {
    const override = overrides[key];
    if (override === undefined) continue;
    const path = `calibration.overrides.${key}`;
    const result = toDistributionSpec(override);
    if (result.ok) {
      entries[key] = { spec: result.spec, source: 'scenario override' };
    } else {
      const fieldKnown =
        result.field !== undefined && typeof override === 'object' && result.field.split('.')[0]! in override;
      error(fieldKnown ? `${path}.${result.field}` : path, result.message);
    }
  }
  return entries;
}

function normaliseTags(
  tags: RawTags | undefined,
  path: string,
  error: (path: string, message: string) => void,
) {
  if (tags === undefined) return [];
  const list = Array.isArray(tags) ? tags.map((t) => ({ Key: t.Key, Value: t.Value })) : tagList(tags);
  if (list.length > 50) error(path, `at most 50 tags (IAM quota), got ${list.length}`);
  // IAM treats tag keys that differ only in case as the same key (IAM API reference, TagInstanceProfile).
  const seen = new Map<string, number>();
  list.forEach((t, i) => {
    const folded = t.Key.toLowerCase();
    const first = seen.get(folded);
    if (first !== undefined)
      error(
        Array.isArray(tags) ? `${path}.${i}.Key` : `${path}.${t.Key}`,
        `duplicate tag key "${t.Key}" (tag keys are case-insensitive)`,
      );
    else seen.set(folded, i);
  });
  return list;
}

function normaliseSdk(sdk: RawSdk): SdkSpec {
  if (typeof sdk === 'string') return sdk;
  return {
    name: sdk.name,
    refreshBeforeExpiryMs: ms(sdk.refreshBeforeExpiry),
    ...(sdk.maxHold === undefined ? {} : { maxHoldMs: ms(sdk.maxHold) }),
    ...(sdk.staticStability === undefined ? {} : { staticStabilityMs: ms(sdk.staticStability) }),
  };
}

function normaliseProbe(probe: RawProbe): ProbeSpec {
  return { action: probe.action, everyMs: ms(probe.every) };
}

export function normaliseTargets(t: RawTargets): TargetSpec {
  const fleets = [...(t.fleet === undefined ? [] : [t.fleet]), ...(t.fleets ?? [])];
  return { fleets, instances: [...(t.instances ?? [])] };
}

function normaliseChangeTarget(to: RawChangeTarget): ChangeTarget {
  return 'role' in to ? { role: to.role } : { instanceProfile: to.instanceProfile };
}

// ---------------------------------------------------------------------------------------------
// Steps.

interface StepContext {
  readonly error: (path: string, message: string) => void;
  readonly warn: (path: string, message: string) => void;
  readonly locate: Locator;
  readonly targets: (t: RawTargets, path: string) => TargetSpec;
  readonly awsStepPaths: Set<string>;
}

function normaliseSteps(raw: readonly RawStep[], base: string, ctx: StepContext): Step[] {
  const out: Step[] = [];
  raw.forEach((step, i) => {
    const normalised = normaliseStep(step, `${base}.${i}`, ctx);
    if (normalised !== undefined) out.push(normalised);
  });
  return out;
}

function normaliseStep(step: RawStep, path: string, ctx: StepContext): Step | undefined {
  const position = ctx.locate(path);
  const source: SourceRef =
    position === undefined ? { path } : { path, line: position.line, col: position.col };
  if (step.at !== undefined && step.after !== undefined)
    ctx.error(`${path}.after`, 'give at most one of at and after');
  const timing = {
    ...(step.at === undefined ? {} : { atMs: ms(step.at) }),
    ...(step.after === undefined ? {} : { afterMs: ms(step.after) }),
    source,
  };

  const failure =
    'call' in step || 'aws' in step || 'waitUntil' in step
      ? {
          ...(step.onFailure === 'continue' ? { onFailure: 'continue' as const } : {}),
          ...(step.retry === undefined ? {} : { retry: normaliseRetry(step.retry) }),
        }
      : {};

  if ('call' in step) {
    const split = splitCallName(step.call)!;
    const params = checkParams(split.service, split.operation, step.params ?? {}, `${path}.params`, ctx);
    if (step.waiter !== undefined)
      checkWaiter(split.service, split.operation, step.waiter, `${path}.waiter`, ctx);
    if (step.paginate !== undefined && paginatorOf(split.service, split.operation) === undefined)
      ctx.error(`${path}.paginate`, `${step.call} is not a paginated operation`);
    return callStep(split.service, split.operation, params, step.region, step.save, step.expect, {
      ...timing,
      ...failure,
      ...(step.waiter === undefined ? {} : { waiter: step.waiter }),
      ...(step.paginate === undefined ? {} : { paginate: step.paginate }),
    });
  }
  if ('aws' in step) {
    const parsed = parseAwsCli(step.aws);
    if (!parsed.ok) {
      for (const message of parsed.errors) ctx.error(`${path}.aws`, message);
      // Keep a stand-in so the step's `save` names still count for later `${name}` references
      // (the scenario is not returned: it has errors). Without it, one bad line would cascade.
      ctx.awsStepPaths.add(path);
      return callStep('iam', '', {}, step.region, step.save, step.expect, timing);
    }
    for (const message of parsed.warnings) ctx.warn(`${path}.aws`, message);
    ctx.awsStepPaths.add(path);
    const { service, operation, params, region: lineRegion } = parsed.command;
    if (lineRegion !== undefined && step.region !== undefined && lineRegion !== step.region) {
      ctx.error(`${path}.region`, `region ${step.region} contradicts --region ${lineRegion} in the command`);
    }
    const { waiter, pagination } = parsed.command;
    return callStep(service, operation, params, step.region ?? lineRegion, step.save, step.expect, {
      ...timing,
      ...failure,
      ...(waiter === undefined ? {} : { waiter }),
      ...(pagination === undefined ? {} : { paginate: pagination }),
    });
  }
  if ('wait' in step) return { kind: 'wait', durationMs: ms(step.wait), ...timing };
  if ('waitUntil' in step) {
    const w = step.waitUntil;
    const split = splitCallName(w.call)!;
    const params = checkParams(
      split.service,
      split.operation,
      w.params ?? {},
      `${path}.waitUntil.params`,
      ctx,
    );
    return {
      kind: 'waitUntil',
      service: split.service,
      operation: split.operation,
      params,
      ...(w.region === undefined ? {} : { region: w.region }),
      path: w.path,
      ...waitMatcher(w, `${path}.waitUntil`, ctx),
      everyMs: optMs(w.every) ?? defaults.waitUntilEveryMs,
      timeoutMs: optMs(w.timeout) ?? defaults.waitUntilTimeoutMs,
      ...timing,
      ...failure,
    };
  }
  if ('console' in step) {
    const needs = step.console === 'launch-with-role' ? 'instanceProfile' : 'role';
    if (step[needs] === undefined) ctx.error(path, `console ${step.console} needs ${needs}`);
    const misplaced = (['role', 'allow', 'instanceProfile', 'region', 'count'] as const).filter(
      (k) => step[k] !== undefined && !CONSOLE_ARGS[step.console].includes(k),
    );
    for (const k of misplaced) ctx.error(`${path}.${k}`, `console ${step.console} takes no ${k}`);
    return {
      kind: 'console',
      action: step.console,
      ...(step.role === undefined ? {} : { role: step.role }),
      ...(step.allow === undefined ? {} : { allow: step.allow }),
      ...(step.instanceProfile === undefined ? {} : { instanceProfile: step.instanceProfile }),
      ...(step.region === undefined ? {} : { region: step.region }),
      ...(step.count === undefined ? {} : { count: step.count }),
      ...timing,
      ...(step.onFailure === 'continue' ? { onFailure: 'continue' as const } : {}),
      ...(step.retry === undefined ? {} : { retry: normaliseRetry(step.retry) }),
    };
  }
  if ('strategy' in step) {
    return {
      kind: 'strategy',
      strategy: step.strategy,
      targets: ctx.targets(step.targets, `${path}.targets`),
      to: normaliseChangeTarget(step.to),
      ...batchOf(step.batch, `${path}.batch`, ctx, step.strategy),
      ...timing,
    };
  }
  const loop = step as ForEachStepRaw;
  return {
    kind: 'forEach',
    targets: ctx.targets(loop.forEach, `${path}.forEach`),
    steps: normaliseSteps(loop.steps, `${path}.steps`, ctx),
    ...batchOf(loop.batch, `${path}.batch`, ctx),
    ...timing,
  };
}

/** The arguments each console procedure takes. */
const CONSOLE_ARGS: Readonly<Record<ConsoleAction, readonly string[]>> = {
  'create-role-for-ec2': ['role', 'allow'],
  'launch-with-role': ['instanceProfile', 'region', 'count'],
  'delete-role': ['role'],
};

/** A retry spec with the mode's default attempts filled in (legacy 5, standard and adaptive 3). */
function normaliseRetry(raw: { mode: RetryMode; maxAttempts?: number | undefined }): RetrySpec {
  return { mode: raw.mode, maxAttempts: raw.maxAttempts ?? RETRY_DEFAULT_ATTEMPTS[raw.mode] };
}

/** The waiter must exist in the service model and wait on this very operation. */
function checkWaiter(
  service: ServiceName,
  operation: string,
  name: string,
  path: string,
  ctx: StepContext,
): void {
  const w = waiterOf(service, name);
  if (w === undefined) {
    const known = Object.keys(models[service].waiters);
    ctx.error(path, `unknown ${service} waiter ${name}; known: ${known.join(', ')}`);
  } else if (w.operation !== operation) {
    ctx.error(path, `the ${name} waiter calls ${service}:${w.operation}, not ${service}:${operation}`);
  }
}

type RawWaitUntil = Extract<RawStep, { waitUntil: unknown }>['waitUntil'];

/** Exactly one matcher: equals, absent, length or in. */
function waitMatcher(
  w: RawWaitUntil,
  path: string,
  ctx: StepContext,
): Pick<WaitUntilStep, 'equals' | 'absent' | 'length' | 'in'> {
  const given = (['equals', 'absent', 'length', 'in'] as const).filter((k) => w[k] !== undefined);
  if (given.length !== 1) {
    ctx.error(
      path,
      `give exactly one of equals, absent, length or in${given.length > 1 ? ` (got ${given.join(', ')})` : ''}`,
    );
    return {};
  }
  if (w.equals !== undefined) return { equals: w.equals };
  if (w.absent !== undefined) return { absent: true };
  if (w.in !== undefined) return { in: w.in };
  const length = w.length!;
  if (typeof length === 'number') return { length: { min: length, max: length } };
  const min = length.min ?? 0;
  const max = length.max ?? Number.MAX_SAFE_INTEGER;
  if (min > max) ctx.error(`${path}.length`, `min ${min} is above max ${max}`);
  return { length: { min, max } };
}

/** `{ batch }` when one is written (checked against the strategy, if any), else nothing. */
function batchOf(
  raw: RawBatch | undefined,
  path: string,
  ctx: StepContext,
  strategy?: StrategyName,
): { batch?: BatchSpec } {
  if (raw === undefined) return {};
  if (strategy !== undefined) checkBatchable(strategy, path, ctx.error);
  return { batch: normaliseBatch(raw, path, ctx.error) };
}

function callStep(
  service: ServiceName,
  operation: string,
  params: Readonly<Record<string, unknown>>,
  region: string | undefined,
  save: Readonly<Record<string, string>> | undefined,
  expect: string | undefined,
  timing: {
    atMs?: number;
    afterMs?: number;
    source: SourceRef;
    onFailure?: 'continue';
    retry?: RetrySpec;
    waiter?: string;
    paginate?: CallStep['paginate'];
  },
): CallStep {
  return {
    kind: 'call',
    service,
    operation,
    params,
    ...(region === undefined ? {} : { region }),
    save: { ...(save ?? {}) },
    ...(expect === undefined ? {} : { expect }),
    ...timing,
  };
}

/**
 * Checks call parameters against the operation catalogue, with the same structural check the
 * services run (`checkStructure`), so a step `validate` accepts is not refused as malformed at run
 * time. An unknown parameter is an error (the SDK would refuse it, and a typo must not silently
 * change what the step does); a missing required one is only a warning, because the simulator
 * answers it as AWS would (MissingParameter), which a scenario may want to exercise. Policy
 * documents written as YAML mappings become JSON text, the form the API takes.
 */
function checkParams(
  service: ServiceName,
  operation: string,
  params: Readonly<Record<string, unknown>>,
  path: string,
  ctx: StepContext,
): Record<string, unknown> {
  const spec = operationSpec(service, operation)!;
  const known = Object.keys(spec.params);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    const p = Object.hasOwn(spec.params, name) ? spec.params[name] : undefined;
    out[name] =
      p?.type === 'document' && typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
  }
  const problems = checkStructure(service, inputShape(service, operation), out, {
    ...frontEndOptions(service),
    references: true,
  });
  for (const problem of problems) {
    if (problem.kind === 'unknown' && !problem.path.includes('.')) {
      const name = problem.path;
      const hint = closest(name, known);
      ctx.error(
        `${path}.${name}`,
        `unknown parameter ${name} for ${service}:${operation}${hint ? ` (did you mean ${hint}?)` : ''}; parameters: ${known.join(', ')}`,
      );
      delete out[name];
    } else {
      ctx.error(`${path}.${problem.path}`, problem.message);
    }
  }
  for (const [name, p] of Object.entries(spec.params)) {
    if (p.required && !(name in params)) {
      ctx.warn(path, `${service}:${operation} without ${name}: the call will fail with MissingParameter`);
    }
  }
  return out;
}

/** `{ Role: web }` as AWS's tag list, `[{ Key: Role, Value: web }]`, in the order written. */
function tagList(tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** `tags: { Role: web }` as EC2's tag list, in the order written (absent when none). */
function ec2Tags(tags: Readonly<Record<string, string>> | undefined): {
  tags?: { Key: string; Value: string }[];
} {
  const list = tagList(tags ?? {});
  return list.length === 0 ? {} : { tags: list };
}
