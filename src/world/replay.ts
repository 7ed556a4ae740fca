/**
 * A run's shared world recorded once, then replayed to instances simulated a chunk at a time.
 *
 * Why. A sliced run (src/parallel/slice.ts) simulates the whole shared world with each slice, and
 * a thread that simulates all of its instances at once holds them all in memory: at a million
 * instances every event is then a likely cache miss, and an instance costs about twice what it
 * costs in a small fleet. Here a thread simulates the shared world once (SharedRecorder), keeping
 * what the instance side ever sees of it, and then runs its instances in chunks against a replay
 * of that record (SharedPlayer), each chunk small and alone.
 *
 * What the instance side sees of the shared world (slice.ts says why nothing else): EC2's events
 * for the instance (pushed to its runtime), what EC2 answers for its association (pulled), and
 * the region views of the three replicated stores (their applies are pushed, their states pulled).
 * The recorder logs each of these as an op, in the order it happened, with the event it happened
 * in; the player applies them to the chunk's world at the same places in the order.
 *
 * The order. Events run in the total order (timeMs, priority, seq), seq being the order of
 * scheduling, from one counter for shared and instance events. Let c be the number of shared
 * events scheduled so far (the recorder's counter: the shared world alone schedules only shared
 * events). A shared event with seq s was scheduled before an instance event scheduled when the
 * counter stood at c exactly when s < c; so the chunk orders the shared event as seq (2s + 1)·SPAN
 * and the instance event as 2c·SPAN + k, k counting up, and both orders agree (fewer than SPAN
 * instance events are scheduled at one c, which the player checks).
 * Which shared events ran before an instance event Z (normal priority, as every instance event
 * is, which the player checks)? Those of earlier milliseconds, and at Z's millisecond a prefix of
 * the log: an event that ran before Z either was pending with it (so its key is less) or
 * scheduled Z (so Z's seq is greater); the first that ran after Z was pending when Z ran (it was
 * not scheduled by a later one), so its key is greater. Within a millisecond the log is not in
 * key order (an event may schedule an urgent one at its own time, which runs next), so the test
 * is on the ceiling, the greatest key at that millisecond up to that point of the log: the events
 * before Z are those whose ceiling is below Z's key. The player keeps a cursor over the log by
 * that test, and c is the counter after the last event before the cursor (or, inside a replayed
 * event, the counter at each op). A replayed event is queued at its ceiling, so it runs among
 * the chunk's events where it ran in the whole run, and the chunk runs its events in the same
 * relative order as the whole run did (the induction of slice.ts), with the same results.
 *
 * One file: the recorder writes the log in the encoding the player reads, and the order argument
 * above is what both of them keep.
 */
import type { AssociationListener, AssociationOfInstance } from '../aws/ec2/ec2.ts';
import {
  associationStateNames,
  type Ec2Event,
  type InstanceStateName,
  instanceStateNames,
} from '../aws/ec2/types.ts';
import type { FireHooks, Scheduler } from '../engine/index.ts';
import type { AssociationState } from '../instance/imds.ts';

/** Seqs of instance events at one counter value (see the header). */
const SEQ_SPAN = 2 ** 26;
const PRIORITY_UNIT = 2 ** 52;
/** The recorder's counter must stay below this for seqs to fit (2c+1)·SPAN < 2^52. */
const COUNTER_MAX = 2 ** 25 - 1;

/** The three replicated stores an instance reads. */
export type StoreName = 'iam' | 'authz' | 'scp';

/** A recorded apply of a region view. */
interface ViewOp {
  readonly store: StoreName;
  readonly region: string;
  readonly version: number;
  readonly snapshot: unknown;
}

/**
 * Kinds of ops (SharedLog.opKinds). The log holds a million instances' ops at fleet scale, so an
 * op is a few numbers in typed arrays, not an object: a major GC then has nothing to mark.
 * An association op's kind says its state (ASSOCIATION_NONE + 1 + index in associationStateNames);
 * an EC2 event's, its type (EC2_KINDS).
 */
const VIEW = 0;
const ASSOCIATION_NONE = 1;
const EC2_FIRST = ASSOCIATION_NONE + 1 + associationStateNames.length;
const EC2_TYPES = [
  'instanceState',
  'associationSettled',
  'associationEnded',
  'rebootStarted',
  'rebooted',
] as const;
type Ec2EventType = Ec2Event['type'];
// Every EC2 event type has a kind (a new type fails to compile here until it is given one).
const EC2_KINDS: Readonly<Record<Ec2EventType, number>> = Object.fromEntries(
  EC2_TYPES.map((t, k) => [t, EC2_FIRST + k]),
) as Record<(typeof EC2_TYPES)[number], number>;

/** A growable typed array. */
class Growable<A extends Float64Array | Int32Array | Uint8Array> {
  length = 0;
  constructor(
    public data: A,
    private readonly make: (length: number) => A,
  ) {}
  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = this.make(Math.max(1024, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
}
const makeDoubles = (n: number) => new Float64Array(n);
const makeInts = (n: number) => new Int32Array(n);
const makeBytes = (n: number) => new Uint8Array(n);
/** A growable array's room beyond what it expects (all of it when it expects nothing). */
const CAPACITY_SPARE = 1024;
/**
 * Growable arrays with room for `expected` entries and CAPACITY_SPARE more before they first
 * grow: a fleet's log (or list of calls) expects some per instance, and the shared world makes a
 * few of its own besides (see EVENTS_PER_INSTANCE for why a large one is sized up front).
 */
export const doubles = (expected = 0) => new Growable(makeDoubles(expected + CAPACITY_SPARE), makeDoubles);
export const ints = (expected = 0) => new Growable(makeInts(expected + CAPACITY_SPARE), makeInts);
export const bytes = (expected = 0) => new Growable(makeBytes(expected + CAPACITY_SPARE), makeBytes);

/**
 * Shared events and ops a fleet-wide change makes per instance at the least: replace-profile's
 * two calls, and its association's settle, make 4 events and 5 ops (the other per-instance
 * strategies make more; edit-policy and swap-role next to none). A log is sized for them before
 * the world is built, instead of doubling its arrays as it fills.
 *
 * Why: typed arrays live outside V8's heap, and every 64 MB allocated there since the last full
 * collection makes V8 start another one. A log doubling its eleven arrays through a million
 * instances' fan-out allocated ~600 MB out there, so every few seconds of the fan-out ran a
 * full collection of a heap of more than a GB (0.6-1.2 s pauses, and as much concurrent
 * marking): 3-9 s of a 1M recording's 35-50 s, and growing as the square of the fleet (as many
 * collections per instance, each of a heap as large as the fleet). Allocated
 * up front, the arrays cost at most one collection while the heap is still small, and the
 * space a smaller log leaves unused is never touched (the system maps it on first write).
 */
const EVENTS_PER_INSTANCE = 4;
const OPS_PER_INSTANCE = 5;

/** A growable array that starts as `data` (all of it in use). */
function grown<A extends Float64Array | Int32Array | Uint8Array>(
  data: A,
  make: (n: number) => A,
): Growable<A> {
  const g = new Growable(data, make);
  g.length = data.length;
  return g;
}

/** What the recorder keeps: every shared event's key and the counter after it, and the ops. */
export class SharedLog {
  /** Per shared event, in the order they ran: time, order (priority·2^52 + seq) and the counter after it. */
  readonly times: Growable<Float64Array>;
  readonly orders: Growable<Float64Array>;
  readonly countersAfter: Growable<Float64Array>;
  /** The counter when the run's first event was about to run. */
  initialCounter = 0;
  /**
   * Per shared event, its label, when the recorder was asked to keep them: a replayed event then
   * runs under its own label, which observers read (the cause recorder says what an application
   * change happened in).
   */
  labels: string[] | undefined = undefined;
  /**
   * The ops, in the order they happened: each one's kind (see VIEW), instance (a view's index in
   * `views`), the event it happened in and the counter then, and its number: an association's
   * seq (EC2's creation order: it stands for the id, which the instance side only compares), an
   * instance state event's state (index in instanceStateNames); and an association's profile id
   * (index in `profileIds`).
   */
  readonly opKinds: Growable<Uint8Array>;
  readonly opInstances: Growable<Int32Array>;
  readonly opEvents: Growable<Int32Array>;
  readonly opCounters: Growable<Float64Array>;
  readonly opNumbers: Growable<Int32Array>;
  readonly opProfiles: Growable<Int32Array>;
  readonly views: ViewOp[] = [];
  /** The profile ids associations named (a handful: the scenario's profiles). */
  readonly profileIds: string[] = [];
  /** Each scenario instance's association as EC2 held it when the run began, as an op says one. */
  readonly initialKinds: Growable<Uint8Array>;
  readonly initialNumbers: Growable<Int32Array>;
  readonly initialProfiles: Growable<Int32Array>;
  /** Whether the recorded world scheduled anything while it was built (then it cannot be replayed). */
  scheduledWhileBuilt = false;
  /** Whether EC2 told of an instance that is not a scenario instance (a launch: not replayable). */
  foreignInstances = false;
  /**
   * What every chunk's world works out from the scenario alone, made by the first (simulate.ts):
   * each would otherwise walk the whole instance list for it again.
   */
  derived: unknown = undefined;
  /** The run's change start (scenario ms), as the runbook set it. */
  changeStartMs: number | null = null;

  /** `instances`: the scenario's instance count, to size the arrays for (see EVENTS_PER_INSTANCE). */
  constructor(instances = 0) {
    const events = EVENTS_PER_INSTANCE * instances;
    const ops = OPS_PER_INSTANCE * instances;
    this.times = doubles(events);
    this.orders = doubles(events);
    this.countersAfter = doubles(events);
    this.opKinds = bytes(ops);
    this.opInstances = ints(ops);
    this.opEvents = ints(ops);
    this.opCounters = doubles(ops);
    this.opNumbers = ints(ops);
    this.opProfiles = ints(ops);
    this.initialKinds = bytes(instances);
    this.initialNumbers = ints(instances);
    this.initialProfiles = ints(instances);
  }
}

/** What the recorder listens to. */
export interface RecordedWorld {
  readonly scheduler: Scheduler;
  readonly ec2: {
    /** `instanceIndex`: the event's instance's position in instancesInOrder. */
    onEvent(listener: (e: Ec2Event, instanceIndex: number) => void): void;
    onAssociationChange(listener: AssociationListener): void;
    associationOf(instanceId: string): AssociationOfInstance | undefined;
    /** Every instance in creation order (its index's order); undefined where one was removed. */
    instancesInOrder(): readonly (
      | { readonly id: string; readonly association: AssociationOfInstance | undefined }
      | undefined
    )[];
  };
  readonly stores: Readonly<
    Record<StoreName, { onApply(l: (region: string, version: number, state: unknown) => void): void }>
  >;
  /** Scenario instance ids, by scenario index. */
  readonly instanceIds: readonly string[];
}

/** Records what the instance side sees of a shared world (see the header). */
export class SharedRecorder implements FireHooks {
  readonly log: SharedLog;
  private scheduler: Scheduler | undefined;
  private event = -1;

  /**
   * `keepLabels`: keep every shared event's label (see SharedLog.labels). `instances`: the
   * scenario's instance count (sizes the log: make the recorder before the world, while the heap
   * is small; see EVENTS_PER_INSTANCE).
   */
  constructor(keepLabels = false, instances = 0) {
    this.log = new SharedLog(instances);
    if (keepLabels) this.log.labels = [];
  }

  /** Starts recording `world`: call it when the run is about to process its first event. */
  attach(world: RecordedWorld): void {
    const { log } = this;
    const scheduler = world.scheduler;
    this.scheduler = scheduler;
    log.initialCounter = scheduler.nextSeq;
    const instances = world.instanceIds.length;
    // EC2 numbers instances in creation order: the scenario's come first, in order. Read in that
    // order, not looked up by id (two cold looks per instance at fleet scale). By index, not with
    // iterators: this loop runs once, unoptimized, and each step would allocate a result object.
    const inOrder = world.ec2.instancesInOrder();
    const ids = world.instanceIds;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const next = inOrder[i];
      // The instance at the same position in EC2's order has the id exactly when EC2 numbered it as the scenario does.
      const held = next === undefined || next.id !== id ? undefined : next;
      if (held === undefined) log.foreignInstances = true;
      const a = held === undefined ? world.ec2.associationOf(id) : held.association;
      log.initialKinds.push(associationKind(a));
      log.initialNumbers.push(a?.seq ?? -1);
      log.initialProfiles.push(this.profileIndex(a));
    }
    world.ec2.onAssociationChange((instance, a) => {
      if (instance >= instances) log.foreignInstances = true;
      else this.op(associationKind(a), instance, a?.seq ?? -1, this.profileIndex(a));
    });
    world.ec2.onEvent((event, instance) => {
      if (instance >= instances) log.foreignInstances = true;
      else {
        const state = event.type === 'instanceState' ? instanceStateNames.indexOf(event.state) : -1;
        this.op(EC2_KINDS[event.type], instance, state, -1);
      }
    });
    for (const store of ['iam', 'authz', 'scp'] as const) {
      world.stores[store].onApply((region, version, snapshot) => {
        log.views.push({ store, region, version, snapshot });
        this.op(VIEW, log.views.length - 1, -1, -1);
      });
    }
    scheduler.setFireHooks(this);
  }

  before(timeMs: number, priority: number, seq: number): void {
    const { log } = this;
    this.event = log.times.length;
    log.times.push(timeMs);
    log.orders.push(priority * PRIORITY_UNIT + seq);
    log.labels?.push(this.scheduler!.currentLabel);
  }

  after(): void {
    const counter = this.scheduler!.nextSeq;
    this.log.countersAfter.push(counter);
  }

  private op(kind: number, instance: number, number: number, profile: number): void {
    const { log } = this;
    if (this.event < 0) throw new Error('replay: the shared world changed outside an event');
    log.opKinds.push(kind);
    log.opInstances.push(instance);
    log.opEvents.push(this.event);
    log.opCounters.push(this.scheduler!.nextSeq);
    log.opNumbers.push(number);
    log.opProfiles.push(profile);
  }

  /** Index of `a`'s profile id in the log's profileIds (-1 without an association). */
  private profileIndex(a: AssociationOfInstance | undefined): number {
    if (a === undefined) return -1;
    const ids = this.log.profileIds;
    const k = ids.indexOf(a.profileId);
    if (k >= 0) return k;
    ids.push(a.profileId);
    return ids.length - 1;
  }
}

/**
 * A log as plain data that can travel to another thread (structured clone): its arrays cut to
 * their length, so that a copy holds little unused capacity (see logData). Region-view snapshots travel as copies;
 * every chunk of the receiving thread reads the same copies, as a thread's chunks read its own.
 */
export interface SharedLogData {
  readonly times: Float64Array;
  readonly orders: Float64Array;
  readonly countersAfter: Float64Array;
  readonly initialCounter: number;
  readonly labels: readonly string[] | undefined;
  readonly opKinds: Uint8Array;
  readonly opInstances: Int32Array;
  readonly opEvents: Int32Array;
  readonly opCounters: Float64Array;
  readonly opNumbers: Int32Array;
  readonly opProfiles: Int32Array;
  readonly views: readonly ViewOp[];
  readonly profileIds: readonly string[];
  readonly initialKinds: Uint8Array;
  readonly initialNumbers: Int32Array;
  readonly initialProfiles: Int32Array;
  readonly scheduledWhileBuilt: boolean;
  readonly foreignInstances: boolean;
  readonly changeStartMs: number | null;
}

/** `log` as data for another thread (see SharedLogData). */
export function logData(log: SharedLog): SharedLogData {
  // A copy of a fleet's arrays would be hundreds of MB allocated outside the heap at once (see
  // EVENTS_PER_INSTANCE), so an array with little unused room (as one sized for its fleet has)
  // is passed as a view, whose clone copies that little room too.
  const cut = <A extends Float64Array | Int32Array | Uint8Array>(g: Growable<A>) =>
    (g.data.length - g.length <= Math.max(CAPACITY_SPARE, g.length >>> 4)
      ? g.data.subarray(0, g.length)
      : g.data.slice(0, g.length)) as A;
  return {
    times: cut(log.times),
    orders: cut(log.orders),
    countersAfter: cut(log.countersAfter),
    initialCounter: log.initialCounter,
    labels: log.labels,
    opKinds: cut(log.opKinds),
    opInstances: cut(log.opInstances),
    opEvents: cut(log.opEvents),
    opCounters: cut(log.opCounters),
    opNumbers: cut(log.opNumbers),
    opProfiles: cut(log.opProfiles),
    views: log.views,
    profileIds: log.profileIds,
    initialKinds: cut(log.initialKinds),
    initialNumbers: cut(log.initialNumbers),
    initialProfiles: cut(log.initialProfiles),
    scheduledWhileBuilt: log.scheduledWhileBuilt,
    foreignInstances: log.foreignInstances,
    changeStartMs: log.changeStartMs,
  };
}

/** The log `data` holds (logData's inverse). */
export function logFromData(data: SharedLogData): SharedLog {
  return Object.assign(new SharedLog(), {
    times: grown(data.times, makeDoubles),
    orders: grown(data.orders, makeDoubles),
    countersAfter: grown(data.countersAfter, makeDoubles),
    initialCounter: data.initialCounter,
    labels: data.labels === undefined ? undefined : [...data.labels],
    opKinds: grown(data.opKinds, makeBytes),
    opInstances: grown(data.opInstances, makeInts),
    opEvents: grown(data.opEvents, makeInts),
    opCounters: grown(data.opCounters, makeDoubles),
    opNumbers: grown(data.opNumbers, makeInts),
    opProfiles: grown(data.opProfiles, makeInts),
    views: [...data.views],
    profileIds: [...data.profileIds],
    initialKinds: grown(data.initialKinds, makeBytes),
    initialNumbers: grown(data.initialNumbers, makeInts),
    initialProfiles: grown(data.initialProfiles, makeInts),
    scheduledWhileBuilt: data.scheduledWhileBuilt,
    foreignInstances: data.foreignInstances,
    changeStartMs: data.changeStartMs,
  });
}

/** The op kind that says association `a` (its state), ASSOCIATION_NONE for none. */
function associationKind(a: AssociationState | undefined): number {
  if (a === undefined) return ASSOCIATION_NONE;
  const k = (associationStateNames as readonly string[]).indexOf(a.state);
  if (k < 0) throw new Error(`replay: association state ${a.state} is not one EC2 keeps`);
  return ASSOCIATION_NONE + 1 + k;
}

/**
 * The association an op of kind `kind` says (see associationKind), rebuilt from its seq and
 * profile. Its id is made from the seq: the instance side only compares ids (a new id is a new
 * association), and seqs number associations one to one as ids name them.
 */
function associationOf(
  log: SharedLog,
  kind: number,
  seq: number,
  profile: number,
): AssociationState | undefined {
  if (kind === ASSOCIATION_NONE) return undefined;
  return {
    id: `association-${seq}`,
    state: associationStateNames[kind - ASSOCIATION_NONE - 1]!,
    profileId: log.profileIds[profile]!,
  };
}

/** Op `k` of `log` in words: `view iam us-east-1`, `association i associated`, `ec2 i associationSettled`. */
export function describeOp(log: SharedLog, k: number): string {
  const kind = log.opKinds.data[k]!;
  const instance = log.opInstances.data[k]!;
  if (kind === VIEW) {
    const view = log.views[instance]!;
    return `view ${view.store} ${view.region}`;
  }
  if (kind < EC2_FIRST) return `association ${instance} ${associationOf(log, kind, 0, 0)?.state ?? 'none'}`;
  return `ec2 ${instance} ${EC2_TYPES[kind - EC2_FIRST]}`;
}

/** Scenario instance `index`'s association when the run began (the chunk's world starts from it). */
export function initialAssociation(log: SharedLog, index: number): AssociationState | undefined {
  const { initialKinds, initialNumbers, initialProfiles } = log;
  return associationOf(
    log,
    initialKinds.data[index]!,
    initialNumbers.data[index]!,
    initialProfiles.data[index]!,
  );
}

/** What the player does with the ops of its chunk. */
export interface ReplayTarget {
  /** Instances [fromIndex, toIndex) of the scenario are the chunk's. */
  readonly fromIndex: number;
  readonly toIndex: number;
  view(store: StoreName, region: string, version: number, snapshot: unknown): void;
  /** EC2 event `type` about scenario instance `instance` (`state`: an instance state event's). */
  ec2Event(instance: number, type: Ec2EventType, state: InstanceStateName | undefined): void;
  association(instance: number, value: AssociationState | undefined): void;
}

/** Label of a replayed shared event: not an instance's own (see simulate.ts's isInstanceEvent). */
const REPLAY_LABEL = 'replay.shared';

/**
 * Replays a SharedLog to the chunk of a world (see the header): install() before the chunk's run,
 * atWarmUp() when its isolated warm-up is about to start.
 */
export class SharedPlayer implements FireHooks {
  /** Events of the log that come before the event now running. */
  private cursor = 0;
  private counter: number;
  /** The log's ceilings (ceilingsOf), read at every step of the cursor. */
  private readonly ceilings: Float64Array;

  constructor(
    private readonly log: SharedLog,
    private readonly scheduler: Scheduler,
    private readonly target: ReplayTarget,
  ) {
    this.counter = log.initialCounter;
    this.ceilings = ceilingsOf(log);
  }

  /** Whether `log` can be replayed at all (its counters fit the seqs, nothing scheduled while built). */
  static canReplay(log: SharedLog): boolean {
    const n = log.countersAfter.length;
    const last = n === 0 ? log.initialCounter : log.countersAfter.data[n - 1]!;
    return !log.scheduledWhileBuilt && !log.foreignInstances && last <= COUNTER_MAX;
  }

  /** Schedules the replay of every shared event that has ops for the chunk, and steers the order. */
  install(): void {
    const { log, scheduler, target } = this;
    const opEvents = log.opEvents.data;
    const chunkOps = opsOf(log, target.fromIndex, target.toIndex);
    const { ceilings } = this;
    let k = 0;
    let ties = 0;
    let previous = -1;
    while (k < chunkOps.length) {
      const event = opEvents[chunkOps[k]!]!;
      let end = k + 1;
      while (end < chunkOps.length && opEvents[chunkOps[end]!] === event) end++;
      // Replays with the same ceiling keep the log's order (see ceilingsOf).
      const same =
        previous >= 0 &&
        log.times.data[previous] === log.times.data[event] &&
        ceilings[previous] === ceilings[event];
      ties = same ? ties + 1 : 0;
      this.schedule(event, ceilings[event]! + ties, chunkOps.subarray(k, end));
      previous = event;
      k = end;
    }
    scheduler.raiseSeqTo(2 * this.counter * SEQ_SPAN);
    scheduler.setFireHooks(this);
  }

  /** The isolated warm-up is about to start: every shared event up to time 0 has run. */
  atWarmUp(): void {
    const { log } = this;
    const times = log.times.data;
    while (this.cursor < log.times.length && times[this.cursor]! <= 0) this.cursor++;
    this.setCounter(this.cursor === 0 ? log.initialCounter : log.countersAfter.data[this.cursor - 1]!);
  }

  before(timeMs: number, priority: number, seq: number): void {
    // A replayed event's seq is (2s + 1)·SPAN plus its rank (see ceilingsOf): it sets the
    // counter itself.
    if (Math.floor(seq / SEQ_SPAN) % 2 === 1) return;
    if (priority === 0)
      throw new Error(
        'replay: an instance event is urgent; the replay assumes they are normal (see replay.ts)',
      );
    const n = this.log.times.length;
    const order = priority * PRIORITY_UNIT + seq;
    const cursor = this.cursor;
    if (cursor >= n || !this.sharedBefore(cursor, timeMs, order)) return;
    // Gallop, then bisect: sharedBefore is monotone along the log (ceilings), and a chunk's
    // events are far fewer than the shared world's, so the cursor often skips many at once.
    let known = cursor;
    let step = 1;
    let probe = cursor + 1;
    while (probe < n && this.sharedBefore(probe, timeMs, order)) {
      known = probe;
      step *= 2;
      probe = known + step;
    }
    let lo = known + 1;
    let hi = Math.min(probe, n);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sharedBefore(mid, timeMs, order)) lo = mid + 1;
      else hi = mid;
    }
    this.cursor = lo;
    this.setCounter(this.log.countersAfter.data[lo - 1]!);
  }

  /** Whether shared event `j` ran before an instance event with key (timeMs, order) (see the header). */
  private sharedBefore(j: number, timeMs: number, order: number): boolean {
    const t = this.log.times.data[j]!;
    if (t !== timeMs) return t < timeMs;
    return this.ceilings[j]! < order;
  }

  after(): void {}

  /**
   * The chunk's run ended: checks that the last counter's instance seqs stayed in their range.
   * @throws Error when they did not (the replayed order would not be the whole run's).
   */
  finish(): void {
    this.setCounter(this.counter);
    this.scheduler.setFireHooks(undefined);
  }

  private setCounter(counter: number): void {
    // The instance events scheduled at the previous counter must all come before the shared
    // event scheduled at it: seqs below (2c + 1)·SPAN.
    if (this.scheduler.nextSeq > (2 * this.counter + 1) * SEQ_SPAN)
      throw new Error(`replay: more than ${SEQ_SPAN} instance events were scheduled between two shared ones`);
    if (counter < this.counter) throw new Error('replay: the shared counter went backwards (a bug)');
    this.counter = counter;
    this.scheduler.raiseSeqTo(2 * counter * SEQ_SPAN);
  }

  /** Schedules the replay of log event `event` at its ceiling `order`, with its ops `ops` (indices into the log's). */
  private schedule(event: number, order: number, ops: Int32Array): void {
    const { log, target } = this;
    const priority = order >= PRIORITY_UNIT ? 1 : 0;
    const timeMs = log.times.data[event]!;
    const label = log.labels?.[event] ?? REPLAY_LABEL;
    this.scheduler.atWithSeq(timeMs, priority, order - priority * PRIORITY_UNIT, label, () => {
      // Every shared event before this one in the log ran before it.
      if (this.cursor < event) {
        this.cursor = event;
        this.setCounter(event === 0 ? log.initialCounter : log.countersAfter.data[event - 1]!);
      }
      for (const k of ops) {
        this.setCounter(log.opCounters.data[k]!);
        const kind = log.opKinds.data[k]!;
        const instance = log.opInstances.data[k]!;
        if (kind === VIEW) {
          const view = log.views[instance]!;
          target.view(view.store, view.region, view.version, view.snapshot);
        } else if (kind < EC2_FIRST) {
          const association = associationOf(log, kind, log.opNumbers.data[k]!, log.opProfiles.data[k]!);
          target.association(instance, association);
        } else {
          const state = log.opNumbers.data[k]!;
          target.ec2Event(
            instance,
            EC2_TYPES[kind - EC2_FIRST]!,
            state < 0 ? undefined : instanceStateNames[state],
          );
        }
      }
      this.cursor = event + 1;
      this.setCounter(log.countersAfter.data[event]!);
    });
  }
}

/** The chunk's order (priority·2^52 + seq) of a shared event recorded with `order`: seq s becomes (2s + 1)·SPAN. */
function replayOrder(order: number): number {
  const priority = order >= PRIORITY_UNIT ? 1 : 0;
  const seq = order - priority * PRIORITY_UNIT;
  return priority * PRIORITY_UNIT + (2 * seq + 1) * SEQ_SPAN;
}

/**
 * Per logged event, its ceiling: the greatest chunk order (replayOrder) of the events logged at
 * its millisecond up to it. The log runs in time order, but within a millisecond not in key order
 * (an event may schedule an urgent one at its own time, which then runs next); an instance event
 * ran after exactly the shared events whose ceilings are below its key (see the header), and a
 * replayed event keyed by its ceiling (plus its rank among equal ceilings) runs among the
 * chunk's events where it ran in the whole run.
 */
const ceilingIndexes = new WeakMap<SharedLog, Float64Array>();

function ceilingsOf(log: SharedLog): Float64Array {
  let ceilings = ceilingIndexes.get(log);
  if (ceilings !== undefined && ceilings.length === log.times.length) return ceilings;
  const n = log.times.length;
  const times = log.times.data;
  ceilings = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const own = replayOrder(log.orders.data[j]!);
    ceilings[j] = j > 0 && times[j] === times[j - 1] ? Math.max(ceilings[j - 1]!, own) : own;
  }
  ceilingIndexes.set(log, ceilings);
  return ceilings;
}

/** The log's ops by instance (each instance's in order) and its view ops, made once per log. */
interface OpIndex {
  /** Ops of instance i: byInstance[starts[i] .. starts[i + 1]). */
  readonly starts: Int32Array;
  readonly byInstance: Int32Array;
  readonly views: Int32Array;
}

const opIndexes = new WeakMap<SharedLog, OpIndex>();

/** Indices of the ops a chunk of instances [from, to) replays (views and its own), in log order. */
function opsOf(log: SharedLog, from: number, to: number): Int32Array {
  let index = opIndexes.get(log);
  if (index === undefined) {
    index = indexOps(log);
    opIndexes.set(log, index);
  }
  const { starts, byInstance, views } = index;
  const own = byInstance.subarray(starts[from]!, starts[to]!);
  const all = new Int32Array(views.length + own.length);
  all.set(views);
  all.set(own, views.length);
  return all.sort();
}

function indexOps(log: SharedLog): OpIndex {
  const instances = log.initialKinds.length;
  const n = log.opKinds.length;
  const kinds = log.opKinds.data;
  const opInstances = log.opInstances.data;
  const counts = new Int32Array(instances + 1);
  let views = 0;
  for (let k = 0; k < n; k++) {
    if (kinds[k] === VIEW) views++;
    else counts[opInstances[k]! + 1]!++;
  }
  const starts = new Int32Array(instances + 1);
  for (let i = 0; i < instances; i++) starts[i + 1] = starts[i]! + counts[i + 1]!;
  const byInstance = new Int32Array(starts[instances]!);
  const next = starts.slice(0, instances);
  const viewOps = new Int32Array(views);
  let v = 0;
  for (let k = 0; k < n; k++) {
    if (kinds[k] === VIEW) viewOps[v++] = k;
    else byInstance[next[opInstances[k]!]!++] = k;
  }
  return { starts, byInstance, views: viewOps };
}
