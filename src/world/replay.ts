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
 */
import type { Ec2Event } from '../aws/ec2/types.ts';
import type { FireHooks, Scheduler } from '../engine/index.ts';
import type { AssociationState } from '../instance/imds.ts';

/** Seqs of instance events at one counter value (see the header). */
const SEQ_SPAN = 2 ** 26;
const PRIORITY_UNIT = 2 ** 52;
/** The recorder's counter must stay below this for seqs to fit (2c+1)·SPAN < 2^52. */
const COUNTER_MAX = 2 ** 25 - 1;

/** The three replicated stores an instance reads. */
export type StoreName = 'iam' | 'authz' | 'scp';

export type ReplayOp =
  | {
      readonly kind: 'view';
      readonly store: StoreName;
      readonly region: string;
      readonly version: number;
      readonly snapshot: unknown;
    }
  | { readonly kind: 'ec2'; readonly instance: number; readonly event: Ec2Event }
  | { readonly kind: 'association'; readonly instance: number; readonly value: AssociationState | undefined };

/** A growable array of doubles. */
class Doubles {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
}

/** What the recorder keeps: every shared event's key and the counter after it, and the ops. */
export class SharedLog {
  /** Per shared event, in the order they ran: time, order (priority·2^52 + seq) and the counter after it. */
  readonly times = new Doubles();
  readonly orders = new Doubles();
  readonly countersAfter = new Doubles();
  /** The counter when the run's first event was about to run. */
  initialCounter = 0;
  /** The ops, in the order they happened, and the event each happened in, and the counter then. */
  readonly ops: ReplayOp[] = [];
  readonly opEvents: number[] = [];
  readonly opCounters: number[] = [];
  /** Each scenario instance's association as EC2 held it when the run began. */
  readonly initialAssociations: (AssociationState | undefined)[] = [];
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
}

/** What the recorder listens to. */
export interface RecordedWorld {
  readonly scheduler: Scheduler;
  readonly ec2: {
    onEvent(listener: (e: Ec2Event) => void): void;
    onAssociationChange(listener: (instanceId: string) => void): void;
    associationOf(instanceId: string): AssociationState | undefined;
  };
  readonly stores: Readonly<
    Record<StoreName, { onApply(l: (region: string, version: number, state: unknown) => void): void }>
  >;
  /** Scenario instance ids, by scenario index. */
  readonly instanceIds: readonly string[];
}

/** Records what the instance side sees of a shared world (see the header). */
export class SharedRecorder implements FireHooks {
  readonly log = new SharedLog();
  private scheduler: Scheduler | undefined;
  private event = -1;

  /** Starts recording `world`: call it when the run is about to process its first event. */
  attach(world: RecordedWorld): void {
    const { log } = this;
    const scheduler = world.scheduler;
    this.scheduler = scheduler;
    log.initialCounter = scheduler.nextSeq;
    const indexOf = new Map<string, number>();
    world.instanceIds.forEach((id, i) => {
      indexOf.set(id, i);
      const a = world.ec2.associationOf(id);
      log.initialAssociations.push(a === undefined ? undefined : copyAssociation(a));
    });
    world.ec2.onAssociationChange((id) => {
      const instance = indexOf.get(id);
      if (instance === undefined) {
        log.foreignInstances = true;
        return;
      }
      const a = world.ec2.associationOf(id);
      this.op({ kind: 'association', instance, value: a === undefined ? undefined : copyAssociation(a) });
    });
    world.ec2.onEvent((event) => {
      const instance = indexOf.get(event.instanceId);
      if (instance === undefined) log.foreignInstances = true;
      else this.op({ kind: 'ec2', instance, event });
    });
    for (const store of ['iam', 'authz', 'scp'] as const) {
      world.stores[store].onApply((region, version, snapshot) =>
        this.op({ kind: 'view', store, region, version, snapshot }),
      );
    }
    scheduler.setFireHooks(this);
  }

  before(timeMs: number, priority: number, seq: number): void {
    const { log } = this;
    this.event = log.times.length;
    log.times.push(timeMs);
    log.orders.push(priority * PRIORITY_UNIT + seq);
  }

  after(): void {
    const counter = this.scheduler!.nextSeq;
    this.log.countersAfter.push(counter);
  }

  private op(op: ReplayOp): void {
    const { log } = this;
    if (this.event < 0) throw new Error('replay: the shared world changed outside an event');
    log.ops.push(op);
    log.opEvents.push(this.event);
    log.opCounters.push(this.scheduler!.nextSeq);
  }
}

function copyAssociation(a: AssociationState): AssociationState {
  return { id: a.id, state: a.state, profileId: a.profileId };
}

/** What the player does with the ops of its chunk. */
export interface ReplayTarget {
  /** Instances [fromIndex, toIndex) of the scenario are the chunk's. */
  readonly fromIndex: number;
  readonly toIndex: number;
  view(store: StoreName, region: string, version: number, snapshot: unknown): void;
  ec2Event(event: Ec2Event): void;
  association(instance: number, value: AssociationState | undefined): void;
}

/** Label of a replayed shared event: not an instance's own (see simulate.ts's INSTANCE_EVENT_LABEL). */
const REPLAY_LABEL = 'replay.shared';

/**
 * Replays a SharedLog to the chunk of a world (see the header): install() before the chunk's run,
 * atWarmUp() when its isolated warm-up is about to start.
 */
export class SharedPlayer implements FireHooks {
  /** Events of the log that come before the event now running. */
  private cursor = 0;
  private counter: number;

  constructor(
    private readonly log: SharedLog,
    private readonly scheduler: Scheduler,
    private readonly target: ReplayTarget,
  ) {
    this.counter = log.initialCounter;
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
    const { opEvents } = log;
    const chunkOps = opsOf(log, target.fromIndex, target.toIndex);
    const ceilings = ceilingsOf(log);
    let k = 0;
    let ties = 0;
    let previous = -1;
    while (k < chunkOps.length) {
      const event = opEvents[chunkOps[k]!]!;
      let end = k + 1;
      while (end < chunkOps.length && opEvents[chunkOps[end]!] === event) end++;
      // Replays with the same ceiling keep the log's order (see ReplayIndex.ceilings).
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
    if (this.scheduler.currentLabel === REPLAY_LABEL) return;
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
    return ceilingsOf(this.log)[j]! < order;
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
    this.scheduler.atWithSeq(timeMs, priority, order - priority * PRIORITY_UNIT, REPLAY_LABEL, () => {
      // Every shared event before this one in the log ran before it.
      if (this.cursor < event) {
        this.cursor = event;
        this.setCounter(event === 0 ? log.initialCounter : log.countersAfter.data[event - 1]!);
      }
      for (const k of ops) {
        const op = log.ops[k]!;
        this.setCounter(log.opCounters[k]!);
        if (op.kind === 'view') target.view(op.store, op.region, op.version, op.snapshot);
        else if (op.kind === 'ec2') target.ec2Event(op.event);
        else target.association(op.instance, op.value);
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
  const instances = log.initialAssociations.length;
  const counts = new Int32Array(instances + 1);
  let views = 0;
  for (const op of log.ops) {
    if (op.kind === 'view') views++;
    else counts[op.instance + 1]!++;
  }
  const starts = new Int32Array(instances + 1);
  for (let i = 0; i < instances; i++) starts[i + 1] = starts[i]! + counts[i + 1]!;
  const byInstance = new Int32Array(starts[instances]!);
  const next = starts.slice(0, instances);
  const viewOps = new Int32Array(views);
  let v = 0;
  log.ops.forEach((op, k) => {
    if (op.kind === 'view') viewOps[v++] = k;
    else byInstance[next[op.instance]!++] = k;
  });
  return { starts, byInstance, views: viewOps };
}
