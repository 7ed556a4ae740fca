/**
 * The service's internal records, and how they are rendered as AWS response shapes.
 *
 * Records are plain mutable objects held in Maps: the model must carry 100,000 instances, so each
 * instance is a handful of fields and at most one association record (the association an instance
 * holds is always reachable from the instance, and by id from its region's map). Responses are
 * always fresh objects, so a caller can never mutate the model through them.
 */
import type { EventHandle } from '../../engine/index.ts';
import { ACCOUNT_ID, isoFromSimMs } from '../iam/types.ts';
import { type AssociationStateName, type InstanceStateName, instanceStateCodes } from './types.ts';

export interface InstanceRecord {
  readonly id: string;
  readonly region: string;
  readonly name: string | undefined;
  state: InstanceStateName;
  readonly launchTimeMs: number;
  readonly reservationId: string;
  /** The one non-terminal association (associating, associated or disassociating), if any. */
  association: AssociationRecord | undefined;
  /** The pending state transition (pending->running, stopping->stopped, shutting-down->terminated). */
  timer: EventHandle | undefined;
  /** A reboot in progress: fires `rebooted`. */
  rebootTimer: EventHandle | undefined;
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
  timer: EventHandle | undefined;
}

export interface InstanceStateShape {
  readonly Code: number;
  readonly Name: InstanceStateName;
}

export function stateShape(state: InstanceStateName): InstanceStateShape {
  return { Code: instanceStateCodes[state], Name: state };
}

/** Whether DescribeInstances shows the profile: while the association is in force or coming into force. */
function showsProfile(a: AssociationRecord | undefined): a is AssociationRecord {
  // [INF] AWS does not document whether a `disassociating` profile still shows on the instance;
  // the model drops it at once, like the console does when you detach.
  return a !== undefined && a.state !== 'disassociating';
}

/** One element of `Reservations[].Instances` (and of RunInstances' `Instances`). */
export function instanceShape(r: InstanceRecord): Record<string, unknown> {
  const shape: Record<string, unknown> = {
    InstanceId: r.id,
    State: stateShape(r.state),
    LaunchTime: isoFromSimMs(r.launchTimeMs),
    Placement: { AvailabilityZone: `${r.region}a` },
  };
  if (showsProfile(r.association)) {
    // Id is the PROFILE's id (AIPA…), not the association id (moto gets this wrong).
    shape.IamInstanceProfile = { Arn: r.association.profileArn, Id: r.association.profileId };
  }
  if (r.name !== undefined) shape.Tags = [{ Key: 'Name', Value: r.name }];
  return shape;
}

export function reservationShape(
  reservationId: string,
  instances: readonly InstanceRecord[],
): Record<string, unknown> {
  return {
    ReservationId: reservationId,
    OwnerId: ACCOUNT_ID,
    Groups: [],
    Instances: instances.map(instanceShape),
  };
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
  return { InstanceId: id, CurrentState: stateShape(current), PreviousState: stateShape(previous) };
}
