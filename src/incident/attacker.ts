import type { AuthzState, IamState } from '../aws/iam/types.ts';
import { makeDistribution, type RandomStreams, type Scheduler, Signal } from '../engine/index.ts';
import type { Credentials } from '../instance/credentials.ts';
import { ticksIn } from '../metrics.ts';
import type { ReplicatedStore } from '../replication/store.ts';
import type { IncidentOutcome, IncidentRunResult } from '../result.ts';
import { isUp, type TimelineSegment } from '../result.ts';
import type { IncidentSection, IncidentSpec } from '../scenario/incident.ts';
import { CHAINED_SESSION_MAX_MS, COUNTER_MOVE_GIVE_UP_MS } from '../scenario/incident-calibration.ts';
import type { Scenario } from '../scenario/types.ts';
import {
  accepts,
  type EnforcementHistory,
  type EnforcementSnapshot,
  exposureOf,
  type HeldCredential,
  type Interval,
  unionOf,
  usableIntervals,
} from './exposure.ts';

/** What the attacker may read of the world, and the one write it may make. */
export interface AttackerHost {
  readonly scheduler: Scheduler;
  readonly offsetMs: number;
  readonly streams: RandomStreams;
  readonly regions: readonly string[];
  /** The region whose endpoints answer the attacker's IAM and STS calls. */
  readonly iamRegion: string;
  readonly iamReads: 'regionView' | 'readYourWrites';
  readonly iamStore: ReplicatedStore<IamState>;
  readonly authzStore: ReplicatedStore<AuthzState>;
  readonly scpStore: ReplicatedStore<AuthzState>;
  /** What a read of the instance's IMDS returns now. */
  readImds(instance: string): Credentials | undefined;
  /** DeleteRolePolicy made with the stolen credentials; true when it succeeded. */
  deleteRolePolicy(roleName: string, policyName: string): boolean;
}

/** One incident's state during the run. */
interface Attack {
  readonly spec: IncidentSpec;
  readonly atMs: number;
  readonly held: HeldCredential[];
  readonly keys: Set<string>;
  /** Instances on which the foothold is live. */
  readonly live: Set<string>;
  theftMs: number | null;
  stolenSets: number;
  chainedSessions: number;
  counterMove?: 'attacker-won' | 'defender-won';
  counterMoveStarted: boolean;
}

const STOPPED = new Set(['stopping', 'stopped', 'shutting-down', 'terminated']);
const TERMINATED = new Set(['shutting-down', 'terminated']);

export class Attacker {
  /** Fires when the response starts (detection after the first theft); never, when nothing was stolen. */
  readonly responseStarted = new Signal('incident.response');
  /** Response start, scheduler ms. */
  private responseAtMs: number | null = null;
  private readonly attacks: Attack[];
  private readonly detectionMs: number;
  private readonly perimeter: Set<string>;
  private readonly history = new Map<string, EnforcementSnapshot[]>();
  private recording = false;

  constructor(
    private readonly scenario: Scenario,
    section: IncidentSection,
    private readonly host: AttackerHost,
  ) {
    const { streams } = host;
    this.attacks = section.incidents.map((spec) => ({
      spec,
      atMs: makeDistribution(spec.at).sample(streams.fresh(`incident/${spec.name}/at`)),
      held: [],
      keys: new Set(),
      live: new Set(),
      theftMs: null,
      stolenSets: 0,
      chainedSessions: 0,
      counterMoveStarted: false,
    }));
    const d = section.detection;
    this.detectionMs =
      makeDistribution(d.cloudTrail).sample(streams.fresh('incident/detection/cloudtrail')) +
      makeDistribution(d.delay).sample(streams.fresh('incident/detection/delay'));
    this.perimeter = new Set(section.dataPerimeterRoles.map((r) => r.toLowerCase()));
    const record = (region: string) => {
      if (!this.recording) return;
      this.history.get(region)!.push(this.snapshot(region));
    };
    host.authzStore.onApply((region) => record(region));
    host.scpStore.onApply((region) => record(region));
  }

  /** Schedules the thefts (call once, before the run). */
  start(): void {
    for (const a of this.attacks) {
      this.host.scheduler.at(this.host.offsetMs + a.atMs, 'incident.theft', () => this.theft(a));
    }
  }

  private snapshot(region: string): EnforcementSnapshot {
    return {
      atMs: this.host.scheduler.nowMs,
      authz: this.host.authzStore.view(region)!.state,
      scp: this.host.scpStore.view(region)!.state,
    };
  }

  private theft(a: Attack): void {
    const { scheduler } = this.host;
    if (!this.recording) {
      // From the first theft on, every change of what enforcement sees is kept for the judgement.
      this.recording = true;
      for (const r of this.host.regions) this.history.set(r, [this.snapshot(r)]);
    }
    for (const name of a.spec.instances) {
      const spec = this.scenario.instances.find((i) => i.name === name)!;
      // IMDSv2 with hop limit 1: a token-less GET (an SSRF) gets 401 and no credentials.
      if (a.spec.via === 'ssrf' && spec.imds?.tokens === 'required') continue;
      a.live.add(name);
      const creds = this.host.readImds(name);
      if (creds !== undefined) this.steal(a, creds);
    }
    const { foothold } = a.spec;
    if (foothold.kind === 'duration') {
      scheduler.after(foothold.durationMs, 'incident.foothold-end', () => a.live.clear());
    }
    if (a.spec.chain !== undefined) this.chain(a);
  }

  private steal(a: Attack, creds: Credentials): void {
    if (a.keys.has(creds.accessKeyId)) return;
    const nowMs = this.host.scheduler.nowMs;
    a.keys.add(creds.accessKeyId);
    a.stolenSets++;
    a.held.push({
      roleId: creds.roleId,
      roleName: creds.roleName,
      issuedAtMs: creds.issuedAtMs,
      expiresAtMs: creds.expiresAtMs,
      acquiredAtMs: nowMs,
      chained: false,
      // A data perimeter confines instance credentials to their instance's network.
      usable: a.spec.from === 'instance' || !this.perimeter.has(creds.roleName.toLowerCase()),
    });
    if (a.theftMs === null) {
      a.theftMs = nowMs;
      if (this.responseAtMs === null) {
        this.responseAtMs = nowMs + this.detectionMs;
        this.host.scheduler.at(this.responseAtMs, 'incident.detected', () => this.responseStarted.fire());
      }
    }
  }

  /** IMDS of `instance` issued a set: a live foothold reads it too. */
  credentialsIssued(instance: string, creds: Credentials): void {
    for (const a of this.attacks) if (a.live.has(instance)) this.steal(a, creds);
  }

  /** EC2 reports a state change: a stop or a termination may end a foothold. */
  instanceState(instance: string, state: string): void {
    for (const a of this.attacks) {
      if (!a.live.has(instance)) continue;
      const ends = a.spec.foothold.kind === 'until-stop' ? STOPPED : TERMINATED;
      if (ends.has(state)) a.live.delete(instance);
    }
  }

  /** The current enforcement view of the attacker's IAM/STS region accepts `cred` for `action`. */
  private acceptsNow(cred: HeldCredential, action: string): boolean {
    if (!cred.usable || this.host.scheduler.nowMs >= cred.expiresAtMs) return false;
    const region = this.host.iamRegion;
    return accepts(
      {
        atMs: this.host.scheduler.nowMs,
        authz: this.host.authzStore.view(region)!.state,
        scp: this.host.scpStore.view(region)!.state,
      },
      cred,
      action,
    );
  }

  /** sts:AssumeRole into the chain role now and every `everyMs` while a stolen set allows it. */
  private chain(a: Attack): void {
    const chain = a.spec.chain!;
    const { scheduler, iamStore } = this.host;
    const tick = () => {
      const nowMs = scheduler.nowMs;
      const source = a.held.find((c) => !c.chained && this.acceptsNow(c, 'sts:AssumeRole'));
      const role = iamStore.control.roles[chain.role.toLowerCase()];
      if (source !== undefined && role !== undefined) {
        a.chainedSessions++;
        a.held.push({
          roleId: role.RoleId,
          roleName: role.RoleName,
          issuedAtMs: nowMs,
          // Role chaining caps the session at one hour, whatever the role's maximum.
          expiresAtMs: nowMs + CHAINED_SESSION_MAX_MS,
          acquiredAtMs: nowMs,
          chained: true,
          usable: true,
        });
      }
      scheduler.after(chain.everyMs, 'incident.chain', tick);
    };
    tick();
  }

  /** A call of the runbook was executed: a deny put on a stolen role starts the counter-move. */
  callExecuted(call: string, params: Readonly<Record<string, unknown>>, ok: boolean): void {
    if (!ok || call !== 'iam:PutRolePolicy') return;
    const roleName = String(params.RoleName ?? '');
    const policyName = String(params.PolicyName ?? '');
    if (!deniesEverything(String(params.PolicyDocument ?? ''))) return;
    for (const a of this.attacks) {
      const poll = a.spec.counterMove?.pollEveryMs;
      if (poll === undefined || a.counterMoveStarted) continue;
      if (!a.held.some((c) => !c.chained && c.roleName.toLowerCase() === roleName.toLowerCase())) continue;
      a.counterMoveStarted = true;
      this.counterMove(a, roleName, policyName, poll);
    }
  }

  /**
   * Polls the role's inline policies every `pollEveryMs` (a random phase: the attacker does not
   * know when the deny lands) and deletes the deny as soon as it shows, if the stolen credentials
   * still work at the IAM endpoint and allow iam:DeleteRolePolicy. The first poll that finds the
   * credentials rejected ends the race: the defender won.
   */
  private counterMove(a: Attack, roleName: string, policyName: string, pollEveryMs: number): void {
    const { scheduler, iamStore, iamRegion } = this.host;
    const startMs = scheduler.nowMs;
    const phaseMs = this.host.streams.fresh(`incident/${a.spec.name}/counter-move`).int(0, pollEveryMs - 1);
    const poll = () => {
      const cred = a.held.find(
        (c) =>
          !c.chained &&
          c.roleName.toLowerCase() === roleName.toLowerCase() &&
          this.acceptsNow(c, 'iam:DeleteRolePolicy'),
      );
      if (cred === undefined || scheduler.nowMs - startMs > COUNTER_MOVE_GIVE_UP_MS) {
        a.counterMove = 'defender-won';
        return;
      }
      const state = this.host.iamReads === 'regionView' ? iamStore.view(iamRegion)!.state : iamStore.control;
      const role = state.roles[roleName.toLowerCase()];
      if (role?.policies[policyName] !== undefined && this.host.deleteRolePolicy(roleName, policyName)) {
        a.counterMove = 'attacker-won';
        return;
      }
      scheduler.after(pollEveryMs, 'incident.counter-move', poll);
    };
    scheduler.after(phaseMs, 'incident.counter-move', poll);
  }

  /**
   * The incident part of the run's result.
   * @param endMs the scheduler time the run ended at (the horizon).
   * @param targetApps the target applications' lanes, scenario ms (for the time to recover).
   */
  result(endMs: number, targetApps: readonly (readonly TimelineSegment[])[]): IncidentRunResult {
    const { offsetMs } = this.host;
    const history: EnforcementHistory = this.history;
    const responseMs = this.responseAtMs;
    const incidents = this.attacks.map((a): IncidentOutcome => {
      const exposure = exposureOf(a.held, history, endMs);
      const fromTheft =
        a.theftMs === null || exposure.lastMs === undefined
          ? 0
          : exposure.open
            ? null
            : Math.max(0, exposure.lastMs - a.theftMs);
      const fromResponse =
        responseMs === null ? null : exposure.open ? null : Math.max(0, (exposure.lastMs ?? 0) - responseMs);
      let attackerAllowedCalls: number | null = null;
      const probe = a.spec.probe;
      if (probe !== undefined) {
        const allowed = unionOf(a.held.flatMap((c) => usableIntervals(c, history, endMs, probe.action)));
        const phaseMs = this.host.streams.fresh(`incident/${a.spec.name}/probe`).int(0, probe.everyMs - 1);
        attackerAllowedCalls = allowed.reduce(
          (n, i) => n + ticksIn(i.fromMs - offsetMs, i.toMs - offsetMs, phaseMs, probe.everyMs),
          0,
        );
      }
      let chainedAfter: number | null = null;
      if (responseMs !== null) {
        for (const c of a.held) {
          if (!c.chained) continue;
          const last = lastEnd(usableIntervals(c, history, endMs));
          if (last !== undefined && last > responseMs)
            chainedAfter = Math.max(chainedAfter ?? 0, last - responseMs);
        }
      }
      return {
        name: a.spec.name,
        theftMs: a.theftMs === null ? null : a.theftMs - offsetMs,
        stolenSets: a.stolenSets,
        chainedSessions: a.chainedSessions,
        heldUntilMs: a.held.length === 0 ? null : Math.max(...a.held.map((c) => c.expiresAtMs)) - offsetMs,
        attackerExposureMs: fromTheft,
        attackerExposureFromResponseMs: fromResponse,
        attackerAllowedCalls,
        chainedAfterResponseMs: chainedAfter,
        ...(a.counterMove === undefined ? {} : { counterMove: a.counterMove }),
      };
    });
    const responseStartMs = responseMs === null ? null : responseMs - offsetMs;
    return {
      responseStartMs,
      incidents,
      recoveryMs: responseStartMs === null ? null : recoveryMs(targetApps, responseStartMs, endMs - offsetMs),
    };
  }
}

function lastEnd(intervals: readonly Interval[]): number | undefined {
  return intervals[intervals.length - 1]?.toMs;
}

/** Whether a policy document has a Deny of every action (with or without an issue-time condition). */
function deniesEverything(document: string): boolean {
  try {
    const doc = JSON.parse(document) as { Statement?: unknown };
    const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    return list.some((s) => {
      const st = s as { Effect?: unknown; Action?: unknown } | null;
      const actions = Array.isArray(st?.Action) ? st.Action : [st?.Action];
      return st?.Effect === 'Deny' && actions.includes('*');
    });
  } catch {
    return false;
  }
}

/**
 * Time to recover: from `startMs` until every target application is up (running with accepted
 * credentials) for good; 0 when none was ever out, null when one is still out at `endMs`.
 */
function recoveryMs(
  apps: readonly (readonly TimelineSegment[])[],
  startMs: number,
  endMs: number,
): number | null {
  let last = startMs;
  for (const segments of apps) {
    for (const s of segments) {
      if (isUp(s.kind) || s.toMs <= startMs) continue;
      if (s.toMs >= endMs) return null;
      last = Math.max(last, s.toMs);
    }
  }
  return last - startMs;
}
