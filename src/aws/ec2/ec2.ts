/**
 * The EC2 service: instances and their IAM instance-profile associations, per region, following
 * real AWS rather than moto (the EC2 API reference and service model; README.md, "Sources"):
 * associations pass through `associating` and `disassociating`, replace returns a NEW association
 * id and works only on a running instance, every instance of a multi-count launch gets its own
 * association, a launch with a role-less profile is rejected, and profiles are looked up in the
 * caller's region's IAM replica, so a fresh profile can be "invalid" for a few seconds.
 *
 * This is one file because every operation reads and writes the same two records (instance and
 * association) under shared invariants: at most one association per instance, each record in
 * exactly one region, every pending transition held by the record it will change. Parameter
 * reading (params.ts), profile lookup (profile.ts) and response shapes (records.ts) live apart.
 *
 * Every call validates completely before it changes anything, so a failed call changes nothing
 * and draws nothing from any random stream.
 */
import { type Distribution, Priority, StreamStates, type Timer, type TimerKind } from '../../engine/index.ts';
import { Errors } from '../errors.ts';
import { isHexId } from '../hex-id-set.ts';
import { entry } from '../iam/records.ts';
import type { InstanceProfile } from '../iam/types.ts';
import { IdMap } from '../id-map.ts';
import { compileFilters, compileInstanceFilters, filterTables, passesAll } from './filters.ts';
import { InstanceEntry } from './instance-entry.ts';
import { frozenTags, type LaunchDetails, readLaunchDetails } from './launch.ts';
import {
  optionalBoolean,
  optionalProfileRef,
  optionalString,
  optionalStringList,
  type Params,
  readFilters,
  readMaxResults,
  readRequest,
  requiredInteger,
  requiredProfileRef,
  requiredString,
  requiredStringList,
} from './params.ts';
import { profileHasRole, resolveProfile } from './profile.ts';
import {
  type AssociationRecord,
  associationShape,
  frozenInstanceAnswer,
  type InstanceRecord,
  instanceStatusShape,
  reservationIdOf,
  reservationShape,
  shownAssociation,
  stateChangeShape,
} from './records.ts';
import type {
  AssociationEndedEvent,
  AssociationView,
  Ec2Event,
  Ec2Listener,
  Ec2ServiceOptions,
  InstanceStateName,
  InstanceView,
  SeedInstanceSpec,
} from './types.ts';

const RUN_INSTANCES_COUNT_MAX_DEFAULT = 1000;
const DESCRIBE_MAX_RESULTS_MIN = 5;
/** AWS's instance ids: `i-` and 8 or 17 lowercase hex digits; anything else is InvalidInstanceID.Malformed. */
const INSTANCE_ID_DIGITS = [8, 17] as const;
const isInstanceId = (id: string) => isHexId(id, 'i-', INSTANCE_ID_DIGITS);
const DESCRIBE_MAX_RESULTS_MAX = 1000;
/** Opaque-looking pagination tokens: a prefix per operation and a position in base 36. */
const INSTANCE_TOKEN = /^ni-([0-9a-z]{1,10})$/;
const ASSOCIATION_TOKEN = /^na-([0-9a-z]{1,10})$/;
const STATUS_TOKEN = /^ns-([0-9a-z]{1,10})$/;
/**
 * How long a started instance's status checks read `initializing`. AWS gives no number; two
 * minutes is the order operators report before `aws ec2 wait instance-status-ok` passes. [INF]
 */
const STATUS_CHECKS_INIT_MS = 2 * 60 * 1000;

/** An operation: its parameters, the caller's region, and whether the request's shape is known good (readRequest). */
type Handler = (p: Params, region: string) => unknown;

export class Ec2Service {
  private readonly instances: IdMap<InstanceRecord>;
  /** Instances per region in launch order (terminated ones stay, as AWS lists them for a while). */
  private readonly instancesByRegion = new Map<string, InstanceRecord[]>();
  /** Live associations per region, by id (in creation order: IdMap.inOrder). */
  private readonly associationsByRegion = new Map<string, IdMap<AssociationRecord>>();
  private readonly listeners: Ec2Listener[] = [];
  private readonly associationListeners: AssociationListener[] = [];
  /** Each instance's own stream (`instance/<id>/ec2`), by InstanceRecord.index (see delayFor). */
  private readonly streams = new StreamStates();
  private associationSeq = 0;
  /** Instances' kept DescribeInstances answers, by InstanceRecord.index (see answerFor). */
  private readonly answers: (KeptAnswer | undefined)[] = [];
  private readonly runCountMax: number;
  private readonly handlers: Readonly<Record<string, Handler>>;

  constructor(private readonly opts: Ec2ServiceOptions) {
    let expected = 0;
    for (const region of opts.regions) {
      const inRegion = opts.expectedInstances?.get(region) ?? 0;
      expected += inRegion;
      this.instancesByRegion.set(region, []);
      this.associationsByRegion.set(region, new IdMap(inRegion));
    }
    this.instances = new IdMap(expected);
    this.runCountMax = opts.runInstancesCountMax ?? RUN_INSTANCES_COUNT_MAX_DEFAULT;
    this.handlers = {
      RunInstances: (p, r) => this.runInstances(p, r),
      DescribeInstances: (p, r) => this.describeInstances(p, r),
      DescribeInstanceStatus: (p, r) => this.describeInstanceStatus(p, r),
      StopInstances: (p, r) => this.stopInstances(p, r),
      StartInstances: (p, r) => this.startInstances(p, r),
      RebootInstances: (p, r) => this.rebootInstances(p, r),
      TerminateInstances: (p, r) => this.terminateInstances(p, r),
      AssociateIamInstanceProfile: (p, r) => this.associate(p, r),
      DescribeIamInstanceProfileAssociations: (p, r) => this.describeAssociations(p, r),
      ReplaceIamInstanceProfileAssociation: (p, r) => this.replace(p, r),
      DisassociateIamInstanceProfile: (p, r) => this.disassociate(p, r),
    };
  }

  // --- observation -------------------------------------------------------------------------

  /** Registers a listener for every state change; listeners run synchronously, in registration order. */
  onEvent(listener: Ec2Listener): void {
    this.listeners.push(listener);
  }

  /**
   * Registers a listener for every change of what associationOf answers for an instance (a new
   * association, its state, its end), called at the change, before any event that reports it:
   * for a recorder of the shared world (src/world/replay.ts).
   */
  onAssociationChange(listener: AssociationListener): void {
    this.associationListeners.push(listener);
  }

  /**
   * Every instance's id and current association (as associationOf answers) in creation order
   * (the order of the index listeners are told: seeded instances first, in order), terminated
   * ones included: for a reader of them all (a recorder).
   */
  instancesInOrder(): readonly (
    | { readonly id: string; readonly association: AssociationOfInstance | undefined }
    | undefined
  )[] {
    // Instances are never removed (terminated ones stay), so the list has no holes.
    return this.instances.recordsInOrder();
  }

  instance(instanceId: string): InstanceView | undefined {
    return this.instances.get(instanceId);
  }

  /**
   * The instance's current association in any live state (associating, associated or
   * disassociating; check `State`), or undefined when it has none.
   */
  activeAssociation(instanceId: string): AssociationView | undefined {
    const a = this.instances.get(instanceId)?.association;
    if (a === undefined) return undefined;
    return { AssociationId: a.id, State: a.state, profileId: a.profileId, profileArn: a.profileArn };
  }

  /**
   * The instance's current association (as activeAssociation) as EC2 holds it: not a copy, for
   * the instance model, which asks at every pickup and only reads it at once.
   */
  associationOf(instanceId: string): AssociationOfInstance | undefined {
    return this.instances.get(instanceId)?.association;
  }

  /** Instances of `region` in launch order, terminated ones included. */
  instancesIn(region: string): InstanceView[] {
    return [...(this.instancesByRegion.get(region) ?? [])];
  }

  // --- scenario setup ----------------------------------------------------------------------

  /**
   * Creates one of the scenario's initial instances, with its association already `associated`.
   * The initial world is "already converged", so this schedules nothing, draws no delay and emits
   * no event; the instance model reads seeded instances through the accessors.
   * @returns the instance id.
   * @throws Error for an unknown region, a duplicate id or a profile missing from the IAM control
   *   plane (the scenario's cross-field rules should have caught each).
   */
  seedInstance(spec: SeedInstanceSpec): string {
    const list = this.instancesByRegion.get(spec.region);
    if (list === undefined)
      throw new Error(`seedInstance ${spec.name}: region ${spec.region} is not modelled`);
    let profile: InstanceProfile | undefined;
    if (spec.profileName !== undefined) {
      profile = entry(this.opts.iam.control.profiles, spec.profileName.toLowerCase());
      if (profile === undefined) {
        throw new Error(
          `seedInstance ${spec.name}: instance profile ${spec.profileName} does not exist in IAM`,
        );
      }
    }
    let id = spec.id;
    if (id === undefined) {
      id = this.opts.ids.instanceId();
    } else {
      if (!isInstanceId(id))
        throw new Error(`seedInstance ${spec.name}: instance id ${id} is not of the form i-…`);
    }
    const now = this.opts.scheduler.nowMs;
    // Its reservation id and Name tag are built when asked for (reservationIdOf, instanceTags).
    const record = this.newInstance(id, spec.region, spec.name, spec.state, undefined, now);
    if (record === undefined) throw new Error(`seedInstance ${spec.name}: instance id ${id} is already used`);
    if (spec.id !== undefined) this.opts.ids.reserve(id);
    if (spec.tags !== undefined && spec.tags.length > 0)
      record.seedTags = frozenTags([
        { Key: 'Name', Value: spec.name },
        ...spec.tags.map((t) => ({ Key: t.Key, Value: t.Value })),
      ]);
    if (profile !== undefined) {
      const a = this.newAssociation(record, profile, 'associated');
      record.association = a;
    }
    return id;
  }

  // --- the API -----------------------------------------------------------------------------

  /**
   * Calls `operation` in `region` with AWS-shaped `params` and returns the AWS-shaped response.
   * `shapeChecked`: the simulator built the request in the operation's input shape, so the shape
   * check is skipped (readRequest); every other check runs.
   * @throws AwsError for every failure (unknown operation: InvalidAction; unknown region:
   *   InvalidRegion); a failed call changes nothing.
   */
  invoke(operation: string, params: unknown, region: string, shapeChecked = false): unknown {
    const handler = Object.hasOwn(this.handlers, operation) ? this.handlers[operation] : undefined;
    if (handler === undefined) throw Errors.ec2InvalidAction(operation);
    if (!this.instancesByRegion.has(region)) throw Errors.invalidRegion(region);
    return handler(readRequest(operation, params, shapeChecked), region);
  }

  private runInstances(p: Params, region: string): unknown {
    const minCount = requiredInteger(p, 'MinCount');
    const maxCount = requiredInteger(p, 'MaxCount');
    if (minCount < 1)
      throw Errors.ec2InvalidParameter(
        `Value (${minCount}) for parameter minCount is invalid. Must be at least 1.`,
      );
    if (maxCount < minCount) {
      throw Errors.ec2InvalidParameter(
        `Value (${maxCount}) for parameter maxCount is invalid. Must be greater than or equal to minCount (${minCount}).`,
      );
    }
    // AWS launches as many as capacity allows between MinCount and MaxCount; the cap plays capacity.
    if (minCount > this.runCountMax) throw Errors.instanceLimitExceeded(minCount, this.runCountMax);
    const count = Math.min(maxCount, this.runCountMax);
    const launch = readLaunchDetails(p);
    if (launch.availabilityZone !== undefined && !launch.availabilityZone.startsWith(region)) {
      throw Errors.ec2InvalidParameter(`Invalid availability zone: [${launch.availabilityZone}]`);
    }
    const name = launch.tags.find((t) => t.Key === 'Name')?.Value;
    const ref = optionalProfileRef(p, 'IamInstanceProfile');
    const dryRun = optionalBoolean(p, 'DryRun');
    let profile: InstanceProfile | undefined;
    if (ref !== undefined) {
      const iam = this.iamIn(region);
      profile = resolveProfile(iam, ref);
      // Launch, unlike Associate, needs a role in the profile (the EC2 API reference, README.md,
      // "Sources"; Terraform retries on it).
      if (!profileHasRole(iam, profile)) throw Errors.profileHasNoRoles(ref.value);
    }
    if (dryRun === true) throw Errors.dryRunOperation();

    const now = this.opts.scheduler.nowMs;
    const launched: InstanceRecord[] = [];
    let reservationId = '';
    for (let i = 0; i < count; i++) {
      const id = this.opts.ids.instanceId();
      // One reservation per call; its id is derived from the first instance's, which is unique.
      if (i === 0) reservationId = `r-${id.slice(2)}`;
      // A drawn id is new (IdFactory), so the record is made.
      const record = this.newInstance(id, region, name, 'pending', reservationId, now, launch, i)!;
      launched.push(record);
      this.scheduleState(record, 'running', this.opts.delays.instanceStart);
      // Every instance of the launch gets its own association (moto gives it to the first only).
      if (profile !== undefined) this.startAssociation(record, profile);
      // Emitted last, so a listener already sees the instance's association.
      this.emit(record, { type: 'instanceState', instanceId: id, state: 'pending', previous: undefined });
    }
    return reservationShape(reservationId, launched);
  }

  private describeInstances(p: Params, region: string): unknown {
    const one = this.describedInstance(p, region);
    if (one !== undefined) return this.answerFor(one);
    const ids = optionalStringList(p, 'InstanceIds');
    const filters = compileInstanceFilters(readFilters(p));
    const maxResults = readMaxResults(p, DESCRIBE_MAX_RESULTS_MIN, DESCRIBE_MAX_RESULTS_MAX);
    if (ids !== undefined && ids.length > 0 && maxResults !== undefined)
      throw Errors.instanceIdsWithMaxResults();
    const token = optionalString(p, 'NextToken');
    const start = token === undefined ? 0 : parseToken(token, INSTANCE_TOKEN);
    const candidates =
      ids !== undefined && ids.length > 0 ? this.findInstances(ids, region) : this.regionInstances(region);
    if (optionalBoolean(p, 'DryRun') === true) throw Errors.dryRunOperation();

    const page: InstanceRecord[] = [];
    let next: number | undefined;
    for (let i = start; i < candidates.length; i++) {
      const r = candidates[i]!;
      if (!passesAll(r, filters)) continue;
      if (maxResults !== undefined && page.length === maxResults) {
        next = i;
        break;
      }
      page.push(r);
    }
    // Group by reservation, in order of first appearance, as EC2 answers.
    const groups = new Map<string, InstanceRecord[]>();
    for (const r of page) {
      const reservationId = reservationIdOf(r);
      const g = groups.get(reservationId);
      if (g === undefined) groups.set(reservationId, [r]);
      else g.push(r);
    }
    const out: Record<string, unknown> = {
      Reservations: [...groups].map(([reservationId, members]) => reservationShape(reservationId, members)),
    };
    if (next !== undefined) out.NextToken = `ni-${next.toString(36)}`;
    return out;
  }

  /**
   * The instance a waiter's request names (exactly `InstanceIds: [ID]` for an existing instance
   * of `region`, whoever asks: its shape is checked before), whose answer describeInstances gives
   * without the general path's lists, set and grouping: the same response (test/aws/ec2/
   * shape-checked.test.ts). Undefined for any other request, which takes the general path.
   */
  private describedInstance(p: Params, region: string): InstanceRecord | undefined {
    const ids = soleMember(p, 'InstanceIds');
    if (!Array.isArray(ids) || ids.length !== 1 || typeof ids[0] !== 'string') return undefined;
    // An existing instance's id is well formed, so the general path would find just it.
    const r = this.instances.get(ids[0]);
    return r?.region === region ? r : undefined;
  }

  /**
   * DescribeInstances' answer for `r` alone. An instance in transition (pending, stopping,
   * shutting-down) keeps its answer, frozen, until what it shows changes: a waiter polls it every
   * 15 s until the transition ends. A settled instance's answer is not kept, so only instances in
   * transition hold one (setState drops it).
   */
  private answerFor(r: InstanceRecord): unknown {
    const association = shownAssociation(r);
    const kept = this.answers[r.index];
    if (kept !== undefined && kept.state === r.state && kept.association === association) return kept.answer;
    if (r.state === 'running' || r.state === 'stopped' || r.state === 'terminated')
      return { Reservations: [reservationShape(reservationIdOf(r), [r])] };
    const answer = frozenInstanceAnswer(r);
    this.answers[r.index] = { state: r.state, association, answer };
    return answer;
  }

  /**
   * Status checks: running instances only unless IncludeAllInstances. A check reads
   * `initializing` for STATUS_CHECKS_INIT_MS after the instance entered `running`, then `ok` (the
   * model has no impaired instances).
   */
  private describeInstanceStatus(p: Params, region: string): unknown {
    const ids = optionalStringList(p, 'InstanceIds');
    const filters = compileFilters(readFilters(p), filterTables.DescribeInstanceStatus);
    const maxResults = readMaxResults(p, DESCRIBE_MAX_RESULTS_MIN, DESCRIBE_MAX_RESULTS_MAX);
    if (ids !== undefined && ids.length > 0 && maxResults !== undefined)
      throw Errors.instanceIdsWithMaxResults();
    const token = optionalString(p, 'NextToken');
    const start = token === undefined ? 0 : parseToken(token, STATUS_TOKEN);
    const all = optionalBoolean(p, 'IncludeAllInstances') === true;
    const candidates =
      ids !== undefined && ids.length > 0 ? this.findInstances(ids, region) : this.regionInstances(region);
    if (optionalBoolean(p, 'DryRun') === true) throw Errors.dryRunOperation();
    const nowMs = this.opts.scheduler.nowMs;
    const rows: Record<string, unknown>[] = [];
    let next: number | undefined;
    for (let i = start; i < candidates.length; i++) {
      const r = candidates[i]!;
      if (r.state !== 'running' && !all) continue;
      const status =
        r.runningSinceMs === undefined
          ? 'not-applicable'
          : nowMs - r.runningSinceMs >= STATUS_CHECKS_INIT_MS
            ? 'ok'
            : 'initializing';
      if (!passesAll({ record: r, status }, filters)) continue;
      if (maxResults !== undefined && rows.length === maxResults) {
        next = i;
        break;
      }
      rows.push(instanceStatusShape(r, status));
    }
    const out: Record<string, unknown> = { InstanceStatuses: rows };
    if (next !== undefined) out.NextToken = `ns-${next.toString(36)}`;
    return out;
  }

  private stopInstances(p: Params, region: string): unknown {
    const records = this.findInstances(requiredStringList(p, 'InstanceIds'), region);
    optionalBoolean(p, 'Force');
    optionalBoolean(p, 'Hibernate');
    for (const r of records) {
      // Stopping a stopping or stopped instance is a no-op that reports the current state.
      if (r.state !== 'running' && r.state !== 'stopping' && r.state !== 'stopped') {
        throw Errors.incorrectInstanceState(r.id, r.state, 'stopped');
      }
    }
    if (optionalBoolean(p, 'DryRun') === true) throw Errors.dryRunOperation();
    const changes = records.map((r) => {
      const previous = r.state;
      if (previous === 'running') {
        this.cancelReboot(r);
        this.setState(r, 'stopping');
        this.scheduleState(r, 'stopped', this.opts.delays.instanceStop);
      }
      return stateChangeShape(r.id, previous, r.state);
    });
    return { StoppingInstances: changes };
  }

  private startInstances(p: Params, region: string): unknown {
    const records = this.findInstances(requiredStringList(p, 'InstanceIds'), region);
    optionalString(p, 'AdditionalInfo');
    for (const r of records) {
      if (r.state !== 'stopped' && r.state !== 'pending' && r.state !== 'running') {
        throw Errors.incorrectInstanceState(r.id, r.state, 'started');
      }
    }
    if (optionalBoolean(p, 'DryRun') === true) throw Errors.dryRunOperation();
    const changes = records.map((r) => {
      const previous = r.state;
      if (previous === 'stopped') {
        this.setState(r, 'pending');
        this.scheduleState(r, 'running', this.opts.delays.instanceStart);
      }
      return stateChangeShape(r.id, previous, r.state);
    });
    return { StartingInstances: changes };
  }

  private rebootInstances(p: Params, region: string): unknown {
    const records = this.findInstances(requiredStringList(p, 'InstanceIds'), region);
    for (const r of records) {
      if (r.state !== 'running') throw Errors.incorrectInstanceState(r.id, r.state, 'rebooted');
    }
    if (optionalBoolean(p, 'DryRun') === true) throw Errors.dryRunOperation();
    for (const r of records) {
      // A reboot request while one is in progress joins it: the OS is already restarting.
      if (r.rebootTimer !== undefined) continue;
      this.emit(r, { type: 'rebootStarted', instanceId: r.id });
      const delayMs = this.delayFor(r, this.opts.delays.instanceReboot);
      r.rebootTimer = this.opts.scheduler.after(
        delayMs,
        'ec2.rebooted',
        () => {
          r.rebootTimer = undefined;
          this.emit(r, { type: 'rebooted', instanceId: r.id });
        },
        Priority.normal,
        r.id,
      );
    }
    return {};
  }

  private terminateInstances(p: Params, region: string): unknown {
    const records = this.findInstances(requiredStringList(p, 'InstanceIds'), region);
    if (optionalBoolean(p, 'DryRun') === true) throw Errors.dryRunOperation();
    const changes = records.map((r) => {
      const previous = r.state;
      if (previous !== 'shutting-down' && previous !== 'terminated') {
        this.cancelReboot(r);
        if (r.timer !== undefined) this.opts.scheduler.cancel(r.timer);
        r.timer = undefined;
        this.setState(r, 'shutting-down');
        // [INF] The association ends with the instance; the model ends it when shutdown begins,
        // because IMDS and the applications are going away at that moment.
        if (r.association !== undefined) this.endAssociation(r.association, 'terminated');
        // AWS gives no termination number; shutting down is modelled like stopping.
        this.scheduleState(r, 'terminated', this.opts.delays.instanceStop);
      }
      return stateChangeShape(r.id, previous, r.state);
    });
    return { TerminatingInstances: changes };
  }

  // Lookups of the referenced objects come first (instance or association, then the profile),
  // then the state rules. AWS does not document the order; this one is fixed and tested.

  private associate(p: Params, region: string): unknown {
    const ref = requiredProfileRef(p, 'IamInstanceProfile');
    const instance = this.findInstances([requiredString(p, 'InstanceId')], region)[0]!;
    const profile = resolveProfile(this.iamIn(region), ref);
    // Pending counts as not allowed: AWS accepts only running or stopped (moto allows any).
    if (instance.state !== 'running' && instance.state !== 'stopped') {
      throw Errors.incorrectInstanceState(instance.id, instance.state, 'associated');
    }
    // One live association per instance, a `disassociating` one included: Associate is refused
    // while one exists (README.md, "Sources").
    if (instance.association !== undefined) throw Errors.existingAssociation(instance.id);
    // A role-less profile is accepted here (AWS only rejects it at launch).
    const a = this.startAssociation(instance, profile);
    return { IamInstanceProfileAssociation: associationShape(a) };
  }

  private describeAssociations(p: Params, region: string): unknown {
    const fast = this.associationsOfInstance(p, region);
    if (fast !== undefined) return fast;
    const ids = optionalStringList(p, 'AssociationIds');
    const rawFilters = readFilters(p);
    const filters = compileFilters(rawFilters, filterTables.DescribeIamInstanceProfileAssociations);
    const maxResults = readMaxResults(p, DESCRIBE_MAX_RESULTS_MIN, DESCRIBE_MAX_RESULTS_MAX);
    const token = optionalString(p, 'NextToken');
    const afterSeq = token === undefined ? 0 : parseToken(token, ASSOCIATION_TOKEN);
    const live = this.associationsByRegion.get(region)!;

    // Use an index when the request names ids or instances; only an unfiltered call scans the region.
    let candidates: Iterable<AssociationRecord>;
    if (ids !== undefined && ids.length > 0) {
      const found = new Map<string, AssociationRecord>();
      for (const id of ids) {
        const a = live.get(id);
        if (a === undefined) throw Errors.associationNotFound(id);
        found.set(id, a);
      }
      candidates = [...found.values()].sort((x, y) => x.seq - y.seq);
    } else {
      const byInstance = rawFilters.find((f) => f.name === 'instance-id');
      // Only literal ids can use the index; a wildcard value scans.
      if (byInstance?.values.every((v) => !/[*?\\]/.test(v))) {
        const found: AssociationRecord[] = [];
        for (const id of new Set(byInstance.values)) {
          const r = this.instances.get(id);
          if (r?.region === region && r.association !== undefined) found.push(r.association);
        }
        candidates = found.sort((x, y) => x.seq - y.seq);
      } else {
        candidates = live.inOrder();
      }
    }

    const page: AssociationRecord[] = [];
    let more = false;
    for (const a of candidates) {
      if (a.seq <= afterSeq) continue;
      if (!passesAll(a, filters)) continue;
      if (maxResults !== undefined && page.length === maxResults) {
        more = true;
        break;
      }
      page.push(a);
    }
    const out: Record<string, unknown> = { IamInstanceProfileAssociations: page.map(associationShape) };
    if (more) out.NextToken = `na-${page[page.length - 1]!.seq.toString(36)}`;
    return out;
  }

  /**
   * describeAssociations' answer to the request a strategy makes once per instance (exactly
   * `Filters: [{ Name: instance-id, Values: [ID] }]` for an existing instance ID, whoever asks:
   * its shape is checked before), without reading and compiling the filter: the same response the
   * general path gives (the instance's live association if it is in `region`, else none; test/aws/
   * ec2/shape-checked.test.ts). Undefined for any other request.
   */
  private associationsOfInstance(p: Params, region: string): unknown {
    const filters = soleMember(p, 'Filters');
    if (!Array.isArray(filters) || filters.length !== 1) return undefined;
    const filter = filters[0] as { readonly Name?: unknown; readonly Values?: unknown } | null;
    if (typeof filter !== 'object' || filter === null) return undefined;
    const values = filter.Name === 'instance-id' ? filter.Values : undefined;
    if (!Array.isArray(values) || values.length !== 1 || typeof values[0] !== 'string') return undefined;
    // An existing instance's id is a literal (no wildcard), so the general path would use its index.
    const r = this.instances.get(values[0]);
    if (r === undefined) return undefined;
    const a = r.region === region ? r.association : undefined;
    return { IamInstanceProfileAssociations: a === undefined ? [] : [associationShape(a)] };
  }

  private replace(p: Params, region: string): unknown {
    const ref = requiredProfileRef(p, 'IamInstanceProfile');
    const old = this.findAssociation(requiredString(p, 'AssociationId'), region);
    const profile = resolveProfile(this.iamIn(region), ref);
    // Only a running instance's active association (aws/aws-cli#5251: intentional, AWS maintainer).
    if (old.instance.state !== 'running' || old.state === 'disassociating')
      throw Errors.notActiveAssociation(old.id);
    const instance = old.instance;
    // The old record disappears at once; the new one has a NEW id and settles later (moto keeps the id).
    this.endAssociation(old, 'replaced');
    const a = this.startAssociation(instance, profile);
    return { IamInstanceProfileAssociation: associationShape(a) };
  }

  private disassociate(p: Params, region: string): unknown {
    const a = this.findAssociation(requiredString(p, 'AssociationId'), region);
    const instance = a.instance;
    if (instance.state !== 'running' && instance.state !== 'stopped') {
      throw Errors.incorrectInstanceState(instance.id, instance.state, 'disassociated');
    }
    // [INF] A repeated disassociate reports the record as it is and does not restart the clock.
    if (a.state !== 'disassociating') {
      a.state = 'disassociating';
      this.associationChanged(instance);
      const delayMs = this.delayFor(instance, this.opts.delays.disassociationSettle);
      // A pending settle is moved (as a cancel and a new event would be ordered), else scheduled.
      this.settleAfter(a, delayMs);
    }
    return { IamInstanceProfileAssociation: associationShape(a) };
  }

  // --- internals ---------------------------------------------------------------------------

  /** Tells the listeners of `event`, which happened to `instance`. */
  private emit(instance: InstanceRecord, event: Ec2Event): void {
    for (const l of this.listeners) l(event, instance.index);
  }

  /** Tells the association listeners (onAssociationChange) that `instance`'s association changed. */
  private associationChanged(instance: InstanceRecord): void {
    for (const l of this.associationListeners) l(instance.index, instance.association);
  }

  /**
   * A delay drawn from the instance's own stream, made on the instance's first EC2 delay and kept
   * between draws as four numbers in `streams` (not an object on the record): most instances draw
   * only a few in a run, and a fleet keeps one stream per instance to the end.
   */
  private delayFor(r: InstanceRecord, delay: Distribution): number {
    const stream = this.streams.load(r.index) ?? this.opts.streamFor(`instance/${r.id}/ec2`);
    const delayMs = delay.sample(stream);
    this.streams.save(r.index, stream);
    return delayMs;
  }

  private iamIn(region: string) {
    return this.opts.iam.view(region)!.state;
  }

  private regionInstances(region: string): readonly InstanceRecord[] {
    return this.instancesByRegion.get(region)!;
  }

  /**
   * The records for `ids` in `region`, duplicates removed, in the order given.
   * @throws AwsError InvalidInstanceID.Malformed / InvalidInstanceID.NotFound (listing every missing id).
   */
  private findInstances(ids: readonly string[], region: string): InstanceRecord[] {
    const found: InstanceRecord[] = [];
    const missing: string[] = [];
    // One id (what the simulator's calls name) has no duplicate to remove: no set for it.
    for (const id of ids.length === 1 ? ids : new Set(ids)) {
      if (!isInstanceId(id)) throw Errors.instanceIdMalformed(id);
      const r = this.instances.get(id);
      // An instance of another region does not exist from here.
      if (r === undefined || r.region !== region) missing.push(id);
      else found.push(r);
    }
    if (missing.length > 0) throw Errors.instancesNotFound(missing);
    return found;
  }

  private findAssociation(id: string, region: string): AssociationRecord {
    const a = this.associationsByRegion.get(region)!.get(id);
    if (a === undefined) throw Errors.associationNotFound(id);
    return a;
  }

  private newInstance(
    id: string,
    region: string,
    name: string | undefined,
    state: InstanceStateName,
    reservationId: string | undefined,
    launchTimeMs: number,
    launch?: LaunchDetails,
    launchIndex = 0,
  ): InstanceRecord | undefined {
    const record = new InstanceEntry(
      id,
      region,
      name,
      state,
      launchTimeMs,
      this.instances.size,
      reservationId,
      launch,
      launchIndex,
    );
    // Undefined, nothing changed, when another instance has the id.
    if (!this.instances.addNew(record)) return undefined;
    this.instancesByRegion.get(region)!.push(record);
    return record;
  }

  private setState(r: InstanceRecord, state: InstanceStateName): void {
    const previous = r.state;
    r.state = state;
    if (this.answers[r.index] !== undefined) this.answers[r.index] = undefined;
    r.runningSinceMs = state === 'running' ? this.opts.scheduler.nowMs : undefined;
    this.emit(r, { type: 'instanceState', instanceId: r.id, state, previous });
  }

  /** Moves the instance to `state` after a delay drawn from its own stream. */
  private scheduleState(r: InstanceRecord, state: InstanceStateName, delay: Distribution): void {
    const delayMs = this.delayFor(r, delay);
    r.timer = this.opts.scheduler.after(
      delayMs,
      `ec2.${state}`,
      () => {
        r.timer = undefined;
        this.setState(r, state);
      },
      Priority.normal,
      r.id,
    );
  }

  private cancelReboot(r: InstanceRecord): void {
    // The applications stop anyway; a later `rebooted` would claim a restart that never completed.
    if (r.rebootTimer !== undefined) this.opts.scheduler.cancel(r.rebootTimer);
    r.rebootTimer = undefined;
  }

  private newAssociation(
    instance: InstanceRecord,
    profile: InstanceProfile,
    state: 'associating' | 'associated',
  ): AssociationRecord {
    const a = new Association(
      this.opts.ids.associationId(),
      instance,
      profile.InstanceProfileId,
      profile.Arn,
      state,
      this.opts.scheduler.nowMs,
      ++this.associationSeq,
    );
    this.associationsByRegion.get(instance.region)!.add(a);
    return a;
  }

  /** A new association in `associating` that settles after associationSettle. */
  private startAssociation(instance: InstanceRecord, profile: InstanceProfile): AssociationRecord {
    const a = this.newAssociation(instance, profile, 'associating');
    instance.association = a;
    this.associationChanged(instance);
    this.settleAfter(a, this.delayFor(instance, this.opts.delays.associationSettle));
    return a;
  }

  /** (Re)schedules `a`'s settle (see Association) `delayMs` from now. */
  private settleAfter(a: AssociationRecord, delayMs: number): void {
    a.timer ??= this.opts.scheduler.targetTimer(a as Association, this);
    a.timer.after(delayMs);
  }

  /** @internal `a`'s settle is due (Association.fire): associating → associated, or disassociating → gone. */
  settle(a: AssociationRecord): void {
    a.timer!.release();
    a.timer = undefined;
    if (a.state === 'disassociating') {
      this.endAssociation(a, 'disassociated');
      return;
    }
    a.state = 'associated';
    const instance = a.instance;
    this.associationChanged(instance);
    this.emit(instance, {
      type: 'associationSettled',
      instanceId: instance.id,
      associationId: a.id,
      profileId: a.profileId,
    });
  }

  private endAssociation(a: AssociationRecord, reason: AssociationEndedEvent['reason']): void {
    a.timer?.release();
    a.timer = undefined;
    this.associationsByRegion.get(a.instance.region)!.delete(a);
    if (a.instance.association === a) {
      a.instance.association = undefined;
      this.associationChanged(a.instance);
    }
    this.emit(a.instance, {
      type: 'associationEnded',
      instanceId: a.instance.id,
      associationId: a.id,
      reason,
    });
  }
}

/**
 * An association record, which is also the kind of its own settle timer (label, priority and
 * subject, see Scheduler.targetTimer): a fleet-wide replace has one settle pending per instance,
 * and a closure, an event and a queue entry for each would outlive several young-generation
 * collections. The label follows the state the timer settles: `associating` (settles to
 * associated) or `disassociating` (settles to gone), the only states with a timer pending.
 */
class Association implements AssociationRecord, TimerKind<Ec2Service> {
  timer: Timer | undefined = undefined;

  constructor(
    readonly id: string,
    readonly instance: InstanceRecord,
    readonly profileId: string,
    readonly profileArn: string,
    public state: AssociationRecord['state'],
    readonly createdAtMs: number,
    readonly seq: number,
  ) {}

  get label(): string {
    return this.state === 'disassociating' ? 'ec2.disassociated' : 'ec2.associated';
  }

  get priority(): Priority {
    return Priority.normal;
  }

  get subject(): string {
    return this.instance.id;
  }

  fire(service: Ec2Service): void {
    service.settle(this);
  }
}

/** An answer answerFor keeps, with what it shows that can change while it is kept. */
interface KeptAnswer {
  readonly state: InstanceStateName;
  readonly association: AssociationRecord | undefined;
  readonly answer: unknown;
}

/** An instance's association as associationOf answers: `seq` numbers it in creation order. */
export interface AssociationOfInstance {
  readonly id: string;
  readonly state: string;
  readonly profileId: string;
  readonly seq: number;
}

/** Told of an association change: the instance's position in instancesInOrder, and its association now. */
export type AssociationListener = (
  instanceIndex: number,
  association: AssociationOfInstance | undefined,
) => void;

/** `p[name]` when `name` is the request's only member, else undefined. */
function soleMember(p: Params, name: string): unknown {
  for (const key in p) if (key !== name) return undefined;
  return p[name];
}

/** The position a token carries. @throws AwsError InvalidPaginationToken. */
function parseToken(token: string, pattern: RegExp): number {
  const m = pattern.exec(token);
  if (m === null) throw Errors.ec2InvalidPaginationToken(token);
  return Number.parseInt(m[1]!, 36);
}
