import { accessKeyId, accessKeyPrefix } from './access-keys.ts';

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

/**
 * Credentials as ImdsPublisher issues them. The access key id is built when read: a fleet issues
 * dozens of sets per instance and reads the ids of almost none (the attacker, `iamsim serve`),
 * so each set keeps the two numbers the id is made of instead of a 20-character string.
 */
export class IssuedCredentials implements Credentials {
  constructor(
    /** The issuing instance's index in the world (see accessKeyPrefix). */
    private readonly keyIndex: number,
    /** How many sets that instance issued before this one. */
    private readonly keyCount: number,
    readonly roleName: string,
    readonly roleId: string,
    readonly issuedAtMs: number,
    readonly expiresAtMs: number,
  ) {}

  get accessKeyId(): string {
    return accessKeyId(accessKeyPrefix(this.keyIndex), this.keyCount);
  }

  toJSON(): Credentials {
    return copyCredentials(this);
  }
}

/** A plain object with the fields of `creds` (a spread would miss IssuedCredentials' access key id, a getter). */
export function copyCredentials(creds: Credentials): Credentials {
  const { accessKeyId, roleName, roleId, issuedAtMs, expiresAtMs } = creds;
  return { accessKeyId, roleName, roleId, issuedAtMs, expiresAtMs };
}
