/**
 * A simplified IAM policy language: enough to say which actions a role's credentials may call and
 * to express AWS's "revoke older sessions" deny.
 *
 * Supported: `Version` (optional, `2012-10-17` or `2008-10-17`), `Id`, `Statement` as one object or
 * a list; per statement `Sid`, `Effect` (Allow | Deny), `Action` (string or list, `*` and `?`
 * wildcards, matched case-insensitively as IAM does), `Resource`/`NotResource` (accepted and
 * ignored: the simulator's probes have no resources), and `Condition` only in the
 * AWSRevokeOlderSessions shape `{"DateLessThan": {"aws:TokenIssueTime": "<ISO time>"}}`.
 * Everything else (NotAction, Principal, other conditions) is MalformedPolicyDocument, so a
 * scenario never silently runs with a policy the simulator cannot evaluate.
 *
 * Evaluation follows IAM's order for a single identity policy set: an explicit Deny wins, else any
 * Allow, else the implicit deny.
 */
import { isRecord } from '../../is-record.ts';
import { Errors } from '../errors.ts';
import { type AuthzRole, isoFromSimMs, type PolicyStatement, SIM_EPOCH_MS } from './types.ts';

const VERSIONS = ['2012-10-17', '2008-10-17'];
const DOCUMENT_KEYS = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'Resource', 'NotResource', 'Condition'];
/** ISO 8601 date-time as IAM's date condition operators accept it (seconds and zone required here). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The trust policy EC2 needs to hand a role's credentials to instances (what the console writes). */
export const EC2_TRUST_POLICY_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

function parseJson(text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw Errors.malformedPolicy('Syntax errors in policy.');
  }
  if (!isRecord(doc)) throw Errors.malformedPolicy('Syntax errors in policy.');
  const version = doc.Version;
  if (version !== undefined && !(typeof version === 'string' && VERSIONS.includes(version))) {
    throw Errors.malformedPolicy('The policy failed legacy parsing');
  }
  return doc;
}

function statementsOf(doc: Record<string, unknown>): Record<string, unknown>[] {
  const raw = doc.Statement;
  if (raw === undefined) throw Errors.malformedPolicy('Missing required field Statement');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw Errors.malformedPolicy('Could not parse the policy: Statement is empty!');
  return list.map((s) => {
    if (!isRecord(s)) throw Errors.malformedPolicy('Syntax errors in policy.');
    return s;
  });
}

function parseEffect(statement: Record<string, unknown>): 'Allow' | 'Deny' {
  const effect = statement.Effect;
  if (effect === undefined) throw Errors.malformedPolicy('Missing required field Effect');
  if (effect !== 'Allow' && effect !== 'Deny')
    throw Errors.malformedPolicy(`Invalid effect: ${String(effect)}`);
  return effect;
}

function parseActions(statement: Record<string, unknown>): string[] {
  const raw = statement.Action;
  if (raw === undefined) throw Errors.malformedPolicy('Missing required field Action');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw Errors.malformedPolicy('Missing required field Action');
  return list.map((a) => {
    if (typeof a !== 'string') throw Errors.malformedPolicy('Syntax errors in policy.');
    // IAM wants a service prefix on every action except the bare wildcard.
    if (a !== '*' && !/^[A-Za-z0-9*?-]+:[^\s]+$/.test(a)) {
      throw Errors.malformedPolicy(
        'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
      );
    }
    return a;
  });
}

/** Reads the one supported condition and returns its instant as virtual ms. */
function parseCondition(raw: unknown): number {
  const unsupported = () =>
    Errors.malformedPolicy(
      'Unsupported Condition: the simulator supports only {"DateLessThan": {"aws:TokenIssueTime": "<ISO time>"}}',
    );
  if (!isRecord(raw)) throw unsupported();
  const operators = Object.keys(raw);
  if (operators.length !== 1 || operators[0] !== 'DateLessThan') throw unsupported();
  const block = raw.DateLessThan;
  if (!isRecord(block)) throw unsupported();
  const keys = Object.keys(block);
  // Condition keys are case-insensitive in IAM; operator names are not.
  if (keys.length !== 1 || keys[0]!.toLowerCase() !== 'aws:tokenissuetime') throw unsupported();
  let value = block[keys[0]!];
  if (Array.isArray(value) && value.length === 1) value = value[0];
  if (typeof value !== 'string' || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw Errors.malformedPolicy(`Invalid Condition value for aws:TokenIssueTime: ${String(value)}`);
  }
  return Date.parse(value) - SIM_EPOCH_MS;
}

/**
 * Parses an identity policy (PutRolePolicy's PolicyDocument) into statements.
 * @throws AwsError MalformedPolicyDocument (400) naming what is wrong.
 */
export function parsePolicyDocument(text: string): PolicyStatement[] {
  const doc = parseJson(text);
  for (const key of Object.keys(doc)) {
    if (!DOCUMENT_KEYS.includes(key))
      throw Errors.malformedPolicy(`Syntax errors in policy. Unknown field ${key}`);
  }
  return statementsOf(doc).map((s) => {
    if (s.Principal !== undefined || s.NotPrincipal !== undefined) {
      throw Errors.malformedPolicy('Policy document should not specify a principal.');
    }
    for (const key of Object.keys(s)) {
      if (!STATEMENT_KEYS.includes(key)) {
        throw Errors.malformedPolicy(`The simulator's policy language does not support the field ${key}`);
      }
    }
    const Effect = parseEffect(s);
    const Action = parseActions(s);
    if (s.Condition === undefined) return { Effect, Action };
    return { Effect, Action, tokenIssuedBeforeMs: parseCondition(s.Condition) };
  });
}

/**
 * Checks a trust policy (CreateRole's AssumeRolePolicyDocument) for the structure IAM insists on:
 * JSON, statements with Effect, Principal and Action. Its content is not evaluated: EC2 is assumed
 * to be trusted, which is what makes instance profiles work at all.
 * @throws AwsError MalformedPolicyDocument (400).
 */
export function checkTrustPolicyDocument(text: string): void {
  const doc = parseJson(text);
  for (const s of statementsOf(doc)) {
    parseEffect(s);
    if (s.Principal === undefined && s.NotPrincipal === undefined) {
      throw Errors.malformedPolicy('Missing required field Principal');
    }
    if (s.Action === undefined && s.NotAction === undefined)
      throw Errors.malformedPolicy('Missing required field Action');
    if (s.Resource !== undefined) throw Errors.malformedPolicy('Has prohibited field Resource');
  }
}

/**
 * Does an action pattern (`*`, `s3:Get*`, `ec2:Describe?nstances`) match an action? IAM compares
 * actions case-insensitively. Iterative glob matching with backtracking to the last `*`: linear in
 * practice, and no regular expression is built from user input.
 */
export function actionMatches(pattern: string, action: string): boolean {
  const p = pattern.toLowerCase();
  const a = action.toLowerCase();
  let pi = 0;
  let ai = 0;
  let starP = -1;
  let starA = 0;
  while (ai < a.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === a[ai])) {
      pi++;
      ai++;
    } else if (pi < p.length && p[pi] === '*') {
      starP = pi++;
      starA = ai;
    } else if (starP >= 0) {
      pi = starP + 1;
      ai = ++starA;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

function applies(statement: PolicyStatement, action: string, tokenIssuedAtMs: number): boolean {
  // DateLessThan aws:TokenIssueTime: only credentials issued strictly before the instant.
  if (statement.tokenIssuedBeforeMs !== undefined && !(tokenIssuedAtMs < statement.tokenIssuedBeforeMs))
    return false;
  return statement.Action.some((pattern) => actionMatches(pattern, action));
}

/**
 * Is `action` allowed for credentials of `role` issued at `tokenIssuedAtMs` (virtual ms)?
 * Explicit deny wins, else any allow, else implicit deny. An unknown role (deleted, or not yet
 * visible at this enforcement point) allows nothing.
 */
export function evaluate(role: AuthzRole | undefined, action: string, tokenIssuedAtMs: number): boolean {
  if (role === undefined) return false;
  let allowed = false;
  for (const statement of role.statements) {
    if (!applies(statement, action, tokenIssuedAtMs)) continue;
    if (statement.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}

/**
 * Are credentials of `role` issued at `tokenIssuedAtMs` rejected outright, whatever the action?
 * True when enforcement does not know the role (deleted, or not yet visible there) or an explicit
 * Deny of every action (`*`) applies to their issue time, as AWSRevokeOlderSessions or a deny-all
 * policy does. A role that merely allows nothing relevant is not "rejected outright": the
 * application's calls fail one action at a time, which a change may do on purpose.
 */
export function rejectsEverything(role: AuthzRole | undefined, tokenIssuedAtMs: number): boolean {
  if (role === undefined) return true;
  return role.statements.some(
    (s) =>
      s.Effect === 'Deny' &&
      (s.tokenIssuedBeforeMs === undefined || tokenIssuedAtMs < s.tokenIssuedBeforeMs) &&
      s.Action.some(matchesEveryAction),
  );
}

/** `*` (or `*:*`) matches every action; anything narrower does not. */
function matchesEveryAction(pattern: string): boolean {
  return /^\*+(:\*+)?$/.test(pattern.trim());
}

/**
 * A policy document allowing `actions` on every resource.
 * @throws Error when `actions` is empty (IAM would reject the document).
 */
export function allowPolicyDocument(actions: readonly string[]): string {
  if (actions.length === 0) throw new Error('allowPolicyDocument needs at least one action');
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: [...actions], Resource: '*' }],
  });
}

/**
 * The AWSRevokeOlderSessions policy the console attaches when you revoke a role's sessions: deny
 * everything to credentials issued before `beforeMs` (virtual ms). IAM UG id_roles_use_revoke-sessions.
 */
export function revokeOlderSessionsDocument(beforeMs: number): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': isoFromSimMs(beforeMs) } },
      },
    ],
  });
}
