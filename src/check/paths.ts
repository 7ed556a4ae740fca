/**
 * Which interesting paths a run went through: the eventual-consistency situations a runbook
 * exists to survive. `iamsim check` prints the distinct paths its runs covered, and the test
 * suite asserts that generated runs reach each of the important ones at least once ("sometimes"
 * assertions), so a model that silently skipped them could not pass.
 *
 * An observer like the checkers: it only reads (calls as recorded, replica applies, EC2 events,
 * the timeline lanes at the end) and never schedules anything.
 */
import type { Ec2Event } from '../aws/ec2/types.ts';
import { initialRole } from '../change-plan.ts';
import { ROTATION_OVERLAP_MS } from '../instance/imds.ts';
import type { StepRecord, TimelineSegment } from '../result.ts';
import type { Scenario, Step } from '../scenario/types.ts';
import type { WorldObserver, WorldView } from '../simulate.ts';
import { invisibleEntity } from './cause-log.ts';

export const pathNames = [
  'stale-regional-read',
  'invalid-parameter-from-propagation',
  'old-role-after-replace',
  'credential-gap',
  'static-stability-used',
  'imds-outage-hit',
  'partition-delayed-replication',
  'control-plane-pause-hit',
  'waiter-passed-while-region-lagged',
  'replace-near-imds-rotation',
  'revoked-credentials-presented',
] as const;
export type PathName = (typeof pathNames)[number];

export const pathDescriptions: Readonly<Record<PathName, string>> = {
  'stale-regional-read':
    'an IAM read answered NoSuchEntity, then the same read (same call, region and step) succeeded',
  'invalid-parameter-from-propagation':
    "EC2 refused a profile with InvalidParameterValue that the IAM control plane already had (the region's view lagged)",
  'old-role-after-replace':
    "an application kept presenting old-role credentials after its instance's association was replaced",
  'credential-gap': 'a running application lost its credentials and held none for a while',
  'static-stability-used': 'an SDK kept presenting expired credentials inside its static-stability window',
  'imds-outage-hit': 'an IMDS outage left an application without valid credentials',
  'partition-delayed-replication': 'a region applied a change only when its partition healed',
  'control-plane-pause-hit': 'an IAM write failed with ServiceFailure during a control-plane pause',
  'waiter-passed-while-region-lagged':
    "a waiter's last poll (a waitUntil, an aws … wait line, or a strategy waiting for a profile) passed while another region's IAM view still lagged",
  'replace-near-imds-rotation':
    'an association was replaced within 5 minutes of a scheduled IMDS rotation of that instance (IMDS mid-rotation)',
  'revoked-credentials-presented':
    'an application kept presenting old-role credentials after a revoke had denied them',
};

export class PathObserver implements WorldObserver {
  /** The paths seen so far, in the order first seen. */
  readonly seen = new Set<PathName>();
  private world!: WorldView;
  /** Call, region and origin of IAM reads that answered NoSuchEntity. */
  private readonly notFoundReads = new Set<string>();
  /** Replacements: instance id and scheduler time. */
  private readonly replaced: { instanceId: string; atMs: number }[] = [];
  /** An SDK expiry just ran: look for a static-stability window at the next event. */
  private expiryPending = false;
  /** Scheduled rotations per instance name (scheduler time). */
  private readonly rotations = new Map<string, number[]>();

  /** The last IAM read of each waiter (by origin and region), and whether another region lagged at that read. */
  private readonly lastPoll = new Map<string, { call: string; ok: boolean; lagged: boolean }>();
  /** Paths of the scenario's `waitUntil` and `aws … wait` steps (the origin of their calls). */
  private readonly waitUntilPaths = new Set<string>();

  constructor(private readonly scenario: Scenario) {
    const walk = (steps: readonly Step[]) => {
      for (const st of steps) {
        if (st.kind === 'waitUntil' || (st.kind === 'call' && st.waiter !== undefined))
          this.waitUntilPaths.add(st.source.path);
        if (st.kind === 'forEach') walk(st.steps);
      }
    };
    walk(scenario.steps);
  }

  attach(world: WorldView): void {
    this.world = world;
    const heals = new Map<string, Set<number>>();
    for (const f of this.scenario.faults) {
      if (f.kind !== 'partition') continue;
      const set = heals.get(f.region) ?? new Set<number>();
      set.add(f.toMs + world.offsetMs);
      heals.set(f.region, set);
    }
    if (heals.size > 0) {
      for (const store of [world.iamStore, world.authzStore] as const) {
        store.onApply((region) => {
          if (heals.get(region)?.has(world.scheduler.nowMs)) this.seen.add('partition-delayed-replication');
        });
      }
    }
    world.ec2.onEvent((e: Ec2Event) => {
      if (e.type === 'associationEnded' && e.reason === 'replaced')
        this.replaced.push({ instanceId: e.instanceId, atMs: world.scheduler.nowMs });
    });
    // The trace observer runs before each event, so the state an `sdk.expire` left is visible at
    // the next one. Only expiries can open a static-stability window, and they are rare, so the
    // scan over instances runs rarely.
    world.scheduler.onTrace((record) => {
      if (this.expiryPending) this.lookForStaleWindow();
      if (record.label === 'sdk.expire') this.expiryPending = true;
    });
  }

  credentialsIssued(instance: string): void {
    if (this.world.scheduler.currentLabel !== 'imds.rotate') return;
    const list = this.rotations.get(instance) ?? [];
    list.push(this.world.scheduler.nowMs);
    this.rotations.set(instance, list);
  }

  callExecuted(record: StepRecord): void {
    const code = record.error?.code;
    if (/^iam:(Get|List)/.test(record.call) && this.isWaiter(record.origin)) {
      // A poll passes when it is the last of its run: remember whether another region lagged then.
      const { iamStore } = this.world;
      const lagged = iamStore.regions.some(
        (r) => r !== record.region && iamStore.view(r)!.version < iamStore.version,
      );
      const key = `${record.origin}\u0000${record.region}`;
      const previous = this.lastPoll.get(key);
      if (previous !== undefined && previous.call !== record.call) this.pollPassed(previous);
      this.lastPoll.set(key, { call: record.call, ok: record.ok, lagged });
    }
    const key = `${record.call}\u0000${record.region}\u0000${record.origin}`;
    if (/^iam:(Get|List)/.test(record.call)) {
      if (code === 'NoSuchEntity') this.notFoundReads.add(key);
      else if (record.ok && this.notFoundReads.has(key)) this.seen.add('stale-regional-read');
    }
    if (code === 'ServiceFailure' && record.call.startsWith('iam:')) this.seen.add('control-plane-pause-hit');
    if (code === 'InvalidParameterValue' && record.call.startsWith('ec2:') && this.lagged(record))
      this.seen.add('invalid-parameter-from-propagation');
  }

  /** Whether calls from `origin` are a waiter's polls: a `waitUntil` or `aws … wait` step, or a strategy's own polling. */
  private isWaiter(origin: string): boolean {
    if (origin.endsWith(')')) return true;
    return this.waitUntilPaths.has(origin);
  }

  private pollPassed(poll: { ok: boolean; lagged: boolean }): void {
    if (poll.ok && poll.lagged) this.seen.add('waiter-passed-while-region-lagged');
  }

  /** Whether EC2's InvalidParameterValue was about a profile the control plane has and the region cannot see. */
  private lagged(record: StepRecord): boolean {
    const { iamStore } = this.world;
    const view = iamStore.view(record.region);
    if (view === undefined) return false;
    const entity = invisibleEntity(record.error);
    if (entity?.type !== 'profile') return false;
    const key = entity.name.toLowerCase();
    const control = iamStore.control.profiles[key];
    if (control === undefined) return false;
    const seen = view.state.profiles[key];
    // Either the region has not seen the profile at all, or not yet its role.
    return seen === undefined || (seen.roleKey === undefined && control.roleKey !== undefined);
  }

  private lookForStaleWindow(): void {
    this.expiryPending = false;
    for (const rt of this.world.runtimes.values()) {
      if (rt.app.staleUntilMs !== undefined) {
        this.seen.add('static-stability-used');
        return;
      }
    }
  }

  finished(): void {
    if (this.expiryPending) this.lookForStaleWindow();
    for (const poll of this.lastPoll.values()) this.pollPassed(poll);
    const { runtimes, refs, scheduler, offsetMs } = this.world;
    const endMs = scheduler.nowMs;
    const nameById = new Map<string, string>();
    for (const ref of refs.values()) nameById.set(ref.id, ref.name);
    const appLanes = new Map<string, readonly TimelineSegment[]>();
    const appLane = (name: string) => {
      let lane = appLanes.get(name);
      if (lane === undefined) {
        lane = runtimes.get(name)?.appLane.segments(endMs, offsetMs) ?? [];
        appLanes.set(name, lane);
      }
      return lane;
    };
    for (const r of this.replaced) {
      const name = nameById.get(r.instanceId);
      if (name === undefined) continue;
      if ((this.rotations.get(name) ?? []).some((t) => Math.abs(t - r.atMs) <= ROTATION_OVERLAP_MS))
        this.seen.add('replace-near-imds-rotation');
    }
    for (const r of this.replaced) {
      const name = nameById.get(r.instanceId);
      if (name === undefined) continue;
      const afterMs = r.atMs - offsetMs;
      if (appLane(name).some((s) => s.kind === 'old' && s.toMs > afterMs)) {
        this.seen.add('old-role-after-replace');
        break;
      }
    }
    // A gap is losing credentials the application had: an instance that never had a profile
    // holds nothing from the start, which is no gap.
    const held = (kind: string) => kind === 'new' || kind === 'old' || kind === 'other';
    for (const name of runtimes.keys()) {
      const lane = appLane(name);
      if (lane.some((s, i) => s.kind === 'none' && s.toMs > s.fromMs && i > 0 && held(lane[i - 1]!.kind))) {
        this.seen.add('credential-gap');
        break;
      }
    }
    // Revoked: the application presents credentials of its old role that enforcement rejects
    // outright (`denied`) after a revoke (a Deny conditioned on the token's issue time) was put
    // on a role; expired credentials presented under static stability alone are another path.
    const revoked = Object.values(this.world.authzStore.control.roles).some((r) =>
      r.statements.some((st) => st.Effect === 'Deny' && st.tokenIssuedBeforeMs !== undefined),
    );
    for (const spec of revoked ? this.scenario.instances : []) {
      const old = initialRole(this.scenario, spec)?.toLowerCase();
      if (old === undefined) continue;
      if (appLane(spec.name).some((s) => s.kind === 'denied' && s.role?.toLowerCase() === old)) {
        this.seen.add('revoked-credentials-presented');
        break;
      }
    }
    for (const f of this.scenario.faults) {
      if (f.kind !== 'imdsOutage') continue;
      const hit = f.instances.some((name) =>
        appLane(name).some((s) => s.kind === 'none' && s.fromMs < f.toMs && s.toMs > f.fromMs),
      );
      if (hit) {
        this.seen.add('imds-outage-hit');
        break;
      }
    }
  }
}
