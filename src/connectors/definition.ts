import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type Diagnostic, DiagnosticError } from '../diagnostics.js';
import type { ColumnSchema, KqlType, TableSchema } from '../kql/catalog.js';

/** Column types a DCR stream declaration accepts (Microsoft.Insights/dataCollectionRules, 2023-03-11). */
const DCR_TYPES: Record<string, KqlType> = {
  string: 'string',
  int: 'int',
  long: 'long',
  real: 'real',
  boolean: 'bool',
  datetime: 'datetime',
  dynamic: 'dynamic',
};

/** A connector folder: the custom table, the stream the connector sends, and the DCR transform between. */
export interface ConnectorDefinition {
  name: string;
  table: TableSchema;
  streamName: string;
  /** Stream columns in KQL types: the schema of `source` in transformKql. */
  streamColumns: ColumnSchema[];
  transformKql: string;
  outputStream: string;
  dcrFile: string;
}

/**
 * Reads `connectors/<name>/table.json` and `dcr.yaml` (or the CCF poller's own `ccf/dcr.yaml`, named
 * `<name>-ccf`); throws DiagnosticError with positions.
 */
export function loadConnectorDefinition(dir: string, dcr = 'dcr.yaml'): ConnectorDefinition {
  const tablePath = join(dir, 'table.json');
  const dcrPath = join(dir, dcr);
  const tableFile = relative(process.cwd(), tablePath) || tablePath;
  const dcrFile = relative(process.cwd(), dcrPath) || dcrPath;
  const diagnostics: Diagnostic[] = [];
  const error = (file: string, code: string, message: string, line = 1, column = 1) =>
    diagnostics.push({ code, severity: 'error', message, file, line, column });

  let table: TableSchema | undefined;
  try {
    table = JSON.parse(readFileSync(tablePath, 'utf8')) as TableSchema;
    if (typeof table?.name !== 'string' || !Array.isArray(table.columns)) {
      error(tableFile, 'CONN002', 'a table schema needs "name" and "columns"');
      table = undefined;
    }
  } catch (e) {
    error(tableFile, 'CONN001', `cannot read table schema: ${(e as Error).message}`);
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(dcrPath, 'utf8'), { lineCounter });
  const at = (node: Node | null | undefined) => lineCounter.linePos(node?.range?.[0] ?? 0);
  for (const e of doc.errors) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    error(dcrFile, 'CONN001', e.message, line, col);
  }
  const fail = () => new DiagnosticError(diagnostics);
  if (diagnostics.length > 0) throw fail();

  const declarations = doc.get('streamDeclarations', true);
  if (!isMap(declarations) || declarations.items.length !== 1) {
    const { line, col } = at(declarations as Node);
    error(dcrFile, 'CONN002', 'streamDeclarations must declare exactly one stream', line, col);
    throw fail();
  }
  const streamName = String(
    (declarations.items[0].key as { value?: unknown })?.value ?? declarations.items[0].key,
  );
  if (!streamName.startsWith('Custom-')) {
    const { line, col } = at(declarations.items[0].key as Node);
    error(dcrFile, 'CONN002', `stream '${streamName}' must be named Custom-<name>`, line, col);
  }
  const columnsNode = doc.getIn(['streamDeclarations', streamName, 'columns'], true);
  const streamColumns: ColumnSchema[] = [];
  if (!isSeq(columnsNode)) {
    error(dcrFile, 'CONN002', `stream '${streamName}' needs a columns list`);
  } else {
    for (const item of columnsNode.items) {
      const column = (item as Node).toJSON() as { name?: unknown; type?: unknown };
      const type = DCR_TYPES[String(column?.type)];
      if (typeof column?.name !== 'string' || !type) {
        const { line, col } = at(item as Node);
        error(
          dcrFile,
          'CONN002',
          `stream column needs a name and a DCR type (${Object.keys(DCR_TYPES).join(', ')})`,
          line,
          col,
        );
        continue;
      }
      streamColumns.push({ name: column.name, type });
    }
  }

  const flow = doc.getIn(['dataFlows', 0], true) as Node | undefined;
  const flowJs = (flow?.toJSON() ?? {}) as {
    streams?: unknown;
    transformKql?: unknown;
    outputStream?: unknown;
  };
  const { line: flowLine, col: flowCol } = at(flow);
  if (!Array.isArray(flowJs.streams) || !flowJs.streams.includes(streamName)) {
    error(dcrFile, 'CONN002', `dataFlows[0].streams must include '${streamName}'`, flowLine, flowCol);
  }
  if (typeof flowJs.transformKql !== 'string' || flowJs.transformKql.trim() === '') {
    error(dcrFile, 'CONN002', 'dataFlows[0] needs a transformKql', flowLine, flowCol);
  }
  const expectedOutput = table ? `Custom-${table.name}` : undefined;
  if (expectedOutput && flowJs.outputStream !== expectedOutput) {
    error(
      dcrFile,
      'CONN003',
      `dataFlows[0].outputStream must be '${expectedOutput}' to land in ${table?.name} (table.json)`,
      flowLine,
      flowCol,
    );
  }
  if (diagnostics.length > 0 || !table) throw fail();
  return {
    name: dcr === 'dcr.yaml' ? basename(dir) : `${basename(dir)}-ccf`,
    table: { ...table, file: tableFile },
    streamName,
    streamColumns,
    transformKql: flowJs.transformKql as string,
    outputStream: flowJs.outputStream as string,
    dcrFile,
  };
}
