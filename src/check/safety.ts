/**
 * Safety checkers: properties that must hold at every event, whatever the delays and faults.
 */
import type { Credentials } from '../instance/credentials.ts';
import { ROTATION_OVERLAP_MS } from '../instance/imds.ts';
import type { StepRecord } from '../result.ts';
import type { WorldView } from '../simulate.ts';
import type { Checker, Violation } from './types.ts';

abstract class BaseChecker implements Checker {
  abstract readonly name: string;
  readonly kind = 'safety' as const;
  readonly violations: Violation[] = [];
  protected world!: WorldView;

  attach(world: WorldView): void {
    this.world = world;
  }

  protected nowMs(): number {
    return this.world.scheduler.nowMs - this.world.offsetMs;
  }

  protected violate(detail: string, instance?: string): void {
    // A broken model can violate on every event: keep the first few, they are the witnesses.
    if (this.violations.length >= 20) return;
    this.violations.push({
      check: this.name,
      atMs: this.nowMs(),
      detail,
      ...(instance !== undefined ? { instance } : {}),
    });
  }
}

/** Documented: new IMDS credentials are available at least five minutes before the old expire. */
export class ImdsOverlapChecker extends BaseChecker {
  readonly name = 'imds-overlap';

  credentialsIssued(instance: string, creds: Credentials, previous: Credentials | undefined): void {
    if (previous === undefined || previous.roleName !== creds.roleName) return;
    const nowMs = this.world.scheduler.nowMs;
    if (nowMs > previous.expiresAtMs - ROTATION_OVERLAP_MS) {
      this.violate(
        `new credentials issued ${(previous.expiresAtMs - nowMs) / 1000} s before the old ones expire (documented: at least 300 s)`,
        instance,
      );
    }
  }
}

/**
 * IMDS never serves credentials of a role that was never in a profile the instance was associated
 * with (as any region saw the profile).
 */
export class ImdsProvenanceChecker extends BaseChecker {
  readonly name = 'imds-provenance';
  /** Lower-cased role names each profile id was ever seen holding, in any view. */
  private readonly rolesEver = new Map<string, Set<string>>();
  /** Profile ids each instance id was ever associated with. */
  private readonly profilesEver = new Map<string, Set<string>>();

  override attach(world: WorldView): void {
    super.attach(world);
    const record = (state: WorldView['iamStore']['control']) => {
      for (const p of Object.values(state.profiles)) {
        if (p.roleKey === undefined) continue;
        const role = state.roles[p.roleKey];
        if (role === undefined) continue;
        const set = this.rolesEver.get(p.InstanceProfileId) ?? new Set<string>();
        set.add(role.RoleName.toLowerCase());
        this.rolesEver.set(p.InstanceProfileId, set);
      }
    };
    record(world.iamStore.control);
    world.iamStore.onApply((_region, _version, state) => record(state));
    const noteAssociation = (instanceId: string) => {
      const a = world.ec2.activeAssociation(instanceId);
      if (a === undefined) return;
      const set = this.profilesEver.get(instanceId) ?? new Set<string>();
      set.add(a.profileId);
      this.profilesEver.set(instanceId, set);
    };
    for (const ref of world.refs.values()) noteAssociation(ref.id);
    world.ec2.onEvent((e) => {
      if (e.type === 'associationSettled') noteAssociation(e.instanceId);
    });
  }

  credentialsIssued(instance: string, creds: Credentials): void {
    const ref = this.world.refs.get(instance);
    if (ref === undefined) return;
    const profiles = this.profilesEver.get(ref.id) ?? new Set<string>();
    const role = creds.roleName.toLowerCase();
    for (const p of profiles) if (this.rolesEver.get(p)?.has(role)) return;
    this.violate(
      `IMDS issued credentials of role ${creds.roleName}, never in a profile associated with ${ref.id}`,
      instance,
    );
  }
}

/**
 * An application never presents expired credentials outside its SDK's static-stability window,
 * checked at every event.
 */
export class ExpiredCredentialsChecker extends BaseChecker {
  readonly name = 'sdk-expired-credentials';
  /** Per instance, the moment after which what it presents would be a violation (absent: nothing held). */
  private readonly deadlines = new Map<string, number>();
  /** Min-heap of (deadline, instance); entries whose deadline no longer matches `deadlines` are stale. */
  private readonly heap: { atMs: number; name: string }[] = [];

  override attach(world: WorldView): void {
    super.attach(world);
    for (const name of world.runtimes.keys()) this.track(name);
    world.scheduler.onTrace(() => this.check());
  }

  applicationChanged(instance: string): void {
    this.track(instance);
  }

  /** Records the instance's current deadline: its credentials' expiry, or the end of its static-stability window. */
  private track(name: string): void {
    const app = this.world.runtimes.get(name)?.app;
    const held = app?.held;
    if (held === undefined) {
      this.deadlines.delete(name);
      return;
    }
    const atMs = app?.staleUntilMs ?? held.expiresAtMs;
    if (this.deadlines.get(name) === atMs) return;
    this.deadlines.set(name, atMs);
    this.push({ atMs, name });
  }

  /**
   * Runs before each event, so it sees the state every earlier event left. An expiry (or the end
   * of a static-stability window) due exactly now is handled by an event at this very time, so
   * only states that outlived their deadline are violations: strict comparisons. Only instances
   * whose deadline has passed are looked at, so the cost does not grow with the fleet per event.
   */
  private check(): void {
    const nowMs = this.world.scheduler.nowMs;
    while (this.heap.length > 0 && this.heap[0]!.atMs < nowMs) {
      const { atMs, name } = this.pop();
      if (this.deadlines.get(name) !== atMs) continue;
      this.deadlines.delete(name);
      const app = this.world.runtimes.get(name)!.app;
      const held = app.held;
      if (held === undefined) continue;
      const staleUntil = app.staleUntilMs;
      if (nowMs > held.expiresAtMs && (staleUntil === undefined || nowMs > staleUntil)) {
        this.violate(
          `the application holds credentials that expired ${(nowMs - held.expiresAtMs) / 1000} s ago, outside any static-stability window`,
          name,
        );
      } else {
        // Changed without telling us (a missed hook would be its own bug): follow the new deadline.
        this.track(name);
      }
    }
  }

  private push(entry: { atMs: number; name: string }): void {
    const h = this.heap;
    let i = h.length;
    h.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.atMs <= entry.atMs) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): { atMs: number; name: string } {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && h[r]!.atMs < h[l]!.atMs ? r : l;
        if (h[c]!.atMs >= last.atMs) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

/** Region views never go back to an older version and apply versions in commit order (both stores). */
export class RegionOrderChecker extends BaseChecker {
  readonly name = 'region-order';

  override attach(world: WorldView): void {
    super.attach(world);
    for (const store of [world.iamStore, world.authzStore] as const) {
      const last = new Map<string, number>();
      store.onApply((region, version) => {
        const prev = last.get(region) ?? 0;
        if (version !== prev + 1)
          this.violate(`${store.name} view in ${region} applied version ${version} after ${prev}`);
        last.set(region, version);
      });
    }
  }
}

/** A profile never holds more than one role (the data model allows one key; a bad write could still point at a missing role). */
export class ProfileRoleChecker extends BaseChecker {
  readonly name = 'profile-one-role';

  override attach(world: WorldView): void {
    super.attach(world);
    world.iamStore.onApply((region, _v, state) => {
      for (const p of Object.values(state.profiles)) {
        if (p.roleKey !== undefined && state.roles[p.roleKey] === undefined) {
          this.violate(`profile ${p.InstanceProfileName} in ${region} points at a role that does not exist`);
        }
      }
    });
  }
}

/** Virtual time never decreases. */
export class TimeChecker extends BaseChecker {
  readonly name = 'time-monotonic';
  private lastMs = Number.NEGATIVE_INFINITY;

  override attach(world: WorldView): void {
    super.attach(world);
    world.scheduler.onTrace((rec) => {
      if (rec.timeMs < this.lastMs) this.violate(`event at ${rec.timeMs} ms after ${this.lastMs} ms`);
      this.lastMs = rec.timeMs;
    });
  }
}

/** Every API call has exactly one outcome: ok with a response, or an error with a code and status. */
export class CallOutcomeChecker extends BaseChecker {
  readonly name = 'call-outcome';
  private lastIndex = -1;

  callExecuted(record: StepRecord): void {
    if (record.index !== this.lastIndex + 1)
      this.violate(`call record ${record.index} follows ${this.lastIndex}`);
    this.lastIndex = record.index;
    const hasError = record.error !== undefined;
    if (record.ok === hasError)
      this.violate(`${record.call} has ok=${record.ok} and ${hasError ? 'an' : 'no'} error`);
    if (hasError && (typeof record.error!.code !== 'string' || !(record.error!.statusCode >= 400))) {
      this.violate(`${record.call} failed without an AWS code and status`);
    }
  }
}
