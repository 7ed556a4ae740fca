/**
 * What the attacker's credentials are worth, judged after the run from the enforcement views'
 * history: a credential is usable at time t from region r when it has not expired and the
 * region's enforcement view in force at t neither rejects it outright (unknown role, a Deny `*`
 * for its issue time such as AWSRevokeOlderSessions) nor has an SCP that does. The attacker can
 * call any regional endpoint, so it is exposed while any credential is usable in any region.
 *
 * Pure functions of plain data: the same rules the application's credentials are judged by
 * (aws/iam/policy.ts), applied to the credentials the attacker holds.
 */
import { evaluate, rejectsEverything } from '../aws/iam/policy.ts';
import type { AuthzState } from '../aws/iam/types.ts';

/** A credential the attacker holds: a set read from IMDS, or a role-chained session. */
export interface HeldCredential {
  readonly roleId: string;
  readonly roleName: string;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
  /** When the attacker got it. */
  readonly acquiredAtMs: number;
  readonly chained: boolean;
  /** False when a data perimeter confines it to its instance and the attacker calls from elsewhere. */
  readonly usable: boolean;
}

/** The enforcement state of one region from `atMs` on (until the next snapshot of that region). */
export interface EnforcementSnapshot {
  readonly atMs: number;
  readonly authz: AuthzState;
  /** Service control policies, keyed like AuthzState (role id -> statements). */
  readonly scp: AuthzState;
}

/** Per region, snapshots sorted by time; the first one is in force from before any acquisition. */
export type EnforcementHistory = ReadonlyMap<string, readonly EnforcementSnapshot[]>;

export interface Interval {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Whether `snapshot` accepts `cred` (and, with an action, allows that action). */
export function accepts(snapshot: EnforcementSnapshot, cred: HeldCredential, action?: string): boolean {
  const role = snapshot.authz.roles[cred.roleId];
  if (rejectsEverything(role, cred.issuedAtMs)) return false;
  const scp = snapshot.scp.roles[cred.roleId];
  if (scp !== undefined && rejectsEverything(scp, cred.issuedAtMs)) return false;
  return action === undefined || evaluate(role, action, cred.issuedAtMs);
}

/** Sorts and merges intervals (touching ones join). */
export function unionOf(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.toMs > i.fromMs).sort((a, b) => a.fromMs - b.fromMs);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && i.fromMs <= last.toMs)
      out[out.length - 1] = { fromMs: last.fromMs, toMs: Math.max(last.toMs, i.toMs) };
    else out.push(i);
  }
  return out;
}

/** When `cred` is usable in any region, within [acquired, min(expiry, endMs)). */
export function usableIntervals(
  cred: HeldCredential,
  history: EnforcementHistory,
  endMs: number,
  action?: string,
): Interval[] {
  if (!cred.usable) return [];
  const fromMs = cred.acquiredAtMs;
  const toMs = Math.min(cred.expiresAtMs, endMs);
  if (toMs <= fromMs) return [];
  const out: Interval[] = [];
  for (const snapshots of history.values()) {
    snapshots.forEach((s, k) => {
      const sFrom = Math.max(s.atMs, fromMs);
      const sTo = Math.min(snapshots[k + 1]?.atMs ?? Number.POSITIVE_INFINITY, toMs);
      if (sTo > sFrom && accepts(s, cred, action)) out.push({ fromMs: sFrom, toMs: sTo });
    });
  }
  return unionOf(out);
}

/** The attacker's exposure from one set of held credentials (scheduler ms). */
export interface Exposure {
  /** Intervals in which some held credential was usable somewhere. */
  readonly usable: readonly Interval[];
  /** End of the last usable interval (undefined: nothing was ever usable). */
  readonly lastMs: number | undefined;
  /** Still usable at endMs: the exposure outlived the horizon. */
  readonly open: boolean;
}

export function exposureOf(
  held: readonly HeldCredential[],
  history: EnforcementHistory,
  endMs: number,
): Exposure {
  const usable = unionOf(held.flatMap((c) => usableIntervals(c, history, endMs)));
  const last = usable[usable.length - 1];
  return { usable, lastMs: last?.toMs, open: last !== undefined && last.toMs >= endMs };
}
