import type { LoadedQueryDocument } from '../load.js';
import type { QueryDocumentKind } from '../model.js';
import type { Position } from '../source.js';

/**
 * What the checks across files (unique ids and names, version bumps) need of a loaded rule: plain
 * data, so files checked on worker threads report them without their YAML trees.
 */
export interface DocumentFacts {
  path: string;
  file: string;
  kind: QueryDocumentKind;
  id?: string;
  name?: string;
  version?: string;
  query?: string;
  /** Scheduled or NRT, for analytics rules. */
  ruleKind?: string;
  at: Record<'id' | 'name' | 'version' | 'query' | 'kind', Position>;
}

/** The facts of a document that loaded with every field valid; undefined otherwise. */
export function factsOf(document: LoadedQueryDocument): DocumentFacts | undefined {
  const { rule, source } = document;
  if (!rule || !source) return undefined;
  return {
    path: document.path,
    file: document.file,
    kind: document.kind,
    id: rule.id,
    name: rule.name,
    version: rule.version,
    query: rule.query,
    ruleKind: 'kind' in rule ? String(rule.kind) : undefined,
    at: {
      id: source.valueAt(['id']),
      name: source.valueAt(['name']),
      version: source.valueAt(['version']),
      query: source.valueAt(['query']),
      kind: source.valueAt(['kind']),
    },
  };
}
