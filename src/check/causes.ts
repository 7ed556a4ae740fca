/**
 * The causes of a run's outcomes (src/cause.ts), from the events the run already processes.
 *
 * CauseRecorder is an observer like the checkers: it only reads. During the run it keeps a small
 * log: every committed version of IAM and of the authorization policies (when, by which call, the
 * snapshot), when each version reached each region, what each failed call's region view was at
 * the moment it answered, every credential issuance of every IMDS (and whether a scheduled
 * rotation, an association pickup or a boot made it), what each application held after each
 * change, and EC2's association and state events (the log and its helpers: cause-log.ts). After
 * the run, `explainCall`, `explainMetric` and `explainStaleImds` turn that log into chains such as "web-v2 committed at 0:10:00.088;
 * eu-west-1's IAM view received it at 0:10:07.312; the ReplaceIamInstanceProfileAssociation at
 * 0:10:00.559 came 6.75s too early".
 *
 * Over 300 lines because it is one object: the three explanations read the same log through the
 * same private helpers (an instance's issuances and application changes around an instant, the
 * cause of an issuance, a policy's arrival), each answering for a metric or a call.
 */
import type { AuthzState, IamState } from '../aws/iam/types.ts';
import type { Cause, CauseEvent, CauseKind } from '../cause.ts';
import { changePlan } from '../change-plan.ts';
import { formatClock, formatMs } from '../engine/index.ts';
import type { Credentials } from '../instance/credentials.ts';
import { sdkPolicy } from '../instance/sdk.ts';
import {
  type InstanceResult,
  type MetricName,
  metricNames,
  type RunResult,
  type StepRecord,
} from '../result.ts';
import type { Scenario } from '../scenario/types.ts';
import { type SimulateOptions, simulate, type WorldObserver, type WorldView } from '../simulate.ts';
import {
  type AppChange,
  type Commit,
  cause,
  type Ec2Note,
  type FailedCall,
  firstGap,
  holds,
  type Issuance,
  type IssueReason,
  invisibleEntity,
  keepOneBeforeStart,
  StoreHistory,
  type StoreHistoryData,
  StoreLog,
} from './cause-log.ts';

export { invisibleEntity } from './cause-log.ts';

const clock = formatClock;

export class CauseRecorder implements WorldObserver {
  private world!: WorldView;
  private iam!: StoreHistory<IamState>;
  private authz!: StoreHistory<AuthzState>;
  /** The logs noteCommits writes (undefined when this recorder reads a shared world's). */
  private logs: { readonly iam: StoreLog<IamState>; readonly authz: StoreLog<AuthzState> } | undefined;
  /** IAM's committed state at the end (the shared world's, when this recorder shares its logs). */
  private iamControl!: () => IamState;
  /** Failed calls, with what IAM's view of their region held when they failed. */
  private readonly failed = new Map<StepRecord, FailedCall>();
  private readonly issuances = new Map<string, Issuance[]>();
  private readonly appChanges = new Map<string, AppChange[]>();
  private ec2Notes = new Map<string, Ec2Note[]>();
  private readonly newRole: string | undefined;

  /** Instances whose SDK reads IMDS on every call. */
  private readonly perCall: ReadonlySet<string>;

  /**
   * `shared`: what the recorder of a recorded shared world (src/parallel/replayed.ts) logged of
   * it (commits, arrivals, EC2's events, IAM's final state), which this one reads: it is attached
   * to a world that replays that record to a chunk of instances, and keeps only their own logs.
   */
  constructor(
    scenario: Scenario,
    private readonly shared?: SharedCauses,
  ) {
    this.newRole = changePlan(scenario)?.newRole;
    this.perCall = new Set(scenario.instances.filter((i) => sdkPolicy(i.sdk).perCall).map((i) => i.name));
    for (const f of scenario.faults) {
      if (f.kind !== 'imdsOutage') continue;
      for (const name of f.instances) this.outages.set(name, [...(this.outages.get(name) ?? []), f]);
    }
  }

  /** IMDS outage windows per instance name (scenario ms). */
  private readonly outages = new Map<string, { readonly fromMs: number; readonly toMs: number }[]>();

  /** When an IMDS outage of `instance` ended at `atMs`: IMDS serves again what it issued meanwhile. */
  private outageEnd(instance: string, atMs: number, issuances: readonly Issuance[]): Cause | undefined {
    const outage = (this.outages.get(instance) ?? []).find((w) => w.toMs === atMs);
    if (outage === undefined) return undefined;
    const issued = issuances.filter((i) => i.atMs <= atMs).at(-1);
    const chain: CauseEvent[] = issued === undefined ? [] : [...this.issuanceCause(instance, issued).chain];
    chain.push({ atMs: outage.fromMs, event: `an IMDS outage of ${instance} began` });
    chain.push({ atMs, event: 'the outage ended; IMDS answered again' });
    return cause(
      'imds-outage-ended',
      `IMDS${issued !== undefined ? ` had issued ${issued.creds.roleName} at ${clock(issued.atMs)}, during an outage (${clock(outage.fromMs)} to ${clock(atMs)}); it` : ''} served it when the outage ended at ${clock(atMs)}`,
      chain,
    );
  }

  private nowMs(): number {
    return this.world.scheduler.nowMs - this.world.offsetMs;
  }

  attach(world: WorldView): void {
    this.world = world;
    const shared = this.shared;
    if (shared !== undefined) {
      this.iam = shared.iam;
      this.authz = shared.authz;
      this.ec2Notes = shared.ec2Notes;
      this.iamControl = shared.iamControl;
      return;
    }
    this.iamControl = () => world.iamStore.control;
    const now = () => this.nowMs();
    const logs = {
      iam: new StoreLog('iam', world.iamStore, now),
      authz: new StoreLog('authz', world.authzStore, now),
    };
    this.logs = logs;
    this.iam = logs.iam;
    this.authz = logs.authz;
    world.ec2.onEvent((e) => {
      const list = this.ec2Notes.get(e.instanceId) ?? [];
      if (e.type === 'associationSettled') list.push({ atMs: now(), what: 'settled', detail: e.profileId });
      else if (e.type === 'associationEnded') list.push({ atMs: now(), what: 'ended', detail: e.reason });
      else if (e.type === 'instanceState') list.push({ atMs: now(), what: 'state', detail: e.state });
      this.ec2Notes.set(e.instanceId, list);
    });
  }

  /**
   * What this recorder logged of the shared world, for recorders of chunks replayed from it: as
   * data of its own (the logs hold their stores, and through their listeners the whole world,
   * which the chunks need not keep alive). Ask when the run has ended.
   */
  sharedCauses(): SharedCauses {
    const live = { iam: this.iam, authz: this.authz, ec2Notes: this.ec2Notes, iamControl: this.iamControl };
    return sharedCausesFromData(sharedCausesData(live));
  }

  callExecuted(record: StepRecord): void {
    this.logs?.iam.noteCommits(record.atMs, record.call);
    this.logs?.authz.noteCommits(record.atMs, record.call);
    if (record.ok) return;
    const view = this.world.iamStore.view(record.region);
    if (view === undefined) return;
    this.failed.set(record, {
      record,
      viewVersion: view.version,
      viewState: view.state,
      controlVersion: this.world.iamStore.version,
    });
  }

  credentialsIssued(instance: string, creds: Credentials): void {
    const id = this.world.refs.get(instance)?.id;
    const reason: IssueReason =
      this.world.scheduler.currentLabel === 'imds.rotate'
        ? 'rotation'
        : this.world.scheduler.currentLabel === 'imds.pickup'
          ? 'pickup'
          : 'boot';
    const list = this.issuances.get(instance) ?? [];
    keepOneBeforeStart(list, this.nowMs());
    list.push({
      atMs: this.nowMs(),
      creds,
      reason,
      profileId: id === undefined ? undefined : this.world.associationOf(instance)?.profileId,
    });
    this.issuances.set(instance, list);
  }

  applicationChanged(instance: string): void {
    const creds = this.world.runtimes.get(instance)?.app.usable;
    const list = this.appChanges.get(instance) ?? [];
    if (list.length > 0 && list.at(-1)!.creds === creds) return;
    keepOneBeforeStart(list, this.nowMs());
    list.push({ atMs: this.nowMs(), label: this.world.scheduler.currentLabel, creds });
    this.appChanges.set(instance, list);
  }

  /** The run with a cause on every failed call and every metric that has one. */
  explain(result: RunResult): RunResult {
    return {
      ...result,
      steps: result.steps.map((s) => {
        const c = s.ok ? undefined : this.explainCall(s);
        return c === undefined ? s : { ...s, cause: c };
      }),
      instances: result.instances.map((i) => {
        const causes: Partial<Record<MetricName, Cause>> = {};
        for (const m of metricNames) {
          const c = this.explainMetric(result, i, m);
          if (c !== undefined) causes[m] = c;
        }
        return Object.keys(causes).length === 0 ? i : { ...i, causes };
      }),
    };
  }

  /** Why a failed call failed: which view answered, and when what it needed committed and arrived. */
  explainCall(record: StepRecord): Cause | undefined {
    const saved = this.failed.get(record);
    const error = record.error;
    if (saved === undefined || error === undefined) return undefined;
    const at = record.atMs;
    const op = record.call.slice(record.call.indexOf(':') + 1);
    if (error.code === 'ServiceFailure')
      return cause(
        'control-plane-pause',
        `IAM's control plane was paused when the ${op} came at ${clock(at)}`,
        [{ atMs: at, event: `${record.call} failed with ServiceFailure` }],
      );
    const entity = invisibleEntity(error);
    if (entity === undefined || holds(saved.viewState, entity))
      return cause(
        'rejected',
        `AWS refused the ${op} at ${clock(at)} (${error.code}); no replica lag was involved`,
        [{ atMs: at, event: `${record.call} in ${record.region}: ${error.code}` }],
      );
    const what = `${entity.type === 'profile' ? 'instance profile' : 'role'} ${entity.name}`;
    const view = { store: 'iam' as const, region: record.region, version: saved.viewVersion };
    const needed = this.iam.firstWhere((s) => holds(s, entity), saved.controlVersion);
    if (needed === undefined) {
      const later = this.iam.firstWhere((s) => holds(s, entity));
      const chain: CauseEvent[] = [
        { atMs: at, event: `${record.call}: ${what} does not exist at the control plane` },
      ];
      if (later !== undefined)
        chain.push({
          atMs: later.atMs,
          event: `${what} created by ${later.call} (IAM version ${later.version})`,
        });
      return cause(
        'missing',
        `${what} did not exist when the ${op} came at ${clock(at)}${later !== undefined ? ` (it was created only at ${clock(later.atMs)})` : ''}`,
        chain,
        { view },
      );
    }
    const arrivedAtMs = this.iam.arrivedAtMs(record.region, needed.version);
    const chain: CauseEvent[] = [
      { atMs: needed.atMs, event: `${needed.call} committed IAM version ${needed.version}: ${what} exists` },
      {
        atMs: at,
        event: `${record.call} answered from ${record.region}'s IAM view at version ${saved.viewVersion}: ${what} not visible, ${error.code}`,
      },
    ];
    if (arrivedAtMs !== null)
      chain.push({
        atMs: arrivedAtMs,
        event: `${record.region}'s IAM view applied version ${needed.version}`,
      });
    const summary =
      `${entity.name} committed at ${clock(needed.atMs)} (IAM version ${needed.version}); ` +
      (arrivedAtMs === null
        ? `${record.region}'s IAM view had not received it by the horizon; `
        : `${record.region}'s IAM view received it at ${clock(arrivedAtMs)}; `) +
      `the ${op} at ${clock(at)} came ${arrivedAtMs === null ? 'too early' : `${formatMs(arrivedAtMs - at)} too early`} (the view was at version ${saved.viewVersion})`;
    return cause('propagation', summary, chain, {
      view,
      needed: { version: needed.version, committedAtMs: needed.atMs, arrivedAtMs },
      ...(arrivedAtMs !== null ? { earlyByMs: arrivedAtMs - at } : {}),
    });
  }

  private regionOf(instance: string): string | undefined {
    return this.world.refs.get(instance)?.region;
  }

  /** Why IMDS issued `iss`: the scheduled rotation, the association pickup or the boot, and what it read. */
  private issuanceCause(instance: string, iss: Issuance): Cause {
    const region = this.regionOf(instance) ?? '';
    const role = iss.creds.roleName;
    const at = iss.atMs;
    const chain: CauseEvent[] = [];
    if (iss.reason === 'pickup') {
      const id = this.world.refs.get(instance)?.id ?? '';
      const settled = (this.ec2Notes.get(id) ?? [])
        .filter((n) => n.what === 'settled' && n.atMs <= at)
        .at(-1);
      if (settled !== undefined)
        chain.push({ atMs: settled.atMs, event: `the new association of ${instance} settled` });
      chain.push({ atMs: at, event: `IMDS picked the association up and issued ${role}` });
      return cause(
        'association-pickup',
        `IMDS picked up the new association${settled !== undefined ? ` (settled at ${clock(settled.atMs)})` : ''} at ${clock(at)} and issued ${role}`,
        chain,
      );
    }
    if (iss.reason === 'boot') {
      chain.push({ atMs: at, event: `${instance} started; IMDS issued ${role}` });
      return cause(
        'boot',
        `${instance} started at ${clock(at)} and IMDS issued ${role} for its profile`,
        chain,
      );
    }
    // A rotation: say when the role it issued entered the profile and reached the region.
    const entered = this.iam.firstWhere((s) =>
      Object.values(s.profiles).some(
        (p) => p.InstanceProfileId === iss.profileId && p.roleKey === role.toLowerCase(),
      ),
    );
    let detail = '';
    if (entered !== undefined) {
      const arrived = this.iam.arrivedAtMs(region, entered.version);
      chain.push({
        atMs: entered.atMs,
        event: `${entered.call} committed IAM version ${entered.version}: the profile holds ${role}`,
      });
      if (arrived !== null)
        chain.push({ atMs: arrived, event: `${region}'s IAM view applied version ${entered.version}` });
      detail = `; ${role} entered the profile at ${clock(entered.atMs)}${arrived !== null ? ` and ${region}'s IAM view had it at ${clock(arrived)}` : ''}`;
    }
    chain.push({ atMs: at, event: `IMDS's scheduled rotation re-read the profile and issued ${role}` });
    return cause(
      'imds-rotation',
      `IMDS picked ${role} up at its scheduled rotation at ${clock(at)}${detail}`,
      chain,
    );
  }

  /** The policy versions that reached `instance`'s region's enforcement view at `atMs`, as a cause. */
  private policyArrival(instance: string, atMs: number, kind: CauseKind, what: string): Cause | undefined {
    const region = this.regionOf(instance) ?? '';
    const arrived = this.authz.arrivedAt(region, atMs).at(-1);
    if (arrived === undefined) return undefined;
    return cause(
      kind,
      `${what}: ${arrived.call} (committed at ${clock(arrived.atMs)}) reached ${region}'s enforcement view at ${clock(atMs)}`,
      [
        { atMs: arrived.atMs, event: `${arrived.call} committed policy version ${arrived.version}` },
        { atMs, event: `${region}'s enforcement view applied version ${arrived.version}` },
      ],
      { view: { store: 'authz', region, version: arrived.version } },
    );
  }

  /** Which mechanism set `metric` of `inst` (undefined when there is nothing to explain). */
  explainMetric(result: RunResult, inst: InstanceResult, metric: MetricName): Cause | undefined {
    const t0 = result.changeStartMs;
    // A replaced slot (replace-instances) gets the new role on its replacement, whose IMDS and
    // application the recorder saw under the replacement's name.
    const replaced =
      inst.replacedBy !== undefined && (metric === 'imdsNewRoleMs' || metric === 'appNewRoleMs');
    const name = replaced ? inst.replacedBy!.name : inst.name;
    if (t0 === null) {
      return metric === 'appNewRoleMs' || metric === 'imdsNewRoleMs'
        ? cause(
            'no-change',
            'the scenario makes no change to measure (no strategy step, no change: section)',
            [],
          )
        : undefined;
    }
    const v = inst.metrics[metric];
    const issuances = this.issuances.get(name) ?? [];
    const apps = this.appChanges.get(name) ?? [];
    const sdk = inst.sdk;
    const perCall = this.sdkPerCall(name);
    const at = v === null ? null : t0 + v;
    const issuanceAt = (ms: number) => issuances.filter((i) => i.atMs === ms).at(-1);
    const appAt = (ms: number) => apps.filter((a) => a.atMs === ms).at(-1);
    const heldBefore = (ms: number) => apps.filter((a) => a.atMs < ms).at(-1)?.creds;
    const appCause = (change: AppChange, verb: string) =>
      this.appChangeCause(name, sdk, change, heldBefore(change.atMs), firstNew(), verb);
    const firstNew = () => issuances.find((i) => i.atMs >= t0 && this.isNewRole(i.creds.roleName));
    switch (metric) {
      case 'imdsNewRoleMs': {
        if (at === null) {
          const last = issuances.at(-1);
          return cause(
            'imds-kept-old-role',
            `IMDS never served ${this.newRole ?? 'the new role'} by the horizon${last !== undefined ? `; its last issuance, at ${clock(last.atMs)} (${last.reason}), gave ${last.creds.roleName}` : ''}`,
            issuances
              .filter((i) => i.atMs >= t0)
              .map((i) => ({ atMs: i.atMs, event: `IMDS ${i.reason} issued ${i.creds.roleName}` })),
          );
        }
        const iss = issuanceAt(at);
        if (iss !== undefined) return this.issuanceCause(name, iss);
        return (
          this.outageEnd(name, at, issuances) ??
          this.policyArrival(name, at, 'policy-propagation', 'the new permissions took effect')
        );
      }
      case 'appNewRoleMs': {
        if (at === null) {
          const served = firstNew();
          if (served === undefined) return this.explainMetric(result, inst, 'imdsNewRoleMs');
          const held = apps.at(-1)?.creds;
          return cause(
            'sdk-kept-old-credentials',
            `the SDK (${sdk}) still held ${held?.roleName ?? 'no'} credentials at the horizon${held !== undefined ? ` (issued ${clock(held.issuedAtMs - this.world.offsetMs)}, expiring ${clock(held.expiresAtMs - this.world.offsetMs)})` : ''}; IMDS had served ${served.creds.roleName} since ${clock(served.atMs)}`,
            [{ atMs: served.atMs, event: `IMDS issued ${served.creds.roleName}` }],
          );
        }
        const change = appAt(at);
        if (change === undefined)
          return this.policyArrival(name, at, 'policy-propagation', 'the new permissions took effect');
        const iss = issuanceAt(at);
        if (perCall && iss !== undefined) {
          const c = this.issuanceCause(name, iss);
          return { ...c, summary: `${sdk} reads IMDS on every call: ${c.summary}` };
        }
        return appCause(change, `took ${change.creds?.roleName ?? 'the new role'} up`);
      }
      case 'oldRoleExposureMs': {
        if (at === null) {
          const held = apps.at(-1)?.creds;
          return cause(
            'still-exposed',
            `at the horizon the application still held ${held?.roleName ?? 'old'} credentials${held !== undefined ? `, accepted until they expire at ${clock(held.expiresAtMs - this.world.offsetMs)}` : ''}`,
            [],
          );
        }
        const revoke = this.policyArrival(name, at, 'revoke-arrival', 'the old credentials stopped working');
        if (revoke !== undefined) return revoke;
        // The credentials held simply ran out (an SDK presenting them past expiry changes nothing it holds).
        const held = apps.filter((a) => a.atMs <= at).at(-1)?.creds;
        if (held !== undefined && held.expiresAtMs - this.world.offsetMs === at)
          return cause(
            'credentials-expired',
            `the ${held.roleName} credentials the SDK (${sdk}) held (issued ${clock(held.issuedAtMs - this.world.offsetMs)}) expired at ${clock(at)}`,
            [{ atMs: at, event: `the ${held.roleName} credentials expired` }],
          );
        const change = appAt(at);
        if (change === undefined) return undefined;
        return appCause(change, `let go of ${heldBefore(at)?.roleName ?? 'the old role'}`);
      }
      case 'deniedMs': {
        if (v === null || v === 0) return undefined;
        // The first time after the change the application presented credentials AWS rejected.
        // Read off the runtime's lane: the result may have been made without timelines.
        const { runtimes, scheduler, offsetMs } = this.world;
        const lane = runtimes.get(name)?.appLane.segments(scheduler.nowMs, offsetMs) ?? inst.appTimeline;
        const seg = lane.find((s) => s.kind === 'denied' && s.toMs > t0);
        if (seg === undefined) return undefined;
        const fromMs = Math.max(seg.fromMs, t0);
        const until = seg.toMs >= result.horizonMs ? 'to the horizon' : `until ${clock(seg.toMs)}`;
        const revoke = this.policyArrival(
          name,
          fromMs,
          'revoke-arrival',
          `the application kept presenting ${seg.role ?? 'its'} credentials, rejected ${until}, because a deny for their issue time arrived`,
        );
        if (revoke !== undefined) return revoke;
        return cause(
          'credentials-expired',
          `the SDK (${sdk}) kept presenting expired ${seg.role ?? ''} credentials from ${clock(fromMs)} ${until} (static stability), which AWS rejects`,
          [
            {
              atMs: fromMs,
              event: `the ${seg.role ?? ''} credentials the application presents are rejected`,
            },
          ],
        );
      }
      case 'credentialGapMs':
      case 'downtimeMs': {
        if (v === null || v === 0) return undefined;
        const id = this.world.refs.get(name)?.id ?? '';
        const notes = (this.ec2Notes.get(id) ?? []).filter((n) => n.atMs >= t0 && n.what === 'state');
        if (metric === 'downtimeMs' && notes.length > 0) {
          return cause(
            'instance-stopped',
            `the instance was down for ${formatMs(v)}: ${notes.map((n) => `${n.detail} at ${clock(n.atMs)}`).join(', ')}`,
            notes.map((n) => ({ atMs: n.atMs, event: `${name} ${n.detail}` })),
          );
        }
        const gap = firstGap(apps, t0, result.horizonMs, this.world.offsetMs);
        if (gap === undefined) return undefined;
        const { fromMs, toMs, why } = gap;
        return cause(
          'no-credentials',
          `the application had no usable credentials from ${clock(fromMs)}${toMs !== undefined ? ` to ${clock(toMs)}` : ''} (${why})`,
          [
            { atMs: fromMs, event: `the application lost its credentials (${why})` },
            ...(toMs !== undefined ? [{ atMs: toMs, event: 'it held valid credentials again' }] : []),
          ],
        );
      }
    }
  }

  /** What a change of what the application held at `change.atMs` was: a refresh, an expiry, a restart. */
  private appChangeCause(
    instance: string,
    sdk: string,
    change: AppChange,
    before: Credentials | undefined,
    served: Issuance | undefined,
    verb: string,
  ): Cause {
    const at = change.atMs;
    const offset = this.world.offsetMs;
    const chain: CauseEvent[] = [];
    // How IMDS came to serve what the application then took: the rotation, pickup or boot, and what led to it.
    if (served !== undefined && served.atMs <= at) chain.push(...this.issuanceCause(instance, served).chain);
    const sinceImds =
      served !== undefined && served.atMs <= at
        ? `; IMDS had served ${served.creds.roleName} since ${clock(served.atMs)}`
        : '';
    if (change.label === 'sdk.refresh' || change.label === 'sdk.mandatory') {
      const window =
        before === undefined
          ? ''
          : `, ${formatMs(before.expiresAtMs - offset - at)} before the credentials it held (${before.roleName}) expired at ${clock(before.expiresAtMs - offset)}`;
      chain.push({ atMs: at, event: `the SDK (${sdk}) refreshed from IMDS` });
      return cause(
        'sdk-refresh',
        `the SDK (${sdk}) ${verb} at its scheduled refresh at ${clock(at)}${window}${sinceImds}`,
        chain,
      );
    }
    if (change.label === 'sdk.expire' || change.label === 'sdk.stale-end') {
      chain.push({ atMs: at, event: `the credentials the SDK (${sdk}) held expired` });
      return cause(
        'credentials-expired',
        `the credentials the SDK (${sdk}) held expired at ${clock(at)}${sinceImds}`,
        chain,
      );
    }
    const id = this.world.refs.get(instance)?.id ?? '';
    const state = (this.ec2Notes.get(id) ?? []).find((n) => n.what === 'state' && n.atMs === at);
    if (state !== undefined && state.detail !== 'running') {
      chain.push({ atMs: at, event: `${instance} ${state.detail}` });
      return cause('instance-stopped', `${instance} was ${state.detail} at ${clock(at)}`, chain);
    }
    if (this.sdkPerCall(instance)) {
      chain.push({ atMs: at, event: `the ${sdk} client read IMDS on its next call` });
      return cause(
        'per-call-client',
        `${sdk} reads IMDS on every call: it ${verb} at ${clock(at)}${sinceImds}`,
        chain,
      );
    }
    chain.push({ atMs: at, event: `the application started with an empty cache` });
    return cause(
      'app-restart',
      `the application (re)started at ${clock(at)} with an empty cache and fetched ${change.creds?.roleName ?? 'nothing'}`,
      chain,
    );
  }

  private sdkPerCall(instance: string): boolean {
    return this.perCall.has(instance);
  }

  private isNewRole(role: string): boolean {
    return this.newRole !== undefined && role.toLowerCase() === this.newRole.toLowerCase();
  }

  /**
   * Why IMDS of `instance` still serves a role its profile no longer holds: the first rotation
   * after the profile's change reached the region that issued the removed role again.
   */
  explainStaleImds(instance: string): Cause | undefined {
    const ref = this.world.refs.get(instance);
    if (ref === undefined) return undefined;
    const profileId = this.world.associationOf(instance)?.profileId;
    if (profileId === undefined) return undefined;
    const profileIn = (s: IamState) =>
      Object.values(s.profiles).find((p) => p.InstanceProfileId === profileId);
    const current = profileIn(this.iamControl());
    if (current === undefined) return undefined;
    // The last version that changed the profile's role to what it holds now.
    let changed: Commit<IamState> | undefined;
    let previous: string | undefined;
    for (const c of this.iam.commits) {
      if (c.state === undefined) continue;
      const key = profileIn(c.state)?.roleKey;
      if (key !== previous && key === current.roleKey) changed = c;
      previous = key;
    }
    if (changed === undefined) return undefined;
    const arrived = this.iam.arrivedAtMs(ref.region, changed.version);
    if (arrived === null) return undefined;
    const wrong = (this.issuances.get(instance) ?? []).find(
      (i) =>
        i.atMs >= arrived && i.reason === 'rotation' && i.creds.roleName.toLowerCase() !== current.roleKey,
    );
    if (wrong === undefined) return undefined;
    const holdsNow = current.roleKey ?? 'no role';
    return cause(
      'rotation-kept-removed-role',
      `IMDS's rotation at ${clock(wrong.atMs)} issued ${wrong.creds.roleName} again, although ${current.InstanceProfileName} in ${ref.region}'s IAM view held ${holdsNow} since ${clock(arrived)} (version ${changed.version}, committed at ${clock(changed.atMs)}): that rotation should have dropped ${wrong.creds.roleName}`,
      [
        {
          atMs: changed.atMs,
          event: `${changed.call} committed IAM version ${changed.version}: ${current.InstanceProfileName} holds ${holdsNow}`,
        },
        { atMs: arrived, event: `${ref.region}'s IAM view applied version ${changed.version}` },
        { atMs: wrong.atMs, event: `IMDS's scheduled rotation issued ${wrong.creds.roleName}` },
      ],
      { view: { store: 'iam', region: ref.region, version: changed.version } },
    );
  }
}

/** What a chunk's cause recorder reads of the shared world's (CauseRecorder's `shared`). */
export interface SharedCauses {
  readonly iam: StoreHistory<IamState>;
  readonly authz: StoreHistory<AuthzState>;
  readonly ec2Notes: Map<string, Ec2Note[]>;
  readonly iamControl: () => IamState;
}

/** SharedCauses as plain data, for another thread (structured clone). */
export interface SharedCausesData {
  readonly iam: StoreHistoryData<IamState>;
  readonly authz: StoreHistoryData<AuthzState>;
  readonly ec2Notes: readonly (readonly [string, readonly Ec2Note[]])[];
  readonly iamControl: IamState;
}

/** `causes` as data for another thread. */
export function sharedCausesData(causes: SharedCauses): SharedCausesData {
  return {
    iam: causes.iam.data(),
    authz: causes.authz.data(),
    ec2Notes: [...causes.ec2Notes],
    iamControl: causes.iamControl(),
  };
}

/** The SharedCauses `data` holds (sharedCausesData's inverse). */
export function sharedCausesFromData(data: SharedCausesData): SharedCauses {
  const iamControl = data.iamControl;
  return {
    iam: StoreHistory.fromData(data.iam),
    authz: StoreHistory.fromData(data.authz),
    ec2Notes: new Map(data.ec2Notes.map(([id, notes]) => [id, [...notes]])),
    iamControl: () => iamControl,
  };
}

/**
 * simulate() with a cause recorder attached and the result explained: a failed call and each
 * metric carry their cause. What `iamsim run` reports, and `iamsim serve`'s report of a recording.
 */
export function simulateExplained(scenario: Scenario, options: SimulateOptions): RunResult {
  const causes = new CauseRecorder(scenario);
  const raw = simulate(scenario, { ...options, observers: [...(options.observers ?? []), causes] });
  return causes.explain(raw);
}
