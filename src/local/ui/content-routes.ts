import { tableToRecords } from '../../kql/index.js';
import { type Router, sendJson } from '../server/http.js';
import type { LocalSoc } from '../soc.js';

/** Summarized rows shown per summary rule: its latest bins' rows from the destination table. */
const SHOWN_ROWS = 20;
const SHOWN_ALERTS = 100;

/**
 * What runs beside the analytics rules, read-only (GET): Defender custom detections with their
 * alerts, and summary rules with their bins and the rows they wrote to their destination tables.
 */
export function addContentRoutes(router: Router, soc: LocalSoc): void {
  router.add('GET', '/api/detections', ({ response }) => {
    sendJson(response, 200, {
      detections: soc.detections.health(),
      alerts: soc.detections.recentAlerts().slice(0, SHOWN_ALERTS),
    });
  });

  router.add('GET', '/api/summary-rules', ({ response }) => {
    sendJson(
      response,
      200,
      soc.summaries.status().map((status) => {
        const table = soc.workspace.table(status.destinationTable);
        // Other rules may write the same table; _RuleName tells their rows apart.
        const rows = table
          ? tableToRecords(table)
              .filter((row) => row._RuleName === status.name)
              .sort((a, b) => String(b._BinStartTime).localeCompare(String(a._BinStartTime)))
              .slice(0, SHOWN_ROWS)
          : [];
        return { ...status, columns: table?.columns.map((c) => c.name) ?? [], rows };
      }),
    );
  });
}
