/**
 * The query-protocol reader and the XML writer on their own: wire names from the service model
 * (EC2's flattened `InstanceId.N` and `Filter.N.Value.M`, IAM's `Tags.member.N`), an empty list,
 * unknown parameters passed through for the model to refuse, and AWS's error documents.
 */
import { describe, expect, it } from 'vitest';
import { decodeParams } from '../../src/serve/protocol/query.ts';
import { serviceModels } from '../../src/serve/protocol/shapes.ts';
import { parseSigV4 } from '../../src/serve/protocol/sigv4.ts';
import { errorXml, responseXml } from '../../src/serve/protocol/xml.ts';

const { iam, ec2 } = serviceModels;

describe('query protocol', () => {
  it('reads EC2 lists and nested structures by their wire names', () => {
    const form = new URLSearchParams(
      'Action=DescribeIamInstanceProfileAssociations&Version=2016-11-15&AssociationId.1=a&AssociationId.2=b' +
        '&Filter.1.Name=state&Filter.1.Value.1=associated&Filter.1.Value.2=associating&MaxResults=5&Bogus=1',
    );
    expect(decodeParams(ec2, 'DescribeIamInstanceProfileAssociationsRequest', form)).toEqual({
      AssociationIds: ['a', 'b'],
      Filters: [{ Name: 'state', Values: ['associated', 'associating'] }],
      MaxResults: 5,
      // Unknown to the model: passed through, so EC2's model answers UnknownParameter.
      Bogus: '1',
    });
  });

  it('reads IAM member lists, and an empty list sent as `Name=`', () => {
    const form = new URLSearchParams(
      'Action=CreateInstanceProfile&InstanceProfileName=p&Tags.member.1.Key=a&Tags.member.1.Value=b&Tags.member.2.Key=c&Tags.member.2.Value=',
    );
    expect(decodeParams(iam, 'CreateInstanceProfileRequest', form)).toEqual({
      InstanceProfileName: 'p',
      Tags: [
        { Key: 'a', Value: 'b' },
        { Key: 'c', Value: '' },
      ],
    });
    expect(
      decodeParams(iam, 'UntagInstanceProfileRequest', new URLSearchParams('InstanceProfileName=p&TagKeys=')),
    ).toEqual({
      InstanceProfileName: 'p',
      TagKeys: [],
    });
  });

  it('parses the SigV4 credential scope without verifying anything', () => {
    expect(
      parseSigV4(
        'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=00',
      ),
    ).toEqual({ accessKeyId: 'ASIAEXAMPLE', date: '20260101', region: 'eu-west-1', service: 'ec2' });
    expect(parseSigV4('Basic abc')).toBeUndefined();
  });
});

describe('XML', () => {
  it('writes EC2 responses with lower-camel names and <item> lists', () => {
    const xml = responseXml(
      ec2,
      'DescribeIamInstanceProfileAssociations',
      {
        IamInstanceProfileAssociations: [
          {
            AssociationId: 'iip-assoc-1',
            InstanceId: 'i-1',
            IamInstanceProfile: { Arn: 'arn', Id: 'AIPA' },
            State: 'associated',
          },
        ],
      },
      'req-1',
    );
    expect(xml).toContain(
      '<DescribeIamInstanceProfileAssociationsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId>' +
        '<iamInstanceProfileAssociationSet><item><associationId>iip-assoc-1</associationId><instanceId>i-1</instanceId>' +
        '<iamInstanceProfile><arn>arn</arn><id>AIPA</id></iamInstanceProfile><state>associated</state></item>',
    );
  });

  it('writes IAM results inside <OpResult> with <member> lists, and escapes text', () => {
    const xml = responseXml(
      iam,
      'ListInstanceProfileTags',
      { Tags: [{ Key: 'a&b', Value: '<v>' }], IsTruncated: false },
      'r',
    );
    expect(xml).toContain(
      '<ListInstanceProfileTagsResult><Tags><member><Key>a&amp;b</Key><Value>&lt;v&gt;</Value></member></Tags><IsTruncated>false</IsTruncated></ListInstanceProfileTagsResult>',
    );
  });

  it("writes each service's error document", () => {
    const error = { code: 'NoSuchEntity', statusCode: 404, message: 'Instance Profile x cannot be found.' };
    expect(errorXml(iam, error, 'r')).toContain(
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>',
    );
    expect(errorXml(ec2, { ...error, code: 'IncorrectState', statusCode: 400 }, 'r')).toContain(
      '<Response><Errors><Error><Code>IncorrectState</Code>',
    );
  });
});
