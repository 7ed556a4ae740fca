/**
 * Blue/green: instead of changing an instance's role, launch a replacement with the new profile
 * and terminate the old instance once the replacement runs, as teams with immutable fleets (and
 * Auto Scaling instance refresh) do. The replacement starts with an empty SDK cache and IMDS
 * credentials of the new profile from its first boot, so no old-role credentials ever reach it;
 * the cost is a launch per instance, and the old instance keeps its old credentials until it is
 * terminated.
 *
 * The replacement takes the target's place (its slot): the world runs it with the slot's SDK and
 * probe, and reports the slot's metrics across both machines (see src/slots.ts).
 */
import type { Process } from '../engine/index.ts';
import { ec2Request, fanOut, type StrategyContext, waitAssociated } from './context.ts';
import { type InstanceRef, readPath } from './operator.ts';
import { callWithRetry, waitInstanceState } from './strategies-common.ts';

/** The Name tag of a slot's replacement: `~` cannot appear in a scenario instance name, so it never collides with one. */
export function replacementName(slot: string): string {
  return `${slot}~new`;
}

export function* replaceInstances(ctx: StrategyContext): Process {
  const why = 'replace-instances';
  // The work on an instance ends when its replacement runs with its association settled and the
  // old one is shutting down: finished as a batch needs it.
  yield* fanOut(ctx, why, (inst, profile, _more, o) => replaceInstanceOne(ctx, inst, profile, o));
}

function* replaceInstanceOne(ctx: StrategyContext, inst: InstanceRef, profile: string, o: string): Process {
  const { op } = ctx;
  const name = replacementName(inst.name);
  // RunInstances refuses a profile EC2 cannot see yet (InvalidParameterValue), as Terraform's
  // provider retries it ().
  const launched = yield* callWithRetry(
    op,
    ec2Request(
      inst,
      'RunInstances',
      {
        MinCount: 1,
        MaxCount: 1,
        IamInstanceProfile: { Name: profile },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }] }],
      },
      o,
    ),
    ['InvalidParameterValue'],
  );
  const id = readPath(launched.response, 'Instances.0.InstanceId');
  if (!launched.ok || typeof id !== 'string') return;
  if (!op.replaceInstance(inst.name, id, name)) return;
  // Terminate the old instance only once its replacement runs and its association has settled
  // (IMDS serves the profile's credentials only then), as instance refresh waits for health
  // checks: otherwise the slot could run without credentials.
  const replacement = { ...inst, name, id };
  if (!(yield* waitInstanceState(op, id, inst.region, 'running', o))) return;
  if (!(yield* waitAssociated(ctx, replacement, o))) return;
  yield* op.call(ec2Request(inst, 'TerminateInstances', { InstanceIds: [inst.id] }, o));
}
