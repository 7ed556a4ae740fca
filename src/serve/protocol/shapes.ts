/**
 * The AWS service models the server speaks, read from shapes.json (generated from botocore's
 * service-2.json by generate-shapes.ts): operation names, input and output shapes, wire names.
 */
import { readFileSync } from 'node:fs';

export interface MemberRef {
  readonly shape: string;
  readonly locationName?: string;
  readonly queryName?: string;
  readonly flattened?: boolean;
}

export interface Shape {
  readonly type: string;
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly member?: MemberRef;
  readonly flattened?: boolean;
}

export interface OperationModel {
  readonly input?: string;
  readonly output?: string;
  readonly resultWrapper?: string;
}

export interface ServiceModel {
  /** `query` (IAM, STS) or `ec2`. */
  readonly protocol: 'query' | 'ec2';
  readonly apiVersion: string;
  readonly xmlNamespace: string;
  readonly operations: Readonly<Record<string, OperationModel>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

export type ServiceName = 'iam' | 'ec2' | 'sts';

const file = JSON.parse(readFileSync(new URL('./shapes.json', import.meta.url), 'utf8')) as {
  services: Record<ServiceName, ServiceModel>;
};

export const serviceModels: Readonly<Record<ServiceName, ServiceModel>> = file.services;

/** The shape called `name` in `model`. @throws Error when the model lacks it (a generator bug). */
export function shapeOf(model: ServiceModel, name: string): Shape {
  const shape = model.shapes[name];
  if (shape === undefined) throw new Error(`shape ${name} is missing from shapes.json`);
  return shape;
}
