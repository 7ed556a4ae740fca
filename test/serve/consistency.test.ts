/**
 * AWS's eventual consistency through a real client: a profile made and filled a moment ago is
 * still invalid to EC2 (the region's view has not seen it), so the JS SDK raises
 * InvalidParameterValue with AWS's message; once virtual time passes the propagation delay the
 * same call succeeds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssociateIamInstanceProfileCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { captureIo } from '../cli/capture.ts';
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
      // The admin report is `iamsim run --json` of the recording, byte for byte: the failed
      // associate carries its cause (the propagation it came too early for) in both.
      const file = join(mkdtempSync(join(tmpdir(), 'iamsim-serve-report-')), 'recording.yaml');
      writeFileSync(file, served.session.recordingYaml());
      const run = captureIo();
      expect(await main(['run', file, '--json'], run.io)).toBe(0);
      const report = served.session.report();
      expect(report).toBe(run.stdout());
      const failed = (
        JSON.parse(report) as { steps: { ok: boolean; cause?: { kind: string } }[] }
      ).steps.find((st) => !st.ok);
      expect(failed?.cause?.kind).toBe('propagation');
    });
  });
});
