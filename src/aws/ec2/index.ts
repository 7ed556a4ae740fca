// The EC2 model's public API: the service and the types its callers (instance model, runbooks) use.
export { Ec2Service } from './ec2.ts';
export * from './types.ts';
