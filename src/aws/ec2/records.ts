/**
 * The service's internal records, and how they are rendered as AWS response shapes.
 *
 * Records are plain mutable objects held in Maps: the model must carry 100,000 instances, so each
 * instance is a handful of fields and at most one association record (the association an instance
 * holds is always reachable from the instance, and by id from its region's map). Responses are
 * fresh objects, with parts (or, for an answer given more than once, all of it) shared and frozen,
 * so a caller can never mutate the model, or another caller's answer, through them.
 */
import type { EventHandle, Timer } from '../../engine/index.ts';
import { ACCOUNT_ID, isoFromSimMs } from '../iam/types.ts';
import { type Ec2Tag, frozenTags, LAUNCH_DEFAULTS, type LaunchDetails } from './launch.ts';
import { type AssociationStateName, type InstanceStateName, instanceStateCodes } from './types.ts';

const NO_TAGS: readonly Ec2Tag[] = [];

export interface InstanceRecord {
  readonly id: string;
  readonly region: string;
  readonly name: string | undefined;
  state: InstanceStateName;
  readonly launchTimeMs: number;
  /** Its launch's reservation; undefined for a seeded instance, whose is `r-` + its id's digits (reservationIdOf). */
  readonly reservationId: string | undefined;
  /** Position in its launch (AmiLaunchIndex): 0 for the first instance of a RunInstances call. */
  readonly launchIndex: number;
  /** What RunInstances asked for; undefined for the scenario's seeded instances (defaults apply). */
  readonly launch: LaunchDetails | undefined;
  /**
   * A seeded instance's tags: Name, then the scenario's `tags`; launched ones keep theirs in
   * `launch`. Without scenario tags, built at the first read (instanceTags): a fleet's instances
   * are rarely asked for their tags.
   */
  seedTags: readonly Ec2Tag[] | undefined;
  /** When the instance last entered `running` (for its status checks), ms; undefined when not running. */
  runningSinceMs: number | undefined;
  /** The one non-terminal association (associating, associated or disassociating), if any. */
  association: AssociationRecord | undefined;
  /** The pending state transition (pending->running, stopping->stopped, shutting-down->terminated). */
  timer: EventHandle | undefined;
  /** A reboot in progress: fires `rebooted`. */
  rebootTimer: EventHandle | undefined;
  /** Position in the service's creation order: where its random stream's state is kept (Ec2Service.delayFor). */
  readonly index: number;
}

export interface AssociationRecord {
  readonly id: string;
  readonly instance: InstanceRecord;
  readonly profileId: string;
  readonly profileArn: string;
  state: AssociationStateName;
  readonly createdAtMs: number;
  /** Creation order across the service; pagination tokens point into it. */
  readonly seq: number;
  /** The pending settle (associating->associated or disassociating->removed). */
  timer: Timer | undefined;
}

export interface InstanceStateShape {
  readonly Code: number;
  readonly Name: InstanceStateName;
}

/*
 * Response parts that read the same in every response that has them, shared rather than built
 * per call: a stop-start waiter polls DescribeInstances every 15 s for each instance, and these
 * were most of what each poll allocated. Frozen, because responses are read-only to every caller
 * (printed, served, read by waiters and runbooks): a shared part must never be written through.
 */
const EMPTY_LIST: readonly never[] = Object.freeze([]);
const STATE_SHAPES = Object.fromEntries(
  Object.entries(instanceStateCodes).map(([name, code]) => [name, Object.freeze({ Code: code, Name: name })]),
) as Readonly<Record<InstanceStateName, InstanceStateShape>>;
const MONITORING_ENABLED = Object.freeze({ State: 'enabled' });
const MONITORING_DISABLED = Object.freeze({ State: 'disabled' });
const DEFAULT_METADATA_OPTIONS = Object.freeze({ State: 'applied', ...LAUNCH_DEFAULTS.metadataOptions });
/** A seeded instance's Placement, by region (all of a region's seeded instances are in its first zone). */
const regionPlacements = new Map<string, Readonly<Record<string, string>>>();
/** Bounds regionPlacements: region names come from scenarios, which a long-lived process loads many of. */
const REGION_PLACEMENTS_MAX = 256;

function placementShape(availabilityZone: string): Readonly<Record<string, string>> {
  return { AvailabilityZone: availabilityZone, GroupName: '', Tenancy: 'default' };
}

/** The instance's Placement: shared per region for a seeded instance, built for a launched one. */
function placementOf(r: InstanceRecord): Readonly<Record<string, string>> {
  if (r.launch?.availabilityZone !== undefined) return placementShape(r.launch.availabilityZone);
  let placement = regionPlacements.get(r.region);
  if (placement === undefined) {
    placement = Object.freeze(placementShape(availabilityZone(r)));
    if (regionPlacements.size < REGION_PLACEMENTS_MAX) regionPlacements.set(r.region, placement);
  }
  return placement;
}

/**
 * The association whose profile DescribeInstances shows on the instance (instanceShape, and the
 * `iam-instance-profile.*` filters): one in force or coming into force.
 */
export function shownAssociation(r: InstanceRecord): AssociationRecord | undefined {
  // [INF] AWS does not document whether a `disassociating` profile still shows on the instance;
  // the model drops it at once, like the console does when you detach.
  const a = r.association;
  return a !== undefined && a.state !== 'disassociating' ? a : undefined;
}

/** The instance's tags: the launch's instance tags, or the seeded instance's Name and `tags`. */
export function instanceTags(r: InstanceRecord): readonly Ec2Tag[] {
  if (r.launch !== undefined) return r.launch.tags;
  // Kept once built: tag filters read an instance's tags on every Describe call.
  if (r.seedTags === undefined && r.name !== undefined)
    r.seedTags = frozenTags([{ Key: 'Name', Value: r.name }]);
  return r.seedTags ?? NO_TAGS;
}

/** The instance's reservation id (see InstanceRecord.reservationId). */
export function reservationIdOf(r: InstanceRecord): string {
  return r.reservationId ?? `r-${r.id.slice(2)}`;
}

/** The instance's availability zone: the launch's Placement, or the region's first zone. */
export function availabilityZone(r: InstanceRecord): string {
  return r.launch?.availabilityZone ?? `${r.region}a`;
}

/**
 * One element of `Reservations[].Instances` (and of RunInstances' `Instances`), with the members
 * EC2 always returns (DescribeInstances API reference, Instance): what the launch asked for where
 * the model keeps it, the documented defaults otherwise, and the unmodelled request members echoed.
 * The parts that do not vary are shared (see EMPTY_LIST); the object itself is new each time.
 */
export function instanceShape(r: InstanceRecord): Record<string, unknown> {
  const launch = r.launch;
  // One literal of every member always shown, in the order shown (a literal is built at its final
  // size; spreads grow it member by member), then the members shown only sometimes, last.
  const shape: Record<string, unknown> = {
    AmiLaunchIndex: r.launchIndex,
    ImageId: launch?.imageId ?? LAUNCH_DEFAULTS.imageId,
    InstanceId: r.id,
    InstanceType: launch?.instanceType ?? LAUNCH_DEFAULTS.instanceType,
    LaunchTime: isoFromSimMs(r.launchTimeMs),
    Monitoring: launch?.monitoring === true ? MONITORING_ENABLED : MONITORING_DISABLED,
    Placement: placementOf(r),
    ProductCodes: EMPTY_LIST,
    State: STATE_SHAPES[r.state],
    StateTransitionReason: '',
    Architecture: 'x86_64',
    // What the launch asked for (an echoed member: the model does not simulate EBS), else false.
    EbsOptimized: launch?.echo.EbsOptimized === true,
    Hypervisor: 'xen',
    RootDeviceName: '/dev/xvda',
    RootDeviceType: 'ebs',
    SecurityGroups: EMPTY_LIST,
    VirtualizationType: 'hvm',
    MetadataOptions:
      launch === undefined ? DEFAULT_METADATA_OPTIONS : { State: 'applied', ...launch.metadataOptions },
  };
  const shown = shownAssociation(r);
  if (shown !== undefined) {
    // Id is the PROFILE's id (AIPA…), not the association id (moto gets this wrong).
    shape.IamInstanceProfile = { Arn: shown.profileArn, Id: shown.profileId };
  }
  const tags = instanceTags(r);
  if (tags.length > 0) shape.Tags = tags;
  return launch === undefined ? shape : withLaunchMembers(shape, launch);
}

/**
 * A launched instance's shape with the members only a launch can have in their places: the
 * echoed request members first (a member the shape also has keeps the echo's place and takes the
 * shape's value), then KeyName after InstanceType.
 */
function withLaunchMembers(shape: Record<string, unknown>, launch: LaunchDetails): Record<string, unknown> {
  if (launch.keyName === undefined && Object.keys(launch.echo).length === 0) return shape;
  const { AmiLaunchIndex, ImageId, InstanceId, InstanceType, ...rest } = shape;
  return {
    ...launch.echo,
    AmiLaunchIndex,
    ImageId,
    InstanceId,
    InstanceType,
    ...(launch.keyName === undefined ? {} : { KeyName: launch.keyName }),
    ...rest,
  };
}

export function reservationShape(
  reservationId: string,
  instances: readonly InstanceRecord[],
): Record<string, unknown> {
  return reservationOf(reservationId, instances.map(instanceShape));
}

function reservationOf(reservationId: string, instances: readonly unknown[]): Record<string, unknown> {
  return { ReservationId: reservationId, OwnerId: ACCOUNT_ID, Groups: EMPTY_LIST, Instances: instances };
}

/**
 * `{ Reservations: [the instance's reservation] }`, DescribeInstances' answer for one instance,
 * frozen down to every object made here (echoed request members stay as the request gave them):
 * for an answer given to more than one caller.
 */
export function frozenInstanceAnswer(r: InstanceRecord): Readonly<Record<string, unknown>> {
  const instance = instanceShape(r);
  for (const key of ['IamInstanceProfile', 'MetadataOptions', 'Placement']) Object.freeze(instance[key]);
  const instances = Object.freeze([Object.freeze(instance)]);
  const reservation = Object.freeze(reservationOf(reservationIdOf(r), instances));
  return Object.freeze({ Reservations: Object.freeze([reservation]) });
}

/** `IamInstanceProfileAssociation`. */
export function associationShape(a: AssociationRecord): Record<string, unknown> {
  return {
    AssociationId: a.id,
    InstanceId: a.instance.id,
    IamInstanceProfile: { Arn: a.profileArn, Id: a.profileId },
    State: a.state,
    Timestamp: isoFromSimMs(a.createdAtMs),
  };
}

/** `{ InstanceId, CurrentState, PreviousState }` of Stop/Start/TerminateInstances. */
export function stateChangeShape(
  id: string,
  previous: InstanceStateName,
  current: InstanceStateName,
): Record<string, unknown> {
  return { InstanceId: id, CurrentState: STATE_SHAPES[current], PreviousState: STATE_SHAPES[previous] };
}

/** One element of DescribeInstanceStatus' `InstanceStatuses`. */
export function instanceStatusShape(
  r: InstanceRecord,
  status: 'ok' | 'initializing' | 'not-applicable',
): Record<string, unknown> {
  const reachability = status === 'ok' ? 'passed' : status === 'initializing' ? 'initializing' : status;
  const summary = { Status: status, Details: [{ Name: 'reachability', Status: reachability }] };
  return {
    AvailabilityZone: availabilityZone(r),
    InstanceId: r.id,
    InstanceState: STATE_SHAPES[r.state],
    InstanceStatus: summary,
    SystemStatus: { Status: status, Details: [{ Name: 'reachability', Status: reachability }] },
  };
}
