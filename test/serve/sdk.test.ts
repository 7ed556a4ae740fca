/**
 * The AWS SDK for JavaScript v3 against `iamsim serve`: every instance-profile operation (the ten
 * IAM ones, the four association ones and RunInstances with a profile) through the real clients,
 * whose own deserializers must parse every response and raise the modelled exception classes;
 * then the session's recording, run by `iamsim run --json`, must give the same outcome for every
 * call, call by call.
 */
import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DisassociateIamInstanceProfileCommand,
  EC2Client,
  EC2ServiceException,
  ReplaceIamInstanceProfileAssociationCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  DeleteConflictException,
  DeleteInstanceProfileCommand,
  GetInstanceProfileCommand,
  IAMClient,
  LimitExceededException,
  ListInstanceProfilesCommand,
  ListInstanceProfilesForRoleCommand,
  ListInstanceProfileTagsCommand,
  NoSuchEntityException,
  RemoveRoleFromInstanceProfileCommand,
  TagInstanceProfileCommand,
  UntagInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { type ClientOutcome, expectSameAsRun, plain, policyText, withServer } from './helpers.ts';

const M = 60_000;

describe('iamsim serve with @aws-sdk/client-iam and client-ec2', () => {
  it('runs every instance-profile operation; outcomes equal iamsim run of the recording', async () => {
    const outcomes: (ClientOutcome & { error?: { className: string } })[] = [];
    const recording = await withServer({ clock: { kind: 'manual' } }, async (served) => {
      const config = served.config();
      const iam = new IAMClient(config);
      const ec2 = new EC2Client(config);
      const ids = Object.fromEntries(served.server.imds.map((i) => [i.instance, i.instanceId]));
      // biome-ignore lint/suspicious/noExplicitAny: any command of either client
      const send = async (client: IAMClient | EC2Client, command: any): Promise<any> => {
        const service = client instanceof IAMClient ? 'iam' : 'ec2';
        const call = `${service}:${command.constructor.name.replace(/Command$/, '')}`;
        try {
          // biome-ignore lint/suspicious/noExplicitAny: the client's send is overloaded per command
          const response = await (client as any).send(command);
          outcomes.push({ call, ok: true, response: plain(response) });
          return response;
        } catch (e) {
          const err = e as Error & { $metadata?: { httpStatusCode?: number } };
          if (!(e instanceof Error) || err.$metadata === undefined) throw e;
          outcomes.push({
            call,
            ok: false,
            error: {
              // Modelled IAM errors are classes named CodeException; EC2 models none (name = code).
              code: err.name.replace(/Exception$/, ''),
              statusCode: err.$metadata.httpStatusCode,
              message: err.message,
              className: e.constructor.name,
            },
          });
          return e;
        }
      };

      await send(
        iam,
        new CreateInstanceProfileCommand({
          InstanceProfileName: 'web-v3',
          Tags: [{ Key: 'team', Value: 'a' }],
        }),
      );
      // Right after the create, the region's view has not seen it yet (AWS's eventual consistency).
      const early = await send(iam, new GetInstanceProfileCommand({ InstanceProfileName: 'web-v3' }));
      expect(early).toBeInstanceOf(NoSuchEntityException);
      await served.advance(5 * M);
      await send(iam, new GetInstanceProfileCommand({ InstanceProfileName: 'web-v3' }));
      await send(
        iam,
        new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-v3', RoleName: 'app-v2' }),
      );
      const twice = await send(
        iam,
        new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web-v3', RoleName: 'app-v1' }),
      );
      expect(twice).toBeInstanceOf(LimitExceededException);
      await send(
        iam,
        new TagInstanceProfileCommand({
          InstanceProfileName: 'web-v3',
          Tags: [{ Key: 'env', Value: 'test' }],
        }),
      );
      await send(iam, new UntagInstanceProfileCommand({ InstanceProfileName: 'web-v3', TagKeys: ['team'] }));
      await send(iam, new ListInstanceProfileTagsCommand({ InstanceProfileName: 'web-v3' }));
      await served.advance(5 * M);
      const page = await send(iam, new ListInstanceProfilesCommand({ MaxItems: 2 }));
      expect(page.IsTruncated).toBe(true);
      await send(iam, new ListInstanceProfilesCommand({ MaxItems: 2, Marker: page.Marker }));
      await send(iam, new ListInstanceProfilesForRoleCommand({ RoleName: 'app-v2' }));
      const noRole = await send(iam, new ListInstanceProfilesForRoleCommand({ RoleName: 'nobody' }));
      expect(noRole).toBeInstanceOf(NoSuchEntityException);

      const described = await send(
        ec2,
        new DescribeIamInstanceProfileAssociationsCommand({
          Filters: [{ Name: 'instance-id', Values: [ids['web-0']!] }],
        }),
      );
      const web0Association = described.IamInstanceProfileAssociations[0].AssociationId as string;
      const existing = await send(
        ec2,
        new AssociateIamInstanceProfileCommand({
          InstanceId: ids['web-0'],
          IamInstanceProfile: { Name: 'web-v2' },
        }),
      );
      expect(existing).toBeInstanceOf(EC2ServiceException);
      expect(existing.name).toBe('IncorrectState');
      const replaced = await send(
        ec2,
        new ReplaceIamInstanceProfileAssociationCommand({
          AssociationId: web0Association,
          IamInstanceProfile: { Name: 'web-v2' },
        }),
      );
      expect(replaced.IamInstanceProfileAssociation.AssociationId).not.toBe(web0Association);
      const all = await send(ec2, new DescribeIamInstanceProfileAssociationsCommand({ MaxResults: 5 }));
      const web1Association = all.IamInstanceProfileAssociations.find(
        (a: { InstanceId: string }) => a.InstanceId === ids['web-1'],
      ).AssociationId;
      await send(ec2, new DisassociateIamInstanceProfileCommand({ AssociationId: web1Association }));
      await send(
        ec2,
        new DisassociateIamInstanceProfileCommand({ AssociationId: 'iip-assoc-00000000000000000' }),
      );
      await served.advance(5 * M);
      await send(
        ec2,
        new AssociateIamInstanceProfileCommand({
          InstanceId: ids['web-1'],
          IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/web-v3' },
        }),
      );
      await send(
        ec2,
        new RunInstancesCommand({
          ImageId: 'ami-12345678',
          InstanceType: 't3.micro',
          MinCount: 2,
          MaxCount: 2,
          IamInstanceProfile: { Name: 'web-v3' },
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'launched' }] }],
          // Members the model does not simulate but echoes, as EC2 does: the wire must carry them.
          ClientToken: 'launch-1',
          EbsOptimized: true,
          CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 },
        }),
      );
      await send(
        ec2,
        new RunInstancesCommand({
          ImageId: 'ami-1',
          MinCount: 1,
          MaxCount: 1,
          IamInstanceProfile: { Name: 'missing' },
        }),
      );
      const conflict = await send(iam, new DeleteInstanceProfileCommand({ InstanceProfileName: 'web-v3' }));
      expect(conflict).toBeInstanceOf(DeleteConflictException);
      await send(
        iam,
        new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'web-v3', RoleName: 'app-v2' }),
      );
      await send(iam, new DeleteInstanceProfileCommand({ InstanceProfileName: 'web-v3' }));
      await send(iam, new GetInstanceProfileCommand({ InstanceProfileName: 'web-v3' }));
      return served.session.recordingYaml();
    });

    expect(new Set(outcomes.map((o) => o.call))).toEqual(
      new Set([
        'iam:CreateInstanceProfile',
        'iam:DeleteInstanceProfile',
        'iam:GetInstanceProfile',
        'iam:ListInstanceProfiles',
        'iam:ListInstanceProfilesForRole',
        'iam:AddRoleToInstanceProfile',
        'iam:RemoveRoleFromInstanceProfile',
        'iam:TagInstanceProfile',
        'iam:UntagInstanceProfile',
        'iam:ListInstanceProfileTags',
        'ec2:AssociateIamInstanceProfile',
        'ec2:DisassociateIamInstanceProfile',
        'ec2:ReplaceIamInstanceProfileAssociation',
        'ec2:DescribeIamInstanceProfileAssociations',
        'ec2:RunInstances',
      ]),
    );
    expect(outcomes.filter((o) => o.ok).length).toBeGreaterThanOrEqual(18);
    // Every modelled IAM error surfaced as its own class, never as the generic service exception.
    for (const o of outcomes.filter((x) => !x.ok && x.call.startsWith('iam:'))) {
      expect(o.error!.className, o.call).toBe(`${o.error!.code}Exception`);
    }
    // The same calls as scenario steps under `iamsim run`.
    await expectSameAsRun(outcomes, recording, policyText);
  });
});
