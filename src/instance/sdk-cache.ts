/**
 * The application's SDK credential cache, one per instance.
 *
 * It goes back to IMDS only at its policy's refresh time (sdk.ts), keeps valid credentials when a
 * refresh fails, and retries later. A process-per-call client (the CLI) caches nothing and always
 * holds what IMDS serves. Restarting the application (start, reboot) empties the cache.
 */
import type { EventHandle, RandomStream, Scheduler } from '../engine/index.ts';
import { type Credentials, isValidAt } from './credentials.ts';
import type { SdkPolicy } from './sdk.ts';

export interface SdkCacheEnvironment {
  readonly scheduler: Scheduler;
  /** The instance's stream for the SDK's own draws (static-stability extension). */
  readonly stream: RandomStream;
  /** What a read of IMDS returns now: valid credentials, or undefined (outage, no iam/ tree, expired). */
  readImds(): Credentials | undefined;
  /** Called whenever what the application holds may have changed. */
  changed(): void;
}

export class SdkCache {
  held: Credentials | undefined;
  fetchedAtMs = 0;
  running = false;
  /** Time of the last read that changed nothing, while no re-read is scheduled (idle). */
  private idleReadMs: number | undefined;
  /** What that read returned. */
  private idleRead: Credentials | undefined;
  /**
   * Static stability: after the held credentials expire without a successful refresh, the SDK
   * keeps presenting them until this time (calls fail with ExpiredToken), then gives up and holds
   * nothing. Undefined while the held credentials are valid.
   */
  staleUntilMs: number | undefined;
  private refresh: EventHandle | undefined;
  private expiry: EventHandle | undefined;

  constructor(
    private readonly policy: SdkPolicy,
    private readonly env: SdkCacheEnvironment,
  ) {}

  /** The application (re)starts with an empty cache and fetches at once. */
  start(): void {
    this.running = true;
    this.clear();
    this.fetch();
  }

  /** The application stops (instance stopping, rebooting, terminated). */
  stop(): void {
    this.running = false;
    this.clear();
    this.env.changed();
  }

  /** IMDS changed what it serves. Only a per-call client notices; cached SDKs do not (that is the point). */
  imdsChanged(): void {
    if (!this.running) return;
    if (this.policy.perCall) this.fetch();
    else this.resume();
  }

  private clear(): void {
    const { scheduler } = this.env;
    if (this.refresh !== undefined) scheduler.cancel(this.refresh);
    if (this.expiry !== undefined) scheduler.cancel(this.expiry);
    this.refresh = undefined;
    this.expiry = undefined;
    this.held = undefined;
    this.staleUntilMs = undefined;
    this.idleReadMs = undefined;
  }

  /**
   * Reads IMDS now. A read that changes nothing (the same credentials again, or a failure while
   * the held ones stay) is not followed by a scheduled re-read: the cache goes idle and, when
   * IMDS next changes what it serves, resumes at the first instant its own schedule would have
   * read again (see imdsChanged). The reads skipped that way could only have returned what the
   * idle read returned, so the outcome is the same as polling, at a fraction of the events: a
   * 2-minute timer (.NET) would otherwise cost 240 events per instance per 8 hours.
   */
  private fetch(): void {
    if (!this.running) return;
    const nowMs = this.env.scheduler.nowMs;
    this.refresh = undefined;
    const creds = this.env.readImds();
    let changed = false;
    if (creds !== undefined) {
      if (creds !== this.held) {
        this.held = creds;
        this.staleUntilMs = undefined;
        this.fetchedAtMs = nowMs;
        this.scheduleExpiry(creds);
        changed = true;
      }
    } else if (this.policy.perCall && this.held !== undefined) {
      // A process per call finds nothing either: it holds nothing until IMDS serves again.
      this.held = undefined;
      changed = true;
    }
    if (this.policy.perCall) {
      if (changed) this.env.changed();
      return;
    }
    if (changed) {
      this.idleReadMs = undefined;
      this.scheduleRefresh(this.nextReadMs(nowMs, creds));
      this.env.changed();
    } else {
      this.idleReadMs = nowMs;
      this.idleRead = creds;
    }
  }

  /** When the SDK's schedule reads IMDS again after a read at `atMs` that returned `creds` (undefined: failed). */
  private nextReadMs(atMs: number, creds: Credentials | undefined): number {
    if (creds === undefined) return atMs + this.policy.retryMs;
    const dueMs = Math.round(this.policy.refreshAtMs(atMs, creds.expiresAtMs));
    return dueMs > atMs ? dueMs : atMs + this.policy.retryMs;
  }

  /** Resumes an idle cache at the first read its schedule makes at or after now. */
  private resume(): void {
    const lastMs = this.idleReadMs;
    if (lastMs === undefined || this.refresh !== undefined) return;
    const nowMs = this.env.scheduler.nowMs;
    let t = lastMs;
    // Bounded: each step advances by at least one retry interval or one refresh window.
    for (let i = 0; i < 1_000_000 && t < nowMs; i++) t = this.nextReadMs(t, this.idleRead);
    this.idleReadMs = undefined;
    this.scheduleRefresh(Math.max(t, nowMs));
  }

  private scheduleRefresh(atMs: number): void {
    const { scheduler } = this.env;
    if (this.refresh !== undefined) scheduler.cancel(this.refresh);
    this.refresh = scheduler.at(atMs, 'sdk.refresh', () => this.fetch());
  }

  private scheduleExpiry(creds: Credentials): void {
    const { scheduler } = this.env;
    if (this.expiry !== undefined) scheduler.cancel(this.expiry);
    this.expiry = undefined;
    if (!isValidAt(creds, scheduler.nowMs)) return;
    this.expiry = scheduler.at(creds.expiresAtMs, 'sdk.expire', () => this.expired(creds));
  }

  /** The held credentials reached their expiry without being replaced. */
  private expired(creds: Credentials): void {
    this.expiry = undefined;
    if (this.held !== creds) return;
    const { scheduler } = this.env;
    const extensionMs = this.policy.staticStabilityMs(this.env.stream);
    if (extensionMs > 0) {
      this.staleUntilMs = creds.expiresAtMs + extensionMs;
      this.expiry = scheduler.at(this.staleUntilMs, 'sdk.stale-end', () => {
        this.expiry = undefined;
        if (this.held === creds) this.dropHeld();
      });
      this.env.changed();
    } else {
      this.dropHeld();
    }
  }

  private dropHeld(): void {
    this.held = undefined;
    this.staleUntilMs = undefined;
    this.env.changed();
  }
}
