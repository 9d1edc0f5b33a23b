import type { Diagnostic } from '../diagnostics.js';
import { displayPath, isDetectionPath, parseWithSchema, readYamlSource } from '../rules/load.js';

export { isDetectionPath };

import type { FieldPath, Position, YamlSource } from '../rules/source.js';
import { type DetectionRule, detectionRuleSchema } from './model.js';

/** Where a custom detection keeps its query (Graph's queryCondition.queryText). */
export const QUERY_PATH: FieldPath = ['queryCondition', 'queryText'];

/**
 * The Azure-Sentinel repository publishes custom detections converted from its analytics rules
 * (Solutions/<name>/XDR Detections/*.yaml, `contentProvenance.conversion.tool:
 * sentinel-to-xdr-migration`) as a resource: `kind: CustomDetection`, `resourceType:
 * Microsoft.Security/detectionRules`, an `apiVersion` (2026-06-01-preview) and the rule under
 * `properties`, whose entity mappings carry fields Graph's detectionRule does not list (`id`).
 * No published page gives that resource's schema, so only the query of such a file is checked.
 */
export const PUBLISHED_QUERY_PATH: FieldPath = ['properties', ...QUERY_PATH];

/** A custom detection in the Azure-Sentinel repository's published form (see PUBLISHED_QUERY_PATH). */
export function isPublishedDetection(data: unknown): data is Record<string, unknown> {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as Record<string, unknown>).kind === 'CustomDetection' &&
    typeof (data as Record<string, unknown>).properties === 'object'
  );
}

export interface LoadedDetection {
  path: string;
  file: string;
  /** Present when every field has a valid type (unknown fields are reported and dropped). */
  rule?: DetectionRule;
  source?: YamlSource;
  diagnostics: Diagnostic[];
  /** File position of a character offset inside the query. */
  queryOffset?: (offset: number) => Position;
  /** Where the query is: QUERY_PATH, or PUBLISHED_QUERY_PATH for the Azure-Sentinel published form. */
  queryPath: FieldPath;
}

export function loadDetectionFile(path: string, file = displayPath(path)): LoadedDetection {
  const { source, diagnostics } = readYamlSource(path, file);
  if (!source) return { path, file, diagnostics, queryPath: QUERY_PATH };
  const data = source.document.toJS({ maxAliasCount: 100 }) as unknown;
  if (isPublishedDetection(data)) {
    const apiVersion = typeof data.apiVersion === 'string' ? `@${data.apiVersion}` : '';
    diagnostics.push(
      source.diagnostic(
        'SK2008',
        'warning',
        `a custom detection as the Azure-Sentinel repository publishes it (${String(data.resourceType ?? 'CustomDetection')}${apiVersion}): only its query is checked, as no published page gives that resource's schema`,
        source.keyAt(['kind']),
      ),
    );
    return {
      path,
      file,
      source,
      diagnostics,
      queryOffset: source.offsetMapper(PUBLISHED_QUERY_PATH),
      queryPath: PUBLISHED_QUERY_PATH,
    };
  }
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
    queryPath: QUERY_PATH,
  };
}
