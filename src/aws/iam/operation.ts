/**
 * How an IAM operation is defined: which members it takes, how its parameters are parsed and
 * validated (no state involved), and what it does against the state. Splitting the two phases lets
 * the service answer every malformed request before it looks at any state, as IAM does, and keeps
 * "a failed call changes nothing" easy to see: `run` validates against the state first and
 * commits last.
 */
import type { Draft } from 'immer';
import { hasOperation, inputMembers } from '../catalogue.ts';
import { AwsError, Errors } from '../errors.ts';
import type { IdFactory } from '../ids.ts';
import type { MarkerTable } from './paginate.ts';
import type { AuthzState, IamState, ModelOptions } from './types.ts';
import { ParamReader, renderValue } from './validate.ts';

/** What an operation sees while it runs. */
export interface OpContext {
  /** Virtual time of the call, ms. */
  readonly nowMs: number;
  /** Where reads are answered: the caller region's view or the control plane (ModelOptions.iamReads). */
  readonly readState: IamState;
  /** The committed state (current after each commit). Writes validate against it: IAM's write path is strongly consistent. */
  readonly control: IamState;
  /** The committed authorization state (statements by RoleId). */
  readonly authz: AuthzState;
  readonly ids: IdFactory;
  readonly model: ModelOptions;
  readonly markers: MarkerTable;
  /** Commits to the IAM store. The recipe must not throw: validate before committing. */
  commitIam(recipe: (draft: Draft<IamState>) => void): void;
  /** Commits to the authorization store (policy statements by RoleId). */
  commitAuthz(recipe: (draft: Draft<AuthzState>) => void): void;
}

export interface OperationDefinition<I> {
  readonly name: string;
  /** Write operations commit to the control plane and fail with ServiceFailure while it is paused. */
  readonly write: boolean;
  /** Reads the parameters; problems are recorded on the reader, which the framework then finishes. */
  parse(reader: ParamReader): I;
  /** Executes against the state; throws AwsError for semantic failures before any commit. */
  run(ctx: OpContext, input: I): unknown;
}

export interface Operation {
  readonly name: string;
  readonly write: boolean;
  /**
   * Validates `params` and returns the bound action.
   * @throws AwsError (ValidationError, MissingParameter, InvalidInput) for a malformed request.
   */
  prepare(params: unknown): (ctx: OpContext) => unknown;
}

/**
 * Readers are total over `unknown`, so this guard should never fire; it exists so that an input
 * shape nobody anticipated (a getter that throws, a Proxy) still becomes a 400 like AWS's
 * front end would give, never a raw exception. Only the parse phase is guarded: an exception while
 * running against the state is a model bug and must stay loud.
 */
function guardParse<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof AwsError) throw error;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : renderValue(error);
    throw Errors.validation(`The request could not be parsed (${detail})`);
  }
}

/**
 * An operation whose accepted members are those of its input shape in the IAM model
 * (src/aws/catalogue.ts), the same list the scenario loader checks against.
 */
export function defineOperation<I>(definition: OperationDefinition<I>): Operation {
  const members = inputMembers('iam', definition.name);
  if (!hasOperation('iam', definition.name))
    throw new Error(`IAM operation ${definition.name} is not in the IAM model`);
  return {
    name: definition.name,
    write: definition.write,
    prepare(params: unknown) {
      const input = guardParse(() => {
        const reader = ParamReader.of(params, members);
        const parsed = definition.parse(reader);
        reader.finish();
        return parsed;
      });
      return (ctx) => definition.run(ctx, input);
    },
  };
}
