/**
 * A compromise in the scenario (issue #13): which instances an attacker reads IMDS on, when, for
 * how long, from where, and what it does with the credentials; and how long it takes the
 * defender to notice. The normalised form the simulator consumes (see scenario/incident-normalise.ts
 * for the YAML side). All times are integer virtual ms.
 */
import type { DistributionSpec } from '../engine/index.ts';

/**
 * How long the attacker keeps reading IMDS on a compromised instance. While the foothold lasts
 * the attacker takes every set IMDS issues, so a response that lets IMDS issue fresh credentials
 * to a live foothold does not end the exposure.
 * - `until-stop`: a process in memory; ends when the instance stops (or terminates);
 * - `until-replace`: a vulnerable application (an SSRF) or a backdoor on disk: survives stop and
 *   start, ends when the instance is terminated (replaced by a patched one);
 * - `until-terminate`: the same end in this model (termination); kept apart because a runbook that
 *   replaces instances without terminating the old ones would differ;
 * - `{ durationMs }`: ends that long after the first read.
 */
export type Foothold =
  | { readonly kind: 'until-stop' }
  | { readonly kind: 'until-replace' }
  | { readonly kind: 'until-terminate' }
  | { readonly kind: 'duration'; readonly durationMs: number };

/**
 * Where the attacker calls AWS from: outside AWS, from another AWS account, or from the
 * compromised instance itself (through the foothold). Data-perimeter conditions
 * (aws:EC2InstanceSourceVPC / aws:EC2InstanceSourcePrivateIPv4) deny instance credentials used
 * anywhere but on their instance, so only `instance` gets past them.
 */
export type AttackerLocation = 'outside-aws' | 'other-account' | 'instance';

export interface IncidentSpec {
  readonly name: string;
  /** The compromised instances, by name, in scenario order. */
  readonly instances: readonly string[];
  /** When the attacker first reads IMDS (a distribution: drawn per run). */
  readonly at: DistributionSpec;
  /** `ssrf`: an HTTP GET without a token (blocked by HttpTokens=required); `shell`: code on the host. */
  readonly via: 'ssrf' | 'shell';
  readonly foothold: Foothold;
  readonly from: AttackerLocation;
  /** Role chaining: sts:AssumeRole into `role` every `everyMs` while a stolen credential is accepted. */
  readonly chain?: { readonly role: string; readonly everyMs: number };
  /** The call the attacker makes with what it holds (counted as attackerAllowedCalls). */
  readonly probe?: { readonly action: string; readonly everyMs: number };
  /**
   * The counter-move: with IAM write on the stolen role, poll the role's inline policies every
   * `pollEveryMs` and delete a deny (AWSRevokeOlderSessions, a deny-all) while the stolen
   * credentials still work. An SCP is out of the role's reach.
   */
  readonly counterMove?: { readonly pollEveryMs: number };
}

/** Time from the first theft to the start of the response: log delivery plus detection and paging. */
export interface DetectionSpec {
  readonly cloudTrail: DistributionSpec;
  readonly delay: DistributionSpec;
  /** Organizations SCP attach -> enforcement in a region (its own propagation path). */
  readonly scpPropagation: DistributionSpec;
}

/** The incident part of a scenario. */
export interface IncidentSection {
  readonly incidents: readonly IncidentSpec[];
  readonly detection: DetectionSpec;
  /** Roles whose instance credentials carry a data perimeter (usable only on their instance). */
  readonly dataPerimeterRoles: readonly string[];
}

/** The incident responses (strategies whose change is a containment, not a role move). */
export const responseNames = [
  'none',
  'revoke-sessions',
  'revoke-then-stop-start',
  'disassociate',
  'remove-role-from-profile',
  'deny-all-policy',
  'rotate-role',
  'scp',
  'scp-then-stop-start',
] as const;
export type ResponseName = (typeof responseNames)[number];

export function isResponseName(name: string): name is ResponseName {
  return (responseNames as readonly string[]).includes(name);
}
