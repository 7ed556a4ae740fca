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
  /** Number of IMDS reads that returned nothing usable. */
  failedRefreshes = 0;
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
    if (this.running && this.policy.perCall) this.fetch();
  }

  private clear(): void {
    const { scheduler } = this.env;
    if (this.refresh !== undefined) scheduler.cancel(this.refresh);
    if (this.expiry !== undefined) scheduler.cancel(this.expiry);
    this.refresh = undefined;
    this.expiry = undefined;
    this.held = undefined;
    this.staleUntilMs = undefined;
  }

  private fetch(): void {
    if (!this.running) return;
    const { scheduler } = this.env;
    const nowMs = scheduler.nowMs;
    this.refresh = undefined;
    const creds = this.env.readImds();
    if (creds !== undefined) {
      if (creds !== this.held) {
        this.held = creds;
        this.staleUntilMs = undefined;
        this.fetchedAtMs = nowMs;
        this.scheduleExpiry(creds);
        this.env.changed();
      }
      if (this.policy.perCall) return;
      const dueMs = Math.round(this.policy.refreshAtMs(nowMs, creds.expiresAtMs));
      this.scheduleRefresh(dueMs > nowMs ? dueMs : nowMs + this.policy.retryMs);
      return;
    }
    this.failedRefreshes++;
    if (this.policy.perCall) {
      // The next call finds nothing either; hold nothing until IMDS serves again.
      if (this.held !== undefined) {
        this.held = undefined;
        this.env.changed();
      }
      return;
    }
    // Keep what we hold while it is valid; try again later.
    this.scheduleRefresh(nowMs + this.policy.retryMs);
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
