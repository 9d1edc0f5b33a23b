import type { Diagnostic } from '../../diagnostics.js';
import type { DocumentFacts } from './facts.js';

/**
 * Rule ids are GUIDs that become ARM resource names, so two files sharing one would overwrite each
 * other on deployment; names must be unique within a workspace. Each copy is reported with the
 * location of the others.
 */
export function checkUniqueIds(documents: readonly DocumentFacts[]): Diagnostic[] {
  return [
    ...duplicates(documents, 'id', 'SK1601', 'error', (id) => id.toLowerCase()),
    ...duplicates(documents, 'name', 'SK1602', 'warning', (name) => name),
  ];
}

function duplicates(
  documents: readonly DocumentFacts[],
  field: 'id' | 'name',
  code: string,
  severity: 'error' | 'warning',
  key: (value: string) => string,
): Diagnostic[] {
  const groups = new Map<string, { document: DocumentFacts; where: string }[]>();
  for (const document of documents) {
    const value = document[field];
    if (value === undefined) continue;
    const position = document.at[field];
    const groupKey = `${document.kind}:${key(value)}`;
    const group = groups.get(groupKey) ?? [];
    group.push({ document, where: `${document.file}:${position.line}:${position.column}` });
    groups.set(groupKey, group);
  }
  const diagnostics: Diagnostic[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const { document, where } of group) {
      const others = group.filter((entry) => entry.where !== where).map((entry) => entry.where);
      diagnostics.push({
        code,
        severity,
        message: `${field} '${document[field]}' is also used by ${others.join(', ')}`,
        file: document.file,
        ...document.at[field],
      });
    }
  }
  return diagnostics;
}
