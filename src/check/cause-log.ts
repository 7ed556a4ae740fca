/**
 * The log a CauseRecorder (causes.ts) keeps, and the pure helpers that read it: a replicated
 * store's commits and arrivals, the records of issuances, application changes, EC2 events and
 * failed calls, which IAM entity an error says could not be seen, and where a credential gap
 * began. Apart from causes.ts so that the recorder reads as the explanations it gives.
 */
import type { IamState } from '../aws/iam/types.ts';
import type { Cause, CauseEvent, CauseKind } from '../cause.ts';
import type { Credentials } from '../instance/credentials.ts';
import type { ReplicatedStore } from '../replication/store.ts';
import type { StepRecord } from '../result.ts';
export interface Commit<S> {
  readonly version: number;
  readonly atMs: number;
  readonly call: string;
  state: S | undefined;
}

/** A store's commits and arrivals as plain data (what another thread's recorders read). */
export interface StoreHistoryData<S> {
  readonly commits: readonly Commit<S>[];
  /** Per region, [version, arrival ms] of each version that arrived. */
  readonly arrivals: readonly (readonly [string, readonly (readonly [number, number])[]])[];
}

/** Commits and arrivals of one replicated store, as the explanations read them. */
export class StoreHistory<S> {
  readonly commits: Commit<S>[] = [];
  /** Per region, the arrival time of each version (index = version). */
  readonly arrivals = new Map<string, number[]>();

  /** The history `data` holds (see data()). */
  static fromData<S>(data: StoreHistoryData<S>): StoreHistory<S> {
    const history = new StoreHistory<S>();
    history.commits.push(...data.commits);
    for (const [region, list] of data.arrivals) {
      const arrived: number[] = [];
      for (const [version, atMs] of list) arrived[version] = atMs;
      history.arrivals.set(region, arrived);
    }
    return history;
  }

  /** This history as plain data, for another thread. */
  data(): StoreHistoryData<S> {
    return {
      commits: this.commits,
      arrivals: [...this.arrivals].map(([region, list]) => [
        region,
        list.flatMap((atMs, version) => (atMs === undefined ? [] : [[version, atMs] as const])),
      ]),
    };
  }

  arrivedAtMs(region: string, version: number): number | null {
    return this.arrivals.get(region)?.[version] ?? null;
  }

  /** The first version at or below `maxVersion` whose snapshot satisfies `test`. */
  firstWhere(test: (s: S) => boolean, maxVersion = Number.POSITIVE_INFINITY): Commit<S> | undefined {
    return this.commits.find((c) => c.version <= maxVersion && c.state !== undefined && test(c.state));
  }

  /** The versions that reached `region` at exactly `atMs`. */
  arrivedAt(region: string, atMs: number): Commit<S>[] {
    const list = this.arrivals.get(region) ?? [];
    return this.commits.filter((c) => list[c.version] === atMs);
  }
}

/** Commits and arrivals of one replicated store, recorded as they happen. */
export class StoreLog<S> extends StoreHistory<S> {
  private seen = 0;

  constructor(
    readonly name: 'iam' | 'authz',
    readonly store: ReplicatedStore<S>,
    private readonly nowMs: () => number,
  ) {
    super();
    store.onApply((region, version, state) => {
      let list = this.arrivals.get(region);
      if (list === undefined) {
        list = [];
        this.arrivals.set(region, list);
      }
      list[version] = this.nowMs();
      // noteCommits pushes versions 1, 2, 3, … in order, so version v sits at index v - 1.
      const c = this.commits[version - 1];
      if (c !== undefined && c.state === undefined) c.state = state;
    });
  }

  /** Records the versions committed since the last call (by the call just executed). */
  noteCommits(atMs: number, call: string): void {
    while (this.seen < this.store.version) {
      this.seen++;
      this.commits.push({
        version: this.seen,
        atMs,
        call,
        state: this.seen === this.store.version ? this.store.control : undefined,
      });
    }
  }
}

export type IssueReason = 'rotation' | 'pickup' | 'boot';

export interface Issuance {
  readonly atMs: number;
  readonly creds: Credentials;
  readonly reason: IssueReason;
  readonly profileId: string | undefined;
}

export interface AppChange {
  readonly atMs: number;
  /** The event that changed it (scheduler label). */
  readonly label: string;
  readonly creds: Credentials | undefined;
}

export interface Ec2Note {
  readonly atMs: number;
  readonly what: 'settled' | 'ended' | 'state';
  readonly detail: string;
}

export interface FailedCall {
  readonly record: StepRecord;
  readonly viewVersion: number;
  readonly viewState: IamState;
  readonly controlVersion: number;
}

/** `Value (NAME-OR-ARN) for parameter iamInstanceProfile...`: EC2's wording for a profile it cannot see. */
const INVISIBLE_PROFILE = /^Value \((.+?)\) for parameter iamInstanceProfile/;
const NO_SUCH_PROFILE = /^Instance Profile (\S+) cannot be found\./;
const NO_SUCH_ROLE = /^The role with name (\S+) cannot be found\./;

/** The IAM entity an error says could not be seen, if it names one. */
export function invisibleEntity(
  error: { readonly code: string; readonly message: string } | undefined,
): { readonly type: 'profile' | 'role'; readonly name: string } | undefined {
  if (error === undefined) return undefined;
  const profile =
    error.code === 'InvalidParameterValue'
      ? INVISIBLE_PROFILE.exec(error.message)?.[1]
      : error.code === 'NoSuchEntity'
        ? NO_SUCH_PROFILE.exec(error.message)?.[1]
        : undefined;
  if (profile !== undefined) return { type: 'profile', name: profile.slice(profile.lastIndexOf('/') + 1) };
  const role = error.code === 'NoSuchEntity' ? NO_SUCH_ROLE.exec(error.message)?.[1] : undefined;
  return role === undefined ? undefined : { type: 'role', name: role };
}

export function holds(state: IamState, entity: { type: 'profile' | 'role'; name: string }): boolean {
  const records: Readonly<Record<string, unknown>> = entity.type === 'profile' ? state.profiles : state.roles;
  return Object.hasOwn(records, entity.name.toLowerCase());
}

export function cause(
  kind: CauseKind,
  summary: string,
  chain: CauseEvent[],
  extra: Partial<Cause> = {},
): Cause {
  return { kind, summary, chain: chain.sort((a, b) => a.atMs - b.atMs), ...extra };
}

/**
 * Before t=0 (the warm-up) only the latest record of an instance can explain anything after it
 * (what the application held when the change started), so older ones are dropped as new ones come:
 * a fleet's warm-up would otherwise fill the log.
 */
export function keepOneBeforeStart(list: { readonly atMs: number }[], nowMs: number): void {
  const last = list.at(-1);
  if (last !== undefined && last.atMs < 0 && nowMs < 0) list.pop();
}

/**
 * The first interval without usable credentials that ends after `t0` and starts before `endMs`
 * (scenario ms): the
 * application dropped them (a record without credentials), or the ones it held expired before it
 * replaced them (an SDK that keeps presenting expired credentials records no change then).
 */
export function firstGap(
  apps: readonly AppChange[],
  t0: number,
  endMs: number,
  offsetMs: number,
): { fromMs: number; toMs: number | undefined; why: string } | undefined {
  // Nothing recorded up to t0: the application has held nothing since it started (a read that
  // finds nothing changes nothing, so it is not recorded).
  if (apps[0] === undefined || apps[0].atMs > t0) {
    const next = apps.find((x) => x.creds !== undefined);
    return { fromMs: t0, toMs: next?.atMs, why: 'it had held no credentials since it started' };
  }
  for (let k = 0; k < apps.length; k++) {
    const a = apps[k]!;
    const nextMs = apps[k + 1]?.atMs;
    let fromMs: number;
    let why: string;
    if (a.creds === undefined) {
      fromMs = a.atMs;
      why = describeLabel(a.label);
    } else {
      const expiresMs = a.creds.expiresAtMs - offsetMs;
      if (nextMs !== undefined && expiresMs >= nextMs) continue;
      fromMs = expiresMs;
      why = `the ${a.creds.roleName} credentials it held expired before a refresh replaced them`;
    }
    if (fromMs >= endMs) return undefined;
    const next = apps.slice(k + 1).find((x) => x.creds !== undefined);
    const toMs = next?.atMs;
    if (toMs !== undefined && toMs <= t0) continue;
    return { fromMs, toMs, why };
  }
  return undefined;
}

function describeLabel(label: string): string {
  switch (label) {
    case 'imds.pickup':
      return 'IMDS dropped the association';
    case 'imds.outage':
      return 'an IMDS outage';
    case 'sdk.expire':
    case 'sdk.stale-end':
      return 'its credentials expired without a refresh';
    case 'sdk.mandatory':
      return "a refresh failed inside the SDK's mandatory window";
    default:
      return label === '' ? 'the application stopped' : `at ${label}`;
  }
}
