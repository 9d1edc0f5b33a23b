import type { Diagnostic } from '../diagnostics.js';
import { displayPath, isSummaryPath, parseWithSchema, readYamlSource } from '../rules/load.js';
import type { FieldPath, YamlSource } from '../rules/source.js';
import { type SummaryRule, summaryRuleSchema } from './model.js';

export { isSummaryPath };

/** Where a summary rule keeps its query. */
export const QUERY_PATH: FieldPath = ['ruleDefinition', 'query'];

export interface LoadedSummaryRule {
  path: string;
  file: string;
  /** Present when every field has a valid type. */
  rule?: SummaryRule;
  source?: YamlSource;
  diagnostics: Diagnostic[];
}

export function loadSummaryFile(path: string, file = displayPath(path)): LoadedSummaryRule {
  const { source, diagnostics } = readYamlSource(path, file);
  if (!source) return { path, file, diagnostics };
  const parsed = parseWithSchema(summaryRuleSchema, source.document.toJS({ maxAliasCount: 100 }), source);
  // The ARM resource's properties are not an open type: an unknown field would not deploy as written.
  diagnostics.push(
    ...parsed.diagnostics.map((d) =>
      d.code === 'SK1012'
        ? { ...d, severity: 'error' as const, message: d.message.replace(' (ignored)', ' (ARM refuses it)') }
        : d,
    ),
  );
  return { path, file, rule: parsed.value, source, diagnostics };
}
