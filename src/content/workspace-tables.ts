import { type ColumnSchema, sentinelCiType } from '../kql/catalog.js';
import { armLiteral, armResources } from './arm-template.js';
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
 * resource (Solutions/AtlassianJiraAudit/Data Connectors/…_ccpv2/JiraAudit_tables.json), a JSON array of
 * them as codeless (CCF) connectors keep them (Solutions/Cyfirma Digital Risk/Data Connectors/
 * CyfirmaDigitalRiskAlerts_ccp/CyfirmaDigitalRiskAlerts_Tables.json, seven tables in one array), or the
 * table resources of a template, also those of a deployment it nests (Solutions/Samsung Knox Asset
 * Intelligence/Data Connectors/azuredeploy_SamsungDataConnectorDefinition.json creates its six tables in
 * a nested `RestDRLATablesTemplate` deployment). These are the columns Azure creates in the workspace
 * when the Solution's data connector is deployed.
 *
 * A table's name may be a `[variables('…')]` expression (that Samsung template names its tables
 * `[variables('cust-table-audit')]`, defined in the parent template): it is resolved against the
 * variables in scope (arm-template.ts armResources: the parent's, as a nested deployment reads them by
 * default — "If not specified, default value is outer",
 * https://learn.microsoft.com/dotnet/api/microsoft.azure.management.resources.models.deploymentproperties.expressionevaluationoptions —
 * and the nested template's own). A name any other expression gives depends on the deployment: that
 * table is left out, never imported under the expression's text.
 */
export function readWorkspaceTables(
  document: unknown,
  variables: Record<string, unknown> = {},
): WorkspaceTable[] {
  if (Array.isArray(document))
    return document.flatMap((resource) => readWorkspaceTables(resource, variables));
  if (isRecord(document) && Array.isArray(document.resources))
    return [...armResources(document, variables)].flatMap((arm) => readTable(arm.resource, arm.variables));
  return readTable(document, variables);
}

function readTable(resource: unknown, variables: Record<string, unknown>): WorkspaceTable[] {
  if (!isRecord(resource) || String(resource.type).toLowerCase() !== TABLE_TYPE) return [];
  const schema = isRecord(resource.properties) ? resource.properties.schema : undefined;
  const name = isRecord(schema) ? armLiteral(schema.name, variables) : undefined;
  if (!isRecord(schema) || name === undefined || !Array.isArray(schema.columns)) return [];
  const columns: ColumnSchema[] = [];
  const notes: string[] = [];
  for (const column of schema.columns) {
    const columnName = isRecord(column) ? column.name : undefined;
    const type = isRecord(column) ? sentinelCiType(String(column.type)) : undefined;
    if (typeof columnName !== 'string' || !type) notes.push(`column ${JSON.stringify(column)} left out`);
    else if (!columns.some((c) => c.name === columnName)) columns.push({ name: columnName, type });
  }
  return [{ name, columns, notes }];
}

/** Whether an ARM resource type is a workspace table (imported as a schema, not reported). */
export function isWorkspaceTableType(type: string): boolean {
  return type.toLowerCase() === TABLE_TYPE;
}
