import { describe, expect, it } from 'vitest';
import {
  kebabToPascal,
  parseAwsCli,
  parseShorthand,
  pascalToKebab,
  tokenize,
} from '../../src/scenario/aws-cli.ts';
import { operations } from '../../src/scenario/operations.ts';

describe('tokenize', () => {
  it.each([
    ['a b  c', ['a', 'b', 'c']],
    [`--x 'a b' "c d"`, ['--x', 'a b', 'c d']],
    [`'it''s'`, ['its']],
    [`"say \\"hi\\"" a\\ b`, ['say "hi"', 'a b']],
    [`--v ''`, ['--v', '']],
    ['${inst.id} "${x}"', ['${inst.id}', '${x}']],
    ['a \\\n b', ['a', 'b']],
  ])('%j', (line, tokens) => {
    expect(tokenize(line)).toEqual({ ok: true, tokens });
  });

  it('reports unterminated quotes', () => {
    expect(tokenize(`a 'b`)).toEqual({ ok: false, error: 'unterminated single quote at character 3' });
    expect(tokenize(`a "b`)).toMatchObject({ ok: false });
  });
});

describe('shorthand', () => {
  it.each([
    ['Name=web', [], { Name: 'web' }],
    ['Key=a,Value=b', [], { Key: 'a', Value: 'b' }],
    ['Name=instance-id,Values=i-1,i-2', ['Values'], { Name: 'instance-id', Values: ['i-1', 'i-2'] }],
    ['Name=instance-id,Values=i-1', ['Values'], { Name: 'instance-id', Values: ['i-1'] }],
    ['Values=[a,b],Name=x', [], { Values: ['a', 'b'], Name: 'x' }],
    [
      'ResourceType=instance,Tags=[{Key=Name,Value=web}]',
      [],
      { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] },
    ],
    [
      'Arn=arn:aws:iam::123456789012:instance-profile/web',
      [],
      { Arn: 'arn:aws:iam::123456789012:instance-profile/web' },
    ],
    ['Key=a,Value=', [], { Key: 'a', Value: '' }],
  ])('%s', (text, lists, value) => {
    expect(parseShorthand(text, lists)).toEqual({ ok: true, value });
  });

  it.each(['=x', 'Key=a,Key=b', 'Tags=[{Key=a', 'Name', '__proto__=x'])('refuses %j', (text) => {
    expect(parseShorthand(text).ok).toBe(false);
  });
});

describe('parseAwsCli', () => {
  it.each([
    [
      'iam add-role-to-instance-profile --instance-profile-name web --role-name app-v2',
      {
        service: 'iam',
        operation: 'AddRoleToInstanceProfile',
        params: { InstanceProfileName: 'web', RoleName: 'app-v2' },
      },
    ],
    [
      'aws iam get-instance-profile --instance-profile-name web --region eu-west-1',
      {
        service: 'iam',
        operation: 'GetInstanceProfile',
        params: { InstanceProfileName: 'web' },
        region: 'eu-west-1',
      },
    ],
    [
      'ec2 stop-instances --instance-ids i-1 i-2 --force',
      { service: 'ec2', operation: 'StopInstances', params: { InstanceIds: ['i-1', 'i-2'], Force: true } },
    ],
    [
      'ec2 stop-instances --instance-ids \'["i-1"]\' --no-dry-run',
      { service: 'ec2', operation: 'StopInstances', params: { InstanceIds: ['i-1'], DryRun: false } },
    ],
    [
      'iam untag-instance-profile --instance-profile-name web --tag-keys team env',
      {
        service: 'iam',
        operation: 'UntagInstanceProfile',
        params: { InstanceProfileName: 'web', TagKeys: ['team', 'env'] },
      },
    ],
    [
      'iam tag-instance-profile --instance-profile-name web --tags Key=team,Value=web Key=env,Value=prod',
      {
        service: 'iam',
        operation: 'TagInstanceProfile',
        params: {
          InstanceProfileName: 'web',
          Tags: [
            { Key: 'team', Value: 'web' },
            { Key: 'env', Value: 'prod' },
          ],
        },
      },
    ],
    [
      `iam tag-instance-profile --instance-profile-name web --tags '[{"Key":"team","Value":"web"}]'`,
      {
        service: 'iam',
        operation: 'TagInstanceProfile',
        params: { InstanceProfileName: 'web', Tags: [{ Key: 'team', Value: 'web' }] },
      },
    ],
    [
      'ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values=i-1,i-2 Name=state,Values=associated',
      {
        service: 'ec2',
        operation: 'DescribeIamInstanceProfileAssociations',
        params: {
          Filters: [
            { Name: 'instance-id', Values: ['i-1', 'i-2'] },
            { Name: 'state', Values: ['associated'] },
          ],
        },
        pagination: {},
      },
    ],
    [
      'ec2 describe-iam-instance-profile-associations --association-ids iip-assoc-1 iip-assoc-2 --max-results 5',
      {
        service: 'ec2',
        operation: 'DescribeIamInstanceProfileAssociations',
        params: { AssociationIds: ['iip-assoc-1', 'iip-assoc-2'], MaxResults: 5 },
      },
    ],
    [
      'ec2 associate-iam-instance-profile --iam-instance-profile Name=web --instance-id ${inst.id}',
      {
        service: 'ec2',
        operation: 'AssociateIamInstanceProfile',
        params: { IamInstanceProfile: { Name: 'web' }, InstanceId: '${inst.id}' },
      },
    ],
    [
      'ec2 replace-iam-instance-profile-association --iam-instance-profile Arn=${arn} --association-id ${inst.associationId}',
      {
        service: 'ec2',
        operation: 'ReplaceIamInstanceProfileAssociation',
        params: { IamInstanceProfile: { Arn: '${arn}' }, AssociationId: '${inst.associationId}' },
      },
    ],
    [
      `ec2 associate-iam-instance-profile --iam-instance-profile '{"Name": "web"}' --instance-id=i-1`,
      {
        service: 'ec2',
        operation: 'AssociateIamInstanceProfile',
        params: { IamInstanceProfile: { Name: 'web' }, InstanceId: 'i-1' },
      },
    ],
    [
      'ec2 run-instances --count 3 --iam-instance-profile Name=web --image-id ami-1',
      {
        service: 'ec2',
        operation: 'RunInstances',
        params: { MinCount: 3, MaxCount: 3, IamInstanceProfile: { Name: 'web' }, ImageId: 'ami-1' },
      },
    ],
    [
      'ec2 run-instances --count 1:4',
      { service: 'ec2', operation: 'RunInstances', params: { MinCount: 1, MaxCount: 4 } },
    ],
    [
      'iam list-instance-profiles --path-prefix /app/ --max-items 10',
      {
        service: 'iam',
        operation: 'ListInstanceProfiles',
        params: { PathPrefix: '/app/' },
        pagination: { maxItems: 10 },
      },
    ],
    [
      `iam put-role-policy --role-name app --policy-name p --policy-document '{"Version":"2012-10-17","Statement":[]}'`,
      {
        service: 'iam',
        operation: 'PutRolePolicy',
        params: {
          RoleName: 'app',
          PolicyName: 'p',
          PolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
        },
      },
    ],
    [
      'iam get-role --role-name "app v2"',
      { service: 'iam', operation: 'GetRole', params: { RoleName: 'app v2' } },
    ],
  ])('%s', (line, command) => {
    expect(parseAwsCli(line)).toEqual({ ok: true, command, warnings: [] });
  });

  it('accepts and flags global options that mean nothing in a simulation', () => {
    const result = parseAwsCli('iam get-role --role-name app --output json --no-cli-pager');
    expect(result).toMatchObject({ ok: true, command: { params: { RoleName: 'app' } } });
    if (result.ok) expect(result.warnings).toHaveLength(2);
  });

  it.each([
    ['', 'expected a command'],
    ['s3 ls', 'unknown service "s3"'],
    ['iam', 'missing the iam command'],
    ['iam get-instance-profiles --instance-profile-name web', 'did you mean get-instance-profile?'],
    ['iam GetInstanceProfile --instance-profile-name web', 'unknown iam command'],
    ['iam get-instance-profile --profile-name web', 'unknown option --profile-name'],
    ['iam get-instance-profile --instance-profile-nam web', 'did you mean --instance-profile-name?'],
    ['iam get-instance-profile', 'missing required option --instance-profile-name'],
    ['iam get-instance-profile web', 'unexpected argument "web"'],
    ['iam get-instance-profile --instance-profile-name', '--instance-profile-name needs a value'],
    ['iam get-instance-profile --instance-profile-name a b', 'takes one value, got 2'],
    ['iam get-instance-profile --instance-profile-name a --instance-profile-name b', 'given twice'],
    ['iam list-instance-profiles --max-items ten', 'takes a whole number'],
    ['ec2 stop-instances --instance-ids i-1 --force yes', 'is a flag'],
    ['ec2 stop-instances --instance-ids \'["i-1"\'', 'not valid JSON'],
    ['ec2 run-instances --count many', '--count takes N or MIN:MAX'],
    ['iam put-role-policy --role-name a --policy-name p --policy-document file://p.json', 'file://'],
    ['iam put-role-policy --role-name a --policy-name p --policy-document {nope', 'not valid JSON'],
    ['iam get-role --role-name a --cli-input-json {}', 'not supported'],
    ['iam tag-instance-profile --instance-profile-name w --tags Key=a,Key=b', 'given twice'],
    [`iam get-role --role-name 'a`, 'unterminated single quote'],
  ])('%j -> %s', (line, message) => {
    const result = parseAwsCli(line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toContain(message);
  });

  it('reports every mistake in a line, not only the first', () => {
    const result = parseAwsCli('ec2 associate-iam-instance-profile --bogus 1 --other 2');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.join('\n')).toContain('--bogus');
      expect(result.errors.join('\n')).toContain('--other');
      expect(result.errors.join('\n')).toContain('missing required option --iam-instance-profile');
      expect(result.errors.join('\n')).toContain('missing required option --instance-id');
    }
  });

  it('knows every operation in the table by its kebab-case command', () => {
    for (const [service, table] of Object.entries(operations)) {
      for (const operation of Object.keys(table)) {
        expect(kebabToPascal(pascalToKebab(operation))).toBe(operation);
        const result = parseAwsCli(`${service} ${pascalToKebab(operation)}`);
        // Operations with required options fail on those, never on the command name.
        if (!result.ok) expect(result.errors.join('\n')).not.toContain('unknown');
      }
    }
  });
});

describe('the AWS CLI own options (issue 17)', () => {
  it('run-instances without --count launches one; --min-count and --max-count are not CLI options', () => {
    expect(parseAwsCli('aws ec2 run-instances --image-id ami-12345678')).toMatchObject({
      ok: true,
      command: { params: { ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 } },
    });
    expect(parseAwsCli('aws ec2 run-instances --count 2:4')).toMatchObject({
      ok: true,
      command: { params: { MinCount: 2, MaxCount: 4 } },
    });
    const r = parseAwsCli('aws ec2 run-instances --min-count 1 --max-count 2');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toContain('--min-count is not an option of "ec2 run-instances"');
  });

  it('accepts every model member, e.g. --metadata-options and --permissions-boundary', () => {
    expect(
      parseAwsCli('aws ec2 run-instances --metadata-options HttpTokens=required,HttpPutResponseHopLimit=2'),
    ).toMatchObject({
      ok: true,
      command: { params: { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: '2' } } },
    });
    expect(
      parseAwsCli(
        `aws iam create-role --role-name r --assume-role-policy-document '{}' --permissions-boundary arn:aws:iam::123456789012:policy/b`,
      ),
    ).toMatchObject({
      ok: true,
      command: { params: { PermissionsBoundary: 'arn:aws:iam::123456789012:policy/b' } },
    });
  });
});

describe('pagination as the AWS CLI does it', () => {
  it('--max-items, --page-size and --starting-token are the CLI own; IAM MaxItems comes back with --no-paginate', () => {
    expect(parseAwsCli('aws iam list-instance-profiles --page-size 2 --max-items 3')).toMatchObject({
      ok: true,
      command: { params: {}, pagination: { pageSize: 2, maxItems: 3 } },
    });
    const off = parseAwsCli('aws iam list-instance-profiles --no-paginate --max-items 3');
    expect(off).toMatchObject({ ok: true, command: { params: { MaxItems: 3 } } });
    expect(off.ok && off.command.pagination).toBe(undefined);
  });

  it('an operation paging member turns CLI paging off; paging arguments with --no-paginate are refused', () => {
    const manual = parseAwsCli('aws ec2 describe-instances --max-results 5');
    expect(manual).toMatchObject({ ok: true, command: { params: { MaxResults: 5 } } });
    expect(manual.ok && manual.command.pagination).toBe(undefined);
    expect(parseAwsCli('aws ec2 describe-instances --no-paginate --page-size 5')).toEqual({
      ok: false,
      errors: ['Cannot specify --no-paginate along with pagination arguments: --page-size'],
    });
    expect(parseAwsCli('aws ec2 describe-instances')).toMatchObject({
      ok: true,
      command: { pagination: {} },
    });
  });
});
