/**
 * What RunInstances' request says about the instance beyond its count and profile: tags, type,
 * image, placement and metadata options, which the model keeps on the instance and returns in
 * DescribeInstances, and the members it does not model, which it echoes as given.
 *
 * Seeded instances (the scenario's initial world) have no launch record, to keep 100,000-instance
 * worlds small; they describe with the defaults below.
 */
import { isRecord } from '../../is-record.ts';
import { Errors } from '../errors.ts';
import { hasReservedTagPrefix } from '../tags.ts';
import type { Params } from './params.ts';

export interface Ec2Tag {
  readonly Key: string;
  readonly Value: string;
}

/**
 * `tags` frozen, list and elements, so that responses can show the list itself (records.ts'
 * instanceShape): an instance's tags are kept only in lists made by this.
 */
export function frozenTags(tags: Ec2Tag[]): readonly Ec2Tag[] {
  for (const t of tags) Object.freeze(t);
  return Object.freeze(tags);
}

/** The instance metadata options IMDS honours (RunInstances `MetadataOptions`). */
export interface MetadataOptions {
  /** `required` is IMDSv2 only: a token must be obtained with a PUT first. */
  readonly HttpTokens: 'optional' | 'required';
  /** How many network hops the PUT response may travel (containers need 2). */
  readonly HttpPutResponseHopLimit: number;
  readonly HttpEndpoint: 'enabled' | 'disabled';
  readonly HttpProtocolIpv6: 'enabled' | 'disabled';
  readonly InstanceMetadataTags: 'enabled' | 'disabled';
}

export interface LaunchDetails {
  readonly imageId: string;
  readonly instanceType: string;
  readonly availabilityZone: string | undefined;
  readonly tags: readonly Ec2Tag[];
  readonly metadataOptions: MetadataOptions;
  readonly keyName: string | undefined;
  /** `Monitoring.Enabled` of the request: detailed monitoring. */
  readonly monitoring: boolean;
  /**
   * Request members the model does not interpret that the Instance shape returns under the same
   * name and form, as the request gave them. The other accepted members (UserData,
   * SecurityGroupIds, BlockDeviceMappings, NetworkInterfaces…) have no same-form member in the
   * Instance shape and change nothing the model tracks; they are validated and not kept.
   */
  readonly echo: Readonly<Record<string, unknown>>;
}

/**
 * Defaults from the RunInstances API reference: InstanceType "Default: m1.small"; MetadataOptions
 * HttpTokens `optional` (unless the AMI says otherwise), HttpPutResponseHopLimit 1, endpoint
 * enabled, IPv6 and tags in metadata disabled. The image id is the AMI id the EC2 documentation's
 * examples use: a scenario's instances have no real AMI. [DOC]
 */
export const LAUNCH_DEFAULTS = {
  imageId: 'ami-0abcdef1234567890',
  instanceType: 'm1.small',
  metadataOptions: {
    HttpTokens: 'optional',
    HttpPutResponseHopLimit: 1,
    HttpEndpoint: 'enabled',
    HttpProtocolIpv6: 'disabled',
    InstanceMetadataTags: 'disabled',
  },
} as const satisfies { imageId: string; instanceType: string; metadataOptions: MetadataOptions };

/** HttpPutResponseHopLimit: "Possible values: Integers from 1 to 64" (API reference). */
const HOP_LIMIT_MAX = 64;

/** RunInstances members that the Instance shape (DescribeInstances) returns in the same form. */
const ECHOED = [
  'KernelId',
  'RamdiskId',
  'SubnetId',
  'PrivateIpAddress',
  'ClientToken',
  'EbsOptimized',
  'CpuOptions',
  'HibernationOptions',
  'EnclaveOptions',
  'MaintenanceOptions',
  'PrivateDnsNameOptions',
  'CapacityReservationSpecification',
  'NetworkPerformanceOptions',
] as const;

/**
 * Reads the launch details of a RunInstances request whose structure the catalogue already
 * checked (types and enums). Throws EC2's errors for what the shape cannot say: reserved tag keys,
 * a hop limit out of range.
 */
export function readLaunchDetails(p: Params): LaunchDetails {
  const tags: Ec2Tag[] = [];
  const specs = Array.isArray(p.TagSpecifications) ? p.TagSpecifications : [];
  for (const [i, spec] of specs.entries()) {
    if (!isRecord(spec)) continue;
    // Optional in the model, required by the service: a tag needs a resource type to land on.
    if (typeof spec.ResourceType !== 'string')
      throw Errors.ec2MissingParameter(`TagSpecification.${i + 1}.ResourceType`);
    const list = Array.isArray(spec.Tags) ? spec.Tags : [];
    for (const tag of list) {
      if (!isRecord(tag)) continue;
      const key = typeof tag.Key === 'string' ? tag.Key : '';
      if (key === '') throw Errors.ec2InvalidParameter('Tag key must not be empty');
      if (hasReservedTagPrefix(key)) throw Errors.reservedTagKey();
      // Instance tags describe the instance; tags for volumes or interfaces are accepted and not kept.
      if (spec.ResourceType === 'instance') tags.push({ Key: key, Value: String(tag.Value ?? '') });
    }
  }
  const m = isRecord(p.MetadataOptions) ? p.MetadataOptions : {};
  const hopLimit =
    m.HttpPutResponseHopLimit === undefined
      ? LAUNCH_DEFAULTS.metadataOptions.HttpPutResponseHopLimit
      : Number(m.HttpPutResponseHopLimit);
  if (hopLimit < 1 || hopLimit > HOP_LIMIT_MAX) {
    throw Errors.ec2InvalidParameter(
      `The HttpPutResponseHopLimit value ${hopLimit} is not valid. Specify a value between 1 and ${HOP_LIMIT_MAX}.`,
    );
  }
  const d = LAUNCH_DEFAULTS.metadataOptions;
  const placement = isRecord(p.Placement) ? p.Placement : {};
  const echo: Record<string, unknown> = {};
  for (const k of ECHOED) if (p[k] !== undefined && p[k] !== null) echo[k] = p[k];
  const monitoring =
    isRecord(p.Monitoring) && (p.Monitoring.Enabled === true || p.Monitoring.Enabled === 'true');
  return {
    imageId: typeof p.ImageId === 'string' ? p.ImageId : LAUNCH_DEFAULTS.imageId,
    instanceType: typeof p.InstanceType === 'string' ? p.InstanceType : LAUNCH_DEFAULTS.instanceType,
    availabilityZone: typeof placement.AvailabilityZone === 'string' ? placement.AvailabilityZone : undefined,
    tags: frozenTags(tags),
    keyName: typeof p.KeyName === 'string' ? p.KeyName : undefined,
    monitoring,
    metadataOptions: {
      HttpTokens: (m.HttpTokens as MetadataOptions['HttpTokens'] | undefined) ?? d.HttpTokens,
      HttpPutResponseHopLimit: hopLimit,
      HttpEndpoint: (m.HttpEndpoint as MetadataOptions['HttpEndpoint'] | undefined) ?? d.HttpEndpoint,
      HttpProtocolIpv6:
        (m.HttpProtocolIpv6 as MetadataOptions['HttpProtocolIpv6'] | undefined) ?? d.HttpProtocolIpv6,
      InstanceMetadataTags:
        (m.InstanceMetadataTags as MetadataOptions['InstanceMetadataTags'] | undefined) ??
        d.InstanceMetadataTags,
    },
    echo,
  };
}
