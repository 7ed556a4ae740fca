/**
 * The application's SDK credential cache, one per instance.
 *
 * It goes back to IMDS only at its policy's refresh time (sdk.ts), keeps valid credentials when a
 * refresh fails, and retries later. A process-per-call client (the CLI) caches nothing and always
 * holds what IMDS serves. Restarting the application (start, reboot) empties the cache.
 */
import { type RandomStream, type Scheduler, TIMER_ITSELF, Timer, timerKind } from '../engine/index.ts';
import { type Credentials, isValidAt } from './credentials.ts';
import type { SdkPolicy } from './sdk.ts';

/** What the cache asks of the instance around it (the runtime implements it; see ImdsHost for why one object). */
export interface SdkHost {
  /** What a read of IMDS returns now: valid credentials, or undefined (outage, no iam/ tree, expired). */
  readImds(): Credentials | undefined;
  /** Called whenever what the application holds may have changed. */
  appChanged(): void;
}

/**
 * The cache is its own refresh timer (see TIMER_ITSELF): its Timer members (`at`, `cancel`,
 * `pending`, ...) are the next read's, and an instance's second most frequent event (and the
 * resume at every IMDS rotation) reaches the cache directly.
 */
export class SdkCache extends Timer {
  held: Credentials | undefined;
  fetchedAtMs = 0;
  running = false;
  /** Time of the last read that changed nothing, while no re-read is scheduled (idle). */
  private idleReadMs: number | undefined;
  /**
   * When what that read returned expires (undefined: the read failed). The time, not the
   * credentials: resuming (at every IMDS rotation) then does not read an object issued hours ago.
   */
  private idleReadExpiresAtMs: number | undefined;
  /**
   * Static stability: after the held credentials expire without a successful refresh, the SDK
   * keeps presenting them until this time (calls fail with ExpiredToken), then gives up and holds
   * nothing. Undefined while the held credentials are valid.
   */
  staleUntilMs: number | undefined;
  /**
   * Inside the policy's mandatory refresh window, the last refresh failed: the SDK raises on
   * every call, so the application has no usable credentials although it still holds some.
   */
  blocked = false;
  // Reusable timers (see Scheduler.targetTimer): the next read (the cache itself), and the end of
  // the held credentials (expiry, then the end of static stability).
  /** Whether `refresh` is pending, kept here: reading the timer's own state is likely a cache miss at fleet scale. */
  private refreshPending = false;
  private readonly expiry: Timer;
  // Made when first needed: most caches never outlive their credentials, and only some policies
  // have a mandatory window (a fleet holds a cache per instance).
  private staleEnd: Timer | undefined = undefined;
  private mandatory: Timer | undefined = undefined;
  /** The credentials the pending expiry or stale-end timer is about. */
  private expiring: Credentials | undefined;

  /**
   * @param stream the instance's stream for the SDK's own draws (static-stability extension).
   */
  constructor(
    private readonly policy: SdkPolicy,
    scheduler: Scheduler,
    private readonly stream: RandomStream,
    private readonly host: SdkHost,
  ) {
    super(scheduler, scheduler.queueForTimers(), SdkCache.REFRESH, TIMER_ITSELF);
    this.expiry = scheduler.targetTimer(SdkCache.EXPIRE, this);
  }

  /** The next read's timer: the cache itself. */
  private get refresh(): Timer {
    return this;
  }

  // The kinds of its timers, shared by every cache (see Scheduler.targetTimer).
  private static readonly REFRESH = timerKind<SdkCache>('sdk.refresh', (cache) => {
    cache.refreshPending = false;
    cache.fetch();
  });
  private static readonly EXPIRE = timerKind<SdkCache>('sdk.expire', (cache) => cache.expired());
  private static readonly STALE_END = timerKind<SdkCache>('sdk.stale-end', (cache) => {
    if (cache.held === cache.expiring) cache.dropHeld();
  });
  // Entering the mandatory window, the SDK's next call refreshes synchronously: a read now.
  private static readonly MANDATORY = timerKind<SdkCache>('sdk.mandatory', (cache) => cache.fetch());

  /** What the application can use for calls now: nothing while blocked in the mandatory window. */
  get usable(): Credentials | undefined {
    return this.blocked ? undefined : this.held;
  }

  /** Writes its timers into `into` from `at` on (see ImdsPublisher.addTimers); returns the index after the last. */
  addTimers(into: (Timer | undefined)[], at: number): number {
    let n = at;
    into[n++] = this.refresh;
    into[n++] = this.expiry;
    if (this.staleEnd !== undefined) into[n++] = this.staleEnd;
    if (this.mandatory !== undefined) into[n++] = this.mandatory;
    return n;
  }

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
    this.host.appChanged();
  }

  /** IMDS changed what it serves. Only a per-call client notices; cached SDKs do not (that is the point). */
  imdsChanged(): void {
    if (!this.running) return;
    if (this.policy.perCall) this.fetch();
    else this.resume();
  }

  private clear(): void {
    this.refresh.cancel();
    this.refreshPending = false;
    this.expiry.cancel();
    this.staleEnd?.cancel();
    this.mandatory?.cancel();
    this.expiring = undefined;
    this.held = undefined;
    this.staleUntilMs = undefined;
    this.idleReadMs = undefined;
    this.blocked = false;
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
    const nowMs = this.scheduler.nowMs;
    const creds = this.host.readImds();
    let changed = false;
    if (creds !== undefined) {
      if (creds !== this.held) {
        this.held = creds;
        this.staleUntilMs = undefined;
        this.fetchedAtMs = nowMs;
        this.scheduleExpiry(creds);
        changed = true;
      }
      if (this.blocked) {
        this.blocked = false;
        changed = true;
      }
    } else if (this.inMandatoryWindow(nowMs) && !this.blocked) {
      this.blocked = true;
      changed = true;
    } else if (this.policy.perCall && this.held !== undefined) {
      // A process per call finds nothing either: it holds nothing until IMDS serves again.
      this.held = undefined;
      changed = true;
    }
    if (this.policy.perCall) {
      if (changed) this.host.appChanged();
      return;
    }
    if (changed) {
      this.idleReadMs = undefined;
      this.scheduleRefresh(this.nextReadMs(nowMs, creds?.expiresAtMs));
      this.host.appChanged();
    } else {
      this.idleReadMs = nowMs;
      this.idleReadExpiresAtMs = creds?.expiresAtMs;
    }
  }

  private inMandatoryWindow(nowMs: number): boolean {
    const windowMs = this.policy.mandatoryBeforeExpiryMs;
    return windowMs !== undefined && this.held !== undefined && nowMs >= this.held.expiresAtMs - windowMs;
  }

  /**
   * When the SDK's schedule reads IMDS again after a read at `atMs` that returned credentials
   * expiring at `expiresAtMs` (undefined: the read failed).
   */
  private nextReadMs(atMs: number, expiresAtMs: number | undefined): number {
    if (expiresAtMs === undefined) return atMs + this.policy.retryMs;
    const dueMs = Math.round(this.policy.refreshAtMs(atMs, expiresAtMs));
    return dueMs > atMs ? dueMs : atMs + this.policy.retryMs;
  }

  /** Resumes an idle cache at the first read its schedule makes at or after now. */
  private resume(): void {
    const lastMs = this.idleReadMs;
    if (lastMs === undefined || this.refreshPending) return;
    const nowMs = this.scheduler.nowMs;
    let t = lastMs;
    // Bounded: each step advances by at least one retry interval or one refresh window.
    for (let i = 0; i < 1_000_000 && t < nowMs; i++) t = this.nextReadMs(t, this.idleReadExpiresAtMs);
    this.idleReadMs = undefined;
    this.scheduleRefresh(Math.max(t, nowMs));
  }

  private scheduleRefresh(atMs: number): void {
    this.refresh.at(atMs);
    this.refreshPending = true;
  }

  private scheduleExpiry(creds: Credentials): void {
    // A pending timer is moved by at() with the same order as cancelling it and scheduling it
    // anew (see EventQueue.schedule), in one step instead of two: one of these per refresh.
    this.staleEnd?.cancel();
    const nowMs = this.scheduler.nowMs;
    if (!isValidAt(creds, nowMs)) {
      this.expiry.cancel();
      this.mandatory?.cancel();
      this.expiring = undefined;
      return;
    }
    this.expiring = creds;
    this.expiry.at(creds.expiresAtMs);
    const windowMs = this.policy.mandatoryBeforeExpiryMs;
    if (windowMs !== undefined && creds.expiresAtMs - windowMs > nowMs) {
      this.mandatory ??= this.scheduler.targetTimer(SdkCache.MANDATORY, this);
      this.mandatory.at(creds.expiresAtMs - windowMs);
    } else {
      this.mandatory?.cancel();
    }
  }

  /** The held credentials reached their expiry without being replaced. */
  private expired(): void {
    const creds = this.expiring;
    if (creds === undefined || this.held !== creds) return;
    const extensionMs = this.policy.staticStabilityMs(this.stream);
    if (extensionMs > 0) {
      this.staleUntilMs = creds.expiresAtMs + extensionMs;
      this.staleEnd ??= this.scheduler.targetTimer(SdkCache.STALE_END, this);
      this.staleEnd.at(this.staleUntilMs);
      this.host.appChanged();
    } else {
      this.dropHeld();
    }
  }

  private dropHeld(): void {
    this.held = undefined;
    this.staleUntilMs = undefined;
    this.blocked = false;
    this.host.appChanged();
  }
}
