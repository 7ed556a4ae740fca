/**
 * The AWS service models the server speaks: the operation catalogue's vendored botocore models
 * (src/aws/models/, the same files `validate` and `run` read), seen as the wire protocol needs
 * them: protocol, namespace, operations with their result wrappers, shapes with wire names.
 */
import {
  type MemberRef,
  type ServiceModel as Model,
  models,
  type Shape,
  stsModel,
} from '../../aws/catalogue.ts';

export type { MemberRef, Shape };

export interface ServiceModel {
  /** `query` (IAM, STS) or `ec2`. */
  readonly protocol: 'query' | 'ec2';
  readonly apiVersion: string;
  readonly xmlNamespace: string;
  readonly operations: Model['operations'];
  readonly shapes: Model['shapes'];
}

export type ServiceName = 'iam' | 'ec2' | 'sts';

function wire(model: Model): ServiceModel {
  const { protocol, apiVersion, xmlNamespace } = model.metadata;
  if (protocol !== 'query' && protocol !== 'ec2') throw new Error(`protocol ${protocol} is not served`);
  return { protocol, apiVersion, xmlNamespace, operations: model.operations, shapes: model.shapes };
}

export const serviceModels: Readonly<Record<ServiceName, ServiceModel>> = {
  iam: wire(models.iam),
  ec2: wire(models.ec2),
  sts: wire(stsModel),
};

/** The shape called `name` in `model`. @throws Error when the model lacks it (a generator bug). */
export function shapeOf(model: ServiceModel, name: string): Shape {
  const shape = model.shapes[name];
  if (shape === undefined) throw new Error(`shape ${name} is missing from the service model`);
  return shape;
}
