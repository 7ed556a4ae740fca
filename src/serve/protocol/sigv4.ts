/**
 * What iamsim reads from a request's Signature Version 4 `Authorization` header: the access key
 * id, the credential scope's region and service, and the session token header. Signatures are
 * parsed, NOT verified: iamsim is a test double, and any secret signs a request it accepts.
 */
export interface SigV4Scope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

/** The scope of `authorization` (an Authorization header), or undefined when it is not SigV4. */
export function parseSigV4(authorization: string | undefined): SigV4Scope | undefined {
  if (authorization === undefined || !authorization.startsWith('AWS4-HMAC-SHA256')) return undefined;
  const m = CREDENTIAL.exec(authorization);
  if (m === null) return undefined;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]! };
}

/** The same scope from a presigned query string (`X-Amz-Credential`), for completeness. */
export function parsePresigned(form: URLSearchParams): SigV4Scope | undefined {
  const credential = form.get('X-Amz-Credential');
  if (credential === null) return undefined;
  return parseSigV4(`AWS4-HMAC-SHA256 Credential=${credential}`);
}
