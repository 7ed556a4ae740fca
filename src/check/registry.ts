/**
 * The built-in invariants by name, and which of them a scenario enables.
 *
 * Every invariant is on unless the scenario's `checks:` turns it off (`{invariant: NAME,
 * enabled: false}`); a liveness invariant's bound is its `within`, or else the default derived
 * from the scenario's calibration (liveness.ts). Checkers are built fresh for every run: they keep
 * per-run state.
 */
import type { InvariantName, Scenario } from '../scenario/types.ts';
import { invariantNames } from '../scenario/types.ts';
import {
  defaultLivenessBound,
  LivenessConvergenceChecker,
  LivenessImdsRoleChecker,
  type LivenessOptions,
  lastFaultEndMs,
} from './liveness.ts';
import {
  CallOutcomeChecker,
  ExpiredCredentialsChecker,
  ImdsOverlapChecker,
  ImdsProvenanceChecker,
  ProfileRoleChecker,
  RegionOrderChecker,
  TimeChecker,
} from './safety.ts';
import type { Checker } from './types.ts';

export interface InvariantEntry {
  readonly kind: 'safety' | 'liveness';
  /** What the invariant demands, in one sentence (for --help and reports). */
  readonly description: string;
  readonly create: (liveness: LivenessOptions) => Checker;
}

/** Every invariant, keyed by the name the scenario format uses; the type forces one entry per name. */
export const invariantRegistry: Readonly<Record<InvariantName, InvariantEntry>> = {
  'imds-overlap': {
    kind: 'safety',
    description: 'IMDS issues new credentials at least 5 minutes before the old ones expire.',
    create: () => new ImdsOverlapChecker(),
  },
  'imds-provenance': {
    kind: 'safety',
    description: 'IMDS never serves a role that was never in a profile associated with the instance.',
    create: () => new ImdsProvenanceChecker(),
  },
  'sdk-expired-credentials': {
    kind: 'safety',
    description: 'An application never holds expired credentials outside its static-stability window.',
    create: () => new ExpiredCredentialsChecker(),
  },
  'region-order': {
    kind: 'safety',
    description: 'Region views never go back and apply versions in commit order (IAM and authorization).',
    create: () => new RegionOrderChecker(),
  },
  'profile-one-role': {
    kind: 'safety',
    description: 'A profile holds at most one role, and that role exists.',
    create: () => new ProfileRoleChecker(),
  },
  'time-monotonic': {
    kind: 'safety',
    description: 'Virtual time never decreases.',
    create: () => new TimeChecker(),
  },
  'call-outcome': {
    kind: 'safety',
    description: 'Every API call has exactly one outcome: a response, or an error with a code and status.',
    create: () => new CallOutcomeChecker(),
  },
  'liveness-convergence': {
    kind: 'liveness',
    description:
      'After the last change plus the bound, every region view equals the control plane and every association has settled.',
    create: (o) => new LivenessConvergenceChecker(o),
  },
  'liveness-imds-role': {
    kind: 'liveness',
    description:
      "After the last change plus the bound, every running instance's IMDS serves the role its profile holds at the control plane.",
    create: (o) => new LivenessImdsRoleChecker(o),
  },
};

/** The invariants a scenario enables, in registry order: all of them, minus those turned off. */
export function enabledInvariants(scenario: Scenario): InvariantName[] {
  const off = new Set(
    (scenario.invariants ?? []).filter((s) => !s.enabled).map((s) => s.invariant as string),
  );
  return invariantNames.filter((name) => !off.has(name));
}

/** The liveness bound of `name` in `scenario`: its `within`, or the calibration's default, ms. */
export function livenessBoundMs(scenario: Scenario, name: InvariantName): number {
  const within = scenario.invariants?.find((s) => s.invariant === name)?.withinMs;
  return within ?? defaultLivenessBound(scenario.calibration).boundMs;
}

/**
 * Fresh checkers for one run of `scenario`: the enabled invariants, or exactly `only` when given.
 * @throws Error for a name that is not an invariant (a bug: names come from the typed list).
 */
export function buildCheckers(scenario: Scenario, only?: readonly InvariantName[]): Checker[] {
  const names = only ?? enabledInvariants(scenario);
  const faultEndMs = lastFaultEndMs(scenario);
  return names.map((name) => {
    const entry = invariantRegistry[name];
    if (entry === undefined) throw new Error(`unknown invariant ${String(name)}`);
    return entry.create({ boundMs: livenessBoundMs(scenario, name), faultEndMs });
  });
}
