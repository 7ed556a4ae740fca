/**
 * SDK credential-cache policies: when an application's AWS SDK goes back to IMDS.
 *
 * No SDK reacts to a profile or association change; each keeps the credentials it fetched until
 * its own refresh time. That hold time, not AWS, dominates how long a long-running process keeps
 * using the old role after a replace. Each preset's `source` names the code it was read from, with
 * its public URL (README.md, "Sources", lists them all). Times are ms.
 */
import type { RandomStream } from '../engine/index.ts';
import type { SdkSpec } from '../scenario/types.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

export interface SdkPolicy {
  readonly name: string;
  /**
   * True for a process per call (the AWS CLI): nothing is cached, every call reads IMDS, so the
   * application always holds what IMDS serves.
   */
  readonly perCall: boolean;
  /** When to go back to IMDS after fetching credentials that expire at `expiresAtMs`. */
  refreshAtMs(fetchedAtMs: number, expiresAtMs: number): number;
  /** Delay before trying again after a failed refresh. */
  readonly retryMs: number;
  /**
   * A mandatory (blocking) refresh window before expiry: inside it, a refresh that fails makes
   * the SDK raise on every call instead of using the credentials it still holds. Undefined: the
   * SDK keeps using valid credentials whatever happens to its refreshes.
   */
  readonly mandatoryBeforeExpiryMs?: number;
  /**
   * Static stability: how long after expiry the SDK keeps presenting expired credentials while
   * IMDS cannot give new ones (drawn per instance; 0 for SDKs that do not do it).
   */
  staticStabilityMs(rng: RandomStream): number;
  readonly source: string;
}

/** Retry after a failed IMDS read. botocore re-attempts on every call in its refresh window; one minute stands for "the next calls". [INF] */
const DEFAULT_RETRY_MS = 1 * M;

export const sdkPresets: Readonly<Record<string, SdkPolicy>> = {
  botocore: {
    name: 'botocore',
    perCall: false,
    // Advisory refresh when less than 15 min remain (a failure keeps the old credentials).
    refreshAtMs: (_fetched, expires) => expires - 15 * M,
    retryMs: DEFAULT_RETRY_MS,
    // A failed refresh inside the last 10 minutes raises instead of serving the old credentials.
    mandatoryBeforeExpiryMs: 10 * M,
    // ec2_credential_refresh_window 600 s plus a random 120-600 s: 12-20 min.
    staticStabilityMs: (rng) => 10 * M + rng.int(2 * M, 10 * M),
    source:
      '[CODE] boto/botocore credentials.py RefreshableCredentials: advisory refresh at expiry - 15 min, mandatory at - 10 min; ' +
      'utils.py static stability extends by 600 s + 120-600 s. ' +
      'Sources: https://github.com/boto/botocore/blob/develop/botocore/credentials.py ; ' +
      'https://github.com/boto/botocore/blob/develop/botocore/utils.py',
  },
  'js-v3': {
    name: 'js-v3',
    perCall: false,
    refreshAtMs: (_fetched, expires) => expires - 5 * M,
    retryMs: DEFAULT_RETRY_MS,
    // getExtendedInstanceMetadataCredentials: 5 min + 0-5 min jitter.
    staticStabilityMs: (rng) => 5 * M + rng.int(0, 5 * M),
    source:
      '[CODE] aws/aws-sdk-js-v3 credential-provider-imds: CREDENTIAL_EXPIRE_WINDOW 300000 ms; PR #3575 static stability. ' +
      'Sources: https://github.com/aws/aws-sdk-js-v3 ; https://github.com/aws/aws-sdk-js-v3/pull/3575',
  },
  'java-v1': {
    name: 'java-v1',
    perCall: false,
    refreshAtMs: (fetched, expires) => Math.min(fetched + 1 * H, expires - 15 * M),
    retryMs: DEFAULT_RETRY_MS,
    staticStabilityMs: () => 0,
    source:
      '[CODE] aws/aws-sdk-java EC2CredentialsFetcher: REFRESH_THRESHOLD 1 h, EXPIRATION_THRESHOLD 15 min. ' +
      'Source: https://github.com/aws/aws-sdk-java',
  },
  'java-v2': {
    name: 'java-v2',
    perCall: false,
    // Variant (a) of the three found in the SDK's history (issue #5247 confirms it): prefetch at
    // now + max(half the remaining time, 5 min), stale at expiry - 1 s.
    refreshAtMs: (fetched, expires) =>
      Math.min(fetched + Math.max((expires - fetched) / 2, 5 * M), expires - 1 * S),
    retryMs: DEFAULT_RETRY_MS,
    staticStabilityMs: () => 5 * M,
    source:
      '[CODE] aws/aws-sdk-java-v2 InstanceProfileCredentialsProvider, variant (a): prefetch at max(1/2 remaining, 5 min), ' +
      'stale at expiry - 1 s (issue #5247); expired credentials retried ~5 min (PR #2989). ' +
      'Sources: https://github.com/aws/aws-sdk-java-v2/issues/5247 ; https://github.com/aws/aws-sdk-java-v2/pull/2989',
  },
  'go-v2': {
    name: 'go-v2',
    perCall: false,
    // ec2rolecreds caps the cached expiry at one hour from fetch.
    refreshAtMs: (fetched, expires) => Math.min(fetched + 1 * H, expires),
    retryMs: DEFAULT_RETRY_MS,
    staticStabilityMs: () => 5 * M,
    source:
      '[CODE/OBS] aws/aws-sdk-go-v2 ec2rolecreds: expiry capped at 1 h from fetch (PR #1634); tolerates refresh failures near expiry. ' +
      'Source: https://github.com/aws/aws-sdk-go-v2/pull/1634',
  },
  dotnet: {
    name: 'dotnet',
    perCall: false,
    refreshAtMs: (fetched, expires) => Math.min(fetched + 2 * M, expires),
    retryMs: DEFAULT_RETRY_MS,
    staticStabilityMs: (rng) => rng.int(5 * M, 10 * M),
    source:
      '[CODE] aws/aws-sdk-net DefaultInstanceProfileAWSCredentials: 2-minute refresh timer; retries every 5-10 min on expired (issue #3461). ' +
      'Source: https://github.com/aws/aws-sdk-net/issues/3461',
  },
  cli: {
    name: 'cli',
    perCall: true,
    refreshAtMs: (fetched) => fetched,
    retryMs: DEFAULT_RETRY_MS,
    staticStabilityMs: () => 0,
    source:
      '[INF] the AWS CLI runs a new process per command and does not cache IMDS credentials on disk: every call reads IMDS',
  },
};

/** Resolves a scenario's SDK spec (preset name or custom windows) to a policy. */
export function sdkPolicy(spec: SdkSpec): SdkPolicy {
  if (typeof spec === 'string') {
    const preset = sdkPresets[spec];
    if (preset === undefined) throw new Error(`unknown SDK preset '${spec}'`);
    return preset;
  }
  const { refreshBeforeExpiryMs, maxHoldMs, staticStabilityMs } = spec;
  return {
    name: spec.name,
    perCall: false,
    refreshAtMs: (fetched, expires) =>
      Math.min(
        expires - refreshBeforeExpiryMs,
        maxHoldMs === undefined ? Number.POSITIVE_INFINITY : fetched + maxHoldMs,
      ),
    retryMs: DEFAULT_RETRY_MS,
    staticStabilityMs: () => staticStabilityMs ?? 0,
    source: '[scenario] custom refresh policy',
  };
}
