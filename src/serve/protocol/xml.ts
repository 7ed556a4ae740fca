/**
 * Writing responses as AWS does: query-protocol XML for IAM and STS
 * (`<OpResponse><OpResult>…</OpResult><ResponseMetadata>`, lists as `<member>`), EC2's XML
 * (`<OpResponse><requestId>`, lower-camel element names, lists as `<item>`), and both services'
 * error documents. Element names and list wrappers come from the service model; values the model
 * does not describe are left out. A tiny serializer: text is escaped (report/format.ts's
 * escapeXml), nothing else is needed.
 */
import { escapeXml } from '../../report/format.ts';
import { type ServiceModel, type Shape, shapeOf } from './shapes.ts';

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

function element(model: ServiceModel, shape: Shape, name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object') return '';
      const record = value as Record<string, unknown>;
      let body = '';
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        if (!Object.hasOwn(record, member)) continue;
        body += element(model, shapeOf(model, ref.shape), ref.locationName ?? member, record[member]);
      }
      return `<${name}>${body}</${name}>`;
    }
    case 'list': {
      if (!Array.isArray(value)) return '';
      const ref = shape.member!;
      const memberShape = shapeOf(model, ref.shape);
      if (shape.flattened) return value.map((v) => element(model, memberShape, name, v)).join('');
      const itemName = ref.locationName ?? (model.protocol === 'ec2' ? 'item' : 'member');
      return `<${name}>${value.map((v) => element(model, memberShape, itemName, v)).join('')}</${name}>`;
    }
    default:
      // IAM returns policy documents URL-encoded (RFC 3986), as its API reference says; botocore
      // decodes them, the JavaScript SDK hands them over as they come.
      if (shape === model.shapes.policyDocumentType) return `<${name}>${rfc3986(String(value))}</${name}>`;
      return `<${name}>${scalar(value)}</${name}>`;
  }
}

/** The members of `value` as the elements of structure `shapeName`, without the structure's own element. */
function members(model: ServiceModel, shapeName: string, value: unknown): string {
  const whole = element(model, shapeOf(model, shapeName), 'x', value);
  return whole.slice('<x>'.length, whole.length - '</x>'.length);
}

/** The success document of `operation`. */
export function responseXml(
  model: ServiceModel,
  operation: string,
  response: unknown,
  requestId: string,
): string {
  const op = model.operations[operation]!;
  const ns = model.xmlNamespace.endsWith('/') ? model.xmlNamespace : `${model.xmlNamespace}/`;
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${ns}">`;
  if (model.protocol === 'ec2') {
    // An operation without an output shape (RebootInstances) answers `<return>true</return>`.
    const body =
      op.output === undefined ? '<return>true</return>' : members(model, op.output, response ?? {});
    return `${head}<requestId>${requestId}</requestId>${body}</${operation}Response>`;
  }
  const result =
    op.output === undefined
      ? ''
      : `<${op.resultWrapper ?? `${operation}Result`}>${members(model, op.output, response ?? {})}</${op.resultWrapper ?? `${operation}Result`}>`;
  return `${head}${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
}

export interface ErrorBody {
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
}

/** The error document: IAM's and STS's `<ErrorResponse>`, EC2's `<Response><Errors>`. */
export function errorXml(model: ServiceModel, error: ErrorBody, requestId: string): string {
  const code = escapeXml(error.code);
  const message = escapeXml(error.message);
  if (model.protocol === 'ec2') {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  }
  const type = error.statusCode >= 500 ? 'Receiver' : 'Sender';
  const ns = model.xmlNamespace.endsWith('/') ? model.xmlNamespace : `${model.xmlNamespace}/`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
