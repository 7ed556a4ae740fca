/**
 * AWS Organizations, as far as an incident response needs it: a service control policy that
 * denies a role's sessions, on its own propagation path (a replicated store with its own delay),
 * out of reach of the role it denies (an SCP lives in the management account, so a stolen
 * member-account role cannot delete it).
 *
 * Supported: CreatePolicy (Type SERVICE_CONTROL_POLICY) with Deny statements on `*`, conditioned
 * on `aws:PrincipalArn` (ArnEquals / ArnLike, one role ARN) and optionally on `aws:TokenIssueTime`
 * (DateLessThan), and AttachPolicy. Anything else is MalformedPolicyDocumentException, so an SCP
 * is never silently evaluated as something it is not.
 */
import { castDraft } from 'immer';
import { isRecord } from '../is-record.ts';
import type { ReplicatedStore } from '../replication/store.ts';
import { type AwsError, awsError } from './errors.ts';
import type { AuthzState, IamState, PolicyStatement } from './iam/types.ts';
import { SIM_EPOCH_MS } from './iam/types.ts';

interface ScpDeny {
  readonly roleArn: string;
  readonly tokenIssuedBeforeMs?: number;
}

const malformed = (detail: string): AwsError =>
  awsError(
    'MalformedPolicyDocumentException',
    400,
    `The provided policy document does not meet the requirements of the specified policy type: ${detail}`,
  );

function record(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}

/** Parses the supported SCP shape (see the file comment). Times are returned as virtual ms. */
function parseScp(content: string): ScpDeny[] {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    throw malformed('not JSON');
  }
  const raw = record(doc)?.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) throw malformed('no Statement');
  return list.map((s): ScpDeny => {
    const st = record(s);
    if (st?.Effect !== 'Deny') throw malformed('the simulator models deny statements only');
    const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
    if (!actions.includes('*')) throw malformed('the simulator models Action "*" only');
    const cond = record(st.Condition) ?? {};
    const arnBlock = record(cond.ArnEquals) ?? record(cond.ArnLike);
    const arn = arnBlock?.['aws:PrincipalArn'];
    if (typeof arn !== 'string') throw malformed('a condition on one aws:PrincipalArn is required');
    const before = record(cond.DateLessThan)?.['aws:TokenIssueTime'];
    if (before === undefined) return { roleArn: arn };
    if (typeof before !== 'string' || Number.isNaN(Date.parse(before)))
      throw malformed('bad aws:TokenIssueTime');
    return { roleArn: arn, tokenIssuedBeforeMs: Date.parse(before) - SIM_EPOCH_MS };
  });
}

export class OrganizationsService {
  private readonly policies = new Map<string, ScpDeny[]>();

  constructor(
    /** SCPs as enforcement sees them, keyed like AuthzState (role id -> deny statements). */
    private readonly scp: ReplicatedStore<AuthzState>,
    private readonly iam: ReplicatedStore<IamState>,
  ) {}

  /**
   * Calls an Organizations operation now.
   * @throws AwsError for an unknown operation, a malformed policy, or an unknown policy id.
   */
  invoke(operation: string, params: Readonly<Record<string, unknown>>): unknown {
    if (operation === 'CreatePolicy') {
      if (params.Type !== 'SERVICE_CONTROL_POLICY')
        throw awsError('InvalidInputException', 400, 'Type must be SERVICE_CONTROL_POLICY');
      const denies = parseScp(String(params.Content ?? ''));
      // Ids from a counter: deterministic, and no random draw that would shift other streams.
      const id = `p-${(this.policies.size + 1).toString(16).padStart(8, '0')}`;
      this.policies.set(id, denies);
      return { Policy: { PolicySummary: { Id: id, Name: params.Name, Type: 'SERVICE_CONTROL_POLICY' } } };
    }
    if (operation === 'AttachPolicy') {
      const denies = this.policies.get(String(params.PolicyId));
      if (denies === undefined)
        throw awsError(
          'PolicyNotFoundException',
          400,
          "We can't find a policy with the PolicyId that you specified.",
        );
      const roles = Object.values(this.iam.control.roles);
      this.scp.commit((draft) => {
        for (const d of denies) {
          const role = roles.find((r) => r.Arn === d.roleArn);
          if (role === undefined) continue; // an SCP may name a principal that does not exist
          const statement: PolicyStatement = {
            Effect: 'Deny',
            Action: ['*'],
            ...(d.tokenIssuedBeforeMs === undefined ? {} : { tokenIssuedBeforeMs: d.tokenIssuedBeforeMs }),
          };
          const current = draft.roles[role.RoleId];
          if (current === undefined)
            draft.roles[role.RoleId] = castDraft({ RoleName: role.RoleName, statements: [statement] });
          else current.statements.push(castDraft(statement));
        }
      });
      return {};
    }
    throw awsError('InvalidAction', 400, `The action ${operation} is not valid for this web service.`);
  }
}
