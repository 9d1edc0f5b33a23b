import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// CiscoSEGEvent's published body (catalog/solution-parsers.json) parse-kv's ESAGMVerdict out of
// CommonSecurityLog's AdditionalExtensions, then `parse`s it again (`"ESAGMVerdict" ESAGMVerdict";"`,
// which keeps the '='). What the service gives the column then is not documented (parse operator
// page); Kusto.Language keeps the first and names the second ESAGMVerdict1. Neither is among the
// columns the Azure-Sentinel CI declares for CiscoSEGEvent, so the body's result drops both unread
// and a rule over the parser has one answer either way. Before, the body was refused over rows.
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);

const sentEmails = (...rows: { sender: string; recipient: string }[]): Map<string, Table> =>
  new Map([
    [
      'CommonSecurityLog',
      tableFromRecords(
        catalog.tables.get('CommonSecurityLog')?.columns ?? [],
        rows.map(({ sender, recipient }) => ({
          TimeGenerated: '2026-01-10T11:00:00Z',
          DeviceEventClassID: 'ESA_CONSOLIDATED_LOG_EVENT',
          CommunicationDirection: '1',
          SourceUserName: sender,
          DestinationUserName: recipient,
          AdditionalExtensions: 'ESAGMVerdict=NEGATIVE;ESAMID=7;ESAAttachmentDetails={}',
        })),
      ),
    ],
  ]);

describe('parse into a column the input already has', () => {
  it('runs a published parser body whose re-parsed column its declared columns drop', () => {
    const query = `CiscoSEGEvent
      | where NetworkDirection == 'Outgoing'
      | summarize n = count() by SrcUserName`;
    const tables = sentEmails(
      { sender: 'a@contoso.com', recipient: 'x@fabrikam.com' },
      { sender: 'a@contoso.com', recipient: 'y@fabrikam.com' },
    );
    expect(tableToRecords(runQuery(query, { catalog, tables, now: NOW }))).toEqual([
      { SrcUserName: 'a@contoso.com', n: 2 },
    ]);
  });

  it("does not take a parse pattern's * for a read of every column", () => {
    // The body's later `parse ESAAttachmentDetails with * "'fileHash': '" ...` passes ESAGMVerdict1 on.
    const query = `datatable(s:string, v:string)['v=1;f=x', '1']
      | parse-kv s as (v:string) with (pair_delimiter=';', kv_delimiter='=')
      | parse s with * 'f=' f
      | project f`;
    expect(tableToRecords(runQuery(query, { catalog, tables: new Map(), now: NOW }))).toEqual([{ f: 'x' }]);
  });
});
