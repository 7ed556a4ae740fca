/**
 * Calibration: every delay the model draws, as a distribution, with where its default comes from.
 *
 * Only three timing facts are documented by AWS (new IMDS credentials at least 5 minutes before
 * the old expire; a role swap inside a profile takes up to one hour; policy edits take "a few
 * minutes"). Everything else below is a default a user can override in the scenario's
 * `calibration` section; the `source` strings are printed in reports next to the values used.
 * Tags: [DOC] AWS documentation, [CODE] SDK/tool source, [OBS] field reports, [INF] inference.
 * Each source string ends with the public pages it rests on (README.md, "Sources", lists them all);
 * an [INF] value with no public number says so instead.
 */
import type { DistributionSpec } from './engine/index.ts';

export interface CalibrationEntry {
  readonly spec: DistributionSpec;
  readonly source: string;
}

/** Names of every calibrated delay. Units are in the distributions (all ms). */
export const calibrationKeys = [
  'iamPropagation',
  'policyPropagation',
  'associationSettle',
  'disassociationSettle',
  'imdsAssociationPickup',
  'imdsRotationPeriod',
  'imdsCredentialLifetime',
  'instanceStop',
  'instanceStart',
  'instanceReboot',
  'apiLatency',
] as const;
export type CalibrationKey = (typeof calibrationKeys)[number];

export type Calibration = Readonly<Record<CalibrationKey, CalibrationEntry>>;

const S = 1000;
const M = 60 * S;
const H = 60 * M;

export const defaultCalibration: Calibration = {
  iamPropagation: {
    spec: { kind: 'lognormal', medianMs: 6 * S, p99Ms: 60 * S, maxMs: 120 * S },
    source:
      '[OBS] IAM -> regional view delay, per change per region: median ~5-10 s (Terraform PR #2037, provider comments "~10 s"), ' +
      'p99 ~60 s (AWS InstanceProfileExists waiter budget 40 s), capped at 2 min (Terraform iamPropagationTimeout). ' +
      'Sources: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency ; ' +
      'https://github.com/hashicorp/terraform/pull/2037 ; ' +
      'https://github.com/boto/botocore/blob/develop/botocore/data/iam/2010-05-08/waiters-2.json ; ' +
      'https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/iam/wait.go',
  },
  policyPropagation: {
    spec: { kind: 'lognormal', medianMs: 4 * S, p99Ms: 120 * S, maxMs: 5 * M },
    source:
      '[DOC+OBS] policy edit -> enforcement: "a few minutes" (IAM UG, temp credentials); measured 3-4 s central value ' +
      '(OFFENSAI 2025); practitioners wait 2 min. ' +
      'Sources: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html ; ' +
      'https://ferkakta.dev/iam-eventual-consistency-is-four-seconds',
  },
  associationSettle: {
    spec: { kind: 'lognormal', medianMs: 3 * S, p99Ms: 30 * S, maxMs: 5 * M },
    source:
      '[INF] associating -> associated: seconds (median 2-5 s, p99 ~30 s), capped at 5 min (Terraform ec2PropagationTimeout). ' +
      'Sources: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IamInstanceProfileAssociation.html ; ' +
      'https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/ec2/wait.go',
  },
  disassociationSettle: {
    spec: { kind: 'lognormal', medianMs: 3 * S, p99Ms: 30 * S, maxMs: 5 * M },
    source:
      '[INF] disassociating -> gone: modelled like associationSettle (no public number). ' +
      'Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IamInstanceProfileAssociation.html',
  },
  imdsAssociationPickup: {
    spec: { kind: 'lognormal', medianMs: 2 * S, p99Ms: 15 * S, maxMs: 60 * S },
    source:
      '[OBS] associated -> IMDS serves the new profile\'s role: "within seconds" (blogs, Uptycs TL;DR); no AWS number. ' +
      'Source: https://www.uptycs.com/blog/aws-iam-roles-instance-profiles',
  },
  imdsRotationPeriod: {
    spec: { kind: 'uniform', lowMs: 55 * M, highMs: 65 * M },
    source:
      '[DOC+OBS] IMDS scheduled rotation "about hourly" (IAM UG guidance; users report a new set hourly, JuliaCloud/AWS.jl #57). ' +
      'The first rotation of each instance has a random phase within one period. ' +
      'Sources: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html ; ' +
      'https://github.com/JuliaCloud/AWS.jl/issues/57',
  },
  imdsCredentialLifetime: {
    spec: { kind: 'uniform', lowMs: 6 * H, highMs: 6 * H + 35 * M },
    source:
      '[OBS] IMDS credential lifetime ~6 h to 6 h 35 min (floehopper gist 6h24m, 2024 sample 6h35m, AWS.jl #57 ~6.5 h). ' +
      'Documented: new credentials at least 5 min before expiry. ' +
      'Sources: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html ; ' +
      'https://gist.github.com/floehopper/3b75ae5a583d7b7413ba4aca32c510b9 ; ' +
      'https://saac03.antoniogalanti.com/aws-saa-c03/0.1/ec2/instance_roles_and_profiles.html ; ' +
      'https://github.com/JuliaCloud/AWS.jl/issues/57',
  },
  instanceStop: {
    spec: { kind: 'lognormal', medianMs: 45 * S, p99Ms: 3 * M, maxMs: 10 * M },
    source: '[INF] stopping -> stopped: typically under a minute for EBS-backed instances; no AWS number.',
  },
  instanceStart: {
    spec: { kind: 'lognormal', medianMs: 40 * S, p99Ms: 2 * M, maxMs: 10 * M },
    source: '[INF] pending -> running (boot, IMDS serving): tens of seconds; no AWS number.',
  },
  instanceReboot: {
    spec: { kind: 'lognormal', medianMs: 30 * S, p99Ms: 2 * M, maxMs: 10 * M },
    source:
      '[INF] reboot: application down while the OS restarts; IMDS keeps its credentials (Uptycs). ' +
      'Source: https://www.uptycs.com/blog/aws-iam-roles-instance-profiles',
  },
  apiLatency: {
    spec: { kind: 'lognormal', medianMs: 150, p99Ms: 1 * S, maxMs: 10 * S },
    source: "[INF] time one API call takes from the operator's side (request + response); no AWS number.",
  },
};

/** Every delay zero: moto-like timing with real-AWS semantics. Rotation and lifetime keep their values (they are not delays of a change). */
export const instantCalibration: Calibration = Object.fromEntries(
  calibrationKeys.map((key) => {
    const keep = key === 'imdsRotationPeriod' || key === 'imdsCredentialLifetime';
    const entry = defaultCalibration[key];
    return [
      key,
      keep
        ? entry
        : { spec: { kind: 'fixed', valueMs: 0 }, source: '[preset instant] zero delay (moto-like timing)' },
    ];
  }),
) as Calibration;

export const calibrationPresets = { default: defaultCalibration, instant: instantCalibration } as const;
export type CalibrationPreset = keyof typeof calibrationPresets;
