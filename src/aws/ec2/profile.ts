/**
 * How EC2 finds an instance profile: by Name or ARN, in the IAM state its region can see.
 *
 * EC2 reads IAM through the region's replica, so a profile created a moment ago is not found yet
 * and the call fails with InvalidParameterValue in AWS's wording (README.md, "Sources"; Terraform
 * retries exactly this error). Names are compared case-insensitively, as IAM keys them.
 */
import { Errors } from '../errors.ts';
import { entry } from '../iam/records.ts';
import type { IamState, InstanceProfile } from '../iam/types.ts';
import type { ProfileRef } from './params.ts';

const PROFILE_ARN = /^arn:aws:iam::(\d{12}):instance-profile(\/(?:.*\/)?)([^/]+)$/;

/**
 * The profile `ref` names in `state`.
 * @throws AwsError InvalidParameterValue (invalidProfileName / invalidProfileArn) when it is not visible.
 */
export function resolveProfile(state: IamState, ref: ProfileRef): InstanceProfile {
  if (ref.kind === 'name') {
    const profile = entry(state.profiles, ref.value.toLowerCase());
    if (profile === undefined) throw Errors.invalidProfileName(ref.value);
    return profile;
  }
  const m = PROFILE_ARN.exec(ref.value);
  const profile = m === null ? undefined : entry(state.profiles, m[3]!.toLowerCase());
  // The name alone is not enough: the account and the path must match the profile's own ARN too.
  if (profile === undefined || !sameArn(profile.Arn, ref.value)) throw Errors.invalidProfileArn(ref.value);
  return profile;
}

/** ARNs are compared exactly, except the trailing name, which IAM treats case-insensitively. */
function sameArn(actual: string, given: string): boolean {
  const cut = actual.lastIndexOf('/');
  const givenCut = given.lastIndexOf('/');
  return (
    actual.slice(0, cut) === given.slice(0, givenCut) &&
    actual.slice(cut).toLowerCase() === given.slice(givenCut).toLowerCase()
  );
}

/** Whether the profile holds a role that exists in the same snapshot (launch requires one). */
export function profileHasRole(state: IamState, profile: InstanceProfile): boolean {
  return profile.roleKey !== undefined && entry(state.roles, profile.roleKey) !== undefined;
}
