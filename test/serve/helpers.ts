/**
 * Starting a served world for a test: loopback only, ephemeral ports, and a guaranteed stop
 * (the caller's body runs under a timeout and the server closes whatever happens).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { main } from '../../src/cli.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { type ClockSpec, makeClock } from '../../src/serve/clock.ts';
import type { ImdsTokens } from '../../src/serve/imds.ts';
import { type RunningServer, startServer } from '../../src/serve/server.ts';
import { ServeSession } from '../../src/serve/session.ts';
import { captureIo } from '../cli/capture.ts';

export const WORLD_FILE = join(import.meta.dirname, 'world.yaml');

/** Any key that IMDS did not issue is the operator's. */
export const OPERATOR = { accessKeyId: 'AKIAIAMSIMTESTOPERATOR', secretAccessKey: 'not-checked' };

export async function loadWorld(file = WORLD_FILE): Promise<Scenario> {
  const loaded = await loadScenarioFile(file);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return loaded.scenario;
}

export interface Served {
  readonly session: ServeSession;
  readonly server: RunningServer;
  /** POSTs to the admin API. */
  admin(path: string, body?: unknown): Promise<unknown>;
  advance(ms: number): Promise<void>;
  imdsUrl(instance: string): string;
  /** Client configuration for the served endpoint (region us-east-1, no retries), as the operator by default. */
  config(credentials?: ClientCredentials): {
    endpoint: string;
    region: string;
    credentials: ClientCredentials;
    maxAttempts: number;
  };
}

export interface ClientCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export async function withServer<T>(
  options: {
    clock?: ClockSpec;
    seed?: number;
    scenario?: Scenario;
    imdsTokens?: ImdsTokens;
    timeoutMs?: number;
  },
  body: (served: Served) => Promise<T>,
): Promise<T> {
  const scenario = options.scenario ?? (await loadWorld());
  const session = new ServeSession({
    scenario,
    seed: options.seed ?? 7,
    clock: makeClock(options.clock ?? { kind: 'manual' }),
  });
  const server = await startServer({
    session,
    host: '127.0.0.1',
    port: 0,
    imdsPortBase: 0,
    imdsTokens: options.imdsTokens ?? 'optional',
  });
  const admin = async (path: string, payload?: unknown) => {
    const res = await fetch(`${server.url}/_iamsim/${path}`, {
      method: payload === undefined ? 'GET' : 'POST',
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
  const served: Served = {
    session,
    server,
    admin,
    advance: async (ms) => {
      await admin('advance', { ms });
    },
    config: (credentials = OPERATOR) => ({
      endpoint: server.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    }),
    imdsUrl: (instance) => {
      const found = server.imds.find((i) => i.instance === instance);
      if (found === undefined) throw new Error(`no IMDS for ${instance}`);
      return found.url;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const limitMs = options.timeoutMs ?? 50_000;
    return await Promise.race([
      body(served),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`served test over ${limitMs} ms`)), limitMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await server.close();
  }
}

/** Values as the model writes them: Dates as ISO strings, SDK metadata dropped. */
export function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => k !== '$metadata' && v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

/** What a client saw for one call: its parsed response, or the error it raised. */
export interface ClientOutcome {
  /** `iam:GetInstanceProfile`. */
  readonly call: string;
  readonly ok: boolean;
  readonly response?: unknown;
  /** statusCode is left out where the client does not expose it (the AWS CLI). */
  readonly error?: {
    readonly code: string;
    readonly statusCode?: number | undefined;
    readonly message: string;
  };
}

/**
 * Runs `recording` (a served session's scenario) with `iamsim run --json` and expects every step
 * to have the outcome the client saw, call by call; `normalize` maps both sides' responses first.
 */
export async function expectSameAsRun(
  outcomes: readonly ClientOutcome[],
  recording: string,
  normalize: (value: unknown) => unknown = (v) => v,
): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'iamsim-serve-')), 'recording.yaml');
  writeFileSync(file, recording);
  const captured = captureIo();
  const code = await main(['run', file, '--json'], captured.io);
  expect(captured.stderr()).toBe('');
  expect(code).toBe(0);
  const steps = (JSON.parse(captured.stdout()) as { steps: Required<ClientOutcome>[] }).steps;
  expect(steps.map((s) => s.call)).toEqual(outcomes.map((o) => o.call));
  steps.forEach((step, i) => {
    const live = outcomes[i]!;
    expect({ i, call: live.call, ok: live.ok }).toEqual({ i, call: step.call, ok: step.ok });
    if (step.ok) {
      expect(normalize(live.response), `${i} ${step.call}`).toEqual(normalize(step.response));
    } else {
      const { code: errorCode, statusCode, message } = live.error!;
      const want =
        statusCode === undefined ? { code: step.error.code, message: step.error.message } : step.error;
      expect(
        { code: errorCode, ...(statusCode === undefined ? {} : { statusCode }), message },
        `${i} ${step.call}`,
      ).toEqual(want);
    }
  });
}

/**
 * Policy documents compared as text: IAM sends them URL-encoded, which the JavaScript SDK keeps
 * and botocore (boto3, the AWS CLI) decodes and parses into objects.
 */
export function policyText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(policyText);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k !== 'AssumeRolePolicyDocument' && k !== 'PolicyDocument') return [k, policyText(v)];
        if (typeof v === 'object') return [k, JSON.stringify(v)];
        return [k, typeof v === 'string' && v.startsWith('%') ? decodeURIComponent(v) : v];
      }),
    );
  }
  return value;
}

/**
 * Runs a python3 script of this folder without blocking the event loop (the served world answers
 * it from this process) and expects it to succeed quietly; returns its stdout.
 */
export async function runPython(script: string, args: readonly string[], stdin = ''): Promise<string> {
  const child = spawn('python3', [join(import.meta.dirname, script), ...args], {
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'false' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(err).toBe('');
  expect(code).toBe(0);
  return out;
}
