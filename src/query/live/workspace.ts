import type { TokenCredential } from '@azure/core-auth';
import { isRestError } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import {
  LogsQueryClient,
  type LogsQueryResult,
  LogsQueryResultStatus,
  type LogsTable,
} from '@azure/monitor-query-logs';
import type { Table } from '../../kql/index.js';
import { coerce, type KqlType, kqlTypes, ticksToDate } from '../../kql/values/index.js';

export type LiveErrorKind = 'auth' | 'forbidden' | 'throttled' | 'partial' | 'query' | 'network';

/** A failed live query, with a kind callers can act on and a message that says what to do. */
export class LiveQueryError extends Error {
  constructor(
    readonly kind: LiveErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LiveQueryError';
  }
}

export interface LiveWorkspaceOptions {
  /** Defaults to DefaultAzureCredential (environment, managed identity, Azure CLI, ...). */
  credential?: TokenCredential;
  /** Logs Query endpoint; default https://api.loganalytics.io/v1 (public cloud). */
  endpoint?: string;
  /** Retries on 429/5xx, honouring Retry-After (the SDK's throttling policy); default 3. */
  maxRetries?: number;
}

/**
 * A Log Analytics workspace queried through the Logs Query API
 * (POST {endpoint}/workspaces/{id}/query with {query, timespan}).
 * https://learn.microsoft.com/en-us/azure/azure-monitor/logs/api/request-format
 */
export class LiveWorkspace {
  private readonly client: LogsQueryClient;

  constructor(
    readonly workspaceId: string,
    options: LiveWorkspaceOptions = {},
  ) {
    this.client = new LogsQueryClient(options.credential ?? new DefaultAzureCredential(), {
      endpoint: options.endpoint,
      retryOptions: { maxRetries: options.maxRetries ?? 3 },
    });
  }

  /** Runs `query` over [start, end) and returns its first result table in engine form. */
  async query(query: string, start: bigint, end: bigint): Promise<Table> {
    let result: LogsQueryResult;
    try {
      result = await this.client.queryWorkspace(this.workspaceId, query, {
        startTime: ticksToDate(start),
        endTime: ticksToDate(end),
      });
    } catch (error) {
      throw toLiveError(error, this.workspaceId);
    }
    if (result.status === LogsQueryResultStatus.PartialFailure) {
      // Partial results may silently miss rows; a test that passed on them would prove nothing.
      const { code, message } = result.partialError;
      throw new LiveQueryError('partial', `the workspace returned partial results (${code}): ${message}`);
    }
    const [table] = result.tables;
    return table ? toEngineTable(table) : { columns: [], rows: [] };
  }
}

/** Result table to engine values. The SDK gives datetimes as JS Dates, so sub-millisecond digits are lost. */
export function toEngineTable(table: LogsTable): Table {
  const columns = table.columnDescriptors.map((c) => ({
    name: c.name ?? '',
    type: (kqlTypes.includes(c.type as KqlType) ? c.type : 'dynamic') as KqlType,
  }));
  return {
    columns,
    rows: table.rows.map((row) => row.map((cell, i) => coerce(cell, columns[i].type))),
  };
}

function toLiveError(error: unknown, workspaceId: string): LiveQueryError {
  const name = (error as { name?: string })?.name ?? '';
  const message = (error as Error)?.message ?? String(error);
  if (
    name === 'CredentialUnavailableError' ||
    name === 'AuthenticationError' ||
    name === 'AggregateAuthenticationError'
  ) {
    return new LiveQueryError(
      'auth',
      `could not get an Azure token (${firstLine(message)}); sign in with 'az login' or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET`,
    );
  }
  if (!isRestError(error))
    return new LiveQueryError('network', `cannot reach the Logs Query API: ${firstLine(message)}`);
  const status = error.statusCode;
  const detail = firstLine(message);
  switch (status) {
    case 401:
      return new LiveQueryError('auth', `the Logs Query API rejected the token (401): ${detail}`, status);
    case 403:
      return new LiveQueryError(
        'forbidden',
        `no read access to workspace ${workspaceId} (403): grant 'Log Analytics Reader' to the signed-in identity. ${detail}`,
        status,
      );
    case 429:
      return new LiveQueryError(
        'throttled',
        `throttled by the Logs Query API (429) after retries; try again later. ${detail}`,
        status,
      );
    default:
      if (status !== undefined && status >= 400 && status < 500) {
        return new LiveQueryError('query', `the workspace rejected the query (${status}): ${detail}`, status);
      }
      return new LiveQueryError(
        'network',
        `Logs Query API error${status ? ` (${status})` : ''}: ${detail}`,
        status,
      );
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
