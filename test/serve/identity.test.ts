/**
 * Instance credentials through the real protocols: IMDS (v1 and v2) hands out what the model
 * issued, formatted as AWS does; STS GetCallerIdentity names the instance's role session; calls
 * made with those credentials are authorized against the region's enforcement view, so a revoke
 * (AWSRevokeOlderSessions) turns them into explicit denies and expiry into ExpiredToken.
 */
import { DescribeIamInstanceProfileAssociationsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetInstanceProfileCommand,
  IAMClient,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { withServer } from './helpers.ts';

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('instance credentials over IMDS, STS and authorization', () => {
  it('serves IMDSv2 and v1, names the role session, denies after a revoke and after expiry', async () => {
    await withServer({ clock: { kind: 'manual' } }, async (served) => {
      const imds = served.imdsUrl('web-0');
      const tokenRes = await fetch(`${imds}/latest/api/token`, {
        method: 'PUT',
        headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' },
      });
      expect(tokenRes.status).toBe(200);
      expect(tokenRes.headers.get('x-aws-ec2-metadata-token-ttl-seconds')).toBe('60');
      const token = await tokenRes.text();
      const get = (path: string, headers: Record<string, string> = { 'X-aws-ec2-metadata-token': token }) =>
        fetch(`${imds}${path}`, { headers });
      const instanceId = await (await get('/latest/meta-data/instance-id')).text();
      expect(instanceId).toMatch(/^i-[0-9a-f]{17}$/);
      const role = await (await get('/latest/meta-data/iam/security-credentials/')).text();
      expect(role).toBe('app-v1');
      const doc = JSON.parse(await (await get(`/latest/meta-data/iam/security-credentials/${role}`)).text());
      expect(Object.keys(doc)).toEqual([
        'Code',
        'LastUpdated',
        'Type',
        'AccessKeyId',
        'SecretAccessKey',
        'Token',
        'Expiration',
      ]);
      expect(doc.Code).toBe('Success');
      expect(doc.Type).toBe('AWS-HMAC');
      expect(doc.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
      expect(doc.Expiration).toMatch(ISO_SECONDS);
      expect(doc.LastUpdated).toMatch(ISO_SECONDS);
      const info = JSON.parse(await (await get('/latest/meta-data/iam/info')).text());
      expect(info.InstanceProfileArn).toBe('arn:aws:iam::123456789012:instance-profile/web-v1');
      // IMDSv1 (no token) is allowed by default; a bad token is not.
      expect((await get('/latest/meta-data/instance-id', {})).status).toBe(200);
      expect(
        (await get('/latest/meta-data/instance-id', { 'X-aws-ec2-metadata-token': 'nope' })).status,
      ).toBe(401);
      await served.advance(61_000);
      expect((await get('/latest/meta-data/instance-id')).status).toBe(401);

      const credentials = {
        accessKeyId: doc.AccessKeyId,
        secretAccessKey: doc.SecretAccessKey,
        sessionToken: doc.Token,
      };
      const config = served.config(credentials);
      const sts = new STSClient(config);
      const iam = new IAMClient(config);
      const ec2 = new EC2Client(config);
      const me = await sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe(`arn:aws:sts::123456789012:assumed-role/app-v1/${instanceId}`);
      expect(me.Account).toBe('123456789012');
      // app-v1 allows iam:GetInstanceProfile but not iam:GetRole.
      await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web-v1' }));
      const notAllowed = await failure(
        iam.send(new PutRolePolicyCommand({ RoleName: 'app-v1', PolicyName: 'x', PolicyDocument: '{}' })),
      );
      expect(notAllowed.name).toBe('AccessDenied');
      expect(notAllowed.status).toBe(403);
      expect(notAllowed.message).toBe(
        `User: ${me.Arn} is not authorized to perform: iam:PutRolePolicy on resource: arn:aws:iam::123456789012:role/app-v1 because no identity-based policy allows the iam:PutRolePolicy action`,
      );

      // The operator revokes the role's older sessions (what the console's "Revoke sessions" writes).
      const operatorIam = new IAMClient(served.config());
      const { now } = (await served.admin('now')) as { now: string };
      await operatorIam.send(
        new PutRolePolicyCommand({
          RoleName: 'app-v1',
          PolicyName: 'AWSRevokeOlderSessions',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Deny',
                Action: ['*'],
                Resource: ['*'],
                Condition: { DateLessThan: { 'aws:TokenIssueTime': now } },
              },
            ],
          }),
        }),
      );
      await served.advance(6 * 60_000); // past the policy propagation maximum (5 min)
      const revoked = await failure(
        iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'web-v1' })),
      );
      expect(revoked.name).toBe('AccessDenied');
      expect(revoked.message).toBe(
        `User: ${me.Arn} is not authorized to perform: iam:GetInstanceProfile on resource: arn:aws:iam::123456789012:instance-profile/web-v1 with an explicit deny in an identity-based policy`,
      );
      const ec2Revoked = await failure(ec2.send(new DescribeIamInstanceProfileAssociationsCommand({})));
      expect(ec2Revoked.name).toBe('UnauthorizedOperation');
      expect(ec2Revoked.message).toContain('with an explicit deny in an identity-based policy');
      // Refused calls never reach the model, so they are not steps of the recording.
      const state = (await served.admin('state')) as { refused: unknown[] };
      expect(state.refused).toHaveLength(3);

      // Past the credentials' expiry (at most 6 h 35 min after issue).
      await served.advance(7 * 3_600_000);
      const expired = await failure(sts.send(new GetCallerIdentityCommand({})));
      expect(expired.name).toBe('ExpiredToken');
      expect(expired.message).toBe('The security token included in the request is expired');
    });
  });

  it('refuses IMDSv1 reads when tokens are required', async () => {
    await withServer({ imdsTokens: 'required' }, async (served) => {
      const imds = served.imdsUrl('web-1');
      expect((await fetch(`${imds}/latest/meta-data/instance-id`)).status).toBe(401);
      const token = await (
        await fetch(`${imds}/latest/api/token`, {
          method: 'PUT',
          headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '21600' },
        })
      ).text();
      const res = await fetch(`${imds}/latest/meta-data/instance-id`, {
        headers: { 'X-aws-ec2-metadata-token': token },
      });
      expect(res.status).toBe(200);
      const tooLong = await fetch(`${imds}/latest/api/token`, {
        method: 'PUT',
        headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '21601' },
      });
      expect(tooLong.status).toBe(400);
    });
  });
});

describe('iam/info after the role is removed from the profile', () => {
  it('still says Success, with the message the troubleshooting page quotes, while the old set is served', async () => {
    await withServer({ clock: { kind: 'manual' } }, async (served) => {
      const imds = served.imdsUrl('web-0');
      const info = async () => JSON.parse(await (await fetch(`${imds}/latest/meta-data/iam/info`)).text());
      expect((await info()).Message).toBeUndefined();
      const iam = new IAMClient(served.config());
      await iam.send(
        new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'web-v1', RoleName: 'app-v1' }),
      );
      await served.advance(5 * 60_000); // past IAM propagation's 2 min cap
      const after = await info();
      expect(after).toMatchObject({ Code: 'Success', Message: 'Instance Profile does not contain a role.' });
      expect(after.InstanceProfileArn).toBe('arn:aws:iam::123456789012:instance-profile/web-v1');
      // Nothing new is issued, and the set issued before is still there (field research, issue 17).
      const role = await (await fetch(`${imds}/latest/meta-data/iam/security-credentials/`)).text();
      expect(role).toBe('app-v1');
    });
  });
});
