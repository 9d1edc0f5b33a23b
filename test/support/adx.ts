/**
 * Azure Data Explorer Query V2 response frames as documented
 * (https://learn.microsoft.com/azure/data-explorer/kusto/api/rest/response-v2): DataSetHeader, a
 * QueryProperties table, the PrimaryResult, QueryCompletionInformation, DataSetCompletion.
 */
export function queryV2Frames(
  columns: readonly [name: string, type: string][],
  rows: unknown[],
  completion: Record<string, unknown> = { HasErrors: false, Cancelled: false },
) {
  return [
    { FrameType: 'DataSetHeader', IsProgressive: false, Version: 'v2.0' },
    {
      FrameType: 'DataTable',
      TableId: 0,
      TableKind: 'QueryProperties',
      TableName: '@ExtendedProperties',
      Columns: [{ ColumnName: 'Value', ColumnType: 'dynamic' }],
      Rows: [[{ Visualization: null }]],
    },
    {
      FrameType: 'DataTable',
      TableId: 1,
      TableKind: 'PrimaryResult',
      TableName: 'PrimaryResult',
      Columns: columns.map(([ColumnName, ColumnType]) => ({ ColumnName, ColumnType })),
      Rows: rows,
    },
    {
      FrameType: 'DataTable',
      TableId: 2,
      TableKind: 'QueryCompletionInformation',
      TableName: 'QueryCompletionInformation',
      Columns: [{ ColumnName: 'Payload', ColumnType: 'string' }],
      Rows: [['{}']],
    },
    { FrameType: 'DataSetCompletion', ...completion },
  ];
}
