/** Temporary credentials as IMDS issues them (STS AssumeRole on the instance's behalf). Times in virtual ms. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly roleName: string;
  /** The role's unique id: authorization looks roles up by id, so a recreated role never honours old credentials. */
  readonly roleId: string;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

export function isValidAt(creds: Credentials | undefined, nowMs: number): creds is Credentials {
  return creds !== undefined && nowMs < creds.expiresAtMs;
}
