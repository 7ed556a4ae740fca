/**
 * One served world: the scenario's world opened for calls from outside (simulate.ts openWorld),
 * its clock, the credentials IMDS has issued (to recognise callers), and the calls made so far,
 * kept as runbook steps so that the session can be written as a scenario and replayed.
 *
 * Determinism: a call arriving at virtual instant T is a step `at: T`; like a runbook step it
 * takes the API latency from the same random stream before it executes. So the recording,
 * replayed by `iamsim run` with the same seed, makes the same calls at the same instants with
 * the same outcomes (the recorded `expect`s check it), and `report()` is that replay. Only calls
 * the model executed are steps: calls refused before they reach the model (authorization,
 * unknown services) are kept apart in `refused`.
 */

import type { AwsError } from '../aws/errors.ts';
import { entry } from '../aws/iam/records.ts';
import { type AuthzRole, isoFromSimMs } from '../aws/iam/types.ts';
import { simulateExplained } from '../check/causes.ts';
import { isValidAt } from '../instance/credentials.ts';
import { runJson } from '../report/run-json.ts';
import type { AwsErrorData, StepRecord } from '../result.ts';
import type { CallOutcome } from '../runbook/operator.ts';
import { hashScenario } from '../scenario/hash.ts';
import { loadScenario } from '../scenario/load.ts';
import { scenarioToYaml } from '../scenario/to-yaml.ts';
import type { CallStep, Scenario } from '../scenario/types.ts';
import { type OpenWorld, openWorld } from '../simulate.ts';
import { packageVersion } from '../version.ts';
import type { Clock } from './clock.ts';
import { authorize, type Caller, identify, type ServedCredentials } from './identity.ts';

export interface ServedCall {
  readonly service: 'iam' | 'ec2';
  readonly operation: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly region: string;
}

export interface RefusedCall {
  readonly atMs: number;
  readonly call: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly error: AwsErrorData;
}

export interface SessionOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly clock: Clock;
  readonly eventsMax?: number;
}

export class ServeSession {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly clock: Clock;
  private readonly eventsMax: number | undefined;
  private world!: OpenWorld;
  private issued = new Map<string, ServedCredentials>();
  /** The calls executed, as the steps of the recording (arrival instants). */
  private steps: CallStep[] = [];
  refused: RefusedCall[] = [];

  constructor(options: SessionOptions) {
    // The served world is the scenario's world: its runbook and comparison are not run.
    this.scenario = { ...options.scenario, steps: [], compare: undefined };
    this.seed = options.seed;
    this.clock = options.clock;
    this.eventsMax = options.eventsMax;
    this.open();
  }

  private open(): void {
    const issued = new Map<string, ServedCredentials>();
    let refs: OpenWorld['view']['refs'] | undefined;
    this.world = openWorld(this.scenario, {
      seed: this.seed,
      ...(this.eventsMax !== undefined ? { eventsMax: this.eventsMax } : {}),
      observers: [
        {
          // Reads only: remembers which instance each access key was issued to.
          attach: (view) => {
            refs = view.refs;
          },
          credentialsIssued: (instance, creds) => {
            const ref = refs!.get(instance)!;
            issued.set(creds.accessKeyId, { instance, instanceId: ref.id, region: ref.region, creds });
          },
        },
      ],
    });
    this.issued = issued;
    this.steps = [];
    this.refused = [];
  }

  /** Starts again from t=0 with a fresh world and no calls. */
  reset(): void {
    this.open();
    this.clock.restart();
  }

  get view(): OpenWorld['view'] {
    return this.world.view;
  }

  /** Virtual now, scenario ms. */
  get nowMs(): number {
    return this.world.nowMs;
  }

  /** Virtual now as the scheduler (and every timestamp the model writes) counts it. */
  get schedulerMs(): number {
    return this.world.nowMs + this.world.view.offsetMs;
  }

  /** Virtual now as a date, as served in every timestamp. */
  get now(): Date {
    return new Date(isoFromSimMs(this.schedulerMs));
  }

  get records(): readonly StepRecord[] {
    return this.world.records;
  }

  /** Brings the world to where the clock says it should be (realtime); a no-op under `manual`. */
  sync(): void {
    const target = this.clock.target(this.nowMs);
    if (target > this.nowMs) this.world.advanceTo(target);
  }

  /** Runs the model to scenario time `untilMs` (not before now). */
  advanceTo(untilMs: number): void {
    if (untilMs > this.nowMs) this.world.advanceTo(untilMs);
    this.clock.jumped(this.nowMs);
  }

  identify(accessKeyId: string): Caller {
    return identify(accessKeyId, this.issued);
  }

  /** Every credential IMDS has issued so far, by access key id. */
  get issuedCredentials(): ReadonlyMap<string, ServedCredentials> {
    return this.issued;
  }

  /** See identity.ts authorize: undefined when `caller` may call `action` now. */
  authorize(caller: Caller, action: string, resource: string): AwsError | undefined {
    const roleAt = (region: string, roleId: string): AuthzRole | undefined => {
      const state = this.view.authzStore.view(region)?.state;
      return state === undefined ? undefined : entry(state.roles, roleId);
    };
    return authorize(caller, action, resource, this.schedulerMs, roleAt);
  }

  refuse(call: string, region: string, accessKeyId: string, error: AwsError): void {
    this.refused.push({ atMs: this.nowMs, call, region, accessKeyId, error: error.toJSON() });
  }

  /** Makes `call` now, as the next runbook step: it is recorded, and replays identically. */
  call(call: ServedCall): CallOutcome {
    const index = this.steps.length;
    const atMs = this.nowMs;
    const origin = `steps.${index}`;
    const outcome = this.world.call({ ...call, origin });
    this.steps.push({
      kind: 'call',
      service: call.service,
      operation: call.operation,
      params: call.params,
      region: call.region,
      save: {},
      expect: outcome.ok ? 'ok' : outcome.error!.code,
      atMs,
      source: { path: origin },
    });
    return outcome;
  }

  /** The session so far as a scenario: the world, the calls as steps, a horizon that covers them. */
  recording(): Scenario {
    return {
      ...this.scenario,
      seed: this.seed,
      horizonMs: Math.max(this.scenario.horizonMs, this.nowMs + 1),
      steps: [...this.steps],
    };
  }

  /** The recording as scenario YAML, for `--record` (replay: `iamsim run FILE`). */
  recordingYaml(): string {
    return scenarioToYaml(this.recording(), {
      comment: [
        `Recorded by iamsim serve (seed ${this.seed}): the served calls as steps, at the virtual`,
        'instants they arrived, each expecting the outcome it had. Replay: iamsim run FILE',
      ],
    });
  }

  /**
   * `iamsim run --json` of the recording: the YAML is loaded back as `iamsim run` would load it,
   * so the report is byte-identical to running the recorded file.
   * @throws Error when the recording does not load (a bug: the recorder writes what it loads).
   */
  report(): string {
    const loaded = loadScenario(this.recordingYaml(), 'recording');
    if (!loaded.ok) {
      throw new Error(
        `the recording does not load: ${loaded.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      );
    }
    const result = simulateExplained(loaded.scenario, { seed: this.seed });
    return runJson(result, hashScenario(loaded.scenario), packageVersion());
  }

  /** What the admin API's `state` shows: views, associations, each instance's IMDS and SDK cache. */
  state(): Record<string, unknown> {
    const { view } = this;
    const at = (ms: number | undefined) => (ms === undefined ? undefined : isoFromSimMs(ms));
    const regions = this.scenario.regions.map((region) => {
      const replica = view.iamStore.view(region)!;
      const iam = replica.state;
      return {
        region,
        iamVersion: replica.version,
        policyVersion: view.authzStore.view(region)!.version,
        instanceProfiles: Object.values(iam.profiles).map((p) => ({
          name: p.InstanceProfileName,
          id: p.InstanceProfileId,
          role: p.roleKey === undefined ? null : (entry(iam.roles, p.roleKey)?.RoleName ?? null),
        })),
        roles: Object.values(iam.roles).map((r) => r.RoleName),
      };
    });
    const describe = (
      c: { accessKeyId: string; roleName: string; issuedAtMs: number; expiresAtMs: number } | undefined,
    ) =>
      c === undefined
        ? null
        : {
            accessKeyId: c.accessKeyId,
            role: c.roleName,
            issuedAt: at(c.issuedAtMs),
            expiration: at(c.expiresAtMs),
          };
    const instances = [...view.runtimes].map(([name, rt]) => {
      const ref = view.refs.get(name)!;
      const ec2 = view.ec2.instance(ref.id);
      const association = view.ec2.activeAssociation(ref.id);
      return {
        name,
        id: ref.id,
        region: ref.region,
        state: ec2?.state ?? null,
        association: association ?? null,
        imds: { iamTree: rt.imds.endpoint, info: rt.imds.info, credentials: describe(rt.readImds()) },
        sdk: {
          credentials: describe(rt.app.usable),
          valid: isValidAt(rt.app.usable, this.schedulerMs),
        },
      };
    });
    return {
      nowMs: this.nowMs,
      now: this.now.toISOString(),
      control: { iamVersion: view.iamStore.version, policyVersion: view.authzStore.version },
      regions,
      instances,
      credentials: [...this.issued.values()].map((i) => ({
        instance: i.instance,
        ...describe(i.creds),
      })),
      calls: this.records.length,
      refused: this.refused,
    };
  }
}
