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

/**
 * "The size limit for the entire entities area of an alert (the Entities field) is 64 KB ... As
 * entities are identified, they are added to the alert one by one until the field size reaches
 * 64 KB, and any entities yet unidentified are dropped from the alert." (same page)
 * The size is measured on the SecurityAlert Entities JSON as Sentinel writes it
 * (`[{"$id":"2","Address":"...","Type":"ip"},...]`, security-alert-schema); Sentinel adds
 * properties of its own to some entities, so where exactly it cuts is approximated and an alert
 * that reaches the cap is marked (`entitiesTruncated`) for `test` to warn about.
 */
export const MAX_ENTITIES_BYTES = 64 * 1024;

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
 * repeated entities are kept once; the list stops where the Entities field would pass 64 KB.
 */
export function extractEntities(
  mappings: readonly EntityMapping[],
  text: CellText,
  rows: number[],
): { entities: Entity[]; truncated: boolean } {
  if (mappings.length === 0) return { entities: [], truncated: false };
  const perMapping = Math.floor(MAX_ENTITIES_PER_ALERT / mappings.length);
  const seen = new Set<string>();
  const entities: Entity[] = [];
  // '[' and ']' of the field, then each entity and the comma before all but the first.
  let bytes = 2;
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
      const size = serializedSize(entity, entities.length) + (entities.length > 0 ? 1 : 0);
      if (bytes + size > MAX_ENTITIES_BYTES) return { entities, truncated: true };
      bytes += size;
      seen.add(key);
      entities.push(entity);
      taken++;
    }
  }
  return { entities, truncated: false };
}

/** An entity in the SecurityAlert Entities form, `{"$id":"2",...identifiers,"Type":"ip"}` (security-alert-schema). */
function securityAlertEntity(entity: Entity, index: number): Record<string, string> {
  return { $id: String(index + 2), ...entity.identifiers, Type: entity.type.toLowerCase() };
}

/** The SecurityAlert Entities column of an alert: the JSON text Sentinel writes for its entities. */
export function securityAlertEntities(entities: readonly Entity[]): string {
  return JSON.stringify(entities.map(securityAlertEntity));
}

/** UTF-8 bytes of the entity in the SecurityAlert Entities form. */
function serializedSize(entity: Entity, index: number): number {
  return Buffer.byteLength(JSON.stringify(securityAlertEntity(entity, index)), 'utf8');
}
