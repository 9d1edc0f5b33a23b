import type { IsolatedQueryRunner, JsonTable } from '../../../kql/worker/runner.js';
import type { Clock } from '../../clock.js';
import { HttpError, type Router, readJson, sendJson } from '../http.js';
import { abandonedSignal, queryHttpError } from '../query-limits.js';
import { requireBearer } from '../serve.js';
import { parseTimespan } from '../timespan.js';

// Query bodies are small; the documented limit for a query text is far below this.
const maxQueryBodyBytes = 1_000_000;

/**
 * `POST /v1/workspaces/{workspaceId}/query` with `{query, timespan?}`, answered in the Log Analytics
 * Query API shape. As in Log Analytics, dynamic values travel as JSON text and datetimes as ISO text,
 * and a `timespan` limits every table the query reads (parseTimespan, restrictToTimeRange).
 */
export function addLogsQueryRoutes(router: Router, queries: IsolatedQueryRunner, clock: Clock): void {
  router.add(
    'POST',
    '/v1/workspaces/:workspaceId/query',
    requireBearer(async ({ request, response }) => {
      const body = (await readJson(request, maxQueryBodyBytes)) as { query?: unknown; timespan?: unknown };
      if (typeof body?.query !== 'string' || body.query.trim() === '') {
        throw new HttpError(400, 'BadArgumentError', "the request body needs a 'query' string");
      }
      if (body.timespan !== undefined && typeof body.timespan !== 'string') {
        throw new HttpError(
          400,
          'BadArgumentError',
          "'timespan' must be an ISO 8601 duration or interval string",
        );
      }
      const now = clock.ticks();
      const range = body.timespan === undefined ? undefined : parseTimespan(body.timespan, now);
      let result: JsonTable;
      try {
        result = await queries.run(body.query, now, abandonedSignal(response), range);
      } catch (error) {
        throw queryHttpError(error, 'BadArgumentError');
      }
      const rows = result.rows.map((row) =>
        row.map((json, i) =>
          result.columns[i].type === 'dynamic' && json !== null ? JSON.stringify(json) : json,
        ),
      );
      sendJson(response, 200, {
        tables: [
          { name: 'PrimaryResult', columns: result.columns.map(({ name, type }) => ({ name, type })), rows },
        ],
      });
    }),
  );
}
