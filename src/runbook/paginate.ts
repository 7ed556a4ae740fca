/**
 * The AWS CLI's pagination of an `aws` line (awscli/customizations/paginate.py over botocore's
 * paginator): call the operation page after page, following the paginator's output token, and
 * print one merged response; `--page-size` sets the operation's limit member on each call;
 * `--max-items` caps the merged items and returns a `NextToken` that `--starting-token` resumes
 * from. As botocore does, that token is base64 JSON of the operation's input token and
 * `boto_truncate_amount`, the items of that page already returned.
 */
import { paginator } from '../aws/catalogue.ts';
import type { Yieldable } from '../engine/index.ts';
import type { CallStep, RetrySpec } from '../scenario/types.ts';
import { type CallOutcome, type CallRequest, type Operator, readPath } from './operator.ts';
import type { RetryClient } from './retry.ts';

/** No runbook pages through more than this many pages in one command. */
const MAX_PAGES = 1000;

interface ResumeToken {
  readonly token: string | undefined;
  readonly skip: number;
}

function encodeResumeToken(inputToken: string, resume: ResumeToken): string {
  const body = {
    ...(resume.token === undefined ? {} : { [inputToken]: resume.token }),
    boto_truncate_amount: resume.skip,
  };
  return Buffer.from(JSON.stringify(body)).toString('base64');
}

/** @returns undefined for a token this command did not write. */
function decodeResumeToken(inputToken: string, text: string): ResumeToken | undefined {
  try {
    const body = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as Record<string, unknown>;
    const token = body[inputToken];
    const skip = body.boto_truncate_amount ?? 0;
    if ((token !== undefined && typeof token !== 'string') || typeof skip !== 'number') return undefined;
    return { token, skip };
  } catch {
    return undefined;
  }
}

/**
 * Runs a paginated call step. Every page is a recorded call; a failed page fails the command with
 * that page's error, as the CLI does.
 */
export function* callPaginated(
  op: Operator,
  client: RetryClient,
  step: CallStep,
  request: CallRequest,
  retry: RetrySpec,
  /** The step's `paginate`, with `${...}` references substituted. */
  paging: NonNullable<CallStep['paginate']>,
): Generator<Yieldable, CallOutcome, void> {
  const pager = paginator(step.service, step.operation);
  if (pager === undefined) throw new Error(`${step.service}:${step.operation} has no paginator`);
  const { pageSize, maxItems, startingToken } = paging;
  let resume: ResumeToken = { token: undefined, skip: 0 };
  if (startingToken !== undefined) {
    const decoded = decodeResumeToken(pager.input_token, startingToken);
    if (decoded === undefined) {
      op.fail(request.origin, `--starting-token ${startingToken} is not a token the AWS CLI wrote`);
      return {
        ok: false,
        error: { code: 'InvalidStartingToken', statusCode: 255, message: 'Bad starting token' },
      };
    }
    resume = decoded;
  }
  const items: unknown[] = [];
  let last: Record<string, unknown> = {};
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = {
      ...request.params,
      ...(resume.token === undefined ? {} : { [pager.input_token]: resume.token }),
      ...(pageSize !== undefined && pager.limit_key !== undefined ? { [pager.limit_key]: pageSize } : {}),
    };
    const outcome = yield* client.call(op, { ...request, params }, retry);
    if (!outcome.ok) return outcome;
    last = (outcome.response ?? {}) as Record<string, unknown>;
    const pageItems = ((readPath(last, pager.result_key) ?? []) as unknown[]).slice(resume.skip);
    const outToken = readPath(last, pager.output_token) as string | undefined;
    const more =
      outToken !== undefined &&
      (pager.more_results === undefined || readPath(last, pager.more_results) === true);
    if (maxItems !== undefined && items.length + pageItems.length >= maxItems) {
      const take = maxItems - items.length;
      items.push(...pageItems.slice(0, take));
      if (take < pageItems.length) {
        nextToken = encodeResumeToken(pager.input_token, { token: resume.token, skip: resume.skip + take });
      } else if (more) {
        nextToken = encodeResumeToken(pager.input_token, { token: outToken, skip: 0 });
      }
      break;
    }
    items.push(...pageItems);
    if (!more) break;
    resume = { token: outToken, skip: 0 };
  }
  const merged: Record<string, unknown> = { ...last, [pager.result_key]: items };
  delete merged[pager.output_token];
  if (pager.more_results !== undefined) delete merged[pager.more_results];
  if (nextToken !== undefined) merged.NextToken = nextToken;
  return { ok: true, response: merged };
}
