/**
 * AWS's eventual consistency through a real client: a profile made and filled a moment ago is
 * still invalid to EC2 (the region's view has not seen it), so the JS SDK raises
 * InvalidParameterValue with AWS's message; once virtual time passes the propagation delay the
 * same call succeeds.
 */
import { AssociateIamInstanceProfileCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { withServer } from './helpers.ts';

describe('eventual consistency through @aws-sdk/client-ec2 (--clock manual)', () => {
  it('AssociateIamInstanceProfile fails with InvalidParameterValue, then succeeds after advance', async () => {
    await withServer({ clock: { kind: 'manual' } }, async (served) => {
      const config = served.config();
      const iam = new IAMClient(config);
      const ec2 = new EC2Client(config);
      const instanceId = served.server.imds.find((i) => i.instance === 'batch')!.instanceId;
      await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'fresh' }));
      await iam.send(
        new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'fresh', RoleName: 'app-v2' }),
      );
      const associate = new AssociateIamInstanceProfileCommand({
        InstanceId: instanceId,
        IamInstanceProfile: { Name: 'fresh' },
      });
      const error = await ec2.send(associate).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EC2ServiceException);
      expect((error as EC2ServiceException).name).toBe('InvalidParameterValue');
      expect((error as EC2ServiceException).message).toBe(
        'Value (fresh) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name',
      );
      expect((error as EC2ServiceException).$metadata.httpStatusCode).toBe(400);
      // Past the calibration's maximum IAM propagation delay (2 min).
      await served.advance(150_000);
      const ok = await ec2.send(associate);
      expect(ok.IamInstanceProfileAssociation?.State).toBe('associating');
      expect(ok.IamInstanceProfileAssociation?.InstanceId).toBe(instanceId);
    });
  });
});
