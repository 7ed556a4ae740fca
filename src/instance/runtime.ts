/**
 * One instance as the application sees it: the IMDS publisher, the SDK cache, and the two
 * timeline lanes that record what each held. The runtime reacts to EC2 (state changes,
 * association changes, reboots) and to the region's authorization view, and classifies
 * credentials into new / old / other through a function the simulation provides.
 */
import { moveTimers, type Scheduler, type Timer } from '../engine/index.ts';
import { type Credentials, isValidAt } from './credentials.ts';
import {
  type AssociationState,
  type ImdsHost,
  type ImdsOptions,
  ImdsPublisher,
  type ProfileRole,
} from './imds.ts';
import type { SdkPolicy } from './sdk.ts';
import { SdkCache, type SdkHost } from './sdk-cache.ts';
import { Lane, type LaneState, laneState } from './timeline.ts';

export interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * What the simulation answers for every runtime. One object shared by all instances, asked with
 * the runtime as argument: a fleet has one runtime per instance, and a rotation of a cold
 * instance then does not also touch a closure and its context per question.
 * `R` is the world's subclass of InstanceRuntime, which keeps whatever per-instance facts the
 * world needs in its own fields (one object per instance rather than two: at fleet scale each
 * object an event touches is a likely cache miss). A runtime passes itself, so a world made with
 * runtimes of type R is asked about those.
 */
export interface InstanceWorld<R extends InstanceRuntime = InstanceRuntime> {
  /** The instance's active association as EC2 sees it now. */
  association(runtime: R): AssociationState | undefined;
  /** The role of a profile as the instance's region view sees it now. */
  profileRole(runtime: R, profileId: string): ProfileRole;
  /**
   * The lane state of valid credentials now: new / old / other as the region's authorization view
   * decides their permissions, whether the probe is allowed, and the role (an interned laneState).
   */
  classify(runtime: R, creds: Credentials): LaneState;
  /** IMDS issued `creds`, replacing `previous` (for observers). */
  credentialsIssued(runtime: R, creds: Credentials, previous: Credentials | undefined): void;
  /** What the application holds may have changed (for observers). */
  applicationChanged(runtime: R): void;
}

export interface RuntimeOptions {
  readonly scheduler: Scheduler;
  readonly name: string;
  readonly policy: SdkPolicy;
  readonly world: InstanceWorld;
  /** IMDS's configuration except its clock (the runtime's). */
  readonly imds: Omit<ImdsOptions, 'scheduler'>;
  /**
   * IMDS outage windows (scheduler time): reads fail inside them. The world schedules a call of
   * imdsChanged() at both edges.
   */
  readonly outages: readonly Window[];
  /** The lanes' segments that end at or before this time are never read (see Lane); default: all are. */
  readonly recordAfterMs?: number;
}

/** moveTo's scratch list of an instance's timers (every instance moves twice in the warm-up). */
const movingTimers: (Timer | undefined)[] = [];
const DOWN: LaneState = laneState('down', undefined, false);
const NONE: LaneState = laneState('none', undefined, false);

export class InstanceRuntime implements ImdsHost, SdkHost {
  // Fields in the order V8 lays them out: those that nearly every event reads first, those read
  // only when a lane changes (and the name) last, so that an event touches as few cache lines of
  // the runtime as it can (at fleet scale each is a likely miss).
  readonly imds: ImdsPublisher;
  readonly app: SdkCache;
  /** The instance is in EC2 state `running`. */
  private instanceRunning = false;
  /** The application is restarting (reboot in progress). */
  private appRestarting = false;
  private scheduler: Scheduler;
  private readonly world: InstanceWorld;
  private readonly outages: readonly Window[];
  /**
   * The credentials whose classification each lane holds (undefined: the lane holds something
   * else). Classification depends only on the credentials and the region's enforcement views,
   * and those change only through reevaluate(), which forgets these; so while a lane's
   * credentials stay the same there is nothing to re-derive (a rotation leaves the application's
   * credentials alone, a refresh IMDS's).
   */
  private imdsClassified: Credentials | undefined = undefined;
  private appClassified: Credentials | undefined = undefined;
  // Their expiry, and the state each lane holds: kept here so that an update that changes nothing
  // reads no credentials and no lane (at fleet scale each is a likely cache miss).
  private imdsValidUntilMs = 0;
  private appValidUntilMs = 0;
  private imdsState: LaneState = DOWN;
  private appState: LaneState = DOWN;
  /**
   * What IMDS serves, valid or not (undefined: nothing, or no `iam/` tree), and until when: a
   * copy, so that reading IMDS (every SDK refresh) and updating the lanes do not touch the
   * publisher, at fleet scale one more likely cache miss per event. IMDS tells the runtime of
   * every change to what it serves (credentialsIssued, imdsChanged), which is when it is copied.
   */
  private served: Credentials | undefined = undefined;
  private servedUntilMs = 0;
  /** While set, the lanes are not re-derived (see deferLanes). */
  private lanesDeferred = false;
  readonly imdsLane: Lane;
  readonly appLane: Lane;
  readonly name: string;

  constructor(options: RuntimeOptions) {
    this.name = options.name;
    this.world = options.world;
    this.outages = options.outages;
    const { scheduler } = options;
    this.scheduler = scheduler;
    const { config, stream, keyIndex } = options.imds;
    // Spelled out rather than spread: a literal of known shape, once per instance of a fleet.
    this.imds = new ImdsPublisher({ scheduler, config, stream, keyIndex }, this);
    this.app = new SdkCache(options.policy, scheduler, stream, this);
    this.imdsLane = new Lane(scheduler.nowMs, DOWN, options.recordAfterMs);
    this.appLane = new Lane(scheduler.nowMs, DOWN, options.recordAfterMs);
  }

  /**
   * Moves the instance, its clock and its pending events, to scheduler `to` (see moveTimers).
   * IMDS's and the SDK's timers move in one call, so that their pending events keep their order
   * among themselves, ties at the same millisecond included.
   */
  moveTo(to: Scheduler): void {
    // Written by index and cleared after, never emptied by `length = 0` (which gives the storage
    // back, and every move would allocate it anew).
    const timers = movingTimers;
    const count = this.app.addTimers(timers, this.imds.addTimers(timers, 0));
    moveTimers(timers, to, count);
    timers.fill(undefined, 0, count);
    // IMDS and the SDK cache are timers themselves: moving them moved their clocks.
    this.scheduler = to;
  }

  // ImdsHost and SdkHost: what the publisher and the cache ask of the instance.

  association(): AssociationState | undefined {
    return this.world.association(this);
  }

  profileRole(profileId: string): ProfileRole {
    return this.world.profileRole(this, profileId);
  }

  credentialsIssued(creds: Credentials, previous: Credentials | undefined): void {
    // Observers told here may read IMDS.
    this.copyServed();
    this.world.credentialsIssued(this, creds, previous);
  }

  /** What IMDS serves may have changed: a per-call client notices, and both lanes are re-derived. */
  imdsChanged(): void {
    this.copyServed();
    this.app.imdsChanged();
    this.update();
  }

  /** What the application holds may have changed. */
  appChanged(): void {
    this.update();
    this.world.applicationChanged(this);
  }

  get running(): boolean {
    return this.instanceRunning;
  }

  /** EC2 reports a new instance state. */
  instanceState(state: string): void {
    if (state === 'running') {
      if (this.instanceRunning) return;
      this.instanceRunning = true;
      this.appRestarting = false;
      this.imds.boot();
      this.app.start();
    } else if (this.instanceRunning) {
      this.instanceRunning = false;
      this.app.stop();
      this.imds.shutdown();
    }
    this.update();
  }

  /** A reboot began: the application goes down; IMDS keeps what it has (Uptycs: reboot does not refresh). */
  rebootStarted(): void {
    if (!this.instanceRunning) return;
    this.appRestarting = true;
    this.app.stop();
  }

  /** The reboot finished: the application restarts with an empty cache. */
  rebootFinished(): void {
    if (!this.instanceRunning || !this.appRestarting) return;
    this.appRestarting = false;
    this.app.start();
  }

  inOutage(nowMs: number): boolean {
    for (const w of this.outages) if (nowMs >= w.fromMs && nowMs < w.toMs) return true;
    return false;
  }

  /** What a read of IMDS returns now. */
  readImds(): Credentials | undefined {
    const nowMs = this.scheduler.nowMs;
    if (!this.instanceRunning || this.appRestarting || this.inOutage(nowMs)) return undefined;
    // Valid credentials only (see isValidAt), from the copy.
    return nowMs < this.servedUntilMs ? this.served : undefined;
  }

  /** Copies what IMDS serves (see `served`). */
  private copyServed(): void {
    const imds = this.imds;
    const served = imds.endpoint ? imds.creds : undefined;
    this.served = served;
    this.servedUntilMs = served === undefined ? 0 : served.expiresAtMs;
  }

  /**
   * Re-derives both lanes from scratch: the world calls it when the region's enforcement views
   * changed, which changes what every credential means.
   */
  reevaluate(): void {
    this.imdsClassified = undefined;
    this.appClassified = undefined;
    this.update();
  }

  /**
   * Stops (true) or resumes (false) re-deriving the lanes at every change; resuming re-derives
   * them once, from the state at that moment. For a stretch whose lanes nobody reads and the
   * lanes keep nothing of (it ends at or before the lanes' recordAfterMs) in a world that stands
   * still meanwhile: the isolated warm-up, where most of a fleet's events fall. The lanes'
   * state is a function of the instance's state and the world's (update() keeps no history but
   * its cache), every change of which is an event that re-derives it; so the state derived once
   * at the end is the one the last of the skipped derivations would have left, and the segments
   * skipped end before recordAfterMs, where none is kept.
   */
  deferLanes(deferred: boolean): void {
    this.lanesDeferred = deferred;
    if (!deferred) this.update();
  }

  /** Re-derives both lanes from the current state (called on every change that could matter). */
  private update(): void {
    if (this.lanesDeferred) return;
    const nowMs = this.scheduler.nowMs;
    if (!this.instanceRunning) {
      this.imdsClassified = undefined;
      this.appClassified = undefined;
      this.setImds(nowMs, DOWN);
      this.setApp(nowMs, DOWN);
      return;
    }
    const served = this.served !== undefined && !this.inOutage(nowMs) ? this.served : undefined;
    if (served !== undefined && served === this.imdsClassified && nowMs < this.imdsValidUntilMs) {
      // Unchanged.
    } else if (!isValidAt(served, nowMs)) {
      this.imdsClassified = undefined;
      this.setImds(nowMs, NONE);
    } else {
      this.imdsClassified = served;
      this.imdsValidUntilMs = served.expiresAtMs;
      this.setImds(nowMs, this.world.classify(this, served));
    }
    const held = this.appRestarting ? undefined : this.app.usable;
    if (held !== undefined && held === this.appClassified && nowMs < this.appValidUntilMs) {
      // Unchanged.
    } else if (!isValidAt(held, nowMs)) {
      this.appClassified = undefined;
      this.setApp(nowMs, this.appRestarting ? DOWN : this.unusableState(held));
    } else {
      this.appClassified = held;
      this.appValidUntilMs = held.expiresAtMs;
      this.setApp(nowMs, this.world.classify(this, held));
    }
  }

  private setImds(nowMs: number, state: LaneState): void {
    if (state === this.imdsState) return;
    this.imdsState = state;
    this.imdsLane.set(nowMs, state);
  }

  private setApp(nowMs: number, state: LaneState): void {
    if (state === this.appState) return;
    this.appState = state;
    this.appLane.set(nowMs, state);
  }

  /**
   * What the application presents without valid credentials: expired credentials that its SDK
   * still presents (static stability) are rejected by AWS, so the application is out although it
   * holds something.
   */
  private unusableState(creds: Credentials | undefined): LaneState {
    return creds === undefined ? NONE : laneState('denied', creds.roleName, false);
  }
}
