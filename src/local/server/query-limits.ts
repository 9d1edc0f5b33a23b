import type { ServerResponse } from 'node:http';
import type { QueryLimits } from '../../kql/worker/protocol.js';
import { QueryLimitError, QueryRejectedError } from '../../kql/worker/runner.js';
import { HttpError } from './http.js';

/**
 * Limits for queries sent to the local SOC (Logs Query API and the KQL console). The row limit is Log
 * Analytics' "Maximum records returned by a query: 500,000" (learn.microsoft.com/azure/azure-monitor/service-limits#log-queries-and-language);
 * the time limit is far below Azure's 10 minutes because one local worker serves every caller in
 * turn; the memory budget keeps a runaway join from taking the SOC's heap with it.
 */
export const localQueryLimits: QueryLimits = { timeoutMs: 60_000, maxRows: 500_000, memoryMb: 2048 };

/** An AbortSignal that fires when the client goes away before its answer is sent. */
export function abandonedSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** A limit or refusal as the API's error: the query's fault (400), never a 500. */
export function queryHttpError(error: unknown, code: string): HttpError {
  if (error instanceof QueryRejectedError) return new HttpError(400, code, error.message);
  if (error instanceof QueryLimitError) return new HttpError(400, 'QueryLimitExceeded', error.message);
  throw error;
}
