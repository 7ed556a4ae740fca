/**
 * `iamsim serve`'s HTTP side (node:http, no framework): one port for the AWS APIs (IAM and STS
 * over the query protocol, EC2 over its own) plus the admin API under `/_iamsim/`, and one port
 * per instance for its IMDS. Every request first brings the world to the clock's instant.
 *
 * Requests are routed by their SigV4 credential scope (service, region), else by `Version`, else
 * by `Action`. Signatures are parsed, never verified.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, Errors } from '../aws/errors.ts';
import { ACCOUNT_ID } from '../aws/iam/types.ts';
import { callerIdentity } from './identity.ts';
import { ImdsEndpoint, type ImdsTokens } from './imds.ts';
import { decodeParams } from './protocol/query.ts';
import { type ServiceName, serviceModels } from './protocol/shapes.ts';
import { parsePresigned, parseSigV4 } from './protocol/sigv4.ts';
import { errorXml, responseXml } from './protocol/xml.ts';
import type { ServeSession } from './session.ts';

export interface ServerOptions {
  readonly session: ServeSession;
  readonly host: string;
  /** The API port (0: any free port). */
  readonly port: number;
  /** First IMDS port; instance k (scenario order) gets base + k. 0: any free port for each. */
  readonly imdsPortBase: number;
  readonly imdsTokens: ImdsTokens;
  /** Called after every executed call (e.g. to rewrite the --record file). */
  readonly onCall?: () => void;
}

export interface ImdsInfo {
  readonly instance: string;
  readonly instanceId: string;
  readonly port: number;
  readonly url: string;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly imds: readonly ImdsInfo[];
  close(): Promise<void>;
}

const BODY_MAX_BYTES = 1024 * 1024;
/** Bound on remembered idempotency tokens. */
const IDEMPOTENCY_TOKENS_MAX = 10_000;
const VERSIONS: Readonly<Record<string, ServiceName>> = {
  '2010-05-08': 'iam',
  '2016-11-15': 'ec2',
  '2011-06-15': 'sts',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_MAX_BYTES) {
        reject(new HttpError(413, `request body over ${BODY_MAX_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { session, host } = options;
  const api = new ApiHandler(options);
  const apiServer = createServer((req, res) => {
    api.handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify({ error: e instanceof Error ? e.message : String(e) })}\n`);
    });
  });
  const servers: Server[] = [apiServer];
  const imds: ImdsInfo[] = [];
  const endpoints: ImdsEndpoint[] = [];
  try {
    const port = await listen(apiServer, options.port, host);
    let k = 0;
    for (const [name, ref] of session.view.refs) {
      const endpoint = new ImdsEndpoint(session, name, options.imdsTokens);
      endpoints.push(endpoint);
      const server = createServer((req, res) => endpoint.handle(req, res));
      servers.push(server);
      const imdsPort = await listen(server, options.imdsPortBase === 0 ? 0 : options.imdsPortBase + k, host);
      imds.push({ instance: name, instanceId: ref.id, port: imdsPort, url: urlOf(host, imdsPort) });
      k++;
    }
    api.onReset = () => {
      for (const e of endpoints) e.reset();
    };
    return {
      url: urlOf(host, port),
      port,
      imds,
      close: async () => {
        await Promise.all(servers.map(closeServer));
      },
    };
  } catch (e) {
    await Promise.all(servers.filter((s) => s.listening).map(closeServer));
    throw e;
  }
}

class ApiHandler {
  onReset: () => void = () => {};
  private requestSeq = 0;
  /** Answers by EC2 ClientToken (idempotent retries). */
  private readonly idempotent = new Map<string, string>();

  constructor(private readonly options: ServerOptions) {}

  private requestId(): string {
    return `00000000-0000-4000-8000-${(++this.requestSeq).toString(16).padStart(12, '0')}`;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<undefined> {
    const url = new URL(req.url ?? '/', 'http://iamsim');
    const body = req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req);
    if (url.pathname.startsWith('/_iamsim/'))
      return this.admin(url.pathname.slice('/_iamsim/'.length), req, body, res);
    const form = new URLSearchParams(body);
    for (const [k, v] of url.searchParams) form.append(k, v);
    return this.aws(req, form, res);
  }

  private send(
    res: ServerResponse,
    status: number,
    type: string,
    body: string,
    headers: Record<string, string> = {},
  ): undefined {
    res.sendDate = false;
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      // Every timestamp in virtual time, the Date header included: SDKs correct their clock skew from it.
      Date: this.options.session.now.toUTCString(),
      ...headers,
    });
    res.end(body);
  }

  private aws(req: IncomingMessage, form: URLSearchParams, res: ServerResponse): undefined {
    const { session } = this.options;
    session.sync();
    const scope = parseSigV4(req.headers.authorization) ?? parsePresigned(form);
    const action = form.get('Action') ?? '';
    const service = this.serviceOf(scope?.service, form.get('Version'), action);
    const model = serviceModels[service];
    const requestId = this.requestId();
    const headers = { 'x-amzn-RequestId': requestId };
    const fail = (error: AwsError): undefined =>
      this.send(res, error.statusCode, 'text/xml', errorXml(model, error, requestId), headers);
    const op = Object.hasOwn(model.operations, action) ? model.operations[action] : undefined;
    if (op === undefined) {
      return fail(
        service === 'ec2'
          ? Errors.ec2InvalidAction(action)
          : new AwsError(
              'InvalidAction',
              400,
              `Could not find operation ${action} for version ${model.apiVersion}`,
            ),
      );
    }
    const params = decodeParams(model, op.input, form);
    const regions = session.scenario.regions;
    const defaultRegion = session.scenario.model.defaultRegion;
    // IAM is global (clients sign it for us-east-1): an unmodelled scope region means the default region.
    const region =
      scope !== undefined && (service === 'ec2' || regions.includes(scope.region))
        ? scope.region
        : defaultRegion;
    const caller = session.identify(scope?.accessKeyId ?? '');
    const denied = session.authorize(caller, `${service}:${action}`, resourceOf(service, params, region));
    if (denied !== undefined) {
      session.refuse(`${service}:${action}`, region, caller.accessKeyId, denied);
      return fail(denied);
    }
    if (service === 'sts') {
      return this.send(
        res,
        200,
        'text/xml',
        responseXml(model, action, callerIdentity(caller), requestId),
        headers,
      );
    }
    // EC2's idempotency token (the SDKs fill it in for RunInstances): a retry with the same token
    // gets the first answer again, and the model, which does not model retries, never sees it.
    const token =
      service === 'ec2' && typeof params.ClientToken === 'string' ? params.ClientToken : undefined;
    if (token !== undefined) {
      const previous = this.idempotent.get(`${action}/${token}`);
      if (previous !== undefined) return this.send(res, 200, 'text/xml', previous, headers);
      delete params.ClientToken;
    }
    const outcome = session.call({ service, operation: action, params, region });
    this.options.onCall?.();
    if (!outcome.ok)
      return fail(new AwsError(outcome.error!.code, outcome.error!.statusCode, outcome.error!.message));
    const xml = responseXml(model, action, outcome.response, requestId);
    if (token !== undefined && this.idempotent.size < IDEMPOTENCY_TOKENS_MAX)
      this.idempotent.set(`${action}/${token}`, xml);
    return this.send(res, 200, 'text/xml', xml, headers);
  }

  private serviceOf(scoped: string | undefined, version: string | null, action: string): ServiceName {
    if (scoped === 'iam' || scoped === 'ec2' || scoped === 'sts') return scoped;
    if (version !== null && VERSIONS[version] !== undefined) return VERSIONS[version]!;
    for (const name of ['iam', 'ec2', 'sts'] as const) {
      if (Object.hasOwn(serviceModels[name].operations, action)) return name;
    }
    return 'iam';
  }

  private admin(path: string, req: IncomingMessage, body: string, res: ServerResponse): undefined {
    const { session } = this.options;
    const json = (status: number, value: unknown): undefined =>
      this.send(res, status, 'application/json', `${JSON.stringify(value, null, 2)}\n`);
    const now = () => ({ nowMs: session.nowMs, now: session.now.toISOString(), clock: session.clock.spec });
    const route = `${req.method} ${path}`;
    session.sync();
    switch (route) {
      case 'GET now':
        return json(200, now());
      case 'POST advance': {
        let parsed: { ms?: unknown; toMs?: unknown };
        try {
          parsed = body === '' ? {} : (JSON.parse(body) as typeof parsed);
        } catch {
          return json(400, { error: 'the body must be JSON: {"ms": N} or {"toMs": N}' });
        }
        const target =
          typeof parsed.toMs === 'number'
            ? parsed.toMs
            : typeof parsed.ms === 'number'
              ? session.nowMs + parsed.ms
              : Number.NaN;
        if (!Number.isSafeInteger(target) || target < session.nowMs) {
          return json(400, {
            error: `advance needs {"ms": N >= 0} or {"toMs": N >= ${session.nowMs}} in whole ms`,
          });
        }
        session.advanceTo(target);
        return json(200, now());
      }
      case 'GET state':
        return json(200, session.state());
      case 'GET report':
        return this.send(res, 200, 'application/json', session.report());
      case 'GET recording':
        return this.send(res, 200, 'application/yaml', session.recordingYaml());
      case 'POST reset':
        session.reset();
        this.idempotent.clear();
        this.onReset();
        return json(200, now());
      default:
        return json(404, {
          error: `no admin route ${route}; there are GET now, POST advance, GET state, GET report, GET recording, POST reset`,
        });
    }
  }
}

/** The resource an authorization message names. */
function resourceOf(service: ServiceName, params: Record<string, unknown>, region: string): string {
  if (service === 'iam') {
    if (typeof params.InstanceProfileName === 'string')
      return `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${params.InstanceProfileName}`;
    if (typeof params.RoleName === 'string') return `arn:aws:iam::${ACCOUNT_ID}:role/${params.RoleName}`;
  }
  if (service === 'ec2' && typeof params.InstanceId === 'string')
    return `arn:aws:ec2:${region}:${ACCOUNT_ID}:instance/${params.InstanceId}`;
  return '*';
}
