/**
 * Parses `aws:` steps written in AWS CLI syntax into the API call they stand for:
 *
 *   iam add-role-to-instance-profile --instance-profile-name web --role-name app-v2
 *   -> { service: 'iam', operation: 'AddRoleToInstanceProfile',
 *        params: { InstanceProfileName: 'web', RoleName: 'app-v2' } }
 *
 * What each option means comes from the operation table in operations.ts: the option
 * `--some-option` is the parameter `SomeOption`, and the parameter's type decides whether it takes
 * a list (`--instance-ids i-1 i-2`), a number, a flag, or a structure in the CLI's shorthand
 * (`Key=a,Value=b`, `Name=instance-id,Values=i-1,i-2`) or JSON. Quoting follows the shell (single
 * quotes literal, double quotes with backslash escapes), but nothing is expanded: `${name}` stays
 * text for the simulator to substitute. Every mistake in a line is reported, not only the first.
 *
 * One file because the tokenizer, the shorthand reader and the option table are one grammar:
 * each part is only meaningful with the others, and none is used elsewhere.
 */

import { models, paginator as paginatorOf, waiter as waiterOf } from '../aws/catalogue.ts';
import { isRecord } from '../is-record.ts';
import {
  type OperationSpec,
  operationSpec,
  operations,
  type ParamSpec,
  type ServiceName,
  serviceNames,
} from './operations.ts';
import { closest } from './suggest.ts';

export interface AwsCommand {
  readonly service: ServiceName;
  /** PascalCase operation name, e.g. `AddRoleToInstanceProfile`. */
  readonly operation: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly region?: string;
  /** `aws SERVICE wait NAME …`: the waiter (PascalCase, as in waiters-2.json) run on `operation`. */
  readonly waiter?: string;
  /**
   * The CLI's own pagination of a paginated operation (awscli/customizations/paginate.py): fetch
   * every page and merge them, unless `--no-paginate` or a manual paging parameter is given.
   */
  readonly pagination?: CliPagination;
}

/** `--page-size`, `--max-items`, `--starting-token` of a paginated command. */
export interface CliPagination {
  readonly pageSize?: number;
  readonly maxItems?: number;
  readonly startingToken?: string;
}

export type AwsCliResult =
  | { readonly ok: true; readonly command: AwsCommand; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Global options with a value that change nothing in a simulation: accepted, with a warning. */
const ignoredValueOptions = new Set([
  'output',
  'query',
  'profile',
  'endpoint-url',
  'color',
  'cli-read-timeout',
  'cli-connect-timeout',
]);
/** Global flags that change nothing in a simulation. */
const ignoredFlags = new Set(['no-cli-pager', 'debug', 'no-verify-ssl', 'no-sign-request']);
/** The CLI's unified paging arguments of a paginated operation. */
const pagingArgs = ['starting-token', 'page-size', 'max-items'] as const;
/** Options that would read input from elsewhere: a scenario must be self-contained. */
const unsupportedOptions = new Set(['cli-input-json', 'cli-input-yaml', 'generate-cli-skeleton']);

/** A line longer than this is not a hand-written command; refuse rather than parse megabytes. */
const MAX_LINE_LENGTH = 64 * 1024;

export function kebabToPascal(kebab: string): string {
  return kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export function pascalToKebab(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Splits a command line into words the way a POSIX shell would, without any expansion. */
export function tokenize(line: string): { ok: true; tokens: string[] } | { ok: false; error: string } {
  const tokens: string[] = [];
  let current = '';
  let started = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (started) tokens.push(current);
      current = '';
      started = false;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: `unterminated single quote at character ${i + 1}` };
      current += line.slice(i + 1, end);
      started = true;
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= line.length) return { ok: false, error: `unterminated double quote at character ${i + 1}` };
        const d = line[j]!;
        if (d === '"') break;
        // Inside double quotes a backslash escapes only these characters, as in sh.
        if (d === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) {
          current += line[j + 1];
          j += 2;
        } else {
          current += d;
          j++;
        }
      }
      started = true;
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 < line.length && line[i + 1] === '\n') {
        i += 2; // line continuation
      } else {
        if (i + 1 < line.length) current += line[i + 1];
        started = true;
        i += 2;
      }
    } else {
      current += c;
      started = true;
      i++;
    }
  }
  if (started) tokens.push(current);
  return { ok: true, tokens };
}

// ---------------------------------------------------------------------------------------------
// The CLI's shorthand syntax: Key=a,Value=b   Name=x,Values=a,b   Tags=[{Key=a,Value=b}]

type Shorthand = string | Shorthand[] | { [key: string]: Shorthand };

class ShorthandReader {
  private i = 0;
  constructor(private readonly text: string) {}

  fail(message: string): never {
    throw new ShorthandError(`${message} at character ${this.i + 1} of ${JSON.stringify(this.text)}`);
  }

  /** The top level: key=value pairs; a bare item after a comma extends the previous value into a list. */
  top(): Record<string, Shorthand> {
    const out: Record<string, Shorthand> = {};
    let lastKey: string | undefined;
    while (this.i < this.text.length) {
      if (lastKey !== undefined && !this.segmentHasEquals()) {
        const item = this.value(',');
        const previous = out[lastKey]!;
        out[lastKey] = Array.isArray(previous) ? [...previous, item] : [previous, item];
      } else {
        const key = this.key();
        if (Object.hasOwn(out, key)) this.fail(`key ${key} given twice`);
        out[key] = this.value(',');
        lastKey = key;
      }
      if (this.i < this.text.length) this.expect(',');
    }
    return out;
  }

  private segmentHasEquals(): boolean {
    for (let j = this.i; j < this.text.length; j++) {
      const c = this.text[j];
      if (c === ',') return false;
      if (c === '=') return true;
    }
    return false;
  }

  private key(): string {
    const start = this.i;
    while (this.i < this.text.length && !'=,[]{}'.includes(this.text[this.i]!)) this.i++;
    const key = this.text.slice(start, this.i).trim();
    if (key === '') this.fail('expected a key');
    // These would change the prototype of the object being built rather than add a member.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype')
      this.fail(`key ${key} is not allowed`);
    this.expect('=');
    return key;
  }

  private expect(c: string): void {
    if (this.text[this.i] !== c) this.fail(`expected "${c}"`);
    this.i++;
  }

  private value(terminators: string): Shorthand {
    const c = this.text[this.i];
    if (c === '[') return this.list();
    if (c === '{') return this.struct();
    return this.scalar(terminators);
  }

  private scalar(terminators: string): string {
    const q = this.text[this.i];
    if (q === '"' || q === "'") {
      const end = this.text.indexOf(q, this.i + 1);
      if (end < 0) this.fail('unterminated quote');
      const s = this.text.slice(this.i + 1, end);
      this.i = end + 1;
      return s;
    }
    const start = this.i;
    while (this.i < this.text.length && !terminators.includes(this.text[this.i]!)) this.i++;
    return this.text.slice(start, this.i).trim();
  }

  private list(): Shorthand[] {
    this.expect('[');
    const items: Shorthand[] = [];
    while (this.text[this.i] !== ']') {
      if (this.i >= this.text.length) this.fail('unterminated [');
      items.push(this.value(',]'));
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== ']') this.fail('expected "," or "]"');
    }
    this.i++;
    return items;
  }

  private struct(): Record<string, Shorthand> {
    this.expect('{');
    const out: Record<string, Shorthand> = {};
    while (this.text[this.i] !== '}') {
      if (this.i >= this.text.length) this.fail('unterminated {');
      const key = this.key();
      out[key] = this.value(',}');
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== '}') this.fail('expected "," or "}"');
    }
    this.i++;
    return out;
  }
}

class ShorthandError extends Error {}

/**
 * Parses one structure in the CLI's shorthand syntax. `listMembers` are members that are lists
 * even when one value is given (`Values=i-1` -> `Values: ['i-1']`).
 */
export function parseShorthand(
  text: string,
  listMembers: readonly string[] = [],
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  try {
    const value = new ShorthandReader(text).top();
    for (const member of listMembers) {
      const v = value[member];
      if (v !== undefined && !Array.isArray(v)) value[member] = [v];
    }
    return { ok: true, value };
  } catch (e) {
    if (e instanceof ShorthandError) return { ok: false, error: `invalid shorthand: ${e.message}` };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// The command line.

interface OptionUse {
  readonly name: string;
  readonly values: string[];
  /** The value given as `--name=value`. */
  readonly inline: boolean;
}

/** Parses one `aws:` line. Never throws for bad input: every mistake is in `errors`. */
export function parseAwsCli(line: string): AwsCliResult {
  if (line.length > MAX_LINE_LENGTH)
    return { ok: false, errors: [`the command is longer than ${MAX_LINE_LENGTH} characters`] };
  const tokenized = tokenize(line);
  if (!tokenized.ok) return { ok: false, errors: [tokenized.error] };
  const tokens = tokenized.tokens;
  if (tokens[0] === 'aws') tokens.shift();

  const errors: string[] = [];
  const warnings: string[] = [];
  const [service, command, ...afterCommand] = tokens;
  if (service === undefined || service.startsWith('--')) {
    return {
      ok: false,
      errors: ['expected a command like "iam get-instance-profile --instance-profile-name web"'],
    };
  }
  if (!(serviceNames as string[]).includes(service)) {
    return { ok: false, errors: [`unknown service "${service}"; expected ${serviceNames.join(' or ')}`] };
  }
  const svc = service as ServiceName;
  const commands = [...Object.keys(operations[svc]).map(pascalToKebab), 'wait'];
  if (command === undefined || command.startsWith('--')) {
    return { ok: false, errors: [`missing the ${svc} command, e.g. ${svc} ${commands[0]}`] };
  }
  let rest = afterCommand;
  let waiterName: string | undefined;
  let operation = kebabToPascal(command);
  if (command === 'wait') {
    // `aws iam wait instance-profile-exists …`: the waiter's own operation takes the options.
    const waiters = Object.keys(models[svc].waiters);
    const [name, ...options] = afterCommand;
    const pascal = name === undefined ? '' : kebabToPascal(name);
    const w = name === undefined || name.startsWith('--') ? undefined : waiterOf(svc, pascal);
    if (w === undefined || pascalToKebab(pascal) !== name) {
      const kebab = waiters.map(pascalToKebab);
      const hint = name === undefined ? undefined : closest(name, kebab);
      return {
        ok: false,
        errors: [
          `unknown ${svc} waiter "${name ?? ''}"${hint ? ` (did you mean ${hint}?)` : ''}; known: ${kebab.join(', ')}`,
        ],
      };
    }
    waiterName = pascal;
    operation = w.operation;
    rest = options;
  }
  const spec = operationSpec(svc, operation);
  if (spec === undefined || (waiterName === undefined && pascalToKebab(operation) !== command)) {
    const hint = closest(command, commands);
    return {
      ok: false,
      errors: [
        `unknown ${svc} command "${command}"${hint ? ` (did you mean ${hint}?)` : ''}; known: ${commands.join(', ')}`,
      ],
    };
  }

  // Group the words into options and their values.
  const uses: OptionUse[] = [];
  for (const token of rest) {
    if (token.startsWith('--') && token.length > 2) {
      const eq = token.indexOf('=');
      if (eq > 2) uses.push({ name: token.slice(2, eq), values: [token.slice(eq + 1)], inline: true });
      else uses.push({ name: token.slice(2), values: [], inline: false });
    } else if (uses.length === 0) {
      errors.push(`unexpected argument "${token}": ${svc} ${command} takes only --options`);
    } else {
      uses[uses.length - 1]!.values.push(token);
    }
  }

  const params: Record<string, unknown> = {};
  // Paging, as the CLI does it: its own --starting-token/--page-size/--max-items shadow the
  // operation's paging members (IAM's MaxItems is --max-items too); giving an operation paging
  // member (--marker, --next-token, --max-results) is manual paging and turns CLI paging off.
  const pager = waiterName === undefined ? paginatorOf(svc, operation) : undefined;
  const manualTokens = new Set(
    pager === undefined
      ? []
      : [pager.input_token, ...(pager.limit_key ? [pager.limit_key] : [])].map(pascalToKebab),
  );
  const paging: { pageSize?: number; maxItems?: number; startingToken?: string } = {};
  let noPaginate = false;
  let manualPaging = false;
  let region: string | undefined;
  const seen = new Set<string>();
  /** Parameters given with a bad value: already reported, so not "missing" as well. */
  const badParams = new Set<string>();
  for (const use of uses) {
    const { name, values } = use;
    if (seen.has(name)) {
      errors.push(`--${name} given twice`);
      continue;
    }
    seen.add(name);
    if (name === 'no-paginate') {
      if (values.length > 0) errors.push('--no-paginate takes no value');
      noPaginate = true;
      continue;
    }
    if (pager !== undefined && (pagingArgs as readonly string[]).includes(name)) {
      const v = values.length === 1 ? values[0]! : undefined;
      if (v === undefined) errors.push(`--${name} takes one value`);
      else if (name === 'starting-token') paging.startingToken = v;
      else if (!/^\d+$/.test(v) || Number(v) < 1)
        errors.push(`--${name} takes a whole number of at least 1, got "${v}"`);
      else if (name === 'page-size') paging.pageSize = Number(v);
      else paging.maxItems = Number(v);
      continue;
    }
    if (manualTokens.has(name)) manualPaging = true;
    if (name === 'region') {
      if (values.length !== 1) errors.push('--region takes one region name');
      else region = values[0];
      continue;
    }
    if (ignoredValueOptions.has(name)) {
      if (values.length !== 1) errors.push(`--${name} takes one value`);
      else warnings.push(`--${name} has no effect in the simulator and is ignored`);
      continue;
    }
    if (ignoredFlags.has(name)) {
      if (values.length > 0) errors.push(`--${name} takes no value`);
      else warnings.push(`--${name} has no effect in the simulator and is ignored`);
      continue;
    }
    if (unsupportedOptions.has(name)) {
      errors.push(`--${name} is not supported: write the parameters in the line (or use a call: step)`);
      continue;
    }
    if (name === 'count' && operation === 'RunInstances') {
      const m = values.length === 1 ? /^(\d+)(?::(\d+))?$/.exec(values[0]!) : null;
      if (!m) {
        errors.push('--count takes N or MIN:MAX');
        badParams.add('MinCount').add('MaxCount');
        continue;
      }
      params.MinCount = Number(m[1]);
      params.MaxCount = Number(m[2] ?? m[1]);
      continue;
    }
    if ((name === 'min-count' || name === 'max-count') && operation === 'RunInstances') {
      // The CLI replaces MinCount/MaxCount with --count (awscli/customizations/ec2/addcount.py deletes min-count and max-count).
      errors.push(
        `--${name} is not an option of "ec2 run-instances"; the AWS CLI takes --count N or MIN:MAX`,
      );
      continue;
    }
    const negated = name.startsWith('no-') ? kebabToPascal(name.slice(3)) : undefined;
    if (negated !== undefined && spec.params[negated]?.type === 'boolean') {
      if (values.length > 0) errors.push(`--${name} takes no value`);
      else params[negated] = false;
      continue;
    }
    const param = kebabToPascal(name);
    const paramSpec = Object.hasOwn(spec.params, param) ? spec.params[param] : undefined;
    if (paramSpec === undefined || pascalToKebab(param) !== name) {
      errors.push(unknownOption(name, svc, command, spec));
      continue;
    }
    const converted = convert(name, values, paramSpec);
    if ('error' in converted) {
      errors.push(converted.error);
      badParams.add(param);
    } else {
      params[param] = converted.value;
    }
  }

  let pagination: CliPagination | undefined;
  if (pager !== undefined) {
    if (noPaginate || manualPaging) {
      // The CLI puts a shadowed operation member back (IAM's --max-items is its MaxItems) and
      // refuses the other paging arguments (paginate.py, ensure_paging_params_not_set).
      const shadowsMaxItems = Object.hasOwn(spec.params, 'MaxItems');
      if (shadowsMaxItems && paging.maxItems !== undefined) params.MaxItems = paging.maxItems;
      const used = [
        ...(paging.startingToken !== undefined ? ['--starting-token'] : []),
        ...(paging.pageSize !== undefined ? ['--page-size'] : []),
        ...(paging.maxItems !== undefined && !shadowsMaxItems ? ['--max-items'] : []),
      ];
      if (used.length > 0)
        errors.push(`Cannot specify --no-paginate along with pagination arguments: ${used.join(', ')}`);
    } else {
      pagination = paging;
    }
  } else if (noPaginate) {
    warnings.push('--no-paginate has no effect: the operation is not paginated');
  }
  // `--count` defaults to 1 (awscli/customizations/ec2/addcount.py: DEFAULT = 1, set_default_count).
  if (operation === 'RunInstances' && !seen.has('count')) {
    params.MinCount = 1;
    params.MaxCount = 1;
  }
  for (const [param, p] of Object.entries(spec.params)) {
    if (p.required && !(param in params) && !badParams.has(param)) {
      const message = `missing required option --${pascalToKebab(param)}`;
      if (!errors.includes(message)) errors.push(message);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const result: AwsCommand = {
    service: svc,
    operation,
    params,
    ...(region === undefined ? {} : { region }),
    ...(waiterName === undefined ? {} : { waiter: waiterName }),
    ...(pagination === undefined ? {} : { pagination }),
  };
  return { ok: true, command: result, warnings };
}

function unknownOption(name: string, service: string, command: string, spec: OperationSpec): string {
  const options = Object.keys(spec.params).map(pascalToKebab);
  const hint = closest(name, options);
  return `unknown option --${name} for "${service} ${command}"${hint ? ` (did you mean --${hint}?)` : ''}; options: ${options.map((o) => `--${o}`).join(', ')}`;
}

const hasReference = (s: string) => s.includes('${');

function convert(
  name: string,
  values: readonly string[],
  spec: ParamSpec,
): { value: unknown } | { error: string } {
  const flag = `--${name}`;
  const one = (): string | { error: string } =>
    values.length === 1
      ? values[0]!
      : {
          error:
            values.length === 0 ? `${flag} needs a value` : `${flag} takes one value, got ${values.length}`,
        };
  switch (spec.type) {
    case 'boolean':
      return values.length === 0
        ? { value: true }
        : { error: `${flag} is a flag and takes no value (use --no-${name} for false)` };
    case 'string': {
      const v = one();
      if (typeof v !== 'string') return v;
      if (/^fileb?:\/\//.test(v))
        return { error: `${flag}: file:// values are not supported; write the value inline` };
      return { value: v };
    }
    case 'document': {
      const v = one();
      if (typeof v !== 'string') return v;
      if (/^fileb?:\/\//.test(v))
        return { error: `${flag}: file:// documents are not supported; write the JSON inline` };
      if (!hasReference(v)) {
        try {
          JSON.parse(v);
        } catch (e) {
          return { error: `${flag} is not valid JSON: ${(e as Error).message}` };
        }
      }
      return { value: v };
    }
    case 'integer': {
      const v = one();
      if (typeof v !== 'string') return v;
      if (/^\d+$/.test(v) && Number.isSafeInteger(Number(v))) return { value: Number(v) };
      if (hasReference(v)) return { value: v };
      return { error: `${flag} takes a whole number, got "${v}"` };
    }
    case 'stringList': {
      if (values.length === 0) return { error: `${flag} needs at least one value` };
      if (values.length === 1 && values[0]!.startsWith('[')) {
        const parsed = parseJson(flag, values[0]!);
        if ('error' in parsed) return parsed;
        if (!Array.isArray(parsed.value) || !parsed.value.every((x) => typeof x === 'string')) {
          return { error: `${flag} takes a JSON list of strings` };
        }
        return parsed;
      }
      return { value: [...values] };
    }
    case 'structure': {
      const v = one();
      if (typeof v !== 'string') return v;
      return structure(flag, v, spec.listMembers);
    }
    case 'structureList': {
      if (values.length === 0) return { error: `${flag} needs at least one value` };
      if (values.length === 1 && values[0]!.startsWith('[')) {
        const parsed = parseJson(flag, values[0]!);
        if ('error' in parsed) return parsed;
        if (!Array.isArray(parsed.value) || !parsed.value.every(isRecord)) {
          return { error: `${flag} takes a JSON list of objects` };
        }
        return parsed;
      }
      const items: unknown[] = [];
      for (const v of values) {
        const item = structure(flag, v, spec.listMembers);
        if ('error' in item) return item;
        items.push(item.value);
      }
      return { value: items };
    }
  }
}

function structure(
  flag: string,
  text: string,
  listMembers?: readonly string[],
): { value: unknown } | { error: string } {
  if (text.startsWith('{')) {
    const parsed = parseJson(flag, text);
    if ('error' in parsed) return parsed;
    if (!isRecord(parsed.value)) return { error: `${flag} takes a JSON object` };
    return parsed;
  }
  const parsed = parseShorthand(text, listMembers);
  return parsed.ok ? { value: parsed.value } : { error: `${flag}: ${parsed.error}` };
}

function parseJson(flag: string, text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: `${flag} is not valid JSON: ${(e as Error).message}` };
  }
}
