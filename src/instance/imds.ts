/**
 * The instance metadata service's credential publisher, one per instance.
 *
 * What it models (aws-facts.md 3.2-3.5, 6.1):
 * - a scheduled rotation about hourly; each rotation re-reads the profile as the instance's region
 *   sees it, which is the only way a role swapped inside the profile is picked up ("up to one hour");
 * - new credentials at least 5 minutes before the old ones expire (documented): the next rotation is
 *   never later than expiry minus that margin;
 * - an association change is picked up after a short delay, with a fresh fetch for the new profile;
 *   while a replacement association is still `associating`, the old credentials keep being served
 *   (replace has no credential gap);
 * - no association: no `iam/` tree at all; a profile without a role: nothing new is issued, while
 *   credentials already issued stay valid until they expire;
 * - stop: everything is dropped; start: a fresh publisher.
 */
import type { Distribution, EventHandle, RandomStream, Scheduler } from '../engine/index.ts';
import type { Credentials } from './credentials.ts';

/** Documented: new credentials are available at least five minutes before the old expire (EC2 UG). */
export const ROTATION_OVERLAP_MS = 5 * 60 * 1000;

export type ProfileRole =
  | { readonly kind: 'role'; readonly roleName: string; readonly roleId: string }
  | { readonly kind: 'noRole' }
  | { readonly kind: 'notFound' };

export interface ImdsEnvironment {
  readonly scheduler: Scheduler;
  /** The instance's active association as EC2 sees it now. */
  association(): { readonly state: string; readonly profileId: string } | undefined;
  /** The role of a profile as the instance's region view sees it now. */
  profileRole(profileId: string): ProfileRole;
  newAccessKeyId(): string;
  readonly rotationPeriod: Distribution;
  readonly lifetime: Distribution;
  readonly pickupDelay: Distribution;
  readonly stream: RandomStream;
  /**
   * TEST ONLY, a deliberately broken model: IMDS keeps renewing the role it serves after that role
   * left the profile. It exists so the test suite can show the checkers catch such a bug.
   */
  readonly bugKeepsRemovedRole?: boolean;
  /** Called whenever what IMDS serves may have changed. */
  changed(): void;
  /** Called for every credential issuance (the STS AssumeRole CloudTrail would show), with the set it replaces. */
  issued(creds: Credentials, previous: Credentials | undefined): void;
}

export class ImdsPublisher {
  /** The credentials IMDS currently serves, if any. */
  creds: Credentials | undefined;
  /** Whether the `iam/` tree exists (an association has been picked up). */
  endpoint = false;
  /** What `iam/info` would report about the profile's role. */
  info: 'ok' | 'noRole' | 'InstanceProfileNotFound' | 'none' = 'none';
  private servingProfileId: string | undefined;
  private rotation: EventHandle | undefined;
  private pickup: EventHandle | undefined;
  /** Fires when served credentials expire before the next rotation could replace them (profile without role). */
  private expiry: EventHandle | undefined;
  private running = false;

  constructor(private readonly env: ImdsEnvironment) {}

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
    this.env.changed();
  }

  /** EC2 changed the association: pick it up after the configured delay. */
  associationChanged(): void {
    if (!this.running) return;
    const { scheduler } = this.env;
    if (this.pickup !== undefined) scheduler.cancel(this.pickup);
    this.pickup = scheduler.after(this.env.pickupDelay.sample(this.env.stream), 'imds.pickup', () => {
      this.pickup = undefined;
      this.pickUpAssociation();
    });
  }

  private reset(): void {
    const { scheduler } = this.env;
    if (this.rotation !== undefined) scheduler.cancel(this.rotation);
    if (this.pickup !== undefined) scheduler.cancel(this.pickup);
    if (this.expiry !== undefined) scheduler.cancel(this.expiry);
    this.rotation = undefined;
    this.pickup = undefined;
    this.expiry = undefined;
    this.creds = undefined;
    this.endpoint = false;
    this.servingProfileId = undefined;
    this.info = 'none';
  }

  private pickUpAssociation(): void {
    if (!this.running) return;
    const association = this.env.association();
    if (association === undefined) {
      // No association at all: the iam/ tree disappears.
      const hadEndpoint = this.endpoint;
      this.reset();
      if (hadEndpoint) this.env.changed();
      return;
    }
    // A replacement still settling (or a disassociation in flight): keep serving what we have.
    if (association.state !== 'associated') return;
    if (association.profileId === this.servingProfileId && this.creds !== undefined) return;
    this.servingProfileId = association.profileId;
    this.endpoint = true;
    this.rotate();
  }

  /** Issues credentials for the profile's current role, then schedules the next rotation. */
  private rotate(): void {
    const { scheduler } = this.env;
    // Called by its own event or directly by a pick-up: either way this rotation replaces the
    // pending one (dropping the handle would leave a second, uncancellable rotation chain).
    if (this.rotation !== undefined) scheduler.cancel(this.rotation);
    this.rotation = undefined;
    const profileId = this.servingProfileId;
    if (profileId !== undefined) {
      let role = this.env.profileRole(profileId);
      const held = this.creds;
      if (
        this.env.bugKeepsRemovedRole === true &&
        held !== undefined &&
        (role.kind !== 'role' || role.roleId !== held.roleId)
      ) {
        role = { kind: 'role', roleName: held.roleName, roleId: held.roleId };
      }
      if (role.kind === 'role') {
        const nowMs = scheduler.nowMs;
        const previous = this.creds;
        this.creds = {
          accessKeyId: this.env.newAccessKeyId(),
          roleName: role.roleName,
          roleId: role.roleId,
          issuedAtMs: nowMs,
          expiresAtMs: nowMs + this.env.lifetime.sample(this.env.stream),
        };
        this.info = 'ok';
        this.env.issued(this.creds, previous);
      } else {
        // Documented: iam/info still answers, saying the profile has no role; issued credentials stay.
        this.info = role.kind === 'noRole' ? 'noRole' : 'InstanceProfileNotFound';
      }
    }
    this.env.changed();
    let nextMs = scheduler.nowMs + this.env.rotationPeriod.sample(this.env.stream);
    if (this.creds !== undefined && this.creds.expiresAtMs - ROTATION_OVERLAP_MS > scheduler.nowMs) {
      nextMs = Math.min(nextMs, this.creds.expiresAtMs - ROTATION_OVERLAP_MS);
    }
    nextMs = Math.max(nextMs, scheduler.nowMs + 1);
    this.rotation = scheduler.at(nextMs, 'imds.rotate', () => this.rotate());
    if (this.expiry !== undefined) scheduler.cancel(this.expiry);
    this.expiry = undefined;
    const expiresAtMs = this.creds?.expiresAtMs;
    if (expiresAtMs !== undefined && expiresAtMs > scheduler.nowMs && expiresAtMs < nextMs) {
      this.expiry = scheduler.at(expiresAtMs, 'imds.expire', () => {
        this.expiry = undefined;
        this.env.changed();
      });
    }
  }
}
