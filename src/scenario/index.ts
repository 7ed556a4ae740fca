// The scenario module's public API: load and validate scenario files, hash them, export the schema.
export { type AwsCliResult, type AwsCommand, parseAwsCli } from './aws-cli.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { canonicalJson, hashScenario } from './hash.ts';
export { defaults, limits } from './limits.ts';
export { type LoadResult, loadScenario, loadScenarioFile } from './load.ts';
export {
  callNames,
  type OperationSpec,
  operationSpec,
  operations,
  type ParamSpec,
  type ParamType,
} from './operations.ts';
export { scenarioJsonSchema } from './schema.ts';
export type * from './types.ts';
export { strategyNames } from './types.ts';
