/**
 * The EC2 model's instance record as a class: the members every instance uses in fields of its
 * own, and those that only some have (a launch's details and reservation, seeded tags, a reboot in
 * progress) in one object made for the few that have any.
 *
 * Why: a recording of the shared world at a million instances keeps a record per instance through
 * the whole fan-out, and every major GC marks them; five members that are undefined (or 0) for
 * every seeded instance made each record 40 bytes larger.
 */
import type { EventHandle } from '../../engine/index.ts';
import type { Ec2Tag, LaunchDetails } from './launch.ts';
import type { AssociationRecord, InstanceRecord } from './records.ts';
import type { InstanceStateName } from './types.ts';

/** What only some instances have (see the header). */
interface Uncommon {
  readonly reservationId: string | undefined;
  readonly launch: LaunchDetails | undefined;
  readonly launchIndex: number;
  seedTags: readonly Ec2Tag[] | undefined;
  rebootTimer: EventHandle | undefined;
}

export class InstanceEntry implements InstanceRecord {
  runningSinceMs: number | undefined;
  association: AssociationRecord | undefined = undefined;
  timer: EventHandle | undefined = undefined;
  private uncommon: Uncommon | undefined;

  constructor(
    readonly id: string,
    readonly region: string,
    readonly name: string | undefined,
    public state: InstanceStateName,
    readonly launchTimeMs: number,
    readonly index: number,
    reservationId: string | undefined,
    launch: LaunchDetails | undefined,
    launchIndex: number,
  ) {
    this.runningSinceMs = state === 'running' ? launchTimeMs : undefined;
    this.uncommon =
      reservationId === undefined && launch === undefined && launchIndex === 0
        ? undefined
        : uncommon(reservationId, launch, launchIndex);
  }

  get reservationId(): string | undefined {
    return this.uncommon?.reservationId;
  }

  get launch(): LaunchDetails | undefined {
    return this.uncommon?.launch;
  }

  get launchIndex(): number {
    return this.uncommon?.launchIndex ?? 0;
  }

  get seedTags(): readonly Ec2Tag[] | undefined {
    return this.uncommon?.seedTags;
  }

  set seedTags(tags: readonly Ec2Tag[] | undefined) {
    this.ensureUncommon().seedTags = tags;
  }

  get rebootTimer(): EventHandle | undefined {
    return this.uncommon?.rebootTimer;
  }

  set rebootTimer(timer: EventHandle | undefined) {
    // Clearing a reboot that never started makes nothing.
    if (timer === undefined && this.uncommon === undefined) return;
    this.ensureUncommon().rebootTimer = timer;
  }

  private ensureUncommon(): Uncommon {
    this.uncommon ??= uncommon(undefined, undefined, 0);
    return this.uncommon;
  }
}

/** The uncommon members of an instance with these launch facts (and no tags or reboot yet). */
function uncommon(
  reservationId: string | undefined,
  launch: LaunchDetails | undefined,
  launchIndex: number,
): Uncommon {
  return { reservationId, launch, launchIndex, seedTags: undefined, rebootTimer: undefined };
}
