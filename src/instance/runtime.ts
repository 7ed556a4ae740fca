/**
 * One instance as the application sees it: the IMDS publisher, the SDK cache, and the two
 * timeline lanes that record what each held. The runtime reacts to EC2 (state changes,
 * association changes, reboots) and to the region's authorization view, and classifies
 * credentials into new / old / other through a function the simulation provides.
 */
import type { Scheduler } from '../engine/index.ts';
import type { HoldingKind } from '../result.ts';
import { type Credentials, isValidAt } from './credentials.ts';
import { type ImdsEnvironment, ImdsPublisher } from './imds.ts';
import type { SdkPolicy } from './sdk.ts';
import { SdkCache } from './sdk-cache.ts';
import { Lane, type LaneState } from './timeline.ts';

export interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface RuntimeOptions {
  readonly scheduler: Scheduler;
  readonly name: string;
  readonly region: string;
  readonly policy: SdkPolicy;
  /** Everything IMDS needs except the change notification, which the runtime wires itself. */
  readonly imds: Omit<ImdsEnvironment, 'changed' | 'scheduler'>;
  /** Classifies valid credentials now (the region's authorization view decides their permissions). */
  readonly classify: (creds: Credentials) => { readonly kind: HoldingKind; readonly probeAllowed: boolean };
  /** IMDS outage windows (scheduler time): reads fail inside them. */
  readonly outages: readonly Window[];
}

const DOWN: LaneState = { kind: 'down', probeAllowed: false };
const NONE: LaneState = { kind: 'none', probeAllowed: false };

export class InstanceRuntime {
  readonly name: string;
  readonly region: string;
  readonly imds: ImdsPublisher;
  readonly app: SdkCache;
  readonly imdsLane: Lane;
  readonly appLane: Lane;
  /** The instance is in EC2 state `running`. */
  private instanceRunning = false;
  /** The application is restarting (reboot in progress). */
  private appRestarting = false;
  private readonly opts: RuntimeOptions;

  constructor(options: RuntimeOptions) {
    this.opts = options;
    this.name = options.name;
    this.region = options.region;
    const { scheduler } = options;
    this.imds = new ImdsPublisher({
      ...options.imds,
      scheduler,
      changed: () => {
        this.app.imdsChanged();
        this.reevaluate();
      },
    });
    this.app = new SdkCache(options.policy, {
      scheduler,
      stream: options.imds.stream,
      readImds: () => this.readImds(),
      changed: () => this.reevaluate(),
    });
    this.imdsLane = new Lane(scheduler.nowMs, DOWN);
    this.appLane = new Lane(scheduler.nowMs, DOWN);
    for (const w of options.outages) {
      // At both edges what IMDS serves changes for the application; a per-call client notices at once.
      for (const edgeMs of [w.fromMs, w.toMs]) {
        if (edgeMs >= scheduler.nowMs) {
          scheduler.at(edgeMs, 'imds.outage', () => {
            this.app.imdsChanged();
            this.reevaluate();
          });
        }
      }
    }
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
    this.reevaluate();
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
    for (const w of this.opts.outages) if (nowMs >= w.fromMs && nowMs < w.toMs) return true;
    return false;
  }

  /** What a read of IMDS returns now. */
  readImds(): Credentials | undefined {
    const nowMs = this.opts.scheduler.nowMs;
    if (!this.instanceRunning || this.appRestarting || !this.imds.endpoint || this.inOutage(nowMs))
      return undefined;
    const creds = this.imds.creds;
    return isValidAt(creds, nowMs) ? creds : undefined;
  }

  /** Re-derives both lanes from the current state (called on every change that could matter). */
  reevaluate(): void {
    const nowMs = this.opts.scheduler.nowMs;
    if (!this.instanceRunning) {
      this.imdsLane.set(nowMs, DOWN);
      this.appLane.set(nowMs, DOWN);
      return;
    }
    const served = this.imds.endpoint && !this.inOutage(nowMs) ? this.imds.creds : undefined;
    this.imdsLane.set(nowMs, this.stateOf(served, nowMs));
    this.appLane.set(nowMs, this.appRestarting ? DOWN : this.stateOf(this.app.held, nowMs));
  }

  private stateOf(creds: Credentials | undefined, nowMs: number): LaneState {
    if (!isValidAt(creds, nowMs)) return NONE;
    const c = this.opts.classify(creds);
    return { kind: c.kind, role: creds.roleName, probeAllowed: c.probeAllowed };
  }
}
