import type { Diagnostic } from '../../diagnostics.js';
import { entityTypes } from '../entity-types.js';
import { didYouMean } from '../suggest.js';
import { type CheckTarget, missingColumnMessage } from './target.js';

// "Map data fields to entities in Microsoft Sentinel": up to ten entities per rule, up to three
// identifiers per entity.
const MAX_ENTITY_MAPPINGS = 10;
const MAX_IDENTIFIERS = 3;

/** Entity types, identifiers, the documented limits, and mapped columns that exist in the result. */
export function checkEntityMappings({ rule, source, columns }: CheckTarget): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const mappings = rule.entityMappings ?? [];
  const report = (code: string, severity: 'error' | 'warning', message: string, path: (string | number)[]) =>
    diagnostics.push(source.diagnostic(code, severity, message, source.valueAt(path)));

  if (mappings.length > MAX_ENTITY_MAPPINGS) {
    report(
      'SK1301',
      'error',
      `${mappings.length} entity mappings; Sentinel allows at most ${MAX_ENTITY_MAPPINGS} per rule`,
      ['entityMappings', MAX_ENTITY_MAPPINGS],
    );
  }
  mappings.forEach((mapping, m) => {
    const at = ['entityMappings', m];
    const spec = entityTypes[mapping.entityType];
    if (!spec) {
      report(
        'SK1302',
        'error',
        `unknown entity type '${mapping.entityType}'${didYouMean(mapping.entityType, Object.keys(entityTypes))}`,
        [...at, 'entityType'],
      );
    }
    if (mapping.fieldMappings.length > MAX_IDENTIFIERS) {
      report(
        'SK1304',
        'error',
        `${mapping.fieldMappings.length} identifiers for one ${mapping.entityType}; Sentinel allows at most ${MAX_IDENTIFIERS}`,
        [...at, 'fieldMappings', MAX_IDENTIFIERS],
      );
    }
    const seen = new Set<string>();
    mapping.fieldMappings.forEach((field, f) => {
      const fieldAt = [...at, 'fieldMappings', f];
      if (spec && !spec.identifiers.includes(field.identifier)) {
        report(
          'SK1303',
          'error',
          `'${field.identifier}' is not an identifier of ${mapping.entityType}${didYouMean(field.identifier, spec.identifiers)} ` +
            `(valid: ${spec.identifiers.join(', ')})`,
          [...fieldAt, 'identifier'],
        );
      }
      if (seen.has(field.identifier)) {
        report('SK1307', 'error', `identifier '${field.identifier}' is mapped twice in this entity`, [
          ...fieldAt,
          'identifier',
        ]);
      }
      seen.add(field.identifier);
      if (columns && !columns.has(field.columnName)) {
        report('SK1305', 'error', missingColumnMessage('mapped column', field.columnName, columns), [
          ...fieldAt,
          'columnName',
        ]);
      }
    });
    if (spec && !spec.required.some((set) => set.every((identifier) => seen.has(identifier)))) {
      report(
        'SK1306',
        'warning',
        `a ${mapping.entityType} entity needs one of: ${spec.required.map((set) => set.join(' + ')).join(', ')} ` +
          '(Sentinel requires at least one)',
        [...at, 'entityType'],
      );
    }
  });
  return diagnostics;
}
