import type { Catalog, ColumnSchema } from '../kql/catalog.js';

export interface DcrStream {
  /** `Custom-<Name>` as the stream declaration names it. */
  name: string;
  columns: ColumnSchema[];
  transformKql: string;
  /** Destination table, e.g. `Okta_CL` for `Custom-Okta_CL` or `SigninLogs` for `Microsoft-SigninLogs`. */
  outputTable: string;
}

export interface Dcr {
  /** The DCR's immutable id, which Logs Ingestion URLs name. */
  immutableId: string;
  streams: Map<string, DcrStream>;
}

/** Immutable id of the local DCR that accepts rows for any catalog table unchanged (samples, attacks). */
export const standardTablesDcrId = 'dcr-00000000000000000000000000000000';

/** `Custom-Okta_CL` → `Okta_CL`; `Microsoft-SecurityEvent` → `SecurityEvent`. */
export function outputTableOf(outputStream: string): string {
  return outputStream.replace(/^(Custom|Microsoft)-/, '');
}

/**
 * Tables Sentinel itself writes (analytics rules, incident changes, watchlist uploads). No data
 * collection rule can send rows to them, so forged alerts or incident rows cannot be ingested.
 */
export const sentinelWrittenTables: ReadonlySet<string> = new Set([
  'SecurityAlert',
  'SecurityIncident',
  'Watchlist',
]);

/**
 * A DCR with one `Custom-<Table>` stream per catalog table, transform `source`: the local stand-in
 * for the Azure Monitor agent and built-in connectors that fill standard tables in Azure.
 */
export function standardTablesDcr(catalog: Catalog): Dcr {
  const streams = new Map<string, DcrStream>();
  for (const table of catalog.tables.values()) {
    if (sentinelWrittenTables.has(table.name)) continue;
    const name = `Custom-${table.name}`;
    streams.set(name, { name, columns: table.columns, transformKql: 'source', outputTable: table.name });
  }
  return { immutableId: standardTablesDcrId, streams };
}
