import { type ColumnSchema, sentinelCiType } from '../kql/catalog.js';
import { isRecord } from './azure-sentinel-parser.js';

const TABLE_TYPE = 'microsoft.operationalinsights/workspaces/tables';

/** A table a Solution defines for the workspace, and what of its definition was left out. */
export interface WorkspaceTable {
  name: string;
  columns: ColumnSchema[];
  notes: string[];
}

/**
 * The workspace tables a JSON document defines: a `Microsoft.OperationalInsights/workspaces/tables`
 * resource (Solutions/AtlassianJiraAudit/Data Connectors/…_ccpv2/JiraAudit_tables.json), or the table
 * resources of a template. These are the columns Azure creates in the workspace when the Solution's
 * data connector is deployed.
 */
export function readWorkspaceTables(document: unknown): WorkspaceTable[] {
  const resources = isRecord(document) && Array.isArray(document.resources) ? document.resources : [document];
  return resources.flatMap((resource) => {
    if (!isRecord(resource) || String(resource.type).toLowerCase() !== TABLE_TYPE) return [];
    const schema = isRecord(resource.properties) ? resource.properties.schema : undefined;
    if (!isRecord(schema) || typeof schema.name !== 'string' || !Array.isArray(schema.columns)) return [];
    const columns: ColumnSchema[] = [];
    const notes: string[] = [];
    for (const column of schema.columns) {
      const name = isRecord(column) ? column.name : undefined;
      const type = isRecord(column) ? sentinelCiType(String(column.type)) : undefined;
      if (typeof name !== 'string' || !type) notes.push(`column ${JSON.stringify(column)} left out`);
      else if (!columns.some((c) => c.name === name)) columns.push({ name, type });
    }
    return [{ name: schema.name, columns, notes }];
  });
}

/** Whether an ARM resource type is a workspace table (imported as a schema, not reported). */
export function isWorkspaceTableType(type: string): boolean {
  return type.toLowerCase() === TABLE_TYPE;
}
