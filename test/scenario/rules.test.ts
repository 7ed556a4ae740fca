import { describe, expect, it } from 'vitest';
import { estimateStepCount, referenceProblems, rules, warningRules } from '../../src/scenario/rules.ts';
import { loadOk, loadProblems, makeRaw } from './builders.ts';

const forEachOver = (targets: unknown, steps: unknown[]) => ({ forEach: targets, steps });

describe('rules', () => {
  it('have unique names and descriptions', () => {
    const all = [...rules, ...warningRules];
    expect(new Set(all.map((r) => r.name)).size).toBe(all.length);
    for (const r of all) expect(r.description.length).toBeGreaterThan(10);
  });

  describe('unique-names', () => {
    it('compares roles and profiles ignoring case, like IAM', () => {
      expect(
        loadProblems(
          makeRaw({
            roles: [{ name: 'App' }, { name: 'app' }],
            instanceProfiles: [{ name: 'web' }, { name: 'Web' }],
            fleets: [],
          }),
        ),
      ).toEqual([
        'roles.1.name: duplicate role "app", first declared at roles.0 (IAM names are case-insensitive: "App" is the same name)',
        'instanceProfiles.1.name: duplicate instance profile "Web", first declared at instanceProfiles.0 (IAM names are case-insensitive: "web" is the same name)',
      ]);
    });

    it('compares fleets, instances, checks and regions exactly', () => {
      const problems = loadProblems(
        makeRaw({
          regions: ['us-east-1', 'us-east-1'],
          instances: [
            { name: 'a', region: 'us-east-1' },
            { name: 'a', region: 'us-east-1' },
            { name: 'A', region: 'us-east-1' },
            { name: 'web-2', region: 'us-east-1' },
            { name: 'web-3', region: 'us-east-1' },
          ],
          fleets: [
            { name: 'web', count: 3, region: 'us-east-1' },
            { name: 'web', count: 1, region: 'us-east-1' },
          ],
          checks: [
            { name: 'c', metric: 'downtimeMs', max: 0 },
            { name: 'c', metric: 'downtimeMs', max: 0 },
          ],
        }),
      );
      expect(problems).toEqual([
        'regions.1: duplicate region us-east-1 (first at regions.0)',
        // Sorted by position: the builder writes fleets before instances.
        'fleets.1.name: duplicate fleet "web", first declared at fleets.0',
        'instances.1.name: duplicate instance name "a", first declared at instances.0',
        'instances.3.name: instance name "web-2" is also the name of an instance of fleet "web"',
        'checks.1.name: duplicate check "c", first declared at checks.0',
      ]);
    });
  });

  describe('references', () => {
    it('accepts a to: role created by an earlier call step', () => {
      loadOk(
        makeRaw({
          steps: [
            { call: 'iam:CreateRole', params: { RoleName: 'app-v3', AssumeRolePolicyDocument: '{}' } },
            { strategy: 'swap-role-in-profile', targets: { fleet: 'web' }, to: { role: 'app-v3' } },
          ],
        }),
      );
    });

    it('names the path of every dangling reference, in targets, loops, faults and compare', () => {
      const problems = loadProblems(
        makeRaw({
          model: { defaultRegion: 'sa-east-1' },
          steps: [
            {
              strategy: 'stop-start',
              targets: { fleets: ['web', 'api'], instances: ['web-0', 'web-3'] },
              to: { instanceProfile: 'gone' },
            },
            forEachOver({ fleet: 'db' }, [{ call: 'ec2:DescribeInstances', region: 'ap-east-1' }]),
          ],
          faults: [{ imdsOutage: { instances: ['web'], from: '1h', to: '2h' } }],
          compare: { targets: { fleet: 'web' }, to: { role: 'app-v9' }, at: '1h' },
        }),
      );
      expect(problems).toEqual([
        'model.defaultRegion: unknown region "sa-east-1" (did you mean "us-east-1"?)',
        'steps.0.targets.fleets.1: unknown fleet "api"; declared: web',
        'steps.0.targets.instances.1: unknown instance "web-3"; declared: none are declared',
        'steps.0.to.instanceProfile: unknown instance profile "gone"; declared: web',
        'steps.1.forEach.fleet: unknown fleet "db"; declared: web',
        'steps.1.steps.0.region: unknown region "ap-east-1" (did you mean "us-east-1"?)',
        'faults.0.imdsOutage.instances.0: unknown instance "web" ("web" is a fleet: use {fleet: web})',
        'compare.to.role: unknown role "app-v9" (did you mean "app-v1"?)',
      ]);
    });

    it('reports a fleet mistake once, not once per instance', () => {
      const problems = loadProblems(
        makeRaw({ fleets: [{ name: 'web', count: 50, region: 'us-west-9', instanceProfile: 'x' }] }),
      );
      expect(problems).toHaveLength(2);
    });
  });

  describe('timing', () => {
    it('keeps at, after, windows and compare within the horizon', () => {
      const problems = loadProblems(
        makeRaw({
          horizon: '1h',
          steps: [
            { wait: '1s', at: '1h' },
            forEachOver({ fleet: 'web' }, [{ wait: '1s', at: '2h' }]),
            { wait: '1s', after: '61m' },
          ],
          faults: [
            { partition: { region: 'us-east-1', from: '30m', to: '30m' } },
            { imdsOutage: { fleet: 'web', from: '0', to: '2h' } },
          ],
          compare: { targets: { fleet: 'web' }, to: { role: 'app-v2' }, at: '1h' },
        }),
      );
      expect(problems).toEqual([
        'steps.0.at: at 1h is not before the horizon (1h)',
        'steps.1.steps.0.at: at 2h is not before the horizon (1h)',
        'steps.2.after: after 1h1m is not shorter than the horizon (1h)',
        'faults.0.partition.to: the window must end after it starts (from 30m, to 30m)',
        'faults.1.imdsOutage.to: the window ends at 2h, after the horizon (1h)',
        'compare.at: at 1h is not before the horizon (1h)',
      ]);
    });

    it('bounds the horizon', () => {
      expect(loadProblems(makeRaw({ horizon: 0 }))).toEqual(['horizon: the horizon must be longer than 0']);
      expect(loadProblems(makeRaw({ horizon: '30d1ms' }))).toEqual([
        'horizon: the horizon 30d1ms is over the limit of 30d',
      ]);
      loadOk(makeRaw({ horizon: '30d' }));
    });
  });

  describe('caps', () => {
    it('refuses 10^7 instances without expanding them', () => {
      const started = performance.now();
      const problems = loadProblems(
        makeRaw({ fleets: [{ name: 'web', count: 10_000_000, region: 'us-east-1' }] }),
      );
      expect(problems).toEqual([
        'fleets.0.count: too many instances: this fleet brings the total to 10000000, over the limit of 200000',
      ]);
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('accepts exactly 200000 instances', () => {
      const { scenario } = loadOk(makeRaw({}, 200_000));
      expect(scenario.instances).toHaveLength(200_000);
    });

    it('estimates steps after forEach expansion', () => {
      expect(
        loadProblems(
          makeRaw({ steps: [forEachOver({ fleet: 'web' }, Array(4).fill({ wait: '1s' }))] }, 2501),
        ),
      ).toEqual(['steps: too many steps: forEach loops expand to more than 10000 (counted 10004 so far)']);
      loadOk(makeRaw({ steps: [forEachOver({ fleet: 'web' }, Array(4).fill({ wait: '1s' }))] }, 2500));
      expect(estimateStepCount([], () => 1, 10)).toBe(0);
    });

    it('caps compare seeds', () => {
      expect(
        loadProblems(
          makeRaw({
            compare: { targets: { fleet: 'web' }, to: { role: 'app-v2' }, at: '1h', seeds: 100_001 },
          }),
        ),
      ).toEqual(['compare.seeds: 100001 seeds is over the limit of 100000']);
    });
  });

  describe('rates', () => {
    it('bounds probe and polling frequency', () => {
      const problems = loadProblems(
        makeRaw({
          instances: [{ name: 'a', region: 'us-east-1', probe: { action: 's3:GetObject', every: '999ms' } }],
          steps: [
            {
              waitUntil: {
                call: 'iam:GetRole',
                params: { RoleName: 'x' },
                path: 'Role.RoleName',
                equals: 'x',
                every: '50ms',
              },
            },
            {
              waitUntil: {
                call: 'iam:GetRole',
                params: { RoleName: 'x' },
                path: 'Role.RoleName',
                equals: 'x',
                every: '10s',
                timeout: '5s',
              },
            },
          ],
        }),
      );
      expect(problems).toEqual([
        'instances.0.probe.every: probe every 999ms is too frequent; the minimum is 1s',
        'steps.0.waitUntil.every: polling every 50ms is too frequent; the minimum is 100ms',
        'steps.1.waitUntil.timeout: the timeout (5s) is shorter than the polling interval (10s)',
      ]);
    });
  });

  describe('substitutions', () => {
    it('allows saved names after their step, and inst fields inside forEach', () => {
      loadOk(
        makeRaw({
          steps: [
            {
              call: 'iam:GetInstanceProfile',
              params: { InstanceProfileName: 'web' },
              save: { arn: 'InstanceProfile.Arn' },
            },
            forEachOver({ fleet: 'web' }, [
              {
                aws: 'ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values=${inst.id}',
                save: { assoc: 'IamInstanceProfileAssociations.0.AssociationId' },
              },
              {
                call: 'ec2:ReplaceIamInstanceProfileAssociation',
                params: { AssociationId: '${assoc}', IamInstanceProfile: { Arn: '${arn}' } },
              },
              {
                waitUntil: {
                  call: 'ec2:DescribeInstances',
                  params: { InstanceIds: ['${inst.id}'] },
                  path: 'Reservations.0.Instances.0.State.Name',
                  equals: '${inst.name}',
                },
              },
            ]),
          ],
        }),
      );
    });

    it('refuses references that cannot resolve', () => {
      const problems = loadProblems(
        makeRaw({
          steps: [
            { call: 'iam:GetInstanceProfile', params: { InstanceProfileName: '${later}' } },
            {
              call: 'iam:GetInstanceProfile',
              params: { InstanceProfileName: 'web' },
              save: { later: 'InstanceProfile.Arn', inst: 'x' },
            },
            {
              call: 'ec2:DescribeInstances',
              params: { InstanceIds: ['${inst.id}', '${latr}', '${ bad-name }'] },
            },
          ],
        }),
      );
      expect(problems).toEqual([
        'steps.0.params.InstanceProfileName: ${later} is not saved by any earlier step; add save: { later: Some.Path } to a step before this one',
        'steps.1.save.inst: "inst" is reserved for ${inst.id} and friends',
        'steps.2.params.InstanceIds.0: ${inst.id} can only be used inside a forEach step',
        'steps.2.params.InstanceIds.1: ${latr} is not saved by any earlier step (did you mean ${later}?); add save: { latr: Some.Path } to a step before this one',
        'steps.2.params.InstanceIds.2: ${bad-name} is not a reference: write ${name} for a saved value or ${inst.id} inside forEach',
      ]);
    });

    it('parses references in one string', () => {
      expect(referenceProblems('plain', false, new Set())).toEqual([]);
      expect(referenceProblems('${a}-${inst.name}', true, new Set(['a']))).toEqual([]);
      expect(referenceProblems('x ${a', false, new Set(['a']))).toEqual(['unclosed ${ in "x ${a"']);
    });
  });
});
