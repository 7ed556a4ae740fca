/**
 * The IAM service: one entry point, `invoke(operation, params, region)`, over the replicated IAM
 * and authorization stores.
 *
 * Consistency model (the IAM user guide on eventual consistency, README.md, "Sources"): writes
 * validate against and commit to the control plane, which is strongly consistent; each committed
 * version then reaches each region after a drawn delay. Reads are answered from the caller region's view when `model.iamReads` is
 * `regionView`, so a GetInstanceProfile right after CreateInstanceProfile can answer NoSuchEntity,
 * as in AWS (hence its InstanceProfileExists waiter); `readYourWrites` answers from the control plane.
 */
import type { Draft } from 'immer';
import type { Scheduler } from '../../engine/index.ts';
import type { ReplicatedStore } from '../../replication/store.ts';
import { AwsError, Errors } from '../errors.ts';
import type { IdFactory } from '../ids.ts';
import type { OpContext, Operation } from './operation.ts';
import { MarkerTable } from './paginate.ts';
import { profileOperations } from './profiles.ts';
import { roleOperations } from './roles.ts';
import type { AuthzState, IamState, ModelOptions } from './types.ts';

export { type SeedProfile, type SeedRole, seedIamWorld } from './seed.ts';

export interface IamServiceOptions {
  readonly scheduler: Scheduler;
  readonly iam: ReplicatedStore<IamState>;
  /** Each role's statements by RoleId, replicated to enforcement points with the policy delay. */
  readonly authz: ReplicatedStore<AuthzState>;
  readonly ids: IdFactory;
  readonly model: ModelOptions;
  /** True while IAM's control plane is paused (a scenario fault): writes fail with ServiceFailure. */
  readonly isControlPlanePaused?: (nowMs: number) => boolean;
}

const operations: ReadonlyMap<string, Operation> = new Map(
  [...profileOperations, ...roleOperations].map((op) => [op.name, op]),
);

/** Names of the operations `invoke` understands. */
export const iamOperationNames: readonly string[] = [...operations.keys()];

export class IamService {
  readonly scheduler: Scheduler;
  readonly iam: ReplicatedStore<IamState>;
  readonly authz: ReplicatedStore<AuthzState>;
  readonly ids: IdFactory;
  readonly model: ModelOptions;
  private readonly isControlPlanePaused: (nowMs: number) => boolean;
  private readonly markers = new MarkerTable();

  constructor(options: IamServiceOptions) {
    this.scheduler = options.scheduler;
    this.iam = options.iam;
    this.authz = options.authz;
    this.ids = options.ids;
    this.model = options.model;
    this.isControlPlanePaused = options.isControlPlanePaused ?? (() => false);
  }

  /**
   * Calls an IAM operation as a client in `region` would, at the scheduler's current time.
   * @returns the AWS-shaped response (a fresh object the caller may keep).
   * @throws AwsError for every failure: InvalidAction for an unknown operation, InvalidRegion,
   *   ValidationError / MissingParameter / InvalidInput for a malformed request, ServiceFailure for
   *   a write while the control plane is paused, and the operation's documented errors. A failed
   *   call changes nothing.
   */
  invoke(operation: string, params: unknown, region: string): unknown {
    const op = typeof operation === 'string' ? operations.get(operation) : undefined;
    if (op === undefined) throw Errors.invalidAction(String(operation));
    const view = this.iam.view(region);
    if (view === undefined) throw Errors.invalidRegion(String(region));
    const action = op.prepare(params);
    const nowMs = this.scheduler.nowMs;
    if (op.write && this.isControlPlanePaused(nowMs)) throw Errors.serviceFailure();
    const { iam, authz } = this;
    const ctx: OpContext = {
      nowMs,
      readState: this.model.iamReads === 'regionView' ? view.state : iam.control,
      get control() {
        return iam.control;
      },
      get authz() {
        return authz.control;
      },
      ids: this.ids,
      model: this.model,
      markers: this.markers,
      commitIam: (recipe: (draft: Draft<IamState>) => void) => {
        iam.commit(recipe);
      },
      commitAuthz: (recipe: (draft: Draft<AuthzState>) => void) => {
        authz.commit(recipe);
      },
    };
    return action(ctx);
  }

  /** Like `invoke`, but returns the outcome as data instead of throwing AwsErrors. */
  tryInvoke(
    operation: string,
    params: unknown,
    region: string,
  ): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: AwsError } {
    try {
      return { ok: true, value: this.invoke(operation, params, region) };
    } catch (error) {
      if (error instanceof AwsError) return { ok: false, error };
      throw error;
    }
  }
}
