/**
 * The operator: how runbooks and strategies make AWS calls. Every call takes the calibrated API
 * latency, is executed against the model at the time it lands, and is recorded (in execution
 * order) with its outcome. Strategies and scenario steps are processes over this interface.
 */
import type { Process, RandomStream, Yieldable } from '../engine/index.ts';
import type { AwsErrorData, StepRecord, WaiterPass } from '../result.ts';
import type { SdkRetries } from './retry.ts';

export interface CallOutcome {
  readonly ok: boolean;
  readonly response?: unknown;
  readonly error?: AwsErrorData;
}

export interface InstanceRef {
  readonly name: string;
  readonly id: string;
  readonly region: string;
  /** The profile the instance had at t=0 (scenario), if any. */
  readonly initialProfile?: string;
}

export interface CallRequest {
  /** `organizations` is only called by the scp incident response (src/aws/organizations.ts). */
  readonly service: 'iam' | 'ec2' | 'organizations';
  readonly operation: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Region the call is made in; IAM calls default to the model's default region. */
  readonly region?: string;
  /** Scenario path or strategy that made the call, for the record. */
  readonly origin: string;
  readonly expect?: string;
  /**
   * Set only by the simulator's own strategies, on requests they build in a fixed form that
   * satisfies the operation's input shape by construction (ids the model drew, and names and
   * regions the scenario schema has already typed as strings): the service then skips re-checking the shape, which every call of a fleet's
   * fan-out would otherwise pay for. A user's step (runbook `call:`, `aws` line, console, served
   * call) never sets it, so its request is always checked (test/runbook/shape-checked.test.ts).
   */
  readonly shapeChecked?: true;
}

/** Where an operator's calls are made: the API latency drawn for each, then its execution. */
export interface CallSite {
  /** The next call's API latency, ms (drawn when the call starts). */
  latencyMs(): number;
  /** Executes `request` now and records it. */
  execute(request: CallRequest): CallOutcome;
}

export interface Operator {
  /** Current virtual time, scenario ms (the world's warm-up offset already removed). */
  readonly nowMs: number;
  readonly defaultRegion: string;
  /** Makes one call: waits the API latency, executes, records. */
  call(request: CallRequest): Generator<Yieldable, CallOutcome, void>;
  /**
   * What `call` does, in two parts, when the operator makes its calls itself (the world's; not
   * one that wraps another's calls): a step that makes many attempts (RetryLoop) then makes them
   * directly, with no call object per attempt in between (a fleet's fan-out has one in flight
   * per instance). `call(r)` must be exactly: latencyMs(), that long a sleep if > 0, execute(r).
   */
  readonly site?: CallSite;
  /**
   * Set when `call` is another operator's calls retried as an SDK does (the runbook's retrying
   * operators): `call(r)` must then be exactly `retriedCall(sdkRetries, r)`, so that a step that
   * makes many calls (RetryLoop) makes their attempts and SDK retries itself, with no call object
   * per call in between (a fleet's fan-out has one in flight per instance).
   */
  readonly sdkRetries?: SdkRetries;
  instance(name: string): InstanceRef;
  /**
   * The refs of every scenario instance, in scenario order (what `instance` answers for each
   * name): for a step on the whole fleet, without a look-up by name per instance. Absent where
   * the operator does not have them all.
   */
  scenarioRefs?(): readonly InstanceRef[];
  /** The instance's active association id as EC2 sees it now (for `${inst.associationId}`). */
  associationIdOf(instanceId: string): string | undefined;
  /** Marks the start of the change being observed (first call of the first strategy). */
  markChangeStart(): void;
  /** Records a failed runbook expectation that is not a call (e.g. a waitUntil timeout). */
  fail(origin: string, detail: string): void;
  /** Records a profile waiter step that passed (what the report says of waiters). */
  waiterPassed(pass: WaiterPass): void;
  /**
   * The instance `id`, just launched as `name`, takes the place of scenario instance `slot`
   * (replace-instances): it runs the slot's SDK and probe, and the slot's metrics follow it.
   * Returns false, recording a failure, when the slot already has a replacement.
   */
  replaceInstance(slot: string, id: string, name: string): boolean;
  /** Starts a child process (parallel work, e.g. one per instance) and returns its completion signal. */
  spawn(label: string, body: Process): import('../engine/index.ts').Signal;
  readonly records: StepRecord[];
  /** The operator's named seeded stream (retry jitter), from the run's root seed. */
  stream(name: string): RandomStream;
}

/** A dotted path split on every dot: each segment as a member name, and as an array index (NaN if none). */
interface ParsedPath {
  readonly keys: readonly string[];
  readonly indexes: readonly number[];
}

/**
 * Paths read so far, parsed: a waiter reads the same path of every poll's response, and splitting
 * it each time made a string per segment. Bounded: scenario steps add their own paths.
 */
const parsedPaths = new Map<string, ParsedPath>();
const PARSED_PATHS_MAX = 1000;

function parsePath(path: string): ParsedPath {
  let parsed = parsedPaths.get(path);
  if (parsed === undefined) {
    const keys = path.split('.');
    // An index only where Number reads an integer (`''` and `'0'` both index 0, as they always did).
    const indexes = keys.map((k) => (Number.isInteger(Number(k)) ? Number(k) : Number.NaN));
    parsed = { keys, indexes };
    if (parsedPaths.size < PARSED_PATHS_MAX) parsedPaths.set(path, parsed);
  }
  return parsed;
}

/** Reads a dotted path (`Instances.0.InstanceId`) from a response; numeric segments index arrays. */
export function readPath(value: unknown, path: string): unknown {
  const { keys, indexes } = parsePath(path);
  let cur: unknown = value;
  for (let i = 0; i < keys.length; i++) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) {
      const index = indexes[i]!;
      cur = Number.isNaN(index) ? undefined : cur[index];
    } else if (typeof cur === 'object') {
      cur = (cur as Record<string, unknown>)[keys[i]!];
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Whether `outcome` is what a step's `expect` asked for: `ok`, or that error code. */
export function expectationMet(expect: string, outcome: CallOutcome): boolean {
  return expect === 'ok' ? outcome.ok : outcome.error?.code === expect;
}
