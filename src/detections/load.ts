import type { Diagnostic } from '../diagnostics.js';
import { displayPath, isDetectionPath, parseWithSchema, readYamlSource } from '../rules/load.js';

export { isDetectionPath };

import type { FieldPath, Position, YamlSource } from '../rules/source.js';
import { type DetectionRule, detectionRuleSchema } from './model.js';

/** Where a custom detection keeps its query (Graph's queryCondition.queryText). */
export const QUERY_PATH: FieldPath = ['queryCondition', 'queryText'];

export interface LoadedDetection {
  path: string;
  file: string;
  /** Present when every field has a valid type (unknown fields are reported and dropped). */
  rule?: DetectionRule;
  source?: YamlSource;
  diagnostics: Diagnostic[];
  /** File position of a character offset inside the query. */
  queryOffset?: (offset: number) => Position;
}

export function loadDetectionFile(path: string, file = displayPath(path)): LoadedDetection {
  const { source, diagnostics } = readYamlSource(path, file);
  if (!source) return { path, file, diagnostics };
  const data = source.document.toJS({ maxAliasCount: 100 }) as unknown;
  const parsed = parseWithSchema(detectionRuleSchema, data, source);
  // detectionRule is not an open type ("openType": false in its resource page), so Graph refuses a
  // property it does not know; unlike analytics rules, an unknown field is an error here.
  diagnostics.push(
    ...parsed.diagnostics.map((d) =>
      d.code === 'SK1012'
        ? {
            ...d,
            severity: 'error' as const,
            message: d.message.replace(' (ignored)', ' (Graph refuses it)'),
          }
        : d,
    ),
  );
  return {
    path,
    file,
    rule: parsed.value,
    source,
    diagnostics,
    queryOffset: source.offsetMapper(QUERY_PATH),
  };
}
