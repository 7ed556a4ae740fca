/**
 * The instance metadata service of one served instance, as an SDK sees it on 169.254.169.254:
 * IMDSv2 session tokens (`PUT /latest/api/token` with the TTL header, 1-21600 s, counted in
 * virtual time), IMDSv1 unless tokens are required, `instance-id`, `iam/info`,
 * `iam/security-credentials/` and `/ROLE` with AWS's field names and formatting. What it serves
 * is what the model's IMDS publisher serves at the current virtual instant.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isoFromSimMs } from '../aws/iam/types.ts';
import type { Credentials } from '../instance/credentials.ts';
import type { ServeSession } from './session.ts';

export type ImdsTokens = 'optional' | 'required';

/** iam/info's message for a profile without a role (the troubleshooting page quotes its start). */
const NO_ROLE_MESSAGE = 'Instance Profile does not contain a role.';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const TTL_MAX_S = 21_600;
/** Cap on live session tokens per instance: a client that asks for a token per read cannot grow memory without bound. */
const TOKENS_MAX = 10_000;

/** AWS writes IMDS times to the second: `2026-01-01T06:24:10Z`. */
function imdsTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** IMDS's JSON layout: two-space indent and ` : ` between key and value. */
function imdsJson(fields: Readonly<Record<string, string>>): string {
  const lines = Object.entries(fields).map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}`;
}

/** The secret key and session token that go with an access key id: derived, so every run serves the same. */
function secretsOf(accessKeyId: string): { secretAccessKey: string; sessionToken: string } {
  const digest = createHash('sha256').update(`iamsim:${accessKeyId}`).digest('base64');
  return { secretAccessKey: digest.slice(0, 40), sessionToken: `IQoJiamsim${accessKeyId}${digest}` };
}

function credentialsDocument(creds: Credentials, iso: (ms: number) => Date): string {
  const { secretAccessKey, sessionToken } = secretsOf(creds.accessKeyId);
  return imdsJson({
    Code: 'Success',
    LastUpdated: imdsTime(iso(creds.issuedAtMs)),
    Type: 'AWS-HMAC',
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: secretAccessKey,
    Token: sessionToken,
    Expiration: imdsTime(iso(creds.expiresAtMs)),
  });
}

export class ImdsEndpoint {
  /** Live tokens: value -> expiry (scheduler ms). */
  private readonly tokens = new Map<string, number>();
  private tokenSeq = 0;

  constructor(
    private readonly session: ServeSession,
    readonly instance: string,
    private readonly tokensMode: ImdsTokens,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): undefined {
    const session = this.session;
    session.sync();
    const path = new URL(req.url ?? '/', 'http://imds').pathname;
    const reply = (
      status: number,
      body: string,
      type = 'text/plain',
      headers: Record<string, string> = {},
    ): undefined => {
      res.sendDate = false;
      res.writeHead(status, {
        'Content-Type': type,
        'Content-Length': Buffer.byteLength(body),
        Date: session.now.toUTCString(),
        Server: 'EC2ws',
        ...headers,
      });
      res.end(body);
    };
    const notFound = (): undefined => reply(404, '404 - Not Found\n');
    const rt = session.view.runtimes.get(this.instance)!;
    const ref = session.view.refs.get(this.instance)!;
    if (!rt.running || rt.inOutage(session.schedulerMs)) {
      // A stopped instance, or a modelled IMDS outage: nothing answers properly.
      return reply(503, 'Service Unavailable\n');
    }
    if (path === '/latest/api/token') {
      if (req.method !== 'PUT') return reply(405, 'Method Not Allowed\n');
      const ttlText = req.headers[TTL_HEADER];
      const ttl = typeof ttlText === 'string' && /^\d+$/.test(ttlText) ? Number(ttlText) : Number.NaN;
      if (!(ttl >= 1 && ttl <= TTL_MAX_S)) return reply(400, 'Bad Request\n');
      this.dropExpiredTokens();
      if (this.tokens.size >= TOKENS_MAX) return reply(429, 'Too Many Requests\n');
      const token = `${this.instance}-${++this.tokenSeq}-${createHash('sha256').update(`${this.instance}/${this.tokenSeq}`).digest('hex').slice(0, 24)}`;
      this.tokens.set(token, session.schedulerMs + ttl * 1000);
      return reply(200, token, 'text/plain', { [TTL_HEADER]: String(ttl) });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'Method Not Allowed\n');
    const token = req.headers[TOKEN_HEADER];
    if (typeof token === 'string') {
      const expiresMs = this.tokens.get(token);
      if (expiresMs === undefined || session.schedulerMs >= expiresMs) return reply(401, 'Unauthorized\n');
    } else if (this.tokensMode === 'required') {
      return reply(401, 'Unauthorized\n');
    }
    const iso = (ms: number) => new Date(isoFromSimMs(ms));
    const creds = rt.readImds();
    const association = session.view.ec2.activeAssociation(ref.id);
    switch (path) {
      case '/latest/meta-data/':
      case '/latest/meta-data':
        return reply(200, rt.imds.endpoint ? 'iam/\ninstance-id' : 'instance-id');
      case '/latest/meta-data/instance-id':
        return reply(200, ref.id);
      case '/latest/meta-data/iam/':
      case '/latest/meta-data/iam':
        return rt.imds.endpoint ? reply(200, 'info\nsecurity-credentials/') : notFound();
      case '/latest/meta-data/iam/info': {
        if (!rt.imds.endpoint) return notFound();
        if (rt.imds.info === 'InstanceProfileNotFound') {
          return reply(
            200,
            imdsJson({ Code: 'InstanceProfileNotFound', LastUpdated: imdsTime(session.now) }),
          );
        }
        return reply(
          200,
          imdsJson({
            Code: 'Success',
            // "The iam/info document indicates a success but indicates "Message":"Instance Profile
            // does not contain a role..."" once RemoveRoleFromInstanceProfile reached the region
            // (IAM User Guide, troubleshoot_iam-ec2); the set issued before is still served.
            ...(rt.imds.info === 'noRole' ? { Message: NO_ROLE_MESSAGE } : {}),
            LastUpdated: imdsTime(creds === undefined ? session.now : iso(creds.issuedAtMs)),
            InstanceProfileArn: association?.profileArn ?? '',
            InstanceProfileId: association?.profileId ?? '',
          }),
        );
      }
      case '/latest/meta-data/iam/security-credentials/':
      case '/latest/meta-data/iam/security-credentials':
        return rt.imds.endpoint && creds !== undefined ? reply(200, creds.roleName) : notFound();
      default: {
        const prefix = '/latest/meta-data/iam/security-credentials/';
        if (!path.startsWith(prefix) || !rt.imds.endpoint || creds === undefined) return notFound();
        if (decodeURIComponent(path.slice(prefix.length)) !== creds.roleName) return notFound();
        return reply(200, credentialsDocument(creds, iso));
      }
    }
  }

  private dropExpiredTokens(): void {
    const now = this.session.schedulerMs;
    for (const [token, expiresMs] of this.tokens) if (now >= expiresMs) this.tokens.delete(token);
  }

  /** Forgets every token (the world was reset). */
  reset(): void {
    this.tokens.clear();
  }
}
