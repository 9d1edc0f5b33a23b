import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { KqlError, runQuery, type Table, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { UnsupportedError } from '../../../src/kql/plan/errors.js';
import { NOW } from './helpers.js';

// DigitalGuardianDLPEvent's published body (catalog/solution-parsers.json) packs key="value" pairs of
// Syslog messages into a bag, `evaluate bag_unpack(bag)` without an output schema, then extends and
// project-renames the unpacked keys. Its columns come from the data (bag_unpack page), so the body
// resolves them at run time over its own text, as a query does; before, any operator after the
// schema-less bag_unpack inside a parser body was refused.
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);
const PARSER = 'DigitalGuardianDLPEvent';

const fields = {
  managed_device_id: 'dev-1',
  number_of_incidents: '1',
  timestamp: '2026-01-10 10:00:00',
  action_taken: 'log',
  destination: 'bob@fabrikam.com',
  destination_ip: '10.0.0.9',
  destination_port: '443',
  incident_id: '77',
  incident_status: 'New',
  incidents_url: 'https://dg/77',
  matched_policies_by_severity: 'high',
  protocol: 'https',
  source: 'alice',
  source_ip: '10.0.0.1',
  source_port: '5555',
};
const message = Object.entries(fields)
  .map(([k, v]) => ` ${k}="${v}"`)
  .join('');

const syslog = (...messages: string[]): Map<string, Table> =>
  new Map([
    [
      'Syslog',
      tableFromRecords(
        catalog.tables.get('Syslog')?.columns ?? [],
        messages.map((SyslogMessage) => ({ TimeGenerated: '2026-01-10T11:00:00Z', SyslogMessage })),
      ),
    ],
  ]);

describe('a published parser body with a schema-less bag_unpack', () => {
  it('runs over rows, resolving the unpacked columns at run time', () => {
    const query = `${PARSER} | where IncidentStatus == 'New' | project SrcUserName, DstIpAddr, EventEndTime`;
    const result = runQuery(query, { catalog, tables: syslog(message, 'unrelated'), now: NOW });
    expect(tableToRecords(result)).toEqual([
      { SrcUserName: 'alice', DstIpAddr: '10.0.0.9', EventEndTime: '2026-01-10T10:00:00Z' },
    ]);
  });

  it('fails as Kusto does, at the call, when the data lacks a key the body renames', () => {
    const query = `${PARSER} | project SrcUserName`;
    let error: unknown;
    try {
      runQuery(query, { catalog, tables: syslog('unrelated'), now: NOW });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KqlError);
    expect(error).not.toBeInstanceOf(UnsupportedError);
    const [first] = (error as KqlError).diagnostics;
    expect(first.code).toBe('KS142');
    expect(first.message).toContain("'timestamp'");
    expect({ start: first.start, length: first.length }).toEqual({ start: 0, length: PARSER.length });
  });

  it('refuses at run time a declared column the body lacks that the query keeps', () => {
    // The CI declares email_subject for the parser; the body gives it only when a message has that key.
    // (This was MG until the catalog took Syslog's MG from the CI's CustomTables/Syslog.json.)
    expect(() =>
      runQuery(`${PARSER} | project email_subject`, { catalog, tables: syslog(message), now: NOW }),
    ).toThrow(/reads or keeps column 'email_subject'.*does not give it/);
  });
});
