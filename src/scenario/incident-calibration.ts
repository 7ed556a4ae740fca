/**
 * Default delays of an incident, with where each comes from (tags as in src/calibration.ts).
 * Kept apart from the change calibration: these delays exist only in scenarios with incidents,
 * so the change reports' calibration tables stay as they are.
 */
import type { CalibrationEntry } from '../calibration.ts';
import { makeDistribution } from '../engine/index.ts';
import type { IncidentSection } from './incident.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

export const incidentDefaults = {
  cloudTrail: {
    // A lognormal with median 4 min and p99 15 min has a mean of ~4.7 min.
    spec: { kind: 'lognormal', medianMs: 4 * M, p99Ms: 15 * M, maxMs: 30 * M },
    source:
      '[DOC] CloudTrail delivers events "within an average of about 5 minutes of an API call" (not guaranteed): ' +
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html',
  },
  delay: {
    spec: { kind: 'lognormal', medianMs: 10 * M, p99Ms: 60 * M, maxMs: 4 * H },
    source:
      '[INF] detection (GuardDuty UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS / .InsideAWS, ' +
      'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html), triage and paging: ' +
      'set it from your own time-to-detect and time-to-notify (aws-samples/aws-incident-response-playbooks)',
  },
  scpPropagation: {
    spec: { kind: 'lognormal', medianMs: 5 * S, p99Ms: 2 * M, maxMs: 5 * M },
    source:
      '[INF] Organizations SCP attach -> enforcement: no published number; modelled like an IAM policy edit ' +
      '("a few minutes", IAM UG), on its own propagation path',
  },
} as const satisfies Record<string, CalibrationEntry>;

/** Role chaining caps a chained session at one hour. [DOC] IAM UG, id_roles_terms-and-concepts (role chaining). */
export const CHAINED_SESSION_MAX_MS = H;
/** The counter-move's poll interval when the scenario gives none (the public tool polls every 0.5 s). [OBS] */
export const COUNTER_MOVE_POLL_DEFAULT_MS = 500;
/** How long an attacker keeps polling for a deny before giving up. A bound, not a claim. [INF] */
export const COUNTER_MOVE_GIVE_UP_MS = 2 * H;

/** The incident's delays as rows of a report's parameter table (key, description, source). */
export function incidentCalibrationRows(
  section: IncidentSection | undefined,
): { key: string; description: string; source: string }[] {
  if (section === undefined) return [];
  return (['cloudTrail', 'delay', 'scpPropagation'] as const).map((key) => {
    const spec = section.detection[key];
    const fallback = incidentDefaults[key];
    const same = JSON.stringify(spec) === JSON.stringify(fallback.spec);
    return {
      key: `detection.${key}`,
      description: makeDistribution(spec).describe(),
      source: same
        ? fallback.source
        : `[SCENARIO] set in the scenario's detection section (default: ${fallback.source})`,
    };
  });
}
