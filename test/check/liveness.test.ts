/**
 * Liveness: once the faults heal and the runbook stops writing, the world settles within the
 * bound. A property over generated runs, plus each checker shown to catch what it is for, to say
 * "unknown" rather than fail when a run is too short, and the default bound spelled out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrationPresets } from '../../src/calibration.ts';
import {
  defaultLivenessBound,
  isWriteCall,
  LivenessConvergenceChecker,
  LivenessImdsRoleChecker,
  lastFaultEndMs,
  unboundedDelay,
} from '../../src/check/liveness.ts';
import { buildCheckers } from '../../src/check/registry.ts';
import type { Checker } from '../../src/check/types.ts';
import { simulate } from '../../src/simulate.ts';
import { propertyOptions } from '../helpers/fc.ts';
import { makeScenario } from '../helpers/scenario.ts';
import { arbitraryCheckRun, checkScenarioOf, describeRun } from './generated.ts';

const M = 60_000;
const H = 60 * M;

function run(checkers: Checker[], build: Parameters<typeof makeScenario>[0], seed = 1, bug = false) {
  simulate(makeScenario(build), {
    seed,
    observers: checkers,
    timelines: false,
    ...(bug ? { modelBugs: { imdsKeepsRemovedRole: true } } : {}),
  });
  return checkers;
}

describe('liveness over generated runs', () => {
  it('holds once the faults heal: views equal the control plane, associations settled, IMDS serves the profile role', () => {
    fc.assert(
      fc.property(arbitraryCheckRun(), (r) => {
        const scenario = checkScenarioOf(r);
        const checkers = buildCheckers(scenario);
        simulate(scenario, { seed: r.seed, observers: checkers, timelines: false });
        const liveness = checkers.filter((c) => c.kind === 'liveness');
        expect(liveness.map((c) => c.name)).toEqual(['liveness-convergence', 'liveness-imds-role']);
        // Generated faults heal early enough that every run can be judged: no "unknown".
        expect(
          liveness.map((c) => c.unknown),
          describeRun(r),
        ).toEqual([undefined, undefined]);
        expect(
          checkers.flatMap((c) => c.violations),
          describeRun(r),
        ).toEqual([]);
      }),
      propertyOptions(80),
    );
  });
});

describe('liveness checkers catch what they are for', () => {
  it('liveness-imds-role catches IMDS that keeps a removed role (the broken model), for a swap and a replace', () => {
    for (const strategy of ['swap-role-in-profile', 'replace-profile'] as const) {
      const [checker] = run(
        [new LivenessImdsRoleChecker({ boundMs: 90 * M, faultEndMs: 0 })],
        {
          instances: 2,
          strategy,
        },
        1,
        true,
      );
      expect(checker!.unknown).toBeUndefined();
      expect(checker!.violations.map((v) => v.instance)).toEqual(['web-0', 'web-1']);
      expect(checker!.violations[0]!.detail).toMatch(
        /IMDS serves credentials of app-v1.*holds app-v2 at the control plane/,
      );
      expect(checker!.violations[0]!.atMs).toBe(9 * H);
    }
  });

  it('the same runs are quiet with the model as it should be', () => {
    for (const strategy of ['swap-role-in-profile', 'replace-profile'] as const) {
      const checkers = run(
        [
          new LivenessImdsRoleChecker({ boundMs: 90 * M, faultEndMs: 0 }),
          new LivenessConvergenceChecker({ boundMs: 90 * M, faultEndMs: 0 }),
        ],
        { instances: 2, strategy },
      );
      expect(checkers.flatMap((c) => c.violations)).toEqual([]);
    }
  });

  it('liveness-imds-role expects iam/info to say "no role" when the profile lost its role', () => {
    const noRole = makeScenario({
      instances: 1,
      steps: [
        {
          kind: 'call',
          service: 'iam',
          operation: 'RemoveRoleFromInstanceProfile',
          params: { InstanceProfileName: 'web', RoleName: 'app-v1' },
          save: {},
          atMs: 10 * M,
          source: { path: 'steps.0' },
        },
      ],
    });
    for (const bug of [false, true]) {
      const checker = new LivenessImdsRoleChecker({ boundMs: 90 * M, faultEndMs: 0 });
      simulate(noRole, { seed: 2, observers: [checker], modelBugs: { imdsKeepsRemovedRole: bug } });
      expect(checker.violations.length > 0, `bug ${bug}`).toBe(bug);
    }
  });

  it('liveness-convergence flags a region view and an association that have not settled by a too-short bound', () => {
    // A replace 5 minutes before the end, with associations taking 10 minutes to settle.
    const checker = new LivenessConvergenceChecker({ boundMs: 1, faultEndMs: 0 });
    run([checker], {
      instances: 1,
      strategy: 'replace-profile',
      changeAtMs: 9 * H - 5 * M,
      calibration: { associationSettle: { kind: 'fixed', valueMs: 10 * M } },
    });
    expect(checker.unknown).toBeUndefined();
    expect(checker.violations.some((v) => /association .* is still associating/.test(v.detail))).toBe(true);

    // A swap at 8h with IAM propagation taking 2 hours: no region has it when the run ends.
    const views = new LivenessConvergenceChecker({ boundMs: 1, faultEndMs: 0 });
    run([views], {
      instances: 1,
      regions: ['us-east-1', 'eu-west-1'],
      strategy: 'swap-role-in-profile',
      changeAtMs: 8 * H,
      calibration: { iamPropagation: { kind: 'fixed', valueMs: 2 * H } },
    });
    expect(
      views.violations.some((v) =>
        /view in eu-west-1 is at version \d+, the control plane at \d+/.test(v.detail),
      ),
    ).toBe(true);
  });

  it('reports unknown, not a failure, when the run ends before the last change plus the bound', () => {
    const checkers = buildCheckers(
      makeScenario({ instances: 1, strategy: 'swap-role-in-profile', changeAtMs: 8 * H }),
    );
    simulate(makeScenario({ instances: 1, strategy: 'swap-role-in-profile', changeAtMs: 8 * H }), {
      seed: 1,
      observers: checkers,
    });
    for (const c of checkers.filter((c) => c.kind === 'liveness')) {
      expect(c.violations).toEqual([]);
      expect(c.unknown).toMatch(
        /^the last change was at 8h\d*.* and the bound is 1h26m: due at .*, after the end of the run at 9h$/,
      );
    }
  });

  it('counts fault ends as changes: a partition healing late defers the judgement', () => {
    const scenario = makeScenario({
      instances: 1,
      faults: [{ kind: 'partition', region: 'us-east-1', fromMs: 1 * H, toMs: 8 * H }],
    });
    const checkers = buildCheckers(scenario);
    simulate(scenario, { seed: 1, observers: checkers });
    expect(checkers.find((c) => c.name === 'liveness-convergence')!.unknown).toMatch(
      /last change was at 8h /,
    );
  });
});

describe('the default bound', () => {
  it('sums the worst cases from a write to IMDS serving the role', () => {
    const { boundMs, terms } = defaultLivenessBound(calibrationPresets.default);
    expect(terms).toEqual([
      { delay: 'policyPropagation', maxMs: 5 * M },
      { delay: 'associationSettle', maxMs: 5 * M },
      { delay: 'instanceStart', maxMs: 10 * M },
      { delay: 'imdsAssociationPickup', maxMs: 1 * M },
      { delay: 'imdsRotationPeriod', maxMs: 65 * M },
    ]);
    expect(boundMs).toBe(86 * M);
    // With every delay zero only the rotation period is left.
    expect(defaultLivenessBound(calibrationPresets.instant).boundMs).toBe(65 * M);
  });

  it('is infinite when a delay has no maximum, and names it', () => {
    const calibration = {
      ...calibrationPresets.default,
      iamPropagation: { spec: { kind: 'exponential' as const, meanMs: 5000 }, source: 'test' },
    };
    expect(defaultLivenessBound(calibration).boundMs).toBe(Number.POSITIVE_INFINITY);
    expect(unboundedDelay(calibration)).toBe('iamPropagation');
    expect(unboundedDelay(calibrationPresets.default)).toBeUndefined();
  });

  it('takes writes from the calls and changes from the fault ends', () => {
    expect(['iam:GetRole', 'iam:ListInstanceProfiles', 'ec2:DescribeInstances'].map(isWriteCall)).toEqual([
      false,
      false,
      false,
    ]);
    expect(
      ['iam:AddRoleToInstanceProfile', 'ec2:ReplaceIamInstanceProfileAssociation', 'ec2:RebootInstances'].map(
        isWriteCall,
      ),
    ).toEqual([true, true, true]);
    expect(lastFaultEndMs(makeScenario({}))).toBe(0);
    expect(
      lastFaultEndMs(
        makeScenario({
          faults: [
            { kind: 'controlPlanePause', fromMs: 0, toMs: 3 * M },
            { kind: 'imdsOutage', instances: ['web-0'], fromMs: M, toMs: 2 * M },
          ],
        }),
      ),
    ).toBe(3 * M);
  });
});
