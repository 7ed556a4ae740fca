/**
 * Cross-field rules over a normalised scenario: things no single field can know, such as "this
 * role exists", "these names are unique", "this window ends before the horizon". Each rule is a
 * named function that only reports; rules never change the scenario and never stop at the first
 * finding, so a user sees every problem at once.
 *
 * One file so the complete list of rules (the `rules` and `warningRules` arrays at the end) can be
 * read in one place; each rule is a short independent object.
 */
import { formatDuration } from './duration.ts';
import { limits } from './limits.ts';
import type { Finding, Origins } from './normalise.ts';
import { closest } from './suggest.ts';
import {
  type ChangeTarget,
  livenessInvariantNames,
  type Scenario,
  type Step,
  type TargetSpec,
} from './types.ts';

export interface RuleInput {
  readonly scenario: Scenario;
  readonly origins: Origins;
}

export interface Rule {
  readonly name: string;
  /** What the rule demands, for documentation and test names. */
  readonly description: string;
  readonly check: (input: RuleInput, report: (finding: Finding) => void) => void;
}

/** Runs every rule and returns all findings, in rule order. */
export function checkRules(input: RuleInput): { errors: Finding[]; warnings: Finding[] } {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  for (const rule of rules) rule.check(input, (f) => errors.push(f));
  for (const rule of warningRules) rule.check(input, (f) => warnings.push(f));
  return { errors, warnings };
}

// ---------------------------------------------------------------------------------------------
// Name lookups shared by the rules.

class Names {
  readonly regions: Set<string>;
  /** Lower-cased IAM names -> the spelling declared (IAM names are case-insensitive). */
  readonly roles = new Map<string, string>();
  readonly profiles = new Map<string, string>();
  readonly fleets = new Map<string, number>();
  readonly explicitInstances = new Set<string>();

  constructor(input: RuleInput) {
    const { scenario, origins } = input;
    this.regions = new Set(scenario.regions);
    for (const r of scenario.roles)
      if (!this.roles.has(r.name.toLowerCase())) this.roles.set(r.name.toLowerCase(), r.name);
    for (const p of scenario.instanceProfiles) {
      if (!this.profiles.has(p.name.toLowerCase())) this.profiles.set(p.name.toLowerCase(), p.name);
    }
    // A duplicated fleet name is reported by unique-names; the first declaration is the one meant.
    scenario.fleets.forEach((f, i) => {
      if (!this.fleets.has(f.name)) this.fleets.set(f.name, origins.fleetCounts[i] ?? 0);
    });
    for (const inst of scenario.instances)
      if (inst.fleet === undefined) this.explicitInstances.add(inst.name);
  }

  /**
   * Whether `name` is `FLEET-k` for a declared fleet with more than k instances. Worked out from
   * the name rather than from the expanded list, so it also works when a fleet over the instance
   * cap was never expanded.
   */
  fleetMemberOf(name: string): string | undefined {
    const m = /^(.+)-(0|[1-9]\d*)$/.exec(name);
    if (!m) return undefined;
    const count = this.fleets.get(m[1]!);
    return count !== undefined && Number(m[2]) < count ? m[1] : undefined;
  }

  hasInstance(name: string): boolean {
    return this.explicitInstances.has(name) || this.fleetMemberOf(name) !== undefined;
  }

  targetSize(t: TargetSpec): number {
    let n = t.instances.length;
    for (const f of t.fleets) n += this.fleets.get(f) ?? 0;
    return n;
  }
}

const listOf = (names: Iterable<string>) => {
  const all = [...names];
  return all.length === 0
    ? 'none are declared'
    : all.length > 10
      ? `${all.slice(0, 10).join(', ')}, ...`
      : all.join(', ');
};

function unknown(kind: string, name: string, declared: Iterable<string>): string {
  const all = [...declared];
  const hint = closest(name, all);
  return `unknown ${kind} "${name}"${hint ? ` (did you mean "${hint}"?)` : `; declared: ${listOf(all)}`}`;
}

/** Every step with its YAML path, depth-first in document order, with its forEach nesting. */
function* walkSteps(
  steps: readonly Step[],
  inForEach = false,
): Generator<{ step: Step; inForEach: boolean }> {
  for (const step of steps) {
    yield { step, inForEach };
    if (step.kind === 'forEach') yield* walkSteps(step.steps, true);
  }
}

// ---------------------------------------------------------------------------------------------
// The rules.

const uniqueNames: Rule = {
  name: 'unique-names',
  description:
    'Regions, fleets, instances and checks have unique names; roles and instance profiles are unique ignoring case, as in IAM.',
  check({ scenario, origins }, report) {
    const names = new Names({ scenario, origins });
    const once = (
      items: readonly { name: string }[],
      pathOf: (i: number) => string,
      what: string,
      fold: boolean,
    ) => {
      const seen = new Map<string, number>();
      items.forEach((item, i) => {
        const key = fold ? item.name.toLowerCase() : item.name;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, i);
        else {
          const spelled = items[first]!.name;
          const why =
            fold && spelled !== item.name
              ? ` (IAM names are case-insensitive: "${spelled}" is the same name)`
              : '';
          report({
            path: `${pathOf(i)}.name`,
            message: `duplicate ${what} "${item.name}", first declared at ${pathOf(first)}${why}`,
          });
        }
      });
    };
    once(scenario.roles, (i) => `roles.${i}`, 'role', true);
    once(scenario.instanceProfiles, (i) => `instanceProfiles.${i}`, 'instance profile', true);
    once(scenario.fleets, (i) => `fleets.${i}`, 'fleet', false);
    // Invariant entries share the `checks:` list, so a metric check's index there is its own.
    once(scenario.checks, (i) => origins.checkPaths[i] ?? `checks.${i}`, 'check', false);

    const seenRegions = new Map<string, number>();
    scenario.regions.forEach((r, i) => {
      const first = seenRegions.get(r);
      if (first === undefined) seenRegions.set(r, i);
      else report({ path: `regions.${i}`, message: `duplicate region ${r} (first at regions.${first})` });
    });

    const seenInstances = new Map<string, string>();
    scenario.instances.forEach((inst, i) => {
      if (inst.fleet !== undefined) return;
      const path = origins.instancePaths[i]!;
      const first = seenInstances.get(inst.name);
      if (first !== undefined) {
        report({
          path: `${path}.name`,
          message: `duplicate instance name "${inst.name}", first declared at ${first}`,
        });
        return;
      }
      seenInstances.set(inst.name, path);
      const fleet = names.fleetMemberOf(inst.name);
      if (fleet !== undefined) {
        report({
          path: `${path}.name`,
          message: `instance name "${inst.name}" is also the name of an instance of fleet "${fleet}"`,
        });
      }
    });
  },
};

const instanceIds: Rule = {
  name: 'instance-ids',
  description: 'Explicit instance ids are unique.',
  check({ scenario, origins }, report) {
    const seen = new Map<string, string>();
    scenario.instances.forEach((inst, i) => {
      if (inst.id === undefined) return;
      const path = origins.instancePaths[i]!;
      const first = seen.get(inst.id);
      if (first !== undefined)
        report({ path: `${path}.id`, message: `duplicate instance id ${inst.id}, first used at ${first}` });
      else seen.set(inst.id, path);
    });
  },
};

/** Role and profile names created by `call` steps before each step, for `to:` references. */
function createdNames(steps: readonly Step[]): { roles: Set<string>; profiles: Set<string> } {
  const roles = new Set<string>();
  const profiles = new Set<string>();
  for (const { step } of walkSteps(steps)) {
    // The console creates the role and an instance profile of the same name.
    if (step.kind === 'console' && step.action === 'create-role-for-ec2' && step.role !== undefined) {
      roles.add(step.role.toLowerCase());
      profiles.add(step.role.toLowerCase());
    }
    if (step.kind !== 'call' || step.service !== 'iam') continue;
    if (step.operation === 'CreateRole' && typeof step.params.RoleName === 'string')
      roles.add(step.params.RoleName.toLowerCase());
    if (step.operation === 'CreateInstanceProfile' && typeof step.params.InstanceProfileName === 'string') {
      profiles.add(step.params.InstanceProfileName.toLowerCase());
    }
  }
  return { roles, profiles };
}

const references: Rule = {
  name: 'references',
  description:
    'Every role, instance profile, region, fleet and instance named anywhere is declared (a `to:` role or profile may also be created by a call step).',
  check(input, report) {
    const { scenario, origins } = input;
    const names = new Names(input);
    const region = (path: string, r: string | undefined) => {
      if (r !== undefined && !names.regions.has(r))
        report({ path, message: unknown('region', r, names.regions) });
    };
    const role = (path: string, r: string | undefined, extra?: Set<string>) => {
      if (r === undefined || names.roles.has(r.toLowerCase()) || extra?.has(r.toLowerCase())) return;
      report({ path, message: unknown('role', r, names.roles.values()) });
    };
    const profile = (path: string, p: string | undefined, extra?: Set<string>) => {
      if (p === undefined || names.profiles.has(p.toLowerCase()) || extra?.has(p.toLowerCase())) return;
      report({ path, message: unknown('instance profile', p, names.profiles.values()) });
    };
    const targets = (path: string, t: TargetSpec) => {
      t.fleets.forEach((f, i) => {
        if (!names.fleets.has(f)) {
          report({
            path: targetFleetPath(origins, path, i),
            message: unknown('fleet', f, names.fleets.keys()),
          });
        }
      });
      t.instances.forEach((n, i) => {
        if (!names.hasInstance(n)) {
          const fleetHint = names.fleets.has(n) ? ` ("${n}" is a fleet: use {fleet: ${n}})` : '';
          const base = unknown('instance', n, names.explicitInstances);
          report({
            path: `${path}.instances.${i}`,
            message: fleetHint ? `unknown instance "${n}"${fleetHint}` : base,
          });
        }
      });
    };
    const change = (
      path: string,
      to: ChangeTarget,
      created: { roles: Set<string>; profiles: Set<string> },
    ) => {
      if ('role' in to) role(`${path}.role`, to.role, created.roles);
      else profile(`${path}.instanceProfile`, to.instanceProfile, created.profiles);
    };

    scenario.instanceProfiles.forEach((p, i) => {
      role(`instanceProfiles.${i}.role`, p.role);
    });
    // Instances of one fleet share their origin: report each fleet's mistake once.
    const reported = new Set<string>();
    scenario.instances.forEach((inst, i) => {
      const path = origins.instancePaths[i]!;
      if (reported.has(path)) return;
      reported.add(path);
      region(`${path}.region`, inst.region);
      profile(`${path}.instanceProfile`, inst.instanceProfile);
    });
    region('model.defaultRegion', scenario.model.defaultRegion);

    const created = createdNames(scenario.steps);
    for (const { step } of walkSteps(scenario.steps)) {
      const path = step.source.path;
      switch (step.kind) {
        case 'call':
        case 'waitUntil':
          region(`${path}${step.kind === 'waitUntil' ? '.waitUntil' : ''}.region`, step.region);
          break;
        case 'strategy':
          targets(`${path}.targets`, step.targets);
          change(`${path}.to`, step.to, created);
          break;
        case 'forEach':
          targets(`${path}.forEach`, step.targets);
          break;
        case 'console':
          region(`${path}.region`, step.region);
          break;
        case 'wait':
          break;
      }
    }
    scenario.faults.forEach((f, i) => {
      if (f.kind === 'partition') region(`faults.${i}.partition.region`, f.region);
      const t = origins.faultTargets[i];
      if (t !== undefined) targets(`faults.${i}.imdsOutage`, t);
    });
    if (scenario.compare !== undefined) {
      targets('compare.targets', scenario.compare.targets);
      change('compare.to', scenario.compare.to, created);
    }
    if (scenario.change !== undefined) {
      change('change.to', scenario.change.to, created);
      if (scenario.change.targets !== undefined) targets('change.targets', scenario.change.targets);
    }
  },
};

/** `fleet:` is normalised to the first entry of `fleets`; point back at what was written. */
function targetFleetPath(origins: Origins, base: string, index: number): string {
  if (!origins.singleFleetTargets.has(base)) return `${base}.fleets.${index}`;
  return index === 0 ? `${base}.fleet` : `${base}.fleets.${index - 1}`;
}

const targetsNotEmpty: Rule = {
  name: 'targets-not-empty',
  description: 'Every targets / forEach / imdsOutage names at least one fleet or instance.',
  check({ scenario, origins }, report) {
    const empty = (t: TargetSpec) => t.fleets.length === 0 && t.instances.length === 0;
    const message = 'name at least one target: {fleet: NAME}, {fleets: [..]} or {instances: [..]}';
    for (const { step } of walkSteps(scenario.steps)) {
      if (step.kind === 'strategy' && empty(step.targets))
        report({ path: `${step.source.path}.targets`, message });
      if (step.kind === 'forEach' && empty(step.targets))
        report({ path: `${step.source.path}.forEach`, message });
    }
    origins.faultTargets.forEach((t, i) => {
      if (t !== undefined && empty(t)) report({ path: `faults.${i}.imdsOutage`, message });
    });
    if (scenario.compare !== undefined && empty(scenario.compare.targets))
      report({ path: 'compare.targets', message });
    if (scenario.change?.targets !== undefined && empty(scenario.change.targets))
      report({ path: 'change.targets', message });
  },
};

const timing: Rule = {
  name: 'timing',
  description:
    'The horizon is positive and at most 30 days; every `at`, fault window and compare start lies within it.',
  check({ scenario }, report) {
    const h = scenario.horizonMs;
    if (h <= 0) report({ path: 'horizon', message: 'the horizon must be longer than 0' });
    if (h > limits.maxHorizonMs) {
      report({
        path: 'horizon',
        message: `the horizon ${formatDuration(h)} is over the limit of ${formatDuration(limits.maxHorizonMs)}`,
      });
    }
    const within = `the horizon (${formatDuration(h)})`;
    for (const { step } of walkSteps(scenario.steps)) {
      if (step.atMs !== undefined && step.atMs >= h) {
        report({
          path: `${step.source.path}.at`,
          message: `at ${formatDuration(step.atMs)} is not before ${within}`,
        });
      }
      if (step.afterMs !== undefined && step.afterMs >= h) {
        report({
          path: `${step.source.path}.after`,
          message: `after ${formatDuration(step.afterMs)} is not shorter than ${within}`,
        });
      }
    }
    scenario.faults.forEach((f, i) => {
      const path = `faults.${i}.${f.kind}`;
      if (f.fromMs >= f.toMs) {
        report({
          path: `${path}.to`,
          message: `the window must end after it starts (from ${formatDuration(f.fromMs)}, to ${formatDuration(f.toMs)})`,
        });
      }
      if (f.toMs > h)
        report({
          path: `${path}.to`,
          message: `the window ends at ${formatDuration(f.toMs)}, after ${within}`,
        });
    });
    if (scenario.change?.atMs !== undefined && scenario.change.atMs >= h) {
      report({
        path: 'change.at',
        message: `at ${formatDuration(scenario.change.atMs)} is not before ${within}`,
      });
    }
    if (scenario.compare !== undefined && scenario.compare.atMs >= h) {
      report({
        path: 'compare.at',
        message: `at ${formatDuration(scenario.compare.atMs)} is not before ${within}`,
      });
    }
  },
};

/** Steps after forEach loops are multiplied out; stops counting once over `cap`. */
export function estimateStepCount(
  steps: readonly Step[],
  sizeOf: (t: TargetSpec) => number,
  cap: number,
): number {
  let n = 0;
  for (const step of steps) {
    n += step.kind === 'forEach' ? sizeOf(step.targets) * estimateStepCount(step.steps, sizeOf, cap) : 1;
    if (n > cap) return n;
  }
  return n;
}

const caps: Rule = {
  name: 'caps',
  description: `At most ${limits.maxSteps} steps after forEach expansion, ${limits.maxCompareSeeds} compare seeds (instances are capped while normalising).`,
  check(input, report) {
    const { scenario } = input;
    const names = new Names(input);
    // Over the instance cap the fleets were not expanded and that problem is already reported;
    // multiplying loops by the absurd count would only repeat it.
    const steps = !input.origins.expanded
      ? 0
      : estimateStepCount(scenario.steps, (t) => names.targetSize(t), limits.maxSteps);
    if (steps > limits.maxSteps) {
      report({
        path: 'steps',
        message: `too many steps: forEach loops expand to more than ${limits.maxSteps} (counted ${steps} so far)`,
      });
    }
    if (scenario.compare !== undefined && scenario.compare.seeds > limits.maxCompareSeeds) {
      report({
        path: 'compare.seeds',
        message: `${scenario.compare.seeds} seeds is over the limit of ${limits.maxCompareSeeds}`,
      });
    }
  },
};

const rates: Rule = {
  name: 'rates',
  description: `Probes run at most once per ${formatDuration(limits.minProbeEveryMs)}; waitUntil polls at most every ${limits.minPollEveryMs}ms and its timeout is not shorter than its interval.`,
  check({ scenario, origins }, report) {
    const reported = new Set<string>();
    scenario.instances.forEach((inst, i) => {
      const path = origins.instancePaths[i]!;
      if (inst.probe === undefined || reported.has(path)) return;
      reported.add(path);
      if (inst.probe.everyMs < limits.minProbeEveryMs) {
        report({
          path: `${path}.probe.every`,
          message: `probe every ${formatDuration(inst.probe.everyMs)} is too frequent; the minimum is ${formatDuration(limits.minProbeEveryMs)}`,
        });
      }
    });
    for (const { step } of walkSteps(scenario.steps)) {
      if (step.kind !== 'waitUntil') continue;
      const path = `${step.source.path}.waitUntil`;
      if (step.everyMs < limits.minPollEveryMs) {
        report({
          path: `${path}.every`,
          message: `polling every ${step.everyMs}ms is too frequent; the minimum is ${limits.minPollEveryMs}ms`,
        });
      }
      if (step.timeoutMs < step.everyMs) {
        report({
          path: `${path}.timeout`,
          message: `the timeout (${formatDuration(step.timeoutMs)}) is shorter than the polling interval (${formatDuration(step.everyMs)})`,
        });
      }
    }
  },
};

const instanceFields = ['id', 'name', 'associationId'];

const substitutions: Rule = {
  name: 'substitutions',
  description:
    '`${inst.id}`, `${inst.name}` and `${inst.associationId}` appear only inside forEach; `${name}` refers to a value saved by an earlier step.',
  check({ scenario, origins }, report) {
    const saved = new Set<string>();
    for (const { step, inForEach } of walkSteps(scenario.steps)) {
      const base = step.source.path;
      const fromAws = origins.awsStepPaths.has(base);
      const scan = (value: unknown, path: string) =>
        scanStrings(value, path, (text, at) => {
          for (const problem of referenceProblems(text, inForEach, saved))
            report({ path: fromAws ? `${base}.aws` : at, message: problem });
        });
      if (step.kind === 'call') {
        scan(step.params, `${base}.params`);
        for (const name of Object.keys(step.save)) {
          if (name === 'inst')
            report({
              path: `${base}.save.${name}`,
              message: '"inst" is reserved for ${inst.id} and friends',
            });
          if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
            report({ path: `${base}.save.${name}`, message: `"${name}" cannot be used as a saved name` });
          }
          saved.add(name);
        }
      } else if (step.kind === 'waitUntil') {
        scan(step.params, `${base}.waitUntil.params`);
        scan(step.equals, `${base}.waitUntil.equals`);
      }
    }
  },
};

function scanStrings(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      scanStrings(v, `${path}.${i}`, visit);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) scanStrings(v, `${path}.${k}`, visit);
  }
}

/** Problems with the `${...}` references in one string. */
export function referenceProblems(text: string, inForEach: boolean, saved: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('${', from);
    if (start < 0) break;
    const end = text.indexOf('}', start + 2);
    if (end < 0) {
      problems.push(`unclosed \${ in ${JSON.stringify(text)}`);
      break;
    }
    const ref = text.slice(start + 2, end).trim();
    from = end + 1;
    if (ref.startsWith('inst.')) {
      const field = ref.slice(5);
      if (!instanceFields.includes(field)) {
        problems.push(`unknown instance field \${${ref}}; use \${inst.${instanceFields.join('}, ${inst.')}}`);
      } else if (!inForEach) {
        problems.push(`\${${ref}} can only be used inside a forEach step`);
      }
    } else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref)) {
      problems.push(
        `\${${ref}} is not a reference: write \${name} for a saved value or \${inst.id} inside forEach`,
      );
    } else if (!saved.has(ref)) {
      const hint = closest(ref, [...saved]);
      problems.push(
        `\${${ref}} is not saved by any earlier step${hint ? ` (did you mean \${${hint}}?)` : ''}; add save: { ${ref}: Some.Path } to a step before this one`,
      );
    }
  }
  return problems;
}

const invariantSettings: Rule = {
  name: 'invariants',
  description:
    'Each built-in invariant is set at most once in `checks:`; `within` bounds only a liveness invariant and is longer than 0.',
  check({ scenario, origins }, report) {
    const seen = new Map<string, string>();
    (scenario.invariants ?? []).forEach((setting, i) => {
      const path = origins.invariantPaths[i] ?? `checks.${i}`;
      const first = seen.get(setting.invariant);
      if (first !== undefined) {
        report({
          path: `${path}.invariant`,
          message: `invariant ${setting.invariant} is already set at ${first}; set each invariant once`,
        });
      } else {
        seen.set(setting.invariant, path);
      }
      if (setting.withinMs === undefined) return;
      if (!(livenessInvariantNames as readonly string[]).includes(setting.invariant)) {
        report({
          path: `${path}.within`,
          message: `within bounds only a liveness invariant (${livenessInvariantNames.join(', ')}); ${setting.invariant} is checked at every event`,
        });
      } else if (setting.withinMs <= 0) {
        report({ path: `${path}.within`, message: 'within must be longer than 0' });
      }
    });
  },
};

/** The error rules, in the order their findings are reported. */
export const rules: readonly Rule[] = [
  uniqueNames,
  instanceIds,
  references,
  targetsNotEmpty,
  timing,
  caps,
  rates,
  substitutions,
  invariantSettings,
];

const caseMismatch: Rule = {
  name: 'reference-case',
  description:
    'A role or profile named with different letter case than declared works (IAM ignores case) but is flagged.',
  check(input, report) {
    const names = new Names(input);
    const check = (path: string, kind: string, name: string | undefined, table: Map<string, string>) => {
      if (name === undefined) return;
      const declared = table.get(name.toLowerCase());
      if (declared !== undefined && declared !== name) {
        report({
          path,
          message: `${kind} "${name}" is declared as "${declared}"; IAM ignores case, but keep one spelling`,
        });
      }
    };
    input.scenario.instanceProfiles.forEach((p, i) => {
      check(`instanceProfiles.${i}.role`, 'role', p.role, names.roles);
    });
    const reported = new Set<string>();
    input.scenario.instances.forEach((inst, i) => {
      const path = input.origins.instancePaths[i]!;
      if (reported.has(path)) return;
      reported.add(path);
      check(`${path}.instanceProfile`, 'instance profile', inst.instanceProfile, names.profiles);
    });
  },
};

const duplicateTargets: Rule = {
  name: 'duplicate-targets',
  description:
    'A target list naming the same fleet or instance twice is flagged (each instance is acted on once).',
  check({ scenario }, report) {
    const dup = (path: string, t: TargetSpec) => {
      const fleets = new Set(t.fleets);
      const instances = new Set(t.instances);
      if (fleets.size < t.fleets.length || instances.size < t.instances.length) {
        report({ path, message: 'a fleet or instance is named more than once; it is acted on once' });
      }
    };
    for (const { step } of walkSteps(scenario.steps)) {
      if (step.kind === 'strategy') dup(`${step.source.path}.targets`, step.targets);
      if (step.kind === 'forEach') dup(`${step.source.path}.forEach`, step.targets);
    }
  },
};

const livenessWithinHorizon: Rule = {
  name: 'liveness-within-horizon',
  description:
    'A liveness bound (`within`) at least as long as the horizon is flagged: no run can last long enough to judge it.',
  check({ scenario, origins }, report) {
    (scenario.invariants ?? []).forEach((setting, i) => {
      if (setting.withinMs === undefined || !setting.enabled || setting.withinMs < scenario.horizonMs) return;
      report({
        path: `${origins.invariantPaths[i] ?? `checks.${i}`}.within`,
        message: `within ${formatDuration(setting.withinMs)} is not shorter than the horizon (${formatDuration(scenario.horizonMs)}): ${setting.invariant} can never be judged, every run reports it unknown`,
      });
    });
  },
};

/** Rules whose findings are warnings: the scenario runs, but probably not as meant. */
export const warningRules: readonly Rule[] = [caseMismatch, duplicateTargets, livenessWithinHorizon];
