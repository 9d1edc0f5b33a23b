import type { TokenCredential } from '@azure/core-auth';
import { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { audienceOf, DownstreamError, type RetryOptions } from '../sentinel/rest.js';

export type LogsRow = Record<string, unknown>;

/** What responders need from Log Analytics; the local SOC can answer it from its embedded workspace. */
export interface LogsQuery {
  /** Rows of the query's first table. `timespan` is an ISO 8601 duration (e.g. P1D). */
  query(workspaceId: string, kql: string, timespan: string): Promise<LogsRow[]>;
}

export interface LogsQueryOptions {
  /** Query API root including the version, e.g. https://api.loganalytics.io/v1 (the SDK default). */
  endpoint?: string;
  credential: TokenCredential;
  retry?: RetryOptions;
}

/**
 * Logs Query over `@azure/monitor-query-logs` (POST {endpoint}/workspaces/{id}/query). The SDK uses the
 * `endpoint` option verbatim as the base URL, so a custom endpoint must include `/v1`.
 */
export function createLogsQuery(options: LogsQueryOptions): LogsQuery {
  // The SDK asks for https://api.loganalytics.io/.default whatever the endpoint: a sovereign cloud's
  // endpoint needs its own audience (KnownMonitorLogsQueryAudience: api.loganalytics.us, .azure.cn).
  const audience = audienceOf(options.endpoint, 'https://api.loganalytics.io');
  const client = new LogsQueryClient(options.credential, {
    endpoint: options.endpoint,
    retryOptions: options.retry,
    credentials: { scopes: [`${audience}/.default`] },
  });
  return {
    async query(workspaceId, kql, timespan) {
      let result: Awaited<ReturnType<LogsQueryClient['queryWorkspace']>>;
      try {
        result = await client.queryWorkspace(workspaceId, kql, { duration: timespan });
      } catch (error) {
        const e = error as { statusCode?: number; code?: string };
        throw new DownstreamError('LogsQuery', e.statusCode, typeof e.code === 'string' ? e.code : undefined);
      }
      // A partial result silently drops rows; for enrichment that would read as "no sign-ins", so refuse it.
      if (result.status !== LogsQueryResultStatus.Success) {
        throw new DownstreamError('LogsQuery', 200, result.partialError.code);
      }
      const table = result.tables[0];
      if (!table) return [];
      return table.rows.map((row) =>
        Object.fromEntries(table.columnDescriptors.map((column, i) => [column.name ?? `Column${i}`, row[i]])),
      );
    },
  };
}
