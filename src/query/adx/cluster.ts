import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import type { Table } from '../../kql/index.js';
import { coerce, type KqlType, kqlTypes } from '../../kql/values/index.js';
import { LiveQueryError } from '../live/workspace.js';

export interface AdxClusterOptions {
  /** Defaults to DefaultAzureCredential (environment, managed identity, Azure CLI, ...). */
  credential?: TokenCredential;
  /** Retries on 429/5xx, honouring Retry-After (core-rest-pipeline's retry policy); default 3. */
  maxRetries?: number;
}

/** One frame of a Query V2 response that we read; other frames (progressive, completion info) are skipped. */
interface Frame {
  FrameType?: string;
  TableKind?: string;
  Columns?: { ColumnName: string; ColumnType: string }[];
  Rows?: unknown[];
  HasErrors?: boolean;
  Cancelled?: boolean;
  OneApiErrors?: unknown[];
}

/**
 * An Azure Data Explorer database queried through the Query V2 REST API:
 * POST {cluster}/v2/rest/query with {db, csl, properties}, a bearer token for the cluster URL.
 * https://learn.microsoft.com/azure/data-explorer/kusto/api/rest/request
 * https://learn.microsoft.com/azure/data-explorer/kusto/api/rest/response-v2
 */
export class AdxCluster {
  readonly cluster: string;
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient = createDefaultHttpClient();

  constructor(
    cluster: string,
    readonly database: string,
    options: AdxClusterOptions = {},
  ) {
    const url = URL.canParse(cluster) ? new URL(cluster) : undefined;
    if (url?.protocol !== 'https:' || url.pathname.replace(/\/$/, '') !== '') {
      throw new LiveQueryError(
        'query',
        `the cluster must be an https URI such as https://mycluster.westeurope.kusto.windows.net, not '${cluster}'`,
      );
    }
    this.cluster = url.origin;
    this.pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: options.maxRetries ?? 3 } });
    this.pipeline.addPolicy(
      bearerTokenAuthenticationPolicy({
        credential: options.credential ?? new DefaultAzureCredential(),
        scopes: `${this.cluster}/.default`,
      }),
    );
  }

  /** Runs `csl` in the database and returns its first primary result table in engine form. */
  async query(csl: string): Promise<Table> {
    const clientRequestId = `sentinel-kit.backtest;${randomUUID()}`;
    const request = createPipelineRequest({
      url: `${this.cluster}/v2/rest/query`,
      method: 'POST',
      headers: createHttpHeaders({
        accept: 'application/json',
        'content-type': 'application/json; charset=utf-8',
        'x-ms-client-request-id': clientRequestId,
        'x-ms-app': 'sentinel-kit',
      }),
      body: JSON.stringify({ db: this.database, csl, properties: { ClientRequestId: clientRequestId } }),
    });
    let status: number;
    let text: string;
    try {
      const response = await this.pipeline.sendRequest(this.http, request);
      status = response.status;
      text = response.bodyAsText ?? '';
    } catch (error) {
      throw clusterError(error, this.cluster);
    }
    if (status !== 200) throw statusError(status, text, this.cluster, this.database);
    return primaryResult(parseFrames(text));
  }
}

function parseFrames(text: string): Frame[] {
  let frames: unknown;
  try {
    frames = JSON.parse(text);
  } catch {
    throw new LiveQueryError('network', 'the cluster answered 200 with a body that is not JSON');
  }
  if (!Array.isArray(frames))
    throw new LiveQueryError('network', 'the cluster answered 200 with a body that is not a V2 frame array');
  return frames as Frame[];
}

/**
 * The first PrimaryResult table. A 200 response can still carry a failure raised after the status
 * line was sent: an error object in place of a row, or HasErrors/Cancelled on DataSetCompletion
 * (for instance a result set over the 500,000-record / 64 MB truncation limit). Partial results
 * would silently miss alerts, so both are errors.
 */
function primaryResult(frames: Frame[]): Table {
  const completion = frames.find((f) => f.FrameType === 'DataSetCompletion');
  if (!completion)
    throw new LiveQueryError('partial', 'the cluster response ended before its DataSetCompletion frame');
  if (completion.HasErrors || completion.Cancelled) {
    throw new LiveQueryError(
      'partial',
      `the cluster returned ${completion.Cancelled ? 'a cancelled' : 'a failed'} result: ${oneApiMessage(completion.OneApiErrors)}`,
    );
  }
  const table = frames.find((f) => f.FrameType === 'DataTable' && f.TableKind === 'PrimaryResult');
  if (!table?.Columns) return { columns: [], rows: [] };
  const columns = table.Columns.map((c) => ({
    name: c.ColumnName,
    type: (kqlTypes.includes(c.ColumnType as KqlType) ? c.ColumnType : 'dynamic') as KqlType,
  }));
  const rows = (table.Rows ?? []).map((row) => {
    if (!Array.isArray(row))
      throw new LiveQueryError(
        'partial',
        `the cluster failed mid-result: ${oneApiMessage((row as Frame)?.OneApiErrors)}`,
      );
    return row.map((cell, i) => coerce(cell, columns[i].type));
  });
  return { columns, rows };
}

/** The first OneApiErrors entry's message (`@message` carries the detail). */
function oneApiMessage(errors: unknown): string {
  const first = Array.isArray(errors)
    ? (errors[0] as { error?: Record<string, unknown> } | undefined)
    : undefined;
  const error = first?.error;
  if (!error) return 'no error detail given';
  return String(error['@message'] ?? error.message ?? error.code ?? 'no error detail given');
}

function statusError(status: number, body: string, cluster: string, database: string): LiveQueryError {
  let detail = '';
  try {
    const error = (JSON.parse(body) as { error?: Record<string, unknown> }).error;
    detail = String(error?.['@message'] ?? error?.message ?? '');
  } catch {
    detail = body.slice(0, 200);
  }
  switch (status) {
    case 401:
      return new LiveQueryError('auth', `the cluster rejected the token (401): ${detail}`, status);
    case 403:
      return new LiveQueryError(
        'forbidden',
        `no read access to database ${database} on ${cluster} (403): grant the Viewer role to the signed-in identity. ${detail}`,
        status,
      );
    case 429:
      return new LiveQueryError(
        'throttled',
        `throttled by the cluster (429) after retries; try again later. ${detail}`,
        status,
      );
    default:
      return new LiveQueryError(
        status < 500 ? 'query' : 'network',
        `the cluster answered ${status}: ${detail}`,
        status,
      );
  }
}

function clusterError(error: unknown, cluster: string): LiveQueryError {
  const name = (error as { name?: string })?.name ?? '';
  const message = ((error as Error)?.message ?? String(error)).split('\n')[0];
  if (
    name === 'CredentialUnavailableError' ||
    name === 'AuthenticationError' ||
    name === 'AggregateAuthenticationError'
  ) {
    return new LiveQueryError(
      'auth',
      `could not get an Azure token for ${cluster} (${message}); sign in with 'az login' or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET`,
    );
  }
  return new LiveQueryError('network', `cannot reach ${cluster}: ${message}`);
}
