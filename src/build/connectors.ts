import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type TablePlan, tablePlans } from '../config.js';
import {
  type CcfDeclaration,
  ccfDcrFile,
  ccfFile,
  loadCcfDeclaration,
} from '../connectors/ccf/declaration.js';
import { analyzeTransform } from '../connectors/transform-subset.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ColumnSchema, KqlType } from '../kql/catalog.js';
import { resultSchema } from '../kql/syntax/index.js';
import { kqlTypes } from '../kql/values/types.js';
import { displayPath, issueDiagnostics, readYamlSource } from '../rules/load.js';
import type { FieldPath, YamlSource } from '../rules/source.js';
import { documentToJs } from '../yaml.js';
import { customColumnNameProblem } from './column-names.js';

/** A custom table for Microsoft.OperationalInsights/workspaces/tables. */
export interface CustomTable {
  name: string;
  properties: {
    /** `plan` of table.json (learn.microsoft.com/azure/azure-monitor/logs/logs-table-plans); default Analytics. */
    plan: TablePlan;
    schema: { name: string; description?: string; columns: { name: string; type: string }[] };
  };
}

/** What the Bicep dataCollection module needs per connector; endpoint and destination are filled there. */
export interface ConnectorDcr {
  /** Connector folder name; the DCR is named `dcr-<connector>`. */
  connector: string;
  streamDeclarations: Record<string, { columns: { name: string; type: string }[] }>;
  dataFlows: { streams: string[]; transformKql: string; outputStream: string }[];
}

export interface ConnectorsBuild {
  tables: CustomTable[];
  dcrs: ConnectorDcr[];
  /** CCF connectors (connectors/<name>/ccf/connector.yaml), each sending to one of `dcrs`. */
  ccf: CcfConnector[];
  diagnostics: Diagnostic[];
}

/**
 * What the Bicep ccfConnectors module needs per CCF connector: the dataConnectorDefinitions and
 * dataConnectors (RestApiPoller) bodies, the DCR they send to and the `{{parameters}}` to fill.
 */
export interface CcfConnector {
  connector: string;
  /** `connector` of the entry in `dcrs` the poller sends to. */
  dcr: string;
  parameters: CcfDeclaration['parameters'];
  definition: {
    name: string;
    kind: 'Customizable';
    properties: { connectorUiConfig: Record<string, unknown> };
  };
  /** The poller's properties; dcrConfig's endpoint and DCR immutable id are added by the module. */
  poller: { name: string; kind: 'RestApiPoller'; properties: Record<string, unknown> };
}

// Column types each API accepts (Tables: "Microsoft.OperationalInsights workspaces/tables" Column.type;
// DCR: "Structure of a data collection rule", streamDeclarations column types).
const tableColumnType: Partial<Record<KqlType, string>> = {
  bool: 'boolean',
  int: 'int',
  long: 'long',
  real: 'real',
  string: 'string',
  datetime: 'dateTime',
  guid: 'guid',
  dynamic: 'dynamic',
};
const streamColumnType: Partial<Record<KqlType, string>> = {
  bool: 'boolean',
  int: 'int',
  long: 'long',
  real: 'real',
  string: 'string',
  datetime: 'datetime',
  dynamic: 'dynamic',
};
/** dcr.yaml may use DCR spellings (`boolean`) as well as KQL ones (`bool`). */
const streamTypeAliases: Record<string, KqlType> = {
  boolean: 'bool',
  datetime: 'datetime',
  datetimeoffset: 'datetime',
};

const columnList = z
  .array(z.object({ name: z.string().min(1), type: z.string().min(1) }).passthrough())
  .min(1);
const flowSchema = z.object({
  streams: z.array(z.string()).min(1),
  transformKql: z.string().min(1),
  outputStream: z.string().min(1),
});
const dcrFileSchema = z
  .object({
    name: z.string().optional(),
    tableName: z.string().optional(),
    streamDeclarations: z.record(
      z.string().regex(/^Custom-/, 'stream names start with Custom-'),
      z.object({ columns: columnList }),
    ),
    transformKql: z.string().min(1).optional(),
    outputStream: z.string().optional(),
    dataFlows: z.array(flowSchema).min(1).optional(),
  })
  .passthrough()
  .refine((d) => d.dataFlows !== undefined || d.transformKql !== undefined, {
    message: 'give transformKql (and outputStream) or dataFlows',
  });

function findConnectorDirs(root: string): string[] {
  const dir = join(root, 'connectors');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'table.json')))
    .map((entry) => entry.name)
    .sort();
}

export function buildConnectors(root: string): ConnectorsBuild {
  const result: ConnectorsBuild = { tables: [], dcrs: [], ccf: [], diagnostics: [] };
  for (const connector of findConnectorDirs(root)) {
    const dir = join(root, 'connectors', connector);
    const errorsBefore = result.diagnostics.length;
    const table = buildTable(
      join(dir, 'table.json'),
      displayPath(join(dir, 'table.json'), root),
      result.diagnostics,
    );
    // A broken table.json would make every transform check against it misleading.
    if (!table || result.diagnostics.length > errorsBefore) continue;
    result.tables.push(table.resource);
    const dcrPath = join(dir, 'dcr.yaml');
    if (existsSync(dcrPath)) {
      const dcr = buildDcr(
        connector,
        dcrPath,
        displayPath(dcrPath, root),
        table.columns,
        table.resource.name,
        result.diagnostics,
      );
      if (dcr) result.dcrs.push(dcr);
    }
    if (existsSync(join(dir, ccfFile))) buildCcf(root, connector, table, result);
  }
  return result;
}

/** A CCF connector's resources, and its own DCR when it has ccf/dcr.yaml. */
function buildCcf(
  root: string,
  connector: string,
  table: { resource: CustomTable; columns: ColumnSchema[] },
  result: ConnectorsBuild,
): void {
  const dir = join(root, 'connectors', connector);
  let ownDcr: ConnectorDcr | undefined;
  if (existsSync(join(dir, ccfDcrFile))) {
    const path = join(dir, ccfDcrFile);
    ownDcr = buildDcr(
      `${connector}-ccf`,
      path,
      displayPath(path, root),
      table.columns,
      table.resource.name,
      result.diagnostics,
    );
    if (ownDcr) result.dcrs.push(ownDcr);
  }
  const folderDcr = result.dcrs.find((d) => d.connector === connector);
  const { declaration, diagnostics } = loadCcfDeclaration(
    dir,
    connector,
    displayPath(join(dir, ccfFile), root),
    (file) => Object.keys((file === 'dcr.yaml' ? folderDcr : ownDcr)?.streamDeclarations ?? {}),
  );
  result.diagnostics.push(...diagnostics);
  if (!declaration) return;
  result.ccf.push({
    connector,
    dcr: declaration.dcrFile === 'dcr.yaml' ? connector : `${connector}-ccf`,
    parameters: declaration.parameters,
    definition: {
      name: declaration.id,
      kind: 'Customizable',
      properties: { connectorUiConfig: declaration.connectorUiConfig },
    },
    poller: {
      name: `${declaration.id}Poller`,
      kind: 'RestApiPoller',
      properties: {
        ...declaration.poller,
        connectorDefinitionName: declaration.id,
        dataType: table.resource.name,
      },
    },
  });
}

function buildTable(
  path: string,
  file: string,
  diagnostics: Diagnostic[],
): { resource: CustomTable; columns: ColumnSchema[] } | undefined {
  // JSON is YAML, and the YAML reader knows where every value is.
  const { source, diagnostics: readErrors } = readYamlSource(path, file);
  diagnostics.push(...readErrors);
  if (!source) return undefined;
  const doc = documentToJs(source.document) as {
    name?: unknown;
    description?: unknown;
    columns?: unknown;
    plan?: unknown;
  };
  if (typeof doc.name !== 'string' || !Array.isArray(doc.columns)) {
    diagnostics.push(at(source, [], 'SK0601', 'table.json needs "name" and "columns"'));
    return undefined;
  }
  if (!doc.name.endsWith('_CL')) {
    diagnostics.push(
      at(
        source,
        ['name'],
        'SK0602',
        `custom table '${doc.name}' must end in _CL (Log Analytics naming rule)`,
      ),
    );
  }
  const columns: ColumnSchema[] = [];
  const armColumns: { name: string; type: string }[] = [];
  doc.columns.forEach((column: { name?: unknown; type?: unknown }, index: number) => {
    const type = column?.type as KqlType;
    const armType = tableColumnType[type];
    if (typeof column?.name !== 'string' || !armType) {
      diagnostics.push(
        at(
          source,
          ['columns', index, 'type'],
          'SK0603',
          `column type '${String(column?.type)}' cannot be used in a custom table (use ${Object.keys(tableColumnType).join(', ')})`,
        ),
      );
      return;
    }
    const nameProblem = customColumnNameProblem(column.name);
    if (nameProblem) diagnostics.push(at(source, ['columns', index, 'name'], 'SK0606', nameProblem));
    columns.push({ name: column.name, type });
    armColumns.push({ name: column.name, type: armType });
  });
  const plan = doc.plan ?? 'Analytics';
  if (!tablePlans.includes(plan as TablePlan)) {
    diagnostics.push(
      at(source, ['plan'], 'SK0605', `plan '${String(plan)}' must be one of ${tablePlans.join(', ')}`),
    );
  }
  if (!columns.some((c) => c.name === 'TimeGenerated' && c.type === 'datetime')) {
    diagnostics.push(
      at(source, ['columns'], 'SK0604', `table '${doc.name}' needs a TimeGenerated column of type datetime`),
    );
  }
  return {
    columns,
    resource: {
      name: doc.name,
      properties: {
        plan: plan as TablePlan,
        schema: {
          name: doc.name,
          description: typeof doc.description === 'string' ? doc.description : undefined,
          columns: armColumns,
        },
      },
    },
  };
}

function buildDcr(
  connector: string,
  path: string,
  file: string,
  tableColumns: ColumnSchema[],
  tableName: string,
  diagnostics: Diagnostic[],
): ConnectorDcr | undefined {
  const { source, diagnostics: readErrors } = readYamlSource(path, file);
  diagnostics.push(...readErrors);
  if (!source) return undefined;
  const parsed = dcrFileSchema.safeParse(documentToJs(source.document));
  if (!parsed.success) {
    diagnostics.push(...issueDiagnostics(parsed.error.issues, source, 'SK0611'));
    return undefined;
  }
  const dcr = parsed.data;
  const streamNames = Object.keys(dcr.streamDeclarations);
  const flows = dcr.dataFlows
    ? dcr.dataFlows.map((flow, index) => ({ flow, path: ['dataFlows', index] as FieldPath }))
    : [
        {
          flow: {
            streams: [streamNames[0]],
            transformKql: dcr.transformKql!,
            outputStream: dcr.outputStream ?? `Custom-${dcr.tableName ?? tableName}`,
          },
          path: [] as FieldPath,
        },
      ];

  const streamDeclarations: ConnectorDcr['streamDeclarations'] = {};
  const streamSchemas = new Map<string, ColumnSchema[]>();
  for (const stream of streamNames) {
    const columns: ColumnSchema[] = [];
    const armColumns: { name: string; type: string }[] = [];
    dcr.streamDeclarations[stream].columns.forEach((column, index) => {
      const type = (streamTypeAliases[column.type.toLowerCase()] ?? column.type) as KqlType;
      const armType = kqlTypes.includes(type) ? streamColumnType[type] : undefined;
      if (!armType) {
        diagnostics.push(
          at(
            source,
            ['streamDeclarations', stream, 'columns', index, 'type'],
            'SK0612',
            `stream column type '${column.type}' is not one of ${Object.values(streamColumnType).join(', ')}`,
          ),
        );
        return;
      }
      columns.push({ name: column.name, type });
      armColumns.push({ name: column.name, type: armType });
    });
    streamDeclarations[stream] = { columns: armColumns };
    streamSchemas.set(stream, columns);
  }

  const dataFlows: ConnectorDcr['dataFlows'] = [];
  for (const { flow, path } of flows) {
    const expected = `Custom-${tableName}`;
    if (flow.outputStream !== expected) {
      diagnostics.push(
        at(
          source,
          [...path, 'outputStream'],
          'SK0613',
          `outputStream '${flow.outputStream}' should be '${expected}' (the table in table.json)`,
        ),
      );
    }
    for (const stream of flow.streams) {
      const input = streamSchemas.get(stream);
      if (!input) {
        diagnostics.push(
          at(
            source,
            [...path, 'streams'],
            'SK0614',
            `stream '${stream}' is not declared in streamDeclarations`,
          ),
        );
        continue;
      }
      diagnostics.push(
        ...checkTransform(flow.transformKql, input, tableColumns, tableName, source, [
          ...path,
          'transformKql',
        ]),
      );
    }
    dataFlows.push({
      streams: flow.streams,
      transformKql: flow.transformKql,
      outputStream: flow.outputStream,
    });
  }
  return { connector, streamDeclarations, dataFlows };
}

/**
 * A DCR transform runs over a table named `source` holding the stream's columns, uses only the KQL
 * a transformation supports, and its output must fit the destination table (docs: "Data collection
 * transformations in Azure Monitor").
 */
function checkTransform(
  transformKql: string,
  input: ColumnSchema[],
  tableColumns: ColumnSchema[],
  tableName: string,
  source: YamlSource,
  path: FieldPath,
): Diagnostic[] {
  const found: Diagnostic[] = [];
  const { code, diagnostics } = analyzeTransform(transformKql, input);
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    const where = source.offsetMapper(path)?.(d.start) ?? source.valueAt(path);
    found.push(source.diagnostic(d.code, 'error', `transformKql: ${d.message}`, where));
  }
  if (found.length > 0) return found;
  const start = source.offsetMapper(path)?.(0) ?? source.valueAt(path);
  const error = (code: string, message: string) => source.diagnostic(code, 'error', message, start);
  const output = resultSchema(code) ?? [];
  const table = new Map(tableColumns.map((c) => [c.name, c.type]));
  for (const column of output) {
    const type = table.get(column.name);
    if (type === undefined) {
      found.push(
        error(
          'SK0615',
          `transformKql outputs column '${column.name}' which table ${tableName} does not have`,
        ),
      );
    } else if (!compatible(column.type, type)) {
      found.push(
        error(
          'SK0616',
          `transformKql outputs '${column.name}' as ${column.type} but table ${tableName} declares ${type}`,
        ),
      );
    }
  }
  if (!output.some((c) => c.name === 'TimeGenerated')) {
    found.push(error('SK0617', 'transformKql must output a TimeGenerated column'));
  }
  return found;
}

/** Ingestion converts between these, so a transform need not cast (int into long, string into guid). */
function compatible(output: KqlType, column: KqlType): boolean {
  const integral = (t: KqlType) => t === 'int' || t === 'long';
  return (
    output === column ||
    output === 'dynamic' ||
    column === 'dynamic' ||
    (integral(output) && integral(column)) ||
    (output === 'string' && column === 'guid')
  );
}

function at(source: YamlSource, path: FieldPath, code: string, message: string): Diagnostic {
  return source.diagnostic(code, 'error', message, source.valueAt(path));
}
