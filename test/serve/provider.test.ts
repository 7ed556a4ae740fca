/**
 * The SDK presets (src/instance/sdk.ts) checked against the real SDKs' own credential code.
 *
 * An instance starts; the real provider fetches at boot, as the model's SDK cache does; its
 * profile is replaced; virtual time then advances in ticks and the provider is asked for
 * credentials every tick, as an application making calls would. The instant it first hands out
 * the new role is compared with the model's appNewRoleMs for that instance on the same seed.
 * The SDK's notion of now is the virtual clock: vitest fakes `Date` only (for the JS SDK), and
 * botocore's time functions are patched (botocore_provider.py).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  DescribeIamInstanceProfileAssociationsCommand,
  EC2Client,
  ReplaceIamInstanceProfileAssociationCommand,
  StartInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromInstanceMetadata } from '@smithy/credential-provider-imds';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadWorld, runPython, type Served, withServer } from './helpers.ts';

/**
 * Ticks: one minute, and one second in the last 20 minutes before the held credentials expire
 * (every SDK window read so far is at most 15 minutes), so the switch is seen to the second
 * without 25,000 calls. The tick only decides when the provider is asked, never what it answers.
 */
const COARSE_TICK_MS = 60_000;
const FINE_TICK_MS = 1000;
const FINE_BEFORE_EXPIRY_MS = 20 * 60_000;
const MAX_MS = 7 * 3_600_000;
const PROVIDER_WORLD = join(import.meta.dirname, 'provider.yaml');

/** Starts `instance` and advances until it runs and IMDS serves credentials; returns its id. */
async function boot(served: Served, ec2: EC2Client, instance: string): Promise<string> {
  const id = served.server.imds.find((i) => i.instance === instance)!.instanceId;
  await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
  for (let i = 0; i < 600; i++) {
    const state = (await served.admin('state')) as {
      instances: { name: string; state: string; imds: { credentials: unknown } }[];
    };
    const me = state.instances.find((x) => x.name === instance)!;
    if (me.state === 'running' && me.imds.credentials !== null) return id;
    await served.advance(1000);
  }
  throw new Error(`${instance} did not boot within 600 s`);
}

/** Where the model's SDK cache of `instance` first held the new role (scenario ms), from the run's report. */
function modelSwitchMs(served: Served, instance: string): number {
  const report = JSON.parse(served.session.report()) as {
    changeStartMs: number;
    instances: { name: string; sdk: string; metrics: { appNewRoleMs: number | null } }[];
  };
  const me = report.instances.find((i) => i.name === instance)!;
  expect(me.metrics.appNewRoleMs).not.toBeNull();
  return report.changeStartMs + me.metrics.appNewRoleMs!;
}

function python(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import boto3, botocore; print(botocore.__version__)'], {
    encoding: 'utf8',
  });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

afterEach(() => {
  vi.useRealTimers();
  delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
});

describe('SDK presets against the real credential providers', () => {
  it('js-v3: fromInstanceMetadata, memoized by the client, switches when the preset says', async () => {
    const scenario = await loadWorld(PROVIDER_WORLD);
    await withServer({ scenario, seed: 11, timeoutMs: 110_000 }, async (served) => {
      const ec2 = new EC2Client(served.config());
      const id = await boot(served, ec2, 'js');
      vi.useFakeTimers({ toFake: ['Date'] });
      const tick = () => vi.setSystemTime(served.session.now);
      tick();
      process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = served.imdsUrl('js');
      // The provider as the SDK resolves it; the wrapper only notes the expiry of what the client holds.
      const provider = fromInstanceMetadata({ timeout: 5000 });
      let heldExpiration = 0;
      const app = new STSClient({
        endpoint: served.server.url,
        region: 'us-east-1',
        credentials: async () => {
          const creds = await provider();
          heldExpiration = creds.expiration?.getTime() ?? 0;
          return creds;
        },
        maxAttempts: 1,
      });
      const roleNow = async () => (await app.send(new GetCallerIdentityCommand({}))).Arn!.split('/')[1];
      expect(await roleNow()).toBe('app-v1');
      const described = await ec2.send(
        new DescribeIamInstanceProfileAssociationsCommand({
          Filters: [{ Name: 'instance-id', Values: [id] }],
        }),
      );
      await ec2.send(
        new ReplaceIamInstanceProfileAssociationCommand({
          AssociationId: described.IamInstanceProfileAssociations![0]!.AssociationId!,
          IamInstanceProfile: { Name: 'web-v2' },
        }),
      );
      const changeAtMs = served.session.nowMs;
      let switchMs: number | undefined;
      while (served.session.nowMs - changeAtMs < MAX_MS) {
        const near = heldExpiration - served.session.now.getTime() <= FINE_BEFORE_EXPIRY_MS;
        await served.advance(near ? FINE_TICK_MS : COARSE_TICK_MS);
        tick();
        if ((await roleNow()) === 'app-v2') {
          switchMs = served.session.nowMs;
          break;
        }
      }
      vi.useRealTimers();
      const modelMs = modelSwitchMs(served, 'js');
      console.log(
        `js-v3: real fromInstanceMetadata switched at ${switchMs} ms, the preset's model at ${modelMs} ms (change at ${changeAtMs} ms)`,
      );
      expect(switchMs).toBeDefined();
      // Asked once per tick; IMDS writes expiry to the second, so the real one may be 1 s early.
      expect(Math.abs(switchMs! - modelMs)).toBeLessThanOrEqual(FINE_TICK_MS + 1000);
    });
  }, 120_000);

  const botocore = python();
  it.skipIf(botocore === undefined)(
    'botocore: InstanceMetadataProvider switches when the preset says',
    async () => {
      const scenario = await loadWorld(PROVIDER_WORLD);
      await withServer({ scenario, seed: 11, timeoutMs: 110_000 }, async (served) => {
        const ec2 = new EC2Client(served.config());
        const id = await boot(served, ec2, 'py');
        const described = await ec2.send(
          new DescribeIamInstanceProfileAssociationsCommand({
            Filters: [{ Name: 'instance-id', Values: [id] }],
          }),
        );
        const association = described.IamInstanceProfileAssociations![0]!.AssociationId!;
        const out = await runPython('botocore_provider.py', [
          served.server.url,
          served.imdsUrl('py'),
          association,
          String(COARSE_TICK_MS),
          String(FINE_TICK_MS),
          String(FINE_BEFORE_EXPIRY_MS),
          String(MAX_MS),
        ]);
        const result = JSON.parse(out) as { changeAtMs: number; switchMs: number | null; role: string };
        const modelMs = modelSwitchMs(served, 'py');
        console.log(
          `botocore ${botocore}: real InstanceMetadataProvider switched at ${result.switchMs} ms, the preset's model at ${modelMs} ms (change at ${result.changeAtMs} ms)`,
        );
        expect(result.switchMs).not.toBeNull();
        expect(Math.abs(result.switchMs! - modelMs)).toBeLessThanOrEqual(FINE_TICK_MS + 1000);
      });
    },
    120_000,
  );
  if (botocore === undefined)
    console.log('skipped the botocore preset check: python3 with boto3 is not on this machine');
});
