/**
 * The EC2 model's public types: instance and association states, the events the service emits,
 * and the read-only views it hands to the instance model.
 *
 * State machines (API_IamInstanceProfileAssociation and the EC2 user guide, README.md, "Sources"),
 * every arrow after a delay drawn per instance:
 *   instance     pending -> running -> stopping -> stopped -> pending ...; any -> shutting-down -> terminated
 *   association  associating -> associated -> disassociating -> (removed)
 * `disassociated` exists in AWS's enum but a record in that state is never listed, so the model
 * removes the record instead of keeping it.
 */

import type { Distribution, RandomStream, Scheduler } from '../../engine/index.ts';
import type { ReplicatedStore } from '../../replication/store.ts';
import type { IamState } from '../iam/types.ts';
import type { IdFactory } from '../ids.ts';
import type { LaunchDetails } from './launch.ts';

export const instanceStateNames = [
  'pending',
  'running',
  'shutting-down',
  'terminated',
  'stopping',
  'stopped',
] as const;
export type InstanceStateName = (typeof instanceStateNames)[number];

/** The numeric codes EC2 returns next to each state name (low byte of `InstanceState.Code`). */
export const instanceStateCodes: Readonly<Record<InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** Association states a record can be seen in; `disassociated` records are removed instead. */
export const associationStateNames = ['associating', 'associated', 'disassociating'] as const;
export type AssociationStateName = (typeof associationStateNames)[number];

/** What the instance model may read about an instance. */
export interface InstanceView {
  readonly id: string;
  readonly region: string;
  /** The `Name` tag, if any. */
  readonly name: string | undefined;
  readonly state: InstanceStateName;
  /** Virtual time of the launch (RunInstances or seeding), ms. */
  readonly launchTimeMs: number;
  /**
   * What RunInstances asked for (metadata options, tags, type…); undefined for seeded instances,
   * which have the defaults of launch.ts. IMDS reads `metadataOptions` from here.
   */
  readonly launch: LaunchDetails | undefined;
}

/** The instance's current association, as `activeAssociation()` returns it. */
export interface AssociationView {
  readonly AssociationId: string;
  readonly State: AssociationStateName;
  /** The instance profile's id (`AIPA…`) as it was when the association was made. */
  readonly profileId: string;
  readonly profileArn: string;
}

/** Every instance state change, including the launch (`previous` undefined). */
export interface InstanceStateEvent {
  readonly type: 'instanceState';
  readonly instanceId: string;
  readonly state: InstanceStateName;
  readonly previous: InstanceStateName | undefined;
}

/** An association reached `associated`: IMDS may now serve the profile's role. */
export interface AssociationSettledEvent {
  readonly type: 'associationSettled';
  readonly instanceId: string;
  readonly associationId: string;
  readonly profileId: string;
}

/** An association record was removed: disassociation completed, it was replaced, or the instance terminated. */
export interface AssociationEndedEvent {
  readonly type: 'associationEnded';
  readonly instanceId: string;
  readonly associationId: string;
  readonly reason: 'disassociated' | 'replaced' | 'terminated';
}

/** A reboot began: the OS and its applications are going down; IMDS keeps its credentials. */
export interface RebootStartedEvent {
  readonly type: 'rebootStarted';
  readonly instanceId: string;
}

/** A reboot completed: the OS and its applications restarted; IMDS kept its credentials. */
export interface RebootedEvent {
  readonly type: 'rebooted';
  readonly instanceId: string;
}

export type Ec2Event =
  | InstanceStateEvent
  | AssociationSettledEvent
  | AssociationEndedEvent
  | RebootStartedEvent
  | RebootedEvent;
/**
 * Told of an EC2 event, and of the position of its instance in the service's creation order
 * (seeded instances first, in order: Ec2Service.instancesInOrder's), which a listener that indexes
 * instances by it would otherwise look up by id for every event.
 */
export type Ec2Listener = (event: Ec2Event, instanceIndex: number) => void;

export interface Ec2Delays {
  /** associating -> associated. */
  readonly associationSettle: Distribution;
  /** disassociating -> removed. */
  readonly disassociationSettle: Distribution;
  /** stopping -> stopped, and shutting-down -> terminated (AWS gives no separate number for termination). */
  readonly instanceStop: Distribution;
  /** pending -> running. */
  readonly instanceStart: Distribution;
  /** Reboot request -> applications back up (the instance stays `running` throughout). */
  readonly instanceReboot: Distribution;
}

export interface Ec2ServiceOptions {
  readonly scheduler: Scheduler;
  /** IAM as each region sees it; EC2 in region R resolves profiles through `iam.view(R)`. */
  readonly iam: ReplicatedStore<IamState>;
  readonly ids: IdFactory;
  readonly regions: readonly string[];
  readonly delays: Ec2Delays;
  /**
   * Named random substreams; the service asks for `instance/<id>/ec2` so instances draw
   * independently, once per instance, at its first draw: it then keeps the stream's state itself
   * (StreamStates) and never draws from the returned object again, so it should be a stream
   * nothing else draws from (a fresh one).
   */
  readonly streamFor: (name: string) => RandomStream;
  /**
   * How many instances the caller will seed per region (a hint: the id indexes start at that
   * size instead of growing to it).
   */
  readonly expectedInstances?: ReadonlyMap<string, number>;
  /** Cap on MaxCount of one RunInstances call (AWS's per-account instance limit stands in here). Default 1000. */
  readonly runInstancesCountMax?: number;
}

export interface SeedInstanceSpec {
  /** Explicit id; otherwise one is drawn from the id factory. */
  readonly id?: string;
  readonly name: string;
  readonly region: string;
  readonly state: 'running' | 'stopped';
  /** Instance profile name, resolved through the IAM control plane. */
  readonly profileName?: string;
  /** Tags besides Name (which is `name`). */
  readonly tags?: readonly { readonly Key: string; readonly Value: string }[];
}
