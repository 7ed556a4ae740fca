/**
 * Effective permissions of credentials over the scenario's relevant actions, as an enforcement
 * view (an authz snapshot) sees them.
 *
 * Every credential issuance and every lane re-evaluation asks "what may these credentials do
 * here, now?". The answer depends only on the snapshot, the role id and, through
 * AWSRevokeOlderSessions-style conditions, on which side of each condition's instant the
 * credentials were issued. So it is computed once per (snapshot, role, interval between
 * condition instants) and interned: equal permission sets are the same object with the same id,
 * and a comparison of permission sets is a comparison of numbers.
 */
import { evaluate, rejectsEverything } from '../aws/iam/policy.ts';
import type { AuthzRole, AuthzState } from '../aws/iam/types.ts';

/** One interned set of allowed actions. */
export interface PermissionSet {
  /** Equal sets have equal ids. */
  readonly id: number;
  /** Per relevant action (in the classifier's order): allowed or not. */
  readonly allowed: readonly boolean[];
  /**
   * Rejected outright, whatever the action: the role is unknown to enforcement, or a Deny of `*`
   * applies (see rejectsEverything). Such credentials are "denied", not merely limited.
   */
  readonly rejected: boolean;
}

/** What a role allows under one snapshot, per interval of issue times. */
export interface RolePermissions {
  /** Sorted distinct `tokenIssuedBeforeMs` instants of the role's conditional statements. */
  readonly instantsMs: readonly number[];
  /** Per interval: index k covers issue times in [instantsMs[k-1], instantsMs[k]). Filled lazily. */
  readonly sets: (PermissionSet | undefined)[];
  readonly role: AuthzRole | undefined;
}

export class PermissionClassifier {
  private readonly interned = new Map<string, PermissionSet>();
  private readonly bySnapshot = new WeakMap<AuthzState, Map<string, RolePermissions>>();
  // One-entry front for the WeakMap: consecutive questions almost always concern the same snapshot.
  private lastSnapshot: AuthzState | undefined;
  private lastRoles: Map<string, RolePermissions> | undefined;

  /** @param actions the relevant actions, in a fixed order (the index of `PermissionSet.allowed`). */
  constructor(readonly actions: readonly string[]) {}

  /** The interned set with these allowed flags (one per relevant action). */
  intern(allowed: readonly boolean[], rejected = false): PermissionSet {
    let key = rejected ? 'x' : '';
    for (const a of allowed) key += a ? '1' : '0';
    let set = this.interned.get(key);
    if (set === undefined) {
      set = { id: this.interned.size, allowed: [...allowed], rejected };
      this.interned.set(key, set);
    }
    return set;
  }

  /** What credentials of role `roleId` issued at `issuedAtMs` may do under `snapshot`. */
  permissionsOf(snapshot: AuthzState, roleId: string, issuedAtMs: number): PermissionSet {
    return this.issuedAt(this.roleIn(snapshot, roleId), issuedAtMs);
  }

  /**
   * What role `roleId` allows under `snapshot`, per interval of issue times (see issuedAt): when
   * its `instantsMs` are empty, the same whenever the credentials were issued.
   */
  roleIn(snapshot: AuthzState, roleId: string): RolePermissions {
    let roles: Map<string, RolePermissions> | undefined;
    if (snapshot === this.lastSnapshot) roles = this.lastRoles!;
    else {
      roles = this.bySnapshot.get(snapshot);
      if (roles === undefined) {
        roles = new Map();
        this.bySnapshot.set(snapshot, roles);
      }
      this.lastSnapshot = snapshot;
      this.lastRoles = roles;
    }
    let perms = roles.get(roleId);
    if (perms === undefined) {
      perms = rolePermissions(snapshot.roles[roleId]);
      roles.set(roleId, perms);
    }
    return perms;
  }

  /** What credentials issued at `issuedAtMs` of the role whose permissions are `perms` may do. */
  issuedAt(perms: RolePermissions, issuedAtMs: number): PermissionSet {
    const instants = perms.instantsMs;
    let k = 0;
    while (k < instants.length && instants[k]! <= issuedAtMs) k++;
    return perms.sets[k] ?? this.evaluateInterval(perms, k);
  }

  /**
   * Works out and keeps interval `k`'s set of `perms`. A method of its own, not inline in
   * permissionsOf: the closure here captures locals, and V8 then makes a context for them on
   * every call of the function that declares them, taken branch or not (48 bytes per question,
   * hundreds of thousands of questions in a fleet's run).
   */
  private evaluateInterval(perms: RolePermissions, k: number): PermissionSet {
    // A statement conditioned on "issued before T" applies exactly when issuedAtMs < T, so one
    // representative issue time per interval decides the whole interval.
    const representativeMs = k === 0 ? Number.NEGATIVE_INFINITY : perms.instantsMs[k - 1]!;
    const role = perms.role;
    const set = this.intern(
      this.actions.map((a) => evaluate(role, a, representativeMs)),
      rejectsEverything(role, representativeMs),
    );
    perms.sets[k] = set;
    return set;
  }
}

function rolePermissions(role: AuthzRole | undefined): RolePermissions {
  const instants = new Set<number>();
  for (const s of role?.statements ?? []) {
    if (s.tokenIssuedBeforeMs !== undefined) instants.add(s.tokenIssuedBeforeMs);
  }
  const instantsMs = [...instants].sort((a, b) => a - b);
  return { instantsMs, sets: new Array(instantsMs.length + 1).fill(undefined), role };
}
