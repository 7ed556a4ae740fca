/**
 * The instance metadata service's credential publisher, one per instance.
 *
 * What it models (the EC2 and IAM user guides and field reports in README.md, "Sources"):
 * - a scheduled rotation about hourly; each rotation re-reads the profile as the instance's region
 *   sees it, which is the only way a role swapped inside the profile is picked up ("up to one hour");
 * - new credentials at least 5 minutes before the old ones expire (documented): the next rotation is
 *   never later than expiry minus that margin;
 * - an association change is picked up after a short delay, with a fresh fetch for the profile's
 *   current role whenever the association is a new one (a new association id), even for the same
 *   profile: "To force the change, you must disassociate the instance profile and then associate
 *   the instance profile" (IAM UG, "Using an IAM role to grant permissions to applications running
 *   on Amazon EC2 instances"); while a replacement association is still `associating`, the old
 *   credentials keep being served (replace has no credential gap);
 * - no association: no `iam/` tree at all; a profile without a role: nothing new is issued, while
 *   credentials already issued stay valid until they expire;
 * - stop: everything is dropped; start: a fresh publisher.
 */
import {
  type Distribution,
  type RandomStream,
  type Scheduler,
  TIMER_ITSELF,
  Timer,
  timerKind,
} from '../engine/index.ts';
import { type Credentials, IssuedCredentials } from './credentials.ts';

/** Documented: new credentials are available at least five minutes before the old expire (EC2 UG). */
export const ROTATION_OVERLAP_MS = 5 * 60 * 1000;

export type ProfileRole =
  | { readonly kind: 'role'; readonly roleName: string; readonly roleId: string }
  | { readonly kind: 'noRole' }
  | { readonly kind: 'notFound' };

/** The instance's association as EC2 holds it: read, never kept (it may be EC2's own record). */
export interface AssociationState {
  readonly id: string;
  readonly state: string;
  readonly profileId: string;
}

/** What every publisher of a world shares (one object, not a copy of each field per instance). */
export interface ImdsConfig {
  readonly rotationPeriod: Distribution;
  readonly lifetime: Distribution;
  readonly pickupDelay: Distribution;
  /**
   * TEST ONLY, a deliberately broken model: IMDS keeps renewing the role it serves after that role
   * left the profile. It exists so the test suite can show the checkers catch such a bug.
   */
  readonly bugKeepsRemovedRole?: boolean;
}

/** The publisher's configuration: its clock, its delays and its random stream. */
export interface ImdsOptions {
  readonly scheduler: Scheduler;
  readonly config: ImdsConfig;
  readonly stream: RandomStream;
  /** The instance's index in the world: with the publisher's issuance count, its access key ids (access-keys.ts). */
  readonly keyIndex: number;
}

/**
 * What the publisher asks of the instance around it (the runtime implements it). Methods on one
 * owner object rather than separate callbacks: a fleet has one publisher per instance, and every
 * rotation of a cold instance then touches one object instead of a closure and its context each.
 */
export interface ImdsHost {
  /** The instance's active association as EC2 sees it now. */
  association(): AssociationState | undefined;
  /** The role of a profile as the instance's region view sees it now. */
  profileRole(profileId: string): ProfileRole;
  /** Called whenever what IMDS serves may have changed. */
  imdsChanged(): void;
  /** Called for every credential issuance (the STS AssumeRole CloudTrail would show), with the set it replaces. */
  credentialsIssued(creds: Credentials, previous: Credentials | undefined): void;
}

/**
 * The publisher is its own rotation timer (see TIMER_ITSELF): its Timer members (`at`, `cancel`,
 * `pending`, ...) are the next rotation's, and an instance's most frequent event reaches the
 * publisher directly.
 */
export class ImdsPublisher extends Timer {
  /**
   * The credentials IMDS currently serves, if any (set by rotate and reset only). Its host is told
   * of every change (credentialsIssued, imdsChanged): InstanceRuntime keeps a copy to read.
   */
  private credsHeld: Credentials | undefined;
  get creds(): Credentials | undefined {
    return this.credsHeld;
  }
  /** Whether the `iam/` tree exists (an association has been picked up). */
  endpoint = false;
  /**
   * What `iam/info` reports about the associated profile, read when asked: `noRole` as soon as the
   * instance's region sees the profile without a role, while `creds` still holds the set issued
   * before (field research behind issue 17: iam/info said the profile had no role while the
   * removed role's credentials were still served).
   */
  get info(): 'ok' | 'noRole' | 'InstanceProfileNotFound' | 'none' {
    if (!this.endpoint || this.servingProfileId === undefined) return 'none';
    // The deliberately broken model behaves as if the role it holds were still in the profile.
    if (this.config.bugKeepsRemovedRole === true && this.creds !== undefined) return 'ok';
    const role = this.host.profileRole(this.servingProfileId);
    return role.kind === 'role' ? 'ok' : role.kind === 'noRole' ? 'noRole' : 'InstanceProfileNotFound';
  }
  private servingProfileId: string | undefined;
  /** The association whose profile is served; a different id means a new association (forced refresh). */
  private servingAssociationId: string | undefined;
  // One reusable timer per kind of next event: rescheduled in place, so a rotation allocates no
  // event and leaves no cancelled entry behind (see Scheduler.targetTimer). The rotation's is
  // the publisher itself.
  private readonly pickup: Timer;
  /**
   * Fires when served credentials expire before the next rotation could replace them. Made when
   * first needed: only a profile without a role lets served credentials run out.
   */
  private expiry: Timer | undefined = undefined;
  private running = false;
  private readonly stream: RandomStream;
  private readonly config: ImdsConfig;
  private readonly keyIndex: number;
  /** Credentials issued so far, over every boot (the access key id's counter). */
  private issuedCount = 0;

  constructor(
    options: ImdsOptions,
    private readonly host: ImdsHost,
  ) {
    const { scheduler } = options;
    super(scheduler, scheduler.queueForTimers(), ImdsPublisher.ROTATE, TIMER_ITSELF);
    this.stream = options.stream;
    this.config = options.config;
    this.keyIndex = options.keyIndex;
    this.pickup = scheduler.targetTimer(ImdsPublisher.PICKUP, this);
  }

  /** The next rotation's timer: the publisher itself. */
  private get rotation(): Timer {
    return this;
  }

  // The kinds of its timers, shared by every publisher (see Scheduler.targetTimer).
  private static readonly ROTATE = timerKind<ImdsPublisher>('imds.rotate', (imds) => imds.rotate());
  private static readonly PICKUP = timerKind<ImdsPublisher>('imds.pickup', (imds) =>
    imds.pickUpAssociation(),
  );
  private static readonly EXPIRE = timerKind<ImdsPublisher>('imds.expire', (imds) => imds.host.imdsChanged());

  /**
   * Writes its timers into `into` from index `at` on, for moving the instance between schedulers
   * (InstanceRuntime.moveTo); returns the index after the last.
   */
  addTimers(into: (Timer | undefined)[], at: number): number {
    let n = at;
    into[n++] = this.rotation;
    into[n++] = this.pickup;
    if (this.expiry !== undefined) into[n++] = this.expiry;
    return n;
  }

  /** The instance started: a fresh publisher that picks up the association at once. */
  boot(): void {
    this.running = true;
    this.reset();
    this.pickUpAssociation();
  }

  /** The instance is stopping or terminating: drop everything. */
  shutdown(): void {
    this.running = false;
    this.reset();
    this.host.imdsChanged();
  }

  /** EC2 changed the association: pick it up after the configured delay. */
  associationChanged(): void {
    if (!this.running) return;
    this.pickup.after(this.config.pickupDelay.sample(this.stream));
  }

  private reset(): void {
    this.rotation.cancel();
    this.pickup.cancel();
    this.expiry?.cancel();
    this.credsHeld = undefined;
    this.endpoint = false;
    this.servingProfileId = undefined;
    this.servingAssociationId = undefined;
  }

  private pickUpAssociation(): void {
    if (!this.running) return;
    const association = this.host.association();
    if (association === undefined) {
      // No association at all: the iam/ tree disappears.
      const hadEndpoint = this.endpoint;
      this.reset();
      if (hadEndpoint) this.host.imdsChanged();
      return;
    }
    // A replacement still settling (or a disassociation in flight): keep serving what we have.
    if (association.state !== 'associated') return;
    // The same association seen again (e.g. its own settle event): nothing new to fetch.
    if (association.id === this.servingAssociationId && this.creds !== undefined) return;
    this.servingAssociationId = association.id;
    this.servingProfileId = association.profileId;
    this.endpoint = true;
    this.rotate();
  }

  /** Issues credentials for the profile's current role, then schedules the next rotation. */
  private rotate(): void {
    const { scheduler, stream } = this;
    const profileId = this.servingProfileId;
    if (profileId !== undefined) {
      let role = this.host.profileRole(profileId);
      const held = this.creds;
      if (
        this.config.bugKeepsRemovedRole === true &&
        held !== undefined &&
        (role.kind !== 'role' || role.roleId !== held.roleId)
      ) {
        role = { kind: 'role', roleName: held.roleName, roleId: held.roleId };
      }
      if (role.kind === 'role') {
        const nowMs = scheduler.nowMs;
        const previous = this.creds;
        const expiresAtMs = nowMs + this.config.lifetime.sample(stream);
        this.credsHeld = new IssuedCredentials(
          this.keyIndex,
          this.issuedCount++,
          role.roleName,
          role.roleId,
          nowMs,
          expiresAtMs,
        );
        this.host.credentialsIssued(this.credsHeld, previous);
      }
      // Otherwise nothing new is issued: iam/info says the profile has no role (see `info`), and
      // the credentials already issued stay served until they expire.
    }
    this.host.imdsChanged();
    const nowMs = scheduler.nowMs;
    let nextMs = nowMs + this.config.rotationPeriod.sample(stream);
    const expiresAtMs = this.creds?.expiresAtMs;
    if (expiresAtMs !== undefined && expiresAtMs - ROTATION_OVERLAP_MS > nowMs) {
      nextMs = Math.min(nextMs, expiresAtMs - ROTATION_OVERLAP_MS);
    }
    nextMs = Math.max(nextMs, nowMs + 1);
    this.rotation.at(nextMs);
    if (expiresAtMs !== undefined && expiresAtMs > nowMs && expiresAtMs < nextMs) {
      // Moves it if pending: the same order as cancelling it first (see EventQueue.schedule).
      this.expiry ??= this.scheduler.targetTimer(ImdsPublisher.EXPIRE, this);
      this.expiry.at(expiresAtMs);
    } else {
      this.expiry?.cancel();
    }
  }
}
