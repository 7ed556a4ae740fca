/**
 * What `iamsim compare --out` prints on the terminal besides the file names: the runbook table
 * (the answer), and the facts a reader must not miss (instances outside the targets that the
 * change touched, API errors no later call got past), as aligned plain text.
 */

import { waiterLabel } from './format.ts';
import { incidentGuidance, incidentStrategies, incidentTable } from './incident-render.ts';
import { runbookTable, textTable } from './tables.ts';
import type { CompareReport } from './types.ts';

export function renderTerminalSummary(report: CompareReport): string {
  const out: string[] = [];
  const interval = `${Math.round(report.ci.confidence * 1000) / 10}% interval`;
  out.push(`Runbook: time after the change starts (point [${interval}]; ">" beyond the observation window)`);
  out.push(textTable(runbookTable(report)));
  if (incidentStrategies(report).length > 0) {
    out.push(
      '',
      `Incident response: exposure vs outage (point [${interval}]; see the report for the definitions)`,
    );
    out.push(textTable(incidentTable(report)), ...incidentGuidance(report));
  }
  for (const s of report.strategies) {
    const affected = s.alsoAffected.instances.length;
    if (affected > 0)
      out.push(
        `${s.strategy}: also affected ${affected} of ${s.alsoAffected.nonTargets} instances outside the targets (see the report's "Also affected")`,
      );
    const unresolved = s.apiErrorsByCode.filter((c) => c.unresolved > 0);
    if (unresolved.length > 0)
      out.push(
        `${s.strategy}: API errors that no later call of the same step got past: ${unresolved.map((c) => `${c.code} ×${c.unresolved}`).join(', ')}`,
      );
    const failing = (s.checks ?? []).filter((c) => c.runsFailed > 0);
    if (failing.length > 0)
      out.push(
        `${s.strategy}: checks failed: ${failing.map((c) => `${c.name} (${c.runsFailed} of ${c.runs} runs)`).join(', ')}`,
      );
    for (const w of s.waiters ?? [])
      out.push(
        `${s.strategy}: ${waiterLabel(w)} passed before ${w.regions.join(', ')}'s view showed the role in ${w.runsWithoutRole} of ${w.runs} runs (see the report's "Waiters")`,
      );
    if (s.judgedBy === 'permissions')
      out.push(`${s.strategy}: keeps the role, so new and old are told apart by effective permissions`);
  }
  return `${out.join('\n')}\n`;
}
