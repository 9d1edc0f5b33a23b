import type { EntityMapping } from '../model.js';
import type { CellText } from './cells.js';

/** An alert entity: its Sentinel type (Account, IP, Host, ...) and the identifiers that had values. */
export interface Entity {
  type: string;
  identifiers: Record<string, string>;
}

/**
 * "Up to 500 entities collectively can be identified in a single alert, divided equally across
 * all entity mappings defined in the rule"; excess items are not extracted.
 * https://learn.microsoft.com/en-us/azure/sentinel/map-data-fields-to-entities
 */
export const MAX_ENTITIES_PER_ALERT = 500;

/** Canonical text of an entity, used for de-duplication and for incident grouping keys. */
export function entityKey(entity: Entity): string {
  const ids = Object.keys(entity.identifiers)
    .sort()
    .map((id) => `${id}=${entity.identifiers[id]}`);
  return `${entity.type}(${ids.join(',')})`;
}

/**
 * The entities of the given result rows, mapping by mapping and row by row. Identifiers whose
 * column is empty (null or '') are left out, an entity with no identifier left is dropped, and
 * repeated entities are kept once.
 */
export function extractEntities(
  mappings: readonly EntityMapping[],
  text: CellText,
  rows: number[],
): Entity[] {
  if (mappings.length === 0) return [];
  const perMapping = Math.floor(MAX_ENTITIES_PER_ALERT / mappings.length);
  const seen = new Set<string>();
  const entities: Entity[] = [];
  for (const mapping of mappings) {
    let taken = 0;
    for (const row of rows) {
      if (taken >= perMapping) break;
      const identifiers: Record<string, string> = {};
      for (const field of mapping.fieldMappings) {
        const value = text(field.columnName, row);
        if (value) identifiers[field.identifier] = value;
      }
      if (Object.keys(identifiers).length === 0) continue;
      const entity = { type: mapping.entityType, identifiers };
      const key = entityKey(entity);
      if (seen.has(key)) continue;
      seen.add(key);
      entities.push(entity);
      taken++;
    }
  }
  return entities;
}
