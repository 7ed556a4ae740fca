/**
 * simulate(): builds the world a scenario describes, runs its runbook, and returns plain data.
 *
 * One file because it is one object: the World's construction, its answers to the instance
 * runtimes (InstanceWorld), its run loop with the warm-up, and the operator all share the same
 * stores, services and runtimes. What does not need that state lives apart and is handed what it
 * needs: how credentials are judged for the change (world/classify.ts), how one call is executed
 * and recorded (world/calls.ts), the results read off the recorded lanes (world/results.ts) and a
 * replaced slot's (world/slots.ts), the change being measured (change-plan.ts), metrics and checks
 * (metrics.ts), access keys (instance/access-keys.ts). EC2 tells the world what happened to an
 * instance through its events (state, association, reboot started and finished).
 *
 * The world: one scheduler and one root seed; IAM's control plane with two replicated views per
 * region (entities for IAM reads and EC2 lookups; role policies for enforcement, each with its own
 * propagation delay); EC2 per region; one runtime (IMDS + SDK cache) per instance.
 *
 * Warm-up: the scenario says the initial world exists at t=0 "already converged". For credentials
 * that is not a single state: each instance's IMDS set and each SDK's cached set have an age. So
 * the instances boot at random times during a warm-up period before t=0 and run their ordinary
 * rotations and refreshes; at t=0 every cache is in its steady state, which no formula had to
 * guess. Scheduler time = scenario time + warm-up; results are in scenario time.
 */

import { Ec2Service } from './aws/ec2/ec2.ts';
import type { Ec2Event, InstanceStateName, SeedInstanceSpec } from './aws/ec2/types.ts';
import { IamService, seedIamWorld } from './aws/iam/iam.ts';
import { allowPolicyDocument, revokeOlderSessionsDocument } from './aws/iam/policy.ts';
import { SEED_POLICY_NAME } from './aws/iam/seed.ts';
import { type AuthzState, emptyAuthzState, emptyIamState, type IamState } from './aws/iam/types.ts';
import { hexId, IdFactory } from './aws/ids.ts';
import { OrganizationsService } from './aws/organizations.ts';
import type { CalibrationKey } from './calibration.ts';
import { type ChangePlan, changePlan, initialRole } from './change-plan.ts';
import {
  type Distribution,
  distributionOf,
  formatMs,
  Priority,
  RandomStreams,
  ResourceCapError,
  Scheduler,
  spawn,
  type TraceObserver,
} from './engine/index.ts';
import { Attacker } from './incident/attacker.ts';
import type { Credentials } from './instance/credentials.ts';
import type { AssociationState, ImdsConfig, ProfileRole } from './instance/imds.ts';
import type { PermissionSet } from './instance/permissions.ts';
import { InstanceRuntime, type InstanceWorld, type RuntimeOptions, type Window } from './instance/runtime.ts';
import { sdkPolicy } from './instance/sdk.ts';
import type { LaneState } from './instance/timeline.ts';
import {
  expectationOutcomes,
  metricCheckOutcomes,
  metricCheckSubjects,
  minUpShareOf,
  upDeltas,
} from './metrics.ts';
import { type RegionView, ReplicatedStore } from './replication/store.ts';
import type { CheckOutcome, RunResult, StepRecord, WaiterPass } from './result.ts';
import type { CallOutcome, CallRequest, CallSite, InstanceRef, Operator } from './runbook/operator.ts';
import { runSteps } from './runbook/runbook.ts';
import type { InstanceSpec, Scenario } from './scenario/types.ts';
import { CallInFlight, callName, callService, isPlainStep, type Service, stepRecord } from './world/calls.ts';
import { type ClassifiedInstance, CredentialClassifier } from './world/classify.ts';
import { DeferredSteps } from './world/deferred-steps.ts';
import { initialAssociation, type SharedLog, SharedPlayer, type SharedRecorder } from './world/replay.ts';
import { instanceResults } from './world/results.ts';
import type { Replacement } from './world/slots.ts';

const H = 3_600_000;
/** The targets of a world that simulates no instance (an empty slice). */
const NO_TARGETS: ReadonlySet<string> = new Set();
/** The outages of an instance without any (most of a fleet). */
const NO_OUTAGES: readonly Window[] = [];
/** Credential lifetimes simulated before t=0 (after the boot span); see the World constructor. */
export const WARMUP_CYCLES = 2;
/** The default cap on events processed in a run (SimulateOptions.eventsMax). */
export const EVENTS_MAX_DEFAULT = 50_000_000;

export interface SimulateOptions {
  readonly seed: number;
  /** Cap on events processed; exceeding it is a ResourceCapError. Default 50 million. */
  readonly eventsMax?: number;
  /** Observer of every event (for --trace). Times are scheduler times; `offsetMs` converts. */
  readonly trace?: (record: Parameters<TraceObserver>[0], offsetMs: number) => void;
  /** Keep the full per-instance timelines in the result (default true). */
  readonly timelines?: boolean;
  /** Keep each call's response in the step records (default true). */
  readonly responses?: boolean;
  /** TEST ONLY: deliberately broken model variants, to show that checkers catch them. */
  readonly modelBugs?: { readonly imdsKeepsRemovedRole?: boolean };
  /** Observers (checkers) attached to the world before it runs; they must only read. */
  readonly observers?: readonly WorldObserver[];
  /**
   * How the warm-up before t=0 runs; results are identical either way (tests check it).
   * `isolated`, the default when nothing observes the run (no observers, no trace), runs each
   * instance's warm-up on a small scheduler of its own, one instance after the other: during the
   * warm-up instances touch only their own state, so their events commute, and one instance's
   * state stays in the cache for all its events (at fleet scale most events are warm-up events).
   * `interleaved` runs every event in global (time, priority, seq) order, as observers and
   * traces need to see it; it is what observers and traces get.
   */
  readonly warmUp?: 'isolated' | 'interleaved';
  /**
   * Simulate the instance side (IMDS, SDK cache, lanes, results) of only some instances; the
   * shared world (IAM, region views, EC2, the runbook's calls for every instance) runs whole.
   * See src/parallel/slice.ts for why the other instances' results are unchanged by it.
   */
  readonly slice?: InstanceSlice;
  /**
   * Record what the instance side sees of the shared world (src/world/replay.ts): with an empty
   * slice, a run of the shared world alone whose log chunks are then replayed to.
   */
  readonly record?: SharedRecorder;
  /**
   * Do not run the shared world: replay this log of it (recorded with the same scenario and seed)
   * to the slice's instances. Every other instance is left out entirely.
   */
  readonly replay?: SharedLog;
}

/** Scenario instances `fromIndex` (inclusive) to `toIndex` (exclusive), and what the merge needs. */
export interface InstanceSlice {
  readonly fromIndex: number;
  readonly toIndex: number;
  /**
   * Whether this slice keeps the shared world's step records (the result's `steps`): one slice
   * does; the others count the calls and keep only the records that carry an `expect` (whose
   * verdicts are the result's checks), since every slice makes the same calls again and a fleet's
   * runbook makes two per instance. Default true.
   */
  readonly keepsSteps?: boolean;
  /**
   * Called at the end with how many targets the slice has and their ups and downs by instant
   * (upDeltas: what the merge adds up for the fleet measures), how many of the events processed
   * were the slice's instances' own, and how many calls the shared world made (kept or not).
   */
  readonly finished?: (slice: {
    readonly targets: number;
    readonly upDeltas: ReadonlyMap<number, number>;
    readonly instanceEvents: number;
    readonly calls: number;
  }) => void;
}

/**
 * Whether `label` is one of an instance's own side: IMDS's and the SDK cache's timers, its boot and
 * its IMDS outages' edges. A sliced run counts them apart from the shared world's (src/parallel/
 * checks that every slice then counts the same shared events).
 */
function isInstanceEvent(label: string): boolean {
  return label.startsWith('imds.') || label.startsWith('sdk.') || label.startsWith('instance.');
}

/** What an observer may read, and the hooks it is called through. Scheduler times are scenario time + offsetMs. */
export interface WorldView {
  readonly scheduler: Scheduler;
  readonly offsetMs: number;
  readonly iamStore: ReplicatedStore<IamState>;
  readonly authzStore: ReplicatedStore<AuthzState>;
  readonly ec2: Ec2Service;
  /** Runtime of each scenario instance, by instance name. */
  readonly runtimes: ReadonlyMap<string, InstanceRuntime>;
  readonly refs: ReadonlyMap<string, InstanceRef>;
  /**
   * The association EC2 holds for instance `name` now, as its runtime reads it (in a replayed
   * run, SimulateOptions.replay, EC2 holds nothing: the record says it).
   */
  associationOf(name: string): AssociationState | undefined;
}

export interface WorldObserver {
  attach(world: WorldView): void;
  /** IMDS of `instance` issued `creds`, replacing `previous` (undefined after boot or an association change). */
  credentialsIssued?(instance: string, creds: Credentials, previous: Credentials | undefined): void;
  /** What the application of `instance` holds (or presents) may have changed. */
  applicationChanged?(instance: string): void;
  /** A call was executed and recorded. */
  callExecuted?(record: StepRecord): void;
  /** The run reached its horizon. */
  finished?(): void;
}

/** A runtime with what the world keeps per instance for its answers in its own fields (see InstanceWorld). */
class WorldRuntime extends InstanceRuntime implements ClassifiedInstance {
  // Fields in layout order (see InstanceRuntime): those that rotations and refreshes read first.
  /** The IAM view of the instance's region, with the last answer given there (see World.profileRole). */
  readonly iam: RegionRoles;
  readonly authzView: RegionView<AuthzState>;
  // The classifier's memo (see ClassifiedInstance).
  classifiedSnapshot: AuthzState | undefined = undefined;
  classifiedRoleId: string | undefined = undefined;
  classifiedRoleName: string | undefined = undefined;
  classifiedState: LaneState | undefined = undefined;
  /** The EC2 instance id. */
  readonly id: string;
  readonly oldRole: string | undefined;
  readonly oldPermissions: PermissionSet | undefined;
  readonly scpView: RegionView<AuthzState> | undefined;
  readonly probeIndex: number;
  /** EC2's answer for the association, as replayed (SimulateOptions.replay only). */
  replayedAssociation: AssociationState | undefined = undefined;

  constructor(
    options: RuntimeOptions,
    iam: RegionRoles,
    authzView: RegionView<AuthzState>,
    id: string,
    oldRole: string | undefined,
    oldPermissions: PermissionSet | undefined,
    scpView: RegionView<AuthzState> | undefined,
    probeIndex: number,
  ) {
    super(options);
    this.iam = iam;
    this.authzView = authzView;
    this.id = id;
    this.oldRole = oldRole;
    this.oldPermissions = oldPermissions;
    this.scpView = scpView;
    this.probeIndex = probeIndex;
  }
}

/**
 * A region's IAM view and the last profile-role answer given in it. Every rotation asks; the
 * answer changes only with the snapshot or the profile, so this one entry, shared by the region's
 * instances, answers almost every question without a lookup.
 */
interface RegionRoles {
  readonly view: RegionView<IamState>;
  state: IamState | undefined;
  profileId: string | undefined;
  answer: ProfileRole | undefined;
}

/** What EC2 event `type` (`state`: an instance state event's) tells the runtime of its instance. */
function tell(rt: InstanceRuntime, type: Ec2Event['type'], state: InstanceStateName | undefined): void {
  if (type === 'instanceState') rt.instanceState(state!);
  else if (type === 'associationSettled' || type === 'associationEnded') rt.imds.associationChanged();
  else if (type === 'rebootStarted') rt.rebootStarted();
  else if (type === 'rebooted') rt.rebootFinished();
}

/** What a world works out from its scenario alone before it runs. */
interface ScenarioDerived {
  readonly plan: ChangePlan | undefined;
  readonly classifier: CredentialClassifier;
  /** The plan's targets: made when first read (a recording of the shared world has no instance results). */
  readonly targetNames: ReadonlySet<string>;
}

/**
 * The scenario's change plan, credential classifier and target set: made once per replay log
 * (SimulateOptions.replay), whose chunks would each walk the whole instance list for them again.
 */
function derivedOf(scenario: Scenario, options: SimulateOptions): ScenarioDerived {
  const derive = (): ScenarioDerived => {
    const plan = changePlan(scenario);
    let targetNames: ReadonlySet<string> | undefined;
    return {
      plan,
      classifier: new CredentialClassifier(scenario, plan),
      get targetNames() {
        targetNames ??= new Set(plan?.targets ?? []);
        return targetNames;
      },
    };
  };
  const replay = options.replay;
  if (replay === undefined) return derive();
  replay.derived ??= derive();
  return replay.derived as ScenarioDerived;
}

export function simulate(scenario: Scenario, options: SimulateOptions): RunResult {
  const world = new World(scenario, options);
  try {
    return world.run();
  } catch (e) {
    // The event cap was reached. Both warm-up modes process the same events, but only the
    // interleaved one reaches the cap at the event (and scenario time) the error must name.
    if (e instanceof ResourceCapError && world.isolatedWarmUp)
      return new World(scenario, { ...options, warmUp: 'interleaved' }).run();
    throw e;
  }
}

/**
 * A world driven from outside (`iamsim serve`): calls arrive one at a time at the current virtual
 * instant instead of from the scenario's runbook. Times are scenario ms.
 */
export interface OpenWorld {
  readonly view: WorldView;
  /** Every call made so far, as a run records its steps. */
  readonly records: readonly StepRecord[];
  readonly nowMs: number;
  /**
   * Runs every event up to scenario time `untilMs` (inclusive).
   * @throws SimulationError for a time in the past; ResourceCapError beyond `eventsMax` events.
   */
  advanceTo(untilMs: number): void;
  /** Makes one call as a runbook step does now: the API latency passes, then it executes and is recorded. */
  call(request: CallRequest): CallOutcome;
}

/**
 * Builds the world of `scenario` without its runbook (its steps are not run) and runs the warm-up
 * to t=0. The warm-up is interleaved (observers see every event).
 */
export function openWorld(scenario: Scenario, options: SimulateOptions): OpenWorld {
  return new World({ ...scenario, steps: [] }, { ...options, warmUp: 'interleaved' }).open();
}

/**
 * How the warm-up before t=0 is laid out: boot times spread over one credential life plus a
 * rotation, then at least WARMUP_CYCLES lifetimes of ordinary rotations and refreshes, so the
 * SDK caches' phases (a renewal process with ~6 h cycles) have mixed into their steady state.
 */
function warmUpSpans(lifetime: Distribution, period: Distribution): { bootSpanMs: number; offsetMs: number } {
  const lifetimeMaxMs = Number.isFinite(lifetime.upperBoundMs) ? lifetime.upperBoundMs : 6.5 * H;
  const periodMaxMs = Number.isFinite(period.upperBoundMs) ? period.upperBoundMs : H;
  const bootSpanMs = lifetimeMaxMs + periodMaxMs;
  return { bootSpanMs, offsetMs: bootSpanMs + WARMUP_CYCLES * lifetimeMaxMs };
}

/** EC2's state-change delays, from the calibration. */
function ec2Delays(dist: (key: CalibrationKey) => Distribution) {
  return {
    associationSettle: dist('associationSettle'),
    disassociationSettle: dist('disassociationSettle'),
    instanceStop: dist('instanceStop'),
    instanceStart: dist('instanceStart'),
    instanceReboot: dist('instanceReboot'),
  };
}

/** SCP propagation without an incident: nothing commits to that store (one spec for every run). */
const NO_SCP_PROPAGATION = { kind: 'fixed', valueMs: 0 } as const;

/**
 * The replicated stores of a world (IAM's, role policies' enforcement, SCPs'), each region's view
 * fed by its own stream, with the scenario's partitions applied (scheduler time), and the
 * control-plane pauses for IAM to refuse writes in.
 */
function replicatedStores(
  scenario: Scenario,
  scheduler: Scheduler,
  streams: RandomStreams,
  dist: (key: CalibrationKey) => Distribution,
  offsetMs: number,
): {
  readonly iam: ReplicatedStore<IamState>;
  readonly authz: ReplicatedStore<AuthzState>;
  readonly scp: ReplicatedStore<AuthzState>;
  readonly pauses: readonly Window[];
} {
  // Each store's region views draw their delays from `region/REGION/NAME`.
  const store = <S>(name: string, initial: S, delay: Distribution) =>
    new ReplicatedStore<S>({
      name,
      initial,
      regions: scenario.regions,
      scheduler,
      delay,
      streamFor: (r) => streams.stream(`region/${r}/${name}`),
    });
  const iam = store<IamState>('iam', emptyIamState, dist('iamPropagation'));
  const authz = store<AuthzState>('authz', emptyAuthzState, dist('policyPropagation'));
  // Without incidents nothing commits here, so it draws nothing and schedules nothing.
  const scp = store<AuthzState>(
    'scp',
    emptyAuthzState,
    distributionOf(scenario.incident?.detection.scpPropagation ?? NO_SCP_PROPAGATION),
  );
  const pauses: Window[] = [];
  for (const f of scenario.faults) {
    const w = { fromMs: f.fromMs + offsetMs, toMs: f.toMs + offsetMs };
    if (f.kind === 'partition') {
      iam.addPartition(f.region, w);
      authz.addPartition(f.region, w);
      scp.addPartition(f.region, w);
    } else if (f.kind === 'controlPlanePause') {
      pauses.push(w);
    }
  }
  return { iam, authz, scp, pauses };
}

class World {
  readonly scheduler = new Scheduler();
  private readonly bootSpanMs: number;
  readonly streams: RandomStreams;
  readonly offsetMs: number;
  readonly iamStore: ReplicatedStore<IamState>;
  readonly authzStore: ReplicatedStore<AuthzState>;
  /** Service control policies (Organizations): their own propagation path (incident responses). */
  readonly scpStore: ReplicatedStore<AuthzState>;
  readonly organizations: OrganizationsService;
  /** The attacker of the scenario's incidents, if it has any. */
  private readonly attacker: Attacker | undefined;
  readonly iam: IamService;
  readonly ec2: Ec2Service;
  readonly runtimes = new Map<string, InstanceRuntime>();
  readonly runtimesByRegion = new Map<string, InstanceRuntime[]>();
  /** Every instance's ref in the order they were made: the scenario's (those built here) in order, then replacements. */
  private readonly refList: InstanceRef[] = [];
  /** refList by name, made when first asked (see refs). */
  private refsByName: Map<string, InstanceRef> | undefined = undefined;
  readonly records: StepRecord[] = [];
  /**
   * Plain records not yet in `records` (see DeferredSteps): only while nobody reads a record as
   * it is made (no observers, no attacker, not an open world); put in `records` before any other
   * record and at the end of the run.
   */
  private deferredSteps: DeferredSteps | undefined;
  /** The services calls go to, made at the first call (execute). */
  private callServices: Readonly<Record<CallRequest['service'], Service>> | undefined = undefined;
  /** Calls made so far: the next record's index (records may not be kept: InstanceSlice.keepsSteps). */
  private callCount = 0;
  private readonly keepsRecords: boolean;
  readonly failures: CheckOutcome[] = [];
  readonly waiterPasses: WaiterPass[] = [];
  changeStartMs: number | null = null;
  private readonly observers: readonly WorldObserver[];
  /**
   * Runtimes by instance name, made when first asked (see byName): only observers and the
   * attacker look runtimes up by name, and a fleet run has neither.
   */
  private runtimesByName: Map<string, InstanceRuntime> | undefined = undefined;
  private readonly classifier: CredentialClassifier;
  private readonly plan: ChangePlan | undefined;
  /** What the world worked out from the scenario (its targets are read only for instance results). */
  private readonly derived: ScenarioDerived;
  /** Role of each profile id, per IAM snapshot: IMDS asks on every rotation. */
  private readonly profileRoles = new WeakMap<IamState, Map<string, ProfileRole>>();
  /** Per region, its IAM view and the last answer there (see RegionRoles). */
  private readonly regionRolesByName = new Map<string, RegionRoles>();
  private readonly apiLatency: Distribution;
  /** Whether the warm-up runs instance by instance (see SimulateOptions.warmUp). */
  readonly isolatedWarmUp: boolean;
  /** Boot time of each running instance (isolated warm-up only; otherwise they are scheduled). */
  private readonly boots: { readonly rt: InstanceRuntime; readonly name: string; readonly atMs: number }[] =
    [];
  /** IMDS's delays, shared by every runtime (the scenario's instances and replacements alike). */
  private readonly imdsConfig: ImdsConfig;
  /** Replacements launched by replace-instances, by the name of the scenario instance (slot) they replace. */
  private readonly replacements = new Map<string, Replacement>();
  /** Runtimes the whole world has made, those of other slices included (access key ids count them). */
  private runtimeCount = 0;
  /** The slice's runtimes by scenario index from the slice's first (SimulateOptions.replay only). */
  private readonly replayedRuntimes: WorldRuntime[] = [];
  /** The role counted as old, by initial profile name (see initialRoleOf). */
  private readonly initialRoles = new Map<string | undefined, string | undefined>();
  /** Scenario instances' positions by name (replace-instances looks its slot up once per replacement). */
  private slotIndex: Map<string, number> | undefined;
  /** What every runtime asks of the world (one shared object; see InstanceWorld). */
  private readonly instanceWorld: InstanceWorld<WorldRuntime> = {
    association: (rt) =>
      this.options.replay === undefined ? this.ec2.associationOf(rt.id) : rt.replayedAssociation,
    profileRole: (rt, profileId) => {
      const iam = rt.iam;
      const state = iam.view.state;
      if (state !== iam.state || profileId !== iam.profileId) {
        iam.answer = this.profileRole(state, profileId);
        iam.state = state;
        iam.profileId = profileId;
      }
      return iam.answer!;
    },
    classify: (rt, creds) => this.classifier.classify(rt, creds),
    credentialsIssued: (rt, creds, previous) => {
      // Most runs have nobody to tell: one test instead of a call and a loop per issuance.
      if (this.attacker === undefined && this.observers.length === 0) return;
      this.attacker?.credentialsIssued(rt.name, creds);
      for (const o of this.observers) o.credentialsIssued?.(rt.name, creds, previous);
    },
    applicationChanged: (rt) => {
      for (const o of this.observers) o.applicationChanged?.(rt.name);
    },
  };

  constructor(
    readonly scenario: Scenario,
    readonly options: SimulateOptions,
  ) {
    this.streams = new RandomStreams(options.seed);
    this.observers = options.observers ?? [];
    this.keepsRecords = options.slice?.keepsSteps ?? true;
    const dist = (key: CalibrationKey) => distributionOf(scenario.calibration[key].spec);
    const lifetime = dist('imdsCredentialLifetime');
    const period = dist('imdsRotationPeriod');
    ({ bootSpanMs: this.bootSpanMs, offsetMs: this.offsetMs } = warmUpSpans(lifetime, period));
    this.apiLatency = dist('apiLatency');
    const { scheduler, streams } = this;
    const regions = scenario.regions;
    const stores = replicatedStores(scenario, scheduler, streams, dist, this.offsetMs);
    this.iamStore = stores.iam;
    this.authzStore = stores.authz;
    this.scpStore = stores.scp;
    const pauses = stores.pauses;
    const ids = new IdFactory(streams.stream('ids'), expectedAssociations(scenario, options));
    this.iam = new IamService({
      scheduler,
      iam: this.iamStore,
      authz: this.authzStore,
      ids,
      model: scenario.model,
      isControlPlanePaused: (nowMs) => pauses.some((w) => nowMs >= w.fromMs && nowMs < w.toMs),
    });
    seedIamWorld(
      this.iam,
      scenario.roles.map((r) => ({ name: r.name, path: r.path, allow: [...r.allow] })),
      scenario.instanceProfiles.map((p) => ({ name: p.name, path: p.path, tags: [...p.tags], role: p.role })),
    );
    this.ec2 = new Ec2Service({
      scheduler,
      iam: this.iamStore,
      ids,
      regions,
      delays: ec2Delays(dist),
      // EC2 keeps each instance's stream on its record (no map of one stream per instance).
      streamFor: (name) => streams.fresh(name),
      // A replay's chunk seeds none (see addInstance).
      ...(options.replay === undefined ? { expectedInstances: instancesPerRegion(scenario) } : {}),
    });
    this.organizations = new OrganizationsService(this.scpStore, this.iamStore);
    this.derived = derivedOf(scenario, options);
    ({ plan: this.plan, classifier: this.classifier } = this.derived);
    if (this.plan?.atMs !== undefined) this.changeStartMs = this.plan.atMs;
    const [first, end] = this.builtRange();
    // Explicit ids first, so drawn ids can never collide with them.
    reserveExplicitIds(ids, scenario.instances, first, end);
    const pickup = dist('imdsAssociationPickup');
    this.imdsConfig = {
      rotationPeriod: period,
      lifetime,
      pickupDelay: pickup,
      bugKeepsRemovedRole: options.modelBugs?.imdsKeepsRemovedRole === true,
    };
    const bootsMs = this.bootTimes(first, end);
    // A boot at time 0 would run before the runbook's first step in the interleaved order; the
    // isolated warm-up starts after it, so it keeps to the exact order then.
    this.isolatedWarmUp =
      options.warmUp !== 'interleaved' &&
      this.observers.length === 0 &&
      options.trace === undefined &&
      bootsMs.every((ms) => ms === undefined || ms > 0);
    this.deferredSteps = this.deferredStepsFor(end - first);
    this.runtimeCount = first;
    for (let i = first; i < end; i++)
      this.addInstance(scenario.instances[i]!, bootsMs[i - first], this.inSlice(i));
    this.wireInstances();
    this.attacker = scenario.incident === undefined ? undefined : this.makeAttacker(scenario.incident);
    if (options.trace !== undefined) {
      const trace = options.trace;
      const offset = this.offsetMs;
      scheduler.onTrace((rec) => trace(rec, offset));
    }
  }

  /**
   * The world's deferred steps (see DeferredSteps), made before its `instances` are built, while
   * the heap is small: sized for the fleet's calls when this world makes and keeps them. None
   * when records are read as they are made (observers, an incident's attacker).
   */
  private deferredStepsFor(instances: number): DeferredSteps | undefined {
    if (this.scenario.incident !== undefined || this.observers.length > 0) return undefined;
    return new DeferredSteps(this.keepsRecords && this.options.replay === undefined ? instances : 0);
  }

  /**
   * Each instance's boot, at a random moment of the warm-up's first rotation period (random IMDS
   * phase); undefined for one not running at the start, or not simulated here (a slice's others
   * have no runtime to boot). Streams drawn from once are fresh, not kept in the named-stream
   * cache (it would hold one per instance).
   */
  private bootTimes(first: number, end: number): (number | undefined)[] {
    const bootsMs: (number | undefined)[] = [];
    for (let i = first; i < end; i++) {
      const spec = this.scenario.instances[i]!;
      bootsMs.push(
        spec.state === 'running' && this.inSlice(i)
          ? Math.min(this.streams.freshInt(`instance/${spec.name}/boot`, 0, this.bootSpanMs), this.offsetMs)
          : undefined,
      );
    }
    return bootsMs;
  }

  /** The scenario instances this world builds: all, or in a replay only its slice's (no others are simulated). */
  private builtRange(): readonly [number, number] {
    const { replay, slice } = this.options;
    return replay === undefined ? [0, this.scenario.instances.length] : [slice!.fromIndex, slice!.toIndex];
  }

  /** What EC2 and the enforcement views tell the instances' runtimes. */
  private wireInstances(): void {
    this.ec2.onEvent((e) => this.tellRuntime(e));
    // Either enforcement path (role policies, SCPs) changing in a region changes what the
    // credentials held there may do.
    const reevaluateRegion = (region: string) => {
      for (const rt of this.runtimesByRegion.get(region) ?? []) rt.reevaluate();
    };
    this.authzStore.onApply(reevaluateRegion);
    this.scpStore.onApply(reevaluateRegion);
  }

  /** What an EC2 event tells the runtime of its instance (if it is simulated here). */
  private tellRuntime(e: Ec2Event): void {
    // A recording has no runtimes: no lookup (it reads the id's hash off a cold string) per event.
    if (this.runtimes.size === 0) return;
    const rt = this.runtimes.get(e.instanceId);
    if (rt !== undefined) tell(rt, e.type, e.type === 'instanceState' ? e.state : undefined);
  }

  /** Whether the run is sliced to no instance at all (a recording of the shared world). */
  private get simulatesNoInstance(): boolean {
    const slice = this.options.slice;
    return slice !== undefined && slice.toIndex <= slice.fromIndex;
  }

  /** Whether scenario instance `index` is simulated here (see SimulateOptions.slice). */
  private inSlice(index: number): boolean {
    const slice = this.options.slice;
    return slice === undefined || (index >= slice.fromIndex && index < slice.toIndex);
  }

  private addInstance(spec: InstanceSpec, bootMs: number | undefined, inSlice: boolean): void {
    const { scheduler, streams } = this;
    const replay = this.options.replay;
    // Each instance's id and draws come from streams named after the instance, so adding one
    // instance changes nothing that any other instance draws.
    const id = spec.id ?? hexId(streams.fresh(`instance/${spec.name}/id`), 17, 'i-');
    if (replay === undefined) {
      // Members set one by one rather than spread in: a spread builds an object of its own.
      const seed: { -readonly [K in keyof SeedInstanceSpec]: SeedInstanceSpec[K] } = {
        id,
        name: spec.name,
        region: spec.region,
        state: spec.state,
      };
      if (spec.instanceProfile !== undefined) seed.profileName = spec.instanceProfile;
      if (spec.tags !== undefined) seed.tags = spec.tags;
      this.ec2.seedInstance(seed);
    }
    const index = this.runtimeCount;
    const rt = this.addRuntime(spec, id, inSlice);
    if (rt !== undefined && replay !== undefined) {
      (rt as WorldRuntime).replayedAssociation = initialAssociation(replay, index);
      this.replayedRuntimes[index - this.options.slice!.fromIndex] = rt as WorldRuntime;
    }
    if (rt === undefined || bootMs === undefined) return;
    if (this.isolatedWarmUp) this.boots.push({ rt, name: spec.name, atMs: bootMs });
    else scheduler.at(bootMs, 'instance.boot', () => rt.instanceState('running'), Priority.normal, spec.name);
  }

  /**
   * The runtime (IMDS + SDK cache + lanes) of EC2 instance `id`, as `spec` describes it; EC2's
   * events drive it from now on. `spec.instanceProfile` gives the role counted as old. Outside
   * the slice only what the shared world knows of it is kept (undefined).
   */
  private addRuntime(spec: InstanceSpec, id: string, inSlice: boolean): InstanceRuntime | undefined {
    const { scheduler, streams } = this;
    const { region } = spec;
    // Every member in the literal: one added later goes to a separate properties array (~40 bytes
    // more per instance, and a recording keeps a fleet's refs to the end).
    const profile = spec.instanceProfile;
    const ref: InstanceRef =
      profile === undefined
        ? { name: spec.name, id, region }
        : { name: spec.name, id, region, initialProfile: profile };
    this.refList.push(ref);
    this.refsByName?.set(spec.name, ref);
    const index = this.runtimeCount++;
    if (!inSlice) return undefined;
    // Only this runtime draws from it (names are unique, replacements' too): it holds the stream,
    // not the named-stream cache.
    const stream = streams.fresh(`instance/${spec.name}/imds`);
    const oldRole = this.initialRoleOf(spec);
    const options: RuntimeOptions = {
      scheduler,
      name: spec.name,
      policy: sdkPolicy(spec.sdk),
      // Asked only about the runtimes made here, which are WorldRuntimes (see InstanceWorld).
      world: this.instanceWorld as InstanceWorld,
      imds: {
        config: this.imdsConfig,
        stream,
        // Access key ids: unique and deterministic without a random draw, from the instance's index
        // and its issuance count.
        keyIndex: index,
      },
      outages: this.outagesOf(spec.name),
      // Results, checks and observers read the lanes in scenario time, from the warm-up's end.
      recordAfterMs: this.offsetMs,
    };
    const rt = new WorldRuntime(
      options,
      this.regionRoles(region),
      this.authzStore.view(region)!,
      id,
      oldRole,
      oldRole === undefined ? undefined : this.classifier.permissionsOfScenarioRole(oldRole),
      this.scenario.incident === undefined ? undefined : this.scpStore.view(region)!,
      spec.probe === undefined ? -1 : this.classifier.actionIndex(spec.probe.action),
    );
    this.runtimes.set(id, rt);
    this.runtimesByName?.set(spec.name, rt);
    const list = this.runtimesByRegion.get(region) ?? [];
    list.push(rt);
    this.runtimesByRegion.set(region, list);
    for (const f of this.scenario.faults) {
      if (f.kind !== 'imdsOutage' || !f.instances.includes(spec.name)) continue;
      // At both edges what IMDS serves changes for the application; a per-call client notices at once.
      for (const edgeMs of [f.fromMs + this.offsetMs, f.toMs + this.offsetMs]) {
        if (edgeMs >= scheduler.nowMs) scheduler.at(edgeMs, 'imds.outage', () => rt.imdsChanged());
      }
    }
    return rt;
  }

  /** initialRole of `spec`, worked out once per profile name (it searches the profiles). */
  private initialRoleOf(spec: InstanceSpec): string | undefined {
    const profile = spec.instanceProfile;
    if (this.initialRoles.has(profile)) return this.initialRoles.get(profile);
    const role = initialRole(this.scenario, spec);
    this.initialRoles.set(profile, role);
    return role;
  }

  /** Region `region`'s entry of regionRolesByName, made when first asked. */
  private regionRoles(region: string): RegionRoles {
    let roles = this.regionRolesByName.get(region);
    if (roles === undefined) {
      roles = {
        view: this.iamStore.view(region)!,
        state: undefined,
        profileId: undefined,
        answer: undefined,
      };
      this.regionRolesByName.set(region, roles);
    }
    return roles;
  }

  /** IMDS outage windows of instance `name` (scheduler time); one shared empty list for most. */
  private outagesOf(name: string): readonly Window[] {
    if (this.scenario.faults.length === 0) return NO_OUTAGES;
    const outages = this.scenario.faults
      .filter((f) => f.kind === 'imdsOutage' && f.instances.includes(name))
      .map((f) => ({ fromMs: f.fromMs + this.offsetMs, toMs: f.toMs + this.offsetMs }));
    return outages.length === 0 ? NO_OUTAGES : outages;
  }

  /**
   * Instance `id`, just launched as `name`, takes the place of scenario instance `slot`: it gets
   * a runtime with the slot's SDK and probe (and the slot's old role as "old"), and the slot's
   * result follows it (see run() and src/slots.ts). Its IMDS draws from a stream named after it.
   */
  private replaceInstance(slot: string, id: string, name: string): boolean {
    this.slotIndex ??= new Map(this.scenario.instances.map((s, i) => [s.name, i]));
    const index = this.slotIndex.get(slot) ?? -1;
    const spec = this.scenario.instances[index];
    // `id` is one RunInstances just drew (unique among every instance, other slices' too).
    if (spec === undefined || this.replacements.has(slot)) {
      this.failures.push({
        name: `runbook replace ${slot}`,
        kind: 'runbook',
        ok: false,
        detail: `${slot} ${spec === undefined ? 'is not a scenario instance' : 'was already replaced'}; a slot can be replaced once`,
      });
      return false;
    }
    this.addRuntime({ ...spec, name }, id, this.inSlice(index));
    this.replacements.set(slot, { name, id });
    return true;
  }

  /**
   * Runs the warm-up instance by instance (see SimulateOptions.warmUp): every event before t=0
   * except those at time 0 (the runbook's first step), which the shared scheduler has run.
   * Returns the number of events processed.
   * @throws ResourceCapError beyond `eventsMax` events.
   */
  private runIsolatedWarmUp(eventsMax: number): number {
    let processed = 0;
    const local = new Scheduler();
    for (const { rt, name, atMs } of this.boots) {
      local.restart();
      rt.moveTo(local);
      local.at(atMs, 'instance.boot', () => rt.instanceState('running'), Priority.normal, name);
      // Nobody reads the lanes before t=0, and they keep nothing of it (see deferLanes).
      rt.deferLanes(true);
      processed += local.run({ untilMs: this.offsetMs - 1, eventsMax: eventsMax - processed });
      rt.deferLanes(false);
      rt.moveTo(this.scheduler);
    }
    this.boots.length = 0;
    return processed;
  }

  /** The attacker of the scenario's incidents, reading the world through a narrow host. */
  private makeAttacker(section: NonNullable<Scenario['incident']>): Attacker {
    const region = this.scenario.model.defaultRegion;
    const attacker = new Attacker(this.scenario, section, {
      scheduler: this.scheduler,
      offsetMs: this.offsetMs,
      streams: this.streams,
      regions: this.scenario.regions,
      iamRegion: region,
      iamReads: this.scenario.model.iamReads,
      iamStore: this.iamStore,
      authzStore: this.authzStore,
      scpStore: this.scpStore,
      readImds: (name) => this.byName().get(name)?.readImds(),
      deleteRolePolicy: (roleName, policyName) =>
        this.iam.tryInvoke('DeleteRolePolicy', { RoleName: roleName, PolicyName: policyName }, region).ok,
    });
    this.ec2.onEvent((e) => {
      if (e.type !== 'instanceState') return;
      const rt = this.runtimes.get(e.instanceId);
      if (rt !== undefined) attacker.instanceState(rt.name, e.state);
    });
    attacker.start();
    return attacker;
  }

  /** The role a profile holds in IAM snapshot `state` (a region's view), found by the profile's id. */
  private profileRole(state: IamState, profileId: string): ProfileRole {
    // Snapshots are immutable, so the answer is worked out once per snapshot and profile.
    let roles = this.profileRoles.get(state);
    if (roles === undefined) {
      roles = new Map();
      this.profileRoles.set(state, roles);
    }
    let answer = roles.get(profileId);
    if (answer === undefined) {
      answer = profileRoleIn(state, profileId);
      roles.set(profileId, answer);
    }
    return answer;
  }

  /**
   * The refs by instance name, made when first asked: a fleet-wide strategy takes the scenario's
   * refs in order (Operator.scenarioRefs) and a recording reads none by name, while filling a
   * Map with a fleet's names costs about a microsecond per instance.
   */
  get refs(): ReadonlyMap<string, InstanceRef> {
    if (this.refsByName === undefined) {
      this.refsByName = new Map();
      for (const ref of this.refList) this.refsByName.set(ref.name, ref);
    }
    return this.refsByName;
  }

  /** The scenario instances' refs, in scenario order (made first, before any replacement). */
  private scenarioRefs(): InstanceRef[] {
    return this.refList.slice(0, this.scenario.instances.length);
  }

  /** Runtimes by instance name, in the order they were made (the order of `runtimes`). */
  private byName(): Map<string, InstanceRuntime> {
    if (this.runtimesByName === undefined) {
      this.runtimesByName = new Map();
      for (const rt of this.runtimes.values()) this.runtimesByName.set(rt.name, rt);
    }
    return this.runtimesByName;
  }

  private attachObservers(): WorldView {
    const world = this;
    const view: WorldView = {
      scheduler: this.scheduler,
      offsetMs: this.offsetMs,
      iamStore: this.iamStore,
      authzStore: this.authzStore,
      ec2: this.ec2,
      get runtimes() {
        return world.byName();
      },
      get refs() {
        return world.refs;
      },
      associationOf: (name) => {
        const rt = world.byName().get(name);
        if (rt !== undefined) return world.instanceWorld.association(rt as WorldRuntime);
        const id = world.refs.get(name)?.id;
        return id === undefined ? undefined : world.ec2.associationOf(id);
      },
    };
    for (const o of this.observers) o.attach(view);
    return view;
  }

  run(): RunResult {
    const { scheduler, scenario } = this;
    const op = this.operator();
    this.attachObservers();
    const player = this.startShared(op);
    // An empty slice (a recording of the shared world) has no runtime, so no instance event to
    // count: no look at each event's label (a process's is its own string, cold at fleet scale).
    const slice = this.options.slice;
    if (slice !== undefined && !this.simulatesNoInstance) scheduler.countWhere(isInstanceEvent);
    const warmUpEvents = this.runToHorizon(player);
    this.deferredSteps?.flush(this.records);
    if (player !== undefined) {
      player.finish();
      this.changeStartMs = this.options.replay!.changeStartMs;
    }
    if (this.options.record !== undefined) this.options.record.log.changeStartMs = this.changeStartMs;
    const endMs = scheduler.nowMs;
    for (const o of this.observers) o.finished?.();
    const { instances, targetApps } = this.instanceResults(endMs);
    // Every isolated warm-up event is an instance's own (that is why it may run isolated).
    // The fleet's ups and downs, once: the fleet measures read them, and so does a slice's merge.
    const deltas = upDeltas(targetApps, this.changeStartMs, scenario.horizonMs);
    slice?.finished?.({
      targets: targetApps.length,
      upDeltas: deltas,
      instanceEvents: (scheduler.counted ?? 0) + warmUpEvents,
      calls: this.callCount,
    });
    const checks: CheckOutcome[] = [
      ...this.failures,
      ...expectationOutcomes(this.records),
      ...metricCheckOutcomes(scenario.checks, metricCheckSubjects(instances)),
    ];
    return {
      scenario: scenario.name,
      seed: this.options.seed,
      horizonMs: scenario.horizonMs,
      changeStartMs: this.changeStartMs,
      steps: this.records,
      instances,
      judgedBy: this.plan?.judgedBy ?? 'role',
      fleet: minUpShareOf(deltas, targetApps.length, this.changeStartMs, scenario.horizonMs),
      ...(this.attacker === undefined ? {} : { incident: this.attacker.result(endMs, targetApps) }),
      checks,
      eventsProcessed: scheduler.counters.eventsProcessed + warmUpEvents,
      ...(this.waiterPasses.length === 0 ? {} : { waiterPasses: this.waiterPasses }),
    };
  }

  /**
   * Starts the shared world: the runbook (recorded when SimulateOptions.record asks), or, when
   * SimulateOptions.replay gives its log, the replay of it to the slice (returned).
   */
  private startShared(op: Operator): SharedPlayer | undefined {
    const { scheduler } = this;
    const replay = this.options.replay;
    const stores = { iam: this.iamStore, authz: this.authzStore, scp: this.scpStore } as const;
    if (replay !== undefined) {
      const slice = this.options.slice!;
      const player = new SharedPlayer(replay, scheduler, {
        fromIndex: slice.fromIndex,
        toIndex: slice.toIndex,
        view: (store, region, version, snapshot) =>
          (stores[store] as ReplicatedStore<unknown>).applyRecorded(region, version, snapshot),
        ec2Event: (index, type, state) => tell(this.replayedRuntimes[index - slice.fromIndex]!, type, state),
        association: (index, value) => {
          this.replayedRuntimes[index - slice.fromIndex]!.replayedAssociation = value;
        },
      });
      player.install();
      return player;
    }
    const builtSeq = scheduler.nextSeq;
    spawn(scheduler, 'runbook', this.runbook(op));
    const record = this.options.record;
    if (record !== undefined) {
      record.log.scheduledWhileBuilt = builtSeq > 0;
      record.attach({
        scheduler,
        ec2: this.ec2,
        stores,
        // The scenario's refs come first, in order (nothing is replaced before the run).
        instanceIds: this.scenarioRefs().map((ref) => ref.id),
      });
    }
    return undefined;
  }

  /**
   * Runs every event to the horizon: the warm-up isolated per instance when it may be, else all in
   * one order. Returns how many events the isolated warm-up ran on schedulers of their own.
   * @throws ResourceCapError over `eventsMax`, said in scenario time.
   */
  private runToHorizon(player: SharedPlayer | undefined): number {
    const { scheduler, scenario } = this;
    const eventsMax = this.options.eventsMax ?? EVENTS_MAX_DEFAULT;
    let warmUpEvents = 0;
    try {
      if (this.isolatedWarmUp) {
        // Time 0 in the shared order first (the runbook's first step), then the rest of the
        // warm-up instance by instance: nothing shared happens before t=0 after time 0.
        const atZero = scheduler.run({ untilMs: 0, eventsMax });
        const nextSharedMs = scheduler.peek();
        if (nextSharedMs !== undefined && nextSharedMs < this.offsetMs) {
          throw new Error(`isolated warm-up: a shared event is due at ${nextSharedMs} ms, before t=0`);
        }
        player?.atWarmUp();
        warmUpEvents = this.runIsolatedWarmUp(eventsMax - atZero);
        scheduler.run({
          untilMs: this.offsetMs + scenario.horizonMs,
          eventsMax: eventsMax - atZero - warmUpEvents,
        });
      } else {
        scheduler.run({ untilMs: this.offsetMs + scenario.horizonMs, eventsMax });
      }
    } catch (e) {
      if (!(e instanceof ResourceCapError)) throw e;
      // Say it in scenario time: the warm-up offset is an internal detail.
      const atMs = scheduler.nowMs - this.offsetMs;
      const where =
        atMs < 0
          ? 'during the warm-up before t=0'
          : `at t=${formatMs(atMs)} of ${formatMs(scenario.horizonMs)}`;
      throw new ResourceCapError(
        e.cap,
        e.limit,
        `more than ${e.limit} events ${where} (scenario ${scenario.name}, seed ${this.options.seed}); raise the cap (--events-max) or shorten the horizon`,
      );
    }
    return warmUpEvents;
  }

  /** Every simulated instance's result at `endMs` (a slice's own only), and the targets' app lanes. */
  private instanceResults(endMs: number): ReturnType<typeof instanceResults> {
    const { scenario } = this;
    const slice = this.options.slice;
    return instanceResults({
      // A slice reports its own instances only; the merge puts the slices together (parallel/).
      scenario:
        slice === undefined
          ? scenario
          : { ...scenario, instances: scenario.instances.slice(slice.fromIndex, slice.toIndex) },
      // A slice without instances never asks (and a recording's would build a set of the fleet).
      targets: this.simulatesNoInstance ? NO_TARGETS : this.derived.targetNames,
      lanesOf: (name) => {
        const id = this.refs.get(name)!.id;
        const rt = this.runtimes.get(id)!;
        return {
          id,
          imds: rt.imdsLane.segments(endMs, this.offsetMs),
          app: rt.appLane.segments(endMs, this.offsetMs),
        };
      },
      replacementLanes: (name) => {
        const replacement = this.replacements.get(name);
        if (replacement === undefined) return undefined;
        const next = this.runtimes.get(replacement.id)!;
        return {
          replacement,
          imds: next.imdsLane.segments(endMs, this.offsetMs),
          app: next.appLane.segments(endMs, this.offsetMs),
        };
      },
      probePhaseMs: (spec) =>
        spec.probe === undefined
          ? 0
          : this.streams.freshInt(`instance/${spec.name}/probe`, 0, spec.probe.everyMs - 1),
      changeStartMs: this.changeStartMs,
      timelines: this.options.timelines ?? true,
    });
  }

  /** See openWorld: the warm-up runs to t=0, then the caller drives. */
  open(): OpenWorld {
    const { scheduler, offsetMs } = this;
    // Its records are read as the calls are made.
    this.deferredSteps = undefined;
    const op = this.operator();
    const view = this.attachObservers();
    const eventsMax = this.options.eventsMax ?? EVENTS_MAX_DEFAULT;
    scheduler.run({ untilMs: offsetMs, eventsMax });
    return {
      view,
      records: this.records,
      get nowMs() {
        return scheduler.nowMs - offsetMs;
      },
      advanceTo: (untilMs) => {
        scheduler.run({ untilMs: untilMs + offsetMs, eventsMax });
      },
      call: (request) => {
        // A process like a runbook step's, so the call draws its latency from the same stream
        // in the same order and lands among the other events exactly as a replayed step would.
        let outcome: CallOutcome | undefined;
        const done = spawn(
          scheduler,
          'serve.call',
          (function* () {
            outcome = yield* op.call(request);
          })(),
        );
        for (let n = 0; !done.fired; n++) {
          if (n >= eventsMax)
            throw new ResourceCapError('eventsMax', eventsMax, 'a served call never completed');
          if (!scheduler.step()) throw new Error('a served call was left without a pending event');
        }
        return outcome!;
      },
    };
  }

  private *runbook(op: Operator) {
    // Steps start at scenario time 0.
    const waitMs = this.offsetMs - this.scheduler.nowMs;
    if (waitMs > 0) yield waitMs;
    if (this.attacker !== undefined) {
      // With an incident, the runbook is the response: it starts when the theft is detected.
      yield this.attacker.responseStarted;
      op.markChangeStart();
    }
    yield* runSteps(op, this.scenario.steps, {
      scenario: this.scenario,
      offsetMs: this.offsetMs,
      policies: {
        allow: allowPolicyDocument,
        revokeOlderSessions: (ms) => revokeOlderSessionsDocument(ms + this.offsetMs),
      },
      scenarioPolicyName: SEED_POLICY_NAME,
    });
  }

  private operator(): Operator {
    const world = this;
    const { scheduler } = this;
    const latencyStream = this.streams.stream('operator/latency');
    const keepResponses = this.options.responses ?? true;
    const site: CallSite = {
      latencyMs: () => world.apiLatency.sample(latencyStream),
      execute: (request) => world.execute(request, keepResponses),
    };
    return {
      get nowMs() {
        return scheduler.nowMs - world.offsetMs;
      },
      defaultRegion: this.scenario.model.defaultRegion,
      records: this.records,
      call: (request) => new CallInFlight(site, request),
      site,
      instance: (name) => {
        const ref = this.refs.get(name);
        if (ref === undefined) throw new Error(`unknown instance ${name}`);
        return ref;
      },
      // Only a world that built every scenario instance has them all in order (see builtRange).
      ...(this.options.replay === undefined ? { scenarioRefs: () => this.scenarioRefs() } : {}),
      associationIdOf: (instanceId) => this.ec2.activeAssociation(instanceId)?.AssociationId,
      markChangeStart: () => {
        if (this.changeStartMs === null) this.changeStartMs = scheduler.nowMs - this.offsetMs;
      },
      fail: (origin, detail) => {
        this.failures.push({ name: `runbook ${origin}`, kind: 'runbook', ok: false, detail });
      },
      waiterPassed: (pass) => this.waiterPasses.push(pass),
      replaceInstance: (slot, id, name) => this.replaceInstance(slot, id, name),
      spawn: (label, body) => spawn(scheduler, label, body),
      stream: (name) => this.streams.stream(name),
    };
  }

  /** Executes one AWS call now and records it (the change starts at the first call, when so declared). */
  private execute(request: CallRequest, keepResponse: boolean): CallOutcome {
    if (this.changeStartMs === null && this.plan?.startsAtFirstCall === true) {
      this.changeStartMs = this.scheduler.nowMs - this.offsetMs;
    }
    const defaultRegion = this.scenario.model.defaultRegion;
    this.callServices ??= { iam: this.iam, ec2: this.ec2, organizations: this.organizations };
    const atMs = this.scheduler.nowMs - this.offsetMs;
    const index = this.callCount++;
    const outcome = callService(request, this.callServices, defaultRegion);
    // A record with an `expect` is kept anyway: the run's checks read its verdict (and a retry
    // drops it from the record just pushed: runbook/retry.ts). A slice that keeps no records
    // (InstanceSlice.keepsSteps) builds one only for a reader: it makes every call of the fleet.
    const kept = this.keepsRecords || request.expect !== undefined;
    const deferred = this.deferredSteps;
    if (deferred !== undefined) {
      if (!kept) return outcome;
      if (isPlainStep(request, outcome, keepResponse)) {
        deferred.push(
          index,
          atMs,
          callName(request.service, request.operation),
          request.region ?? defaultRegion,
          outcome.ok,
          request.origin,
        );
        return outcome;
      }
      deferred.flush(this.records);
    }
    if (!kept && this.attacker === undefined && this.observers.length === 0) return outcome;
    const record = stepRecord(request, outcome, atMs, index, defaultRegion, keepResponse);
    if (kept) this.records.push(record);
    this.attacker?.callExecuted(record.call, request.params, outcome.ok);
    for (const o of this.observers) o.callExecuted?.(record);
    return outcome;
  }
}

/**
 * Reserves the explicit ids of `specs[first..end)` in `ids`. By index, without a copy of the list:
 * once over a fleet, unoptimized, where for-of would allocate a result object per instance.
 */
function reserveExplicitIds(
  ids: IdFactory,
  specs: readonly InstanceSpec[],
  first: number,
  end: number,
): void {
  for (let i = first; i < end; i++) {
    const id = specs[i]!.id;
    if (id !== undefined) ids.reserve(id);
  }
}

/**
 * Association ids a world expects to issue (see IdFactory): the fleet's seeded associations and
 * one replacement each (a fleet-wide replace); a replay's chunk seeds none.
 */
function expectedAssociations(scenario: Scenario, options: SimulateOptions): number {
  return options.replay === undefined ? 2 * scenario.instances.length : 0;
}

/** How many scenario instances each region has. */
function instancesPerRegion(scenario: Scenario): Map<string, number> {
  const counts = new Map<string, number>();
  // By index: a loop run once over a fleet, where for-of allocates a result object per step.
  const specs = scenario.instances;
  for (let i = 0; i < specs.length; i++) {
    const region = specs[i]!.region;
    counts.set(region, (counts.get(region) ?? 0) + 1);
  }
  return counts;
}

/** The role of the profile with id `profileId` in `state`. */
function profileRoleIn(state: IamState, profileId: string): ProfileRole {
  const profile = Object.values(state.profiles).find((p) => p.InstanceProfileId === profileId);
  if (profile === undefined) return { kind: 'notFound' };
  if (profile.roleKey === undefined) return { kind: 'noRole' };
  const role = state.roles[profile.roleKey];
  if (role === undefined) return { kind: 'noRole' };
  return { kind: 'role', roleName: role.RoleName, roleId: role.RoleId };
}
