/**
 * Tells what credentials mean for the change being measured: new, old, other or denied (see
 * HoldingKind in result.ts), and whether the instance's probe action is allowed.
 *
 * Judged at the instance region's enforcement view, by role identity: "new" is accepted
 * credentials of the change's target role, "old" accepted credentials of the role the instance
 * started with. Only when the change keeps the role and rewrites its policy (edit-policy, or a
 * runbook whose target role is the instance's own role) are they told apart by effective
 * permissions. Credentials that enforcement rejects outright (an unknown role, a Deny of `*` for
 * their issue time, as AWSRevokeOlderSessions) are "denied", whichever role they belong to: a
 * revoked old credential is no exposure, and the application holding it is out.
 */
import { actionMatches, rejectsEverything } from '../aws/iam/policy.ts';
import type { AuthzState } from '../aws/iam/types.ts';
import type { ChangePlan } from '../change-plan.ts';
import type { Credentials } from '../instance/credentials.ts';
import { PermissionClassifier, type PermissionSet } from '../instance/permissions.ts';
import { type LaneState, laneState } from '../instance/timeline.ts';
import type { RegionView } from '../replication/store.ts';
import type { HoldingKind } from '../result.ts';
import type { Scenario } from '../scenario/types.ts';

/** What the classifier needs to know of one instance. */
export interface ClassifiedInstance {
  /** The role of the instance's initial profile, and its permissions. */
  readonly oldRole: string | undefined;
  readonly oldPermissions: PermissionSet | undefined;
  /** The enforcement view of the instance's region. */
  readonly authzView: RegionView<AuthzState>;
  /** Service control policies as the region enforces them (scenarios with incidents only). */
  readonly scpView: RegionView<AuthzState> | undefined;
  /** Index of the probe's action among the relevant actions, or -1 without a probe. */
  readonly probeIndex: number;
  /**
   * The classifier's memo of its last answer for this instance (see CredentialClassifier.classify):
   * the enforcement snapshot and role it was for, and the state. Written by the classifier only.
   */
  classifiedSnapshot: AuthzState | undefined;
  classifiedRoleId: string | undefined;
  classifiedRoleName: string | undefined;
  classifiedState: LaneState | undefined;
}

export class CredentialClassifier {
  /** The actions any scenario role allows or any probe calls, sorted: what permission sets cover. */
  readonly relevantActions: readonly string[];
  private readonly permissions: PermissionClassifier;
  /** Permissions of the change's target role (when it is a scenario role). */
  private readonly targetPermissions: PermissionSet | undefined;
  private readonly newRoleLower: string | undefined;
  /** Lower-cased role names (roles are compared case-insensitively, as IAM names are). */
  private readonly lowerCase = new Map<string, string>();
  private readonly scenarioRolePermissions = new Map<string, PermissionSet | undefined>();

  constructor(
    private readonly scenario: Scenario,
    private readonly plan: ChangePlan | undefined,
  ) {
    const actions = new Set<string>();
    for (const r of scenario.roles) for (const a of r.allow) actions.add(a);
    // By index: once over a fleet, unoptimized, where for-of allocates a result object per instance.
    const specs = scenario.instances;
    for (let i = 0; i < specs.length; i++) {
      const probe = specs[i]!.probe;
      if (probe !== undefined) actions.add(probe.action);
    }
    this.relevantActions = [...actions].sort();
    this.permissions = new PermissionClassifier(this.relevantActions);
    const newRole = plan?.newRole;
    this.newRoleLower = newRole?.toLowerCase();
    this.targetPermissions = newRole === undefined ? undefined : this.permissionsOfScenarioRole(newRole);
  }

  /** Which relevant actions a scenario role's allow list grants (undefined: not a scenario role). */
  permissionsOfScenarioRole(roleName: string): PermissionSet | undefined {
    // Asked once per instance: worked out once per role name.
    if (this.scenarioRolePermissions.has(roleName)) return this.scenarioRolePermissions.get(roleName);
    const role = this.scenario.roles.find((r) => r.name.toLowerCase() === roleName.toLowerCase());
    const perms =
      role === undefined
        ? undefined
        : this.permissions.intern(
            this.relevantActions.map((a) => role.allow.some((p) => actionMatches(p, a))),
          );
    this.scenarioRolePermissions.set(roleName, perms);
    return perms;
  }

  /** The index of `action` among the relevant actions (-1 if it is not one). */
  actionIndex(action: string): number {
    return this.relevantActions.indexOf(action);
  }

  /**
   * The lane state of valid (unexpired) credentials, as enforcement in the instance's region sees
   * them now. Asked at every issuance and every refresh (hundreds of thousands of times in a
   * fleet's run), mostly about a new set of the role the instance's last answer was about: that
   * answer is kept on the instance and given again while it cannot differ, that is for the same
   * snapshot, role id and name, when neither the role's statements (a condition on the issue
   * time, as AWSRevokeOlderSessions) nor SCPs make it depend on when the set was issued.
   */
  classify(inst: ClassifiedInstance, creds: Credentials): LaneState {
    const snapshot = inst.authzView.state;
    if (
      snapshot === inst.classifiedSnapshot &&
      creds.roleId === inst.classifiedRoleId &&
      creds.roleName === inst.classifiedRoleName
    )
      return inst.classifiedState!;
    const role = this.permissions.roleIn(snapshot, creds.roleId);
    const state = this.stateOf(inst, creds, this.permissions.issuedAt(role, creds.issuedAtMs));
    const keep = role.instantsMs.length === 0 && inst.scpView === undefined;
    inst.classifiedSnapshot = keep ? snapshot : undefined;
    inst.classifiedRoleId = creds.roleId;
    inst.classifiedRoleName = creds.roleName;
    inst.classifiedState = state;
    return state;
  }

  /** classify's answer for credentials whose permissions are `perms`. */
  private stateOf(inst: ClassifiedInstance, creds: Credentials, perms: PermissionSet): LaneState {
    if (perms.rejected) return laneState('denied', creds.roleName, false);
    const scp = inst.scpView?.state.roles[creds.roleId];
    if (scp !== undefined && rejectsEverything(scp, creds.issuedAtMs))
      return laneState('denied', creds.roleName, false);
    const probeAllowed = inst.probeIndex >= 0 && perms.allowed[inst.probeIndex] === true;
    return laneState(this.kindOf(inst, creds, perms), creds.roleName, probeAllowed);
  }

  private kindOf(inst: ClassifiedInstance, creds: Credentials, perms: PermissionSet): HoldingKind {
    const { oldRole, oldPermissions } = inst;
    const role = this.lower(creds.roleName);
    const oldLower = oldRole === undefined ? undefined : this.lower(oldRole);
    const target = this.targetPermissions;
    // The role stays (edit-policy, or a runbook that rewrites the instance's own role): only the
    // permissions can tell new from old, when they differ at all.
    const roleStays = this.plan?.judgedBy === 'permissions' || this.newRoleLower === oldLower;
    if (roleStays && target !== undefined && oldPermissions !== undefined && target !== oldPermissions) {
      if (role !== oldLower && role !== this.newRoleLower) return 'other';
      return perms === target ? 'new' : perms === oldPermissions ? 'old' : 'other';
    }
    if (this.newRoleLower !== undefined && role === this.newRoleLower) return 'new';
    if (oldLower !== undefined && role === oldLower) return 'old';
    return 'other';
  }

  private lower(name: string): string {
    let lower = this.lowerCase.get(name);
    if (lower === undefined) {
      lower = name.toLowerCase();
      this.lowerCase.set(name, lower);
    }
    return lower;
  }
}
