/**
 * GitHub-flavoured Markdown rendering of a comparison report, written to be pasted into a runbook:
 * the answer first (how long to wait), then the detail, then how it was computed and how to
 * reproduce it.
 */

import { metricNames } from '../result.ts';
import {
  escapeXml,
  formatRoundedDuration,
  metricDefinitions,
  metricLabels,
  minUpShareDefinition,
} from './format.ts';
import {
  incidentGuidance,
  incidentIntro,
  incidentRunbookNote,
  incidentSdkTable,
  incidentStrategies,
  incidentTable,
} from './incident-render.ts';
import {
  alsoAffectedIntro,
  alsoAffectedTable,
  apiErrorIntro,
  apiErrorTable,
  calibrationTable,
  checksIntro,
  checksTable,
  judgedByNote,
  overviewTable,
  regionTable,
  runbookIntro,
  runbookTable,
  samplesNeededNote,
  sdkTable,
  strategyTable,
  type Table,
  waitersIntro,
  waitersTable,
} from './tables.ts';
import type { CompareReport } from './types.ts';

/**
 * Escapes a table cell: a pipe would split the cell, a newline would end the row, and `<` could
 * open raw HTML. `>` is left alone: it cannot start markup mid-line, and ">6.5h" should paste as is.
 */
function cell(text: string): string {
  return text.replace(/([\\|<])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** Escapes inline text outside tables and code: the characters Markdown would read as markup. */
function inline(text: string): string {
  return text.replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

/** Inline code that survives backticks in the text (a longer fence than any run inside). */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function markdownTable(table: Table): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${table.align.map((a) => (a === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(table.headers), rule, ...table.rows.map(line)].join('\n');
}

/** The checks, the instances outside the targets, and the API errors: what else the change did. */
function sideEffectsMarkdown(report: CompareReport): string[] {
  const out: string[] = [];
  const checks = checksTable(report);
  if (checks.rows.length > 0) {
    out.push('## Checks');
    out.push(inline(checksIntro()));
    out.push(markdownTable(checks));
  }
  const waiters = waitersTable(report);
  if (waiters.rows.length > 0) {
    out.push('## Waiters');
    out.push(inline(waitersIntro()));
    out.push(markdownTable(waiters));
  }

  out.push('## Also affected');
  const affected = alsoAffectedTable(report);
  out.push(inline(alsoAffectedIntro(report)));
  if (affected.rows.length > 0) out.push(markdownTable(affected));

  out.push('## API errors');
  const errors = apiErrorTable(report);
  out.push(inline(apiErrorIntro(report)));
  if (errors.rows.length > 0) out.push(markdownTable(errors));
  return out;
}

/** Renders the whole report. Pure: the same report gives the same text. */
export function renderMarkdown(report: CompareReport): string {
  const confidence = `${Math.round(report.ci.confidence * 1000) / 10}%`;
  const out: string[] = [];
  out.push(`# iamsim comparison: ${inline(report.scenario.name)}`);
  out.push(
    `Scenario ${code(report.scenario.name)} (hash ${code(report.scenario.hash)}), iamsim ${inline(report.version)}, ` +
      `${report.seeds.count} seed${report.seeds.count === 1 ? '' : 's'} (${report.seeds.ranges}). ` +
      `Intervals: ${confidence} ${report.ci.method}.`,
  );
  out.push('Reproduce with:');
  out.push(fenced(report.command, 'sh'));

  // An incident comparison answers the responder first; its role-change table comes after.
  if (incidentStrategies(report).length > 0) {
    out.push('## Incident response: exposure vs outage');
    out.push(inline(incidentIntro(report)));
    out.push(markdownTable(incidentTable(report)));
    out.push(
      incidentGuidance(report)
        .map((line) => `- ${inline(line)}`)
        .join('\n'),
    );
    out.push('Time out per target application, p99, per SDK:');
    out.push(markdownTable(incidentSdkTable(report)));
  }

  out.push('## Runbook: how long to wait');
  out.push(inline(runbookIntro(report)));
  if (incidentStrategies(report).length > 0) out.push(inline(incidentRunbookNote()));
  out.push(markdownTable(runbookTable(report)));
  const note = samplesNeededNote(report);
  if (note !== '') out.push(note);

  out.push('## Strategies');
  out.push(markdownTable(overviewTable(report)));
  for (const s of report.strategies) {
    out.push(`### ${inline(s.strategy)}`);
    out.push(
      `${s.n} samples (target instance × seed), observed for ${formatRoundedDuration(s.observationWindowMs)} after the change started. ${inline(judgedByNote(s))}`,
    );
    out.push(markdownTable(strategyTable(s)));
    out.push(
      `<details><summary>Per SDK: ${escapeXml(s.strategy)}</summary>\n\n${markdownTable(sdkTable(s))}\n\n</details>`,
    );
    out.push(
      `<details><summary>Per region: ${escapeXml(s.strategy)}</summary>\n\n${markdownTable(regionTable(s))}\n\n</details>`,
    );
  }

  out.push(...sideEffectsMarkdown(report));

  out.push('## Metrics');
  out.push(
    [
      ...metricNames.map((m) => `- **${metricLabels[m]}** (${code(m)}): ${metricDefinitions[m]}.`),
      `- **Min up share** (${code('minUpShare')}): ${minUpShareDefinition}.`,
    ].join('\n'),
  );

  out.push('## Method');
  out.push(inline(report.ci.description));

  out.push('## Parameters');
  out.push(markdownTable(calibrationTable(report)));

  out.push('## Seeds');
  out.push(`${report.seeds.count} seeds: ${report.seeds.ranges}.`);
  return `${out.join('\n\n')}\n`;
}

/** A fenced code block whose fence is longer than any backtick run in the text. */
function fenced(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}
