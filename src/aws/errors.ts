/**
 * AWS-shaped errors. Every failure of a modelled operation is one of these: the AWS error code,
 * the HTTP status and a message in AWS's own wording (the API references and service models in
 * README.md, "Sources").
 * A failed call changes nothing.
 */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }

  toJSON(): { code: string; statusCode: number; message: string } {
    return { code: this.code, statusCode: this.statusCode, message: this.message };
  }
}

export function awsError(code: string, statusCode: number, message: string): AwsError {
  return new AwsError(code, statusCode, message);
}

/** The error catalogue: one place for every message, so wording stays consistent with AWS. */
export const Errors = {
  // --- IAM ---
  noSuchProfile: (name: string) => awsError('NoSuchEntity', 404, `Instance Profile ${name} cannot be found.`),
  noSuchRole: (name: string) => awsError('NoSuchEntity', 404, `The role with name ${name} cannot be found.`),
  noSuchRolePolicy: (_role: string, policy: string) =>
    awsError('NoSuchEntity', 404, `The role policy with name ${policy} cannot be found.`),
  profileExists: (name: string) =>
    awsError('EntityAlreadyExists', 409, `Instance Profile ${name} already exists.`),
  roleExists: (name: string) =>
    awsError('EntityAlreadyExists', 409, `Role with name ${name} already exists.`),
  profileRoleQuota: () =>
    awsError('LimitExceeded', 409, 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1'),
  accountQuota: (what: 'InstanceProfilesPerAccount' | 'RolesPerAccount', limit: number) =>
    awsError('LimitExceeded', 409, `Cannot exceed quota for ${what}: ${limit}`),
  profileHasRole: () =>
    awsError('DeleteConflict', 409, 'Cannot delete entity, must remove roles from instance profile first.'),
  roleInProfile: () =>
    awsError('DeleteConflict', 409, 'Cannot delete entity, must remove roles from instance profile first.'),
  roleHasPolicies: () => awsError('DeleteConflict', 409, 'Cannot delete entity, must delete policies first.'),
  validation: (detail: string) => awsError('ValidationError', 400, `1 validation error detected: ${detail}`),
  /** Several constraint violations in one request, reported together as AWS's front end does. */
  validations: (details: readonly string[]) =>
    awsError(
      'ValidationError',
      400,
      `${details.length} validation error${details.length === 1 ? '' : 's'} detected: ${details.join('; ')}`,
    ),
  /** The SDKs reject unknown members client-side; the simulator does the same so scenario typos surface. */
  unknownParameter: (name: string, allowed: readonly string[], container = 'input') =>
    awsError(
      'ValidationError',
      400,
      `Unknown parameter in ${container}: "${name}", must be one of: ${allowed.join(', ')}`,
    ),
  invalidAction: (operation: string) =>
    awsError('InvalidAction', 400, `Could not find operation ${operation} for version 2010-05-08`),
  duplicateTagKeys: () =>
    awsError(
      'InvalidInput',
      400,
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    ),
  iamReservedTag: () =>
    awsError('InvalidInput', 400, "Tag keys and values can't begin with the reserved prefix 'aws:'."),
  tagQuota: (what: 'TagsPerInstanceProfile' | 'TagsPerRole', limit: number) =>
    awsError('LimitExceeded', 409, `Cannot exceed quota for ${what}: ${limit}`),
  invalidMarker: () => awsError('InvalidInput', 400, 'Invalid Marker.'),
  trustPolicyQuota: (limit: number) =>
    awsError('LimitExceeded', 409, `Cannot exceed quota for ACLSizePerRole: ${limit}`),
  rolePolicySizeQuota: (role: string, limitBytes: number) =>
    awsError('LimitExceeded', 409, `Maximum policy size of ${limitBytes} bytes exceeded for role ${role}`),
  roleNotInProfile: (profile: string, role: string) =>
    awsError('NoSuchEntity', 404, `Instance Profile ${profile} does not contain role ${role}.`),
  invalidInput: (detail: string) => awsError('InvalidInput', 400, detail),
  malformedPolicy: (detail: string) => awsError('MalformedPolicyDocument', 400, detail),
  missingParameter: (name: string) =>
    awsError('MissingParameter', 400, `The request must contain the parameter ${name}.`),
  serviceFailure: () =>
    awsError(
      'ServiceFailure',
      500,
      'The request processing has failed because of an unknown error, exception or failure.',
    ),

  // --- EC2 ---
  invalidProfileName: (name: string) =>
    awsError(
      'InvalidParameterValue',
      400,
      `Value (${name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`,
    ),
  invalidProfileArn: (arn: string) =>
    awsError(
      'InvalidParameterValue',
      400,
      `Value (${arn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`,
    ),
  profileHasNoRoles: (nameOrArn: string) =>
    awsError(
      'InvalidParameterValue',
      400,
      `Value (${nameOrArn}) for parameter iamInstanceProfile is invalid. The instance profile has no associated IAM Roles`,
    ),
  existingAssociation: (instanceId: string) =>
    awsError('IncorrectState', 400, `There is an existing association for instance ${instanceId}`),
  notActiveAssociation: (associationId: string) =>
    awsError('IncorrectState', 400, `The association ${associationId} is not the active association`),
  incorrectInstanceState: (instanceId: string, state: string, action: string) =>
    awsError(
      'IncorrectInstanceState',
      400,
      `The instance '${instanceId}' is not in a state from which it can be ${action}. Current state: ${state}`,
    ),
  associationNotFound: (associationId: string) =>
    awsError(
      'InvalidAssociationID.NotFound',
      400,
      `An invalid association-id of '${associationId}' was given`,
    ),
  instanceNotFound: (instanceId: string) =>
    awsError('InvalidInstanceID.NotFound', 400, `The instance ID '${instanceId}' does not exist`),
  ec2InvalidParameter: (detail: string) => awsError('InvalidParameterValue', 400, detail),
  ec2MissingParameter: (name: string) =>
    awsError('MissingParameter', 400, `The request must contain the parameter ${name}`),
  ec2InvalidPaginationToken: (token: string) =>
    awsError('InvalidPaginationToken', 400, `Invalid pagination token: ${token}`),
  invalidRegion: (region: string) =>
    awsError('InvalidRegion', 400, `The region '${region}' is not modelled in this scenario`),
  ec2InvalidAction: (operation: string) =>
    awsError('InvalidAction', 400, `The action ${operation} is not valid for this web service.`),
  ec2UnknownParameter: (name: string) =>
    awsError('UnknownParameter', 400, `The parameter ${name} is not recognized`),
  /** EC2 and IAM reserve the `aws:` tag prefix (Tagging your EC2 resources, "Tag restrictions"). */
  reservedTagKey: () =>
    awsError('InvalidParameterValue', 400, "Tag keys starting with 'aws:' are reserved for internal use"),
  ec2InvalidFilter: (name: string) =>
    awsError('InvalidParameterValue', 400, `The filter '${name}' is invalid`),
  /** Both Name and Arn given for one profile (aws/aws-cli#8058). */
  profileNameWithArn: () =>
    awsError(
      'InvalidParameterCombination',
      400,
      "The parameter 'iamInstanceProfile.name' may not be used in combination with 'iamInstanceProfile.arn'",
    ),
  instanceIdsWithMaxResults: () =>
    awsError(
      'InvalidParameterCombination',
      400,
      'The parameter instancesSet cannot be used with the parameter maxResults',
    ),
  instanceIdMalformed: (instanceId: string) =>
    awsError('InvalidInstanceID.Malformed', 400, `Invalid id: "${instanceId}" (expecting "i-...")`),
  instancesNotFound: (instanceIds: readonly string[]) =>
    instanceIds.length === 1
      ? awsError('InvalidInstanceID.NotFound', 400, `The instance ID '${instanceIds[0]}' does not exist`)
      : awsError(
          'InvalidInstanceID.NotFound',
          400,
          `The instance IDs '${instanceIds.join(', ')}' do not exist`,
        ),
  instanceLimitExceeded: (requested: number, limit: number) =>
    awsError(
      'InstanceLimitExceeded',
      400,
      `You have requested more instances (${requested}) than your current instance limit of ${limit} allows for the specified instance type.`,
    ),
  dryRunOperation: () =>
    awsError('DryRunOperation', 412, 'Request would have succeeded, but DryRun flag is set.'),
} as const;
