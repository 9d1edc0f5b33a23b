import type { Diagnostic } from '../../diagnostics.js';
import type { AnalyticsRule } from '../model.js';
import type { DocumentFacts } from './facts.js';
import { maskCommentsAndStrings } from './query.js';
import type { CheckTarget } from './target.js';

/**
 * Limits of NRT rules ("Considerations"): "No more than 50 rules can be defined", and "Queries can
 * run only within a single workspace. There is no cross-workspace capability."
 * https://learn.microsoft.com/en-us/azure/sentinel/near-real-time-rules#considerations
 * (The third, "NRT rules will only work properly on log sources with an ingestion delay of less
 * than 12 hours", depends on the data, so `test` checks it on fixtures, not `validate`.)
 */
export const MAX_NRT_RULES = 50;

/** The cross-resource functions of Log Analytics queries: other workspaces, apps, resources, services. */
const CROSS_RESOURCE = /\b(workspace|app|resource|adx|arg|cluster|database)\s*\(/g;

export function checkNrtQuery({ rule, source }: CheckTarget<AnalyticsRule>): Diagnostic[] {
  if (rule.kind !== 'NRT') return [];
  const offsetOf = source.offsetMapper(['query']);
  return [...maskCommentsAndStrings(rule.query).matchAll(CROSS_RESOURCE)].map((match) =>
    source.diagnostic(
      'SK1211',
      'error',
      `NRT rules run within a single workspace; '${match[1]}()' reaches across resources (use a Scheduled rule)`,
      offsetOf?.(match.index) ?? source.valueAt(['query']),
    ),
  );
}

/** Every NRT rule past the 50th (in file order) is reported at its `kind`. */
export function checkNrtCount(documents: readonly DocumentFacts[]): Diagnostic[] {
  const nrt = documents.filter((d) => d.kind === 'analytics' && d.ruleKind === 'NRT');
  return nrt.slice(MAX_NRT_RULES).map((document) => ({
    code: 'SK1210',
    severity: 'error',
    message: `${nrt.length} NRT rules; Sentinel allows at most ${MAX_NRT_RULES} per workspace (make some Scheduled)`,
    file: document.file,
    ...document.at.kind,
  }));
}
