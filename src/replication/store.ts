/**
 * A replicated store: one control plane where writes commit, and one read-only view per region
 * that receives each committed version after a delay.
 *
 * Guarantees, each checked by tests and by the invariant checkers:
 * - versions in a region never decrease, and a region applies versions in commit order: version
 *   n is applied no earlier than version n-1 (its arrival time is max(own delay, previous arrival));
 * - a partition pauses delivery to a region for a window; afterwards the region catches up in order;
 * - once writes stop and the largest delay has passed (plus any partition), every region's view
 *   equals the control plane.
 *
 * Snapshots are immutable (immer `produce`), so a region view is just a reference to the snapshot
 * of some version, and applying a version is O(1).
 */
import { type Draft, freeze, produce } from 'immer';
import { type Distribution, Priority, type RandomStream, type Scheduler } from '../engine/index.ts';

export interface RegionView<S> {
  readonly region: string;
  version: number;
  state: S;
  /** Time the last version was applied here. */
  appliedAtMs: number;
}

export interface PartitionWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

export type ApplyListener<S> = (region: string, version: number, state: S, previous: S) => void;

export interface ReplicatedStoreOptions<S> {
  /** A name for traces, e.g. `iam` or `authz`. */
  readonly name: string;
  readonly initial: S;
  readonly regions: readonly string[];
  readonly scheduler: Scheduler;
  /** Delay from commit to arrival in a region, drawn per version per region. */
  readonly delay: Distribution;
  /** One random stream per region, so regions draw independently. */
  readonly streamFor: (region: string) => RandomStream;
}

export class ReplicatedStore<S> {
  readonly name: string;
  private controlState: S;
  private controlVersion = 0;
  private readonly views = new Map<string, RegionView<S>>();
  /** Scheduled arrival time of the newest version per region (for in-order delivery). */
  private readonly lastArrivalMs = new Map<string, number>();
  private readonly partitions = new Map<string, PartitionWindow[]>();
  private readonly listeners: ApplyListener<S>[] = [];
  private readonly opts: ReplicatedStoreOptions<S>;

  constructor(options: ReplicatedStoreOptions<S>) {
    this.opts = options;
    this.name = options.name;
    this.controlState = freeze(options.initial, true);
    for (const region of options.regions) {
      this.views.set(region, { region, version: 0, state: this.controlState, appliedAtMs: 0 });
      this.lastArrivalMs.set(region, 0);
    }
  }

  get regions(): readonly string[] {
    return this.opts.regions;
  }

  /** The committed state (read-your-writes). */
  get control(): S {
    return this.controlState;
  }

  get version(): number {
    return this.controlVersion;
  }

  view(region: string): RegionView<S> | undefined {
    return this.views.get(region);
  }

  onApply(listener: ApplyListener<S>): void {
    this.listeners.push(listener);
  }

  /** Replication to `region` is paused in [fromMs, toMs); deliveries due inside wait until toMs. */
  addPartition(region: string, window: PartitionWindow): void {
    const list = this.partitions.get(region) ?? [];
    list.push(window);
    list.sort((a, b) => a.fromMs - b.fromMs);
    this.partitions.set(region, list);
  }

  /**
   * Replaces the initial state at time 0, before anything else happened: the scenario's initial
   * world is "already converged in every region". Only valid while no write has been committed.
   */
  seed(recipe: (draft: Draft<S>) => void): void {
    if (this.controlVersion !== 0) throw new Error('seed() is only valid before the first commit');
    this.controlState = produce(this.controlState, recipe);
    for (const view of this.views.values()) view.state = this.controlState;
  }

  /**
   * Commits a change at the control plane now and schedules its delivery to every region.
   * Returns the new version. The recipe must not throw (validate before committing).
   */
  commit(recipe: (draft: Draft<S>) => void): number {
    const next = produce(this.controlState, recipe);
    if (next === this.controlState) return this.controlVersion; // no-op writes create no version
    this.controlState = next;
    const version = ++this.controlVersion;
    const snapshot = next;
    const { scheduler } = this.opts;
    for (const region of this.opts.regions) {
      const drawn = this.opts.delay.sample(this.opts.streamFor(region));
      let arrival = Math.max(scheduler.nowMs + drawn, this.lastArrivalMs.get(region) ?? 0);
      arrival = this.afterPartitions(region, arrival);
      this.lastArrivalMs.set(region, arrival);
      scheduler.at(
        arrival,
        `${this.name}.apply`,
        () => this.apply(region, version, snapshot),
        Priority.urgent,
        region,
      );
    }
    return version;
  }

  private afterPartitions(region: string, timeMs: number): number {
    let t = timeMs;
    for (const w of this.partitions.get(region) ?? []) {
      if (t >= w.fromMs && t < w.toMs) t = w.toMs;
    }
    return t;
  }

  /**
   * Applies `version` (its `snapshot`) in `region` now, as its delivery does: for the replay of a
   * recorded run, whose deliveries are not scheduled here (src/world/replay.ts).
   */
  applyRecorded(region: string, version: number, snapshot: S): void {
    this.apply(region, version, snapshot);
  }

  private apply(region: string, version: number, snapshot: S): void {
    const view = this.views.get(region)!;
    // In-order scheduling guarantees version === view.version + 1; a mismatch is a model bug.
    if (version !== view.version + 1) {
      throw new Error(`${this.name}: region ${region} would apply version ${version} after ${view.version}`);
    }
    const previous = view.state;
    view.version = version;
    view.state = snapshot;
    view.appliedAtMs = this.opts.scheduler.nowMs;
    for (const l of this.listeners) l(region, version, snapshot, previous);
  }

  /** The time by which every committed version has reached every region. */
  get convergedByMs(): number {
    let t = 0;
    for (const v of this.lastArrivalMs.values()) t = Math.max(t, v);
    return t;
  }
}
