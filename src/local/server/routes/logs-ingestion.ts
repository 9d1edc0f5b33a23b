import { analyzeTransform } from '../../../connectors/transform-subset.js';
import { truncateOversizeFields } from '../../../ingest/batches.js';
import { type Catalog, catalogOf } from '../../../kql/catalog.js';
import { runQuery, tableFromRecords, tableToRecords } from '../../../kql/index.js';
import { formatDateTime, parseDateTime } from '../../../kql/values/index.js';
import type { Clock } from '../../clock.js';
import { type Dcr, type DcrStream, sentinelWrittenTables } from '../../dcr-registry.js';
import type { Workspace } from '../../store/workspace.js';
import { HttpError, type Router, readJson, requireJsonContentType } from '../http.js';
import { requireBearer } from '../serve.js';

/**
 * "The maximum size of an API call is 1 MB for both compressed and uncompressed data."
 * https://learn.microsoft.com/en-us/azure/azure-monitor/logs/logs-ingestion-api-overview#limits-and-restrictions
 */
export const maxIngestionCallBytes = 1_048_576;

const transformCatalogs = new WeakMap<DcrStream, Catalog>();
const transformRefusals = new WeakMap<DcrStream, string | null>();

/**
 * Why Azure would refuse this stream's transformKql (KQL a DCR transformation does not support, or
 * that does not bind over `source`), or undefined. Checked on a stream's first call rather than at
 * start, so the SOC does not load Kusto.Language before it listens; cached per stream.
 */
export function transformRefusal(stream: DcrStream): string | undefined {
  let refusal = transformRefusals.get(stream);
  if (refusal === undefined) {
    const errors = analyzeTransform(stream.transformKql, stream.columns).diagnostics.filter(
      (d) => d.severity === 'error',
    );
    refusal = errors.length
      ? errors
          .map(
            (d) => `'${stream.transformKql.slice(d.start, d.start + Math.min(d.length, 40))}': ${d.message}`,
          )
          .join('; ')
      : null;
    transformRefusals.set(stream, refusal);
  }
  return refusal ?? undefined;
}

/** A transform sees only `source`; the catalog is cached because binding symbols are costly to build. */
function transformCatalog(stream: DcrStream): Catalog {
  let catalog = transformCatalogs.get(stream);
  if (!catalog) {
    catalog = catalogOf([{ name: 'source', columns: stream.columns }]);
    transformCatalogs.set(stream, catalog);
  }
  return catalog;
}

/**
 * `POST /dataCollectionRules/{immutableId}/streams/{stream}`: the Logs Ingestion API. Rows are shaped
 * by the stream's transformKql (run by the embedded engine over a table named `source`) and stored
 * durably before the 204, so an acknowledged call is never lost.
 */
export function addLogsIngestionRoutes(
  router: Router,
  dcrs: ReadonlyMap<string, Dcr>,
  workspace: Workspace,
  clock: Clock,
): void {
  router.add(
    'POST',
    '/dataCollectionRules/:dcrId/streams/:stream',
    requireBearer(async ({ request, response, params, url }) => {
      if (!url.searchParams.get('api-version')) {
        throw new HttpError(
          400,
          'MissingApiVersionParameter',
          "the 'api-version' query parameter is required",
        );
      }
      const dcr = dcrs.get(params.dcrId);
      if (!dcr) throw new HttpError(404, 'NotFound', `data collection rule '${params.dcrId}' was not found`);
      const stream = dcr.streams.get(params.stream);
      if (!stream)
        throw new HttpError(404, 'InvalidStream', `stream '${params.stream}' is not declared in the DCR`);
      const refusal = transformRefusal(stream);
      if (refusal)
        throw new HttpError(400, 'InvalidTransform', `the DCR's transformKql is not valid: ${refusal}`);
      requireJsonContentType(request);
      const body = await readJson(request, maxIngestionCallBytes);
      if (
        !Array.isArray(body) ||
        body.some((row) => typeof row !== 'object' || row === null || Array.isArray(row))
      ) {
        throw new HttpError(400, 'InvalidPayload', 'the body must be a JSON array of objects');
      }
      const rows = (body as Record<string, unknown>[]).map((row) => truncateOversizeFields(row));
      const source = tableFromRecords(stream.columns, rows);
      const catalog = transformCatalog(stream);
      let shaped: Record<string, unknown>[];
      try {
        shaped = tableToRecords(
          runQuery(stream.transformKql, {
            catalog,
            tables: new Map([['source', source]]),
            now: clock.ticks(),
          }),
        );
      } catch (error) {
        throw new HttpError(400, 'TransformFailed', `transformKql failed: ${(error as Error).message}`);
      }
      if (sentinelWrittenTables.has(stream.outputTable)) {
        throw new HttpError(
          400,
          'InvalidStream',
          `table '${stream.outputTable}' is written by Sentinel only`,
        );
      }
      workspace.ingest(stream.outputTable, withTimeGenerated(shaped, clock), clock.ticks());
      response.writeHead(204).end();
    }),
  );
}

/**
 * A row whose TimeGenerated is missing or not a datetime gets the time it was received, as Log
 * Analytics does ("If the TimeGenerated value isn't provided or is invalid, it's populated with the
 * time the record was received": learn.microsoft.com/azure/azure-monitor/logs/log-standard-columns#timegenerated),
 * instead of a null that no time filter would ever select.
 */
function withTimeGenerated(rows: Record<string, unknown>[], clock: Clock): Record<string, unknown>[] {
  const received = formatDateTime(clock.ticks());
  return rows.map((row) => {
    const value = row.TimeGenerated;
    const valid = typeof value === 'string' && parseDateTime(value) !== null;
    return valid ? row : { ...row, TimeGenerated: received };
  });
}
