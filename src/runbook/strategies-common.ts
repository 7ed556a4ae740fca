/**
 * Building blocks a careful operator uses: retries with backoff on the errors eventual
 * consistency causes, polling a describe call until a condition holds, and finding or creating
 * the profile for a role.
 */
import { mapReturn, type Yieldable } from '../engine/index.ts';
import { type CallOutcome, type CallRequest, type Operator, readPath } from './operator.ts';
import { RetryLoop } from './retry.ts';

/** Terraform's AWS provider waits up to 2 minutes for IAM propagation (iamPropagationTimeout). [CODE] */
const PROPAGATION_RETRY_BUDGET_MS = 2 * 60 * 1000;
/** First backoff after a propagation error; doubled each time up to the cap (EC2 eventual-consistency guidance). [DOC] */
const BACKOFF_FIRST_MS = 2000;
const BACKOFF_CAP_MS = 30_000;
/** How often an operator polls a describe call while waiting for a state. Terraform polls >= 3 s apart; 2 s is AWS's waiter-like pace. [INF] */
const POLL_EVERY_MS = 2000;
/** Give up polling after 5 minutes (Terraform ec2PropagationTimeout). [CODE] */
const POLL_TIMEOUT_MS = 5 * 60 * 1000;

/** Calls, retrying with exponential backoff while the error code is one of `retryOn`. */
export function callWithRetry(
  op: Operator,
  request: CallRequest,
  retryOn: readonly string[],
): Generator<Yieldable, CallOutcome, void> {
  return new RetryOnCodes(op, request, retryOn);
}

/** callWithRetry's loop (a RetryLoop: every instance of a fan-out has one in flight at once). */
class RetryOnCodes extends RetryLoop<CallOutcome> {
  private startMs = 0;
  private backoffMs = BACKOFF_FIRST_MS;

  constructor(
    op: Operator,
    request: CallRequest,
    private readonly retryOn: readonly string[],
  ) {
    super(op, request);
  }

  protected override started(): void {
    this.startMs = this.op.nowMs;
  }

  protected result(outcome: CallOutcome): CallOutcome {
    return outcome;
  }

  protected retryDelayMs(outcome: CallOutcome): number | undefined {
    if (outcome.ok || outcome.error === undefined || !this.retryOn.includes(outcome.error.code))
      return undefined;
    if (this.op.nowMs - this.startMs + this.backoffMs > PROPAGATION_RETRY_BUDGET_MS) return undefined;
    const delayMs = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_CAP_MS);
    return delayMs;
  }
}

/** AWS's EC2 InstanceStopped / InstanceRunning waiters: every 15 s, 40 attempts. [DOC] botocore ec2 waiters-2.json */
const INSTANCE_WAITER = { everyMs: 15_000, timeoutMs: 40 * 15_000 } as const;
/**
 * Waiting for a new profile to show its role: AWS's InstanceProfileExists waiter pace (every 1 s)
 * [DOC botocore iam waiters-2.json], with Terraform's 2-minute IAM propagation budget
 * [CODE terraform-provider-aws iamPropagationTimeout]. AWS's own 40-attempt budget is shorter
 * than the propagation tail, and a replace that lands on a profile whose role EC2 cannot see yet
 * waits for IMDS's next hourly rotation.
 */
const PROFILE_WAITER = { everyMs: 1000, timeoutMs: PROPAGATION_RETRY_BUDGET_MS } as const;

export interface PollPace {
  readonly everyMs: number;
  readonly timeoutMs: number;
}

/**
 * Polls until `done(response)`; returns false (and records a failure, `timeoutReason` or a
 * generic one) on timeout. The one polling loop: strategies' waits and the runbook's waitUntil.
 * `request` may be a function, called before each attempt, for requests whose substitutions can
 * change while waiting (a waitUntil on `${inst.associationId}`).
 */
export function pollUntil(
  op: Operator,
  request: CallRequest | (() => CallRequest),
  done: (response: unknown) => boolean,
  pace: PollPace = { everyMs: POLL_EVERY_MS, timeoutMs: POLL_TIMEOUT_MS },
  timeoutReason?: string,
): Generator<Yieldable, boolean, void> {
  return new Poll(op, request, done, pace, timeoutReason);
}

/** pollUntil's loop (a RetryLoop: a batch's or a restart's instances all poll at once). */
class Poll extends RetryLoop<boolean> {
  private startMs = 0;
  private held = false;

  constructor(
    op: Operator,
    request: CallRequest | (() => CallRequest),
    private readonly done: (response: unknown) => boolean,
    private readonly pace: PollPace,
    private readonly timeoutReason: string | undefined,
  ) {
    super(op, request);
  }

  protected override started(): void {
    this.startMs = this.op.nowMs;
  }

  protected result(): boolean {
    return this.held;
  }

  protected retryDelayMs(outcome: CallOutcome, request: CallRequest): number | undefined {
    if (outcome.ok && this.done(outcome.response)) {
      this.held = true;
      return undefined;
    }
    const { pace } = this;
    if (this.op.nowMs - this.startMs + pace.everyMs > pace.timeoutMs) {
      this.op.fail(
        request.origin,
        this.timeoutReason ??
          `gave up waiting after ${pace.timeoutMs / 1000} s on ${request.service}:${request.operation}`,
      );
      return undefined;
    }
    return pace.everyMs;
  }
}

export interface AssociationRow {
  readonly AssociationId: string;
  readonly State: string;
  readonly IamInstanceProfile?: { readonly Arn?: string; readonly Id?: string };
}

/** The instance's association as DescribeIamInstanceProfileAssociations reports it (not disassociating). */
export function describeAssociation(
  op: Operator,
  instanceId: string,
  region: string,
  origin: string,
): Generator<Yieldable, AssociationRow | undefined, void> {
  // mapReturn, not a generator: every instance of a fan-out has one of these in flight at once.
  return mapReturn(op.call(associationsOf(instanceId, region, origin)), activeAssociation);
}

/**
 * DescribeIamInstanceProfileAssociations of one instance: a request in the operation's input
 * shape (its one value is an instance id the model made), so marked shapeChecked.
 */
export function associationsOf(instanceId: string, region: string, origin: string): CallRequest {
  return new AssociationsOfInstance(instanceId, region, origin);
}

/**
 * associationsOf's request. Its params are built when read (when the call executes), not held
 * while it is in flight: a fleet's fan-out has one of these per instance in flight at once, and
 * the params are four objects. The members every such request shares are getters, not fields
 * of each (24 bytes less per instance in flight).
 */
class AssociationsOfInstance implements CallRequest {
  get service(): 'ec2' {
    return 'ec2';
  }

  get operation(): string {
    return DESCRIBE_ASSOCIATIONS;
  }

  get shapeChecked(): true {
    return true;
  }

  constructor(
    private readonly instanceId: string,
    readonly region: string,
    readonly origin: string,
  ) {}

  get params(): Readonly<Record<string, unknown>> {
    return associationsOfParams(this.instanceId);
  }
}

/** The operation of associationsOf's request. */
export const DESCRIBE_ASSOCIATIONS = 'DescribeIamInstanceProfileAssociations';

/** The params of associationsOf's request (built when read: see AssociationsOfInstance). */
export function associationsOfParams(instanceId: string): Readonly<Record<string, unknown>> {
  return { Filters: [{ Name: 'instance-id', Values: [instanceId] }] };
}

/** The live (not disassociating) row of a DescribeIamInstanceProfileAssociations outcome. */
export function activeAssociation(outcome: CallOutcome): AssociationRow | undefined {
  const rows = (readPath(outcome.response, 'IamInstanceProfileAssociations') ?? []) as AssociationRow[];
  return rows.find(isActive);
}

function isActive(row: AssociationRow): boolean {
  return row.State === 'associated' || row.State === 'associating';
}

/** Polls until the instance has no association left (a disassociation has completed). */
export function waitNoAssociation(
  op: Operator,
  instanceId: string,
  region: string,
  origin: string,
): Generator<Yieldable, boolean, void> {
  return pollUntil(
    op,
    associationsOf(instanceId, region, origin),
    (response) => ((readPath(response, 'IamInstanceProfileAssociations') ?? []) as unknown[]).length === 0,
  );
}

/** Polls DescribeInstances until the instance reaches `state`. */
export function waitInstanceState(
  op: Operator,
  instanceId: string,
  region: string,
  state: string,
  origin: string,
): Generator<Yieldable, boolean, void> {
  return pollUntil(
    op,
    {
      service: 'ec2',
      operation: 'DescribeInstances',
      params: { InstanceIds: [instanceId] },
      region,
      origin,
      shapeChecked: true,
    },
    (response) => readPath(response, 'Reservations.0.Instances.0.State.Name') === state,
    INSTANCE_WAITER,
  );
}

/**
 * The instance profile to move to: the named one, or for a role, an existing profile that holds
 * it (ListInstanceProfilesForRole) or a new one created for it (`<role>-profile`). A new profile
 * is then awaited, like AWS's InstanceProfileExists waiter, until every target region's IAM view
 * shows it holding the role: EC2 accepts a profile whose role it cannot see yet, and IMDS would
 * then serve nothing new until its next hourly rotation.
 */
export function* profileFor(
  op: Operator,
  to: { readonly role: string } | { readonly instanceProfile: string },
  origin: string,
  regions: readonly string[],
): Generator<Yieldable, string | undefined, void> {
  if ('instanceProfile' in to) return to.instanceProfile;
  const listed = yield* op.call({
    service: 'iam',
    operation: 'ListInstanceProfilesForRole',
    params: { RoleName: to.role },
    origin,
  });
  const existing = readPath(listed.response, 'InstanceProfiles.0.InstanceProfileName');
  if (typeof existing === 'string') return existing;
  const name = `${to.role}-profile`;
  const created = yield* op.call({
    service: 'iam',
    operation: 'CreateInstanceProfile',
    params: { InstanceProfileName: name },
    origin,
  });
  if (!created.ok && created.error?.code !== 'EntityAlreadyExists') return undefined;
  const added = yield* op.call({
    service: 'iam',
    operation: 'AddRoleToInstanceProfile',
    params: { InstanceProfileName: name, RoleName: to.role },
    origin,
  });
  if (!added.ok && added.error?.code !== 'LimitExceeded') return undefined;
  for (const region of [...new Set(regions)].sort()) {
    yield* pollUntil(
      op,
      {
        service: 'iam',
        operation: 'GetInstanceProfile',
        params: { InstanceProfileName: name },
        region,
        origin,
      },
      (response) => readPath(response, 'InstanceProfile.Roles.0.RoleName') === to.role,
      PROFILE_WAITER,
    );
  }
  return name;
}
