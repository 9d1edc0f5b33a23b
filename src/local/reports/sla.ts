import { tableToRecords } from '../../kql/index.js';
import type { Workspace } from '../store/workspace.js';

export interface SlaRow {
  Severity: string;
  Incidents: number;
  Acknowledged: number;
  Closed: number;
  /** Mean time to acknowledge, in minutes: creation to first status other than New. */
  MttaMinutes: number | null;
  /** Mean time to resolve, in minutes: creation to Closed. */
  MttrMinutes: number | null;
}

/**
 * MTTA/MTTR per severity from SecurityIncident, the way SOC workbooks compute them: the table holds
 * one row per incident change, so acknowledgement is the first change away from New and resolution
 * the latest row's ClosedTime (aggregates skip nulls, so open incidents don't count). Written in KQL so anyone can run the same query in Log Analytics.
 */
export const slaQuery = `
SecurityIncident
| summarize CreatedTime = min(CreatedTime),
            AckTime = min(iff(Status != "New", TimeGenerated, datetime(null))),
            arg_max(TimeGenerated, Status, Severity, ClosedTime) by IncidentName
| summarize Incidents = count(),
            Acknowledged = countif(isnotnull(AckTime)),
            Closed = countif(Status == "Closed"),
            MttaMinutes = avg((AckTime - CreatedTime) / 1m),
            MttrMinutes = avg(iff(Status == "Closed", (ClosedTime - CreatedTime) / 1m, real(null)))
  by Severity
| order by Severity asc`;

export function slaReport(workspace: Workspace, now: bigint): SlaRow[] {
  return tableToRecords(workspace.query(slaQuery, now)) as unknown as SlaRow[];
}
