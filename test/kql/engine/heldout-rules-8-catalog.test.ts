import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableToRecords } from '../../../src/kql/index.js';
import { UnsupportedError } from '../../../src/kql/plan/errors.js';
import { analyze } from '../../../src/kql/syntax/index.js';
import { catalogTable } from '../../support/catalog.js';
import { NOW } from './helpers.js';

// The eighth held-out corpus (issue 11, session 10) named tables and a parser the engine could not
// run: the Azure-Sentinel CI CustomTables files Firework_CL.json (Flare) and ADOAuditLogs_CL.json,
// and ADOAuditLogs, which the CI declares as a CustomFunction without parameters (27 columns, among
// them a misspelt `TenatId` that no table has) while its Solution publishes the body
// (Solutions/AzureDevOpsAuditing/Parsers/ADOAuditLogs.yaml: AzureDevOpsAuditing fuzzily unioned
// with ADOAuditLogs_CL, its ActionId renamed OperationName). Such a function now runs its body
// beside the declared columns, as a parser-output stub table does (parser-body.ts); before, it was
// known by its columns only and refused once the data had rows.
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);

const table = (name: string, records: Record<string, unknown>[]) => catalogTable(catalog, name, records);

const audit = (): Map<string, Table> =>
  new Map([
    [
      'ADOAuditLogs_CL',
      table('ADOAuditLogs_CL', [
        {
          TimeGenerated: '2026-01-10T10:00:00Z',
          ActionId: 'Library.ServiceConnectionExecuted',
          AuthenticationMechanism: 'PAT_Scoped',
          ActorUPN: 'eve@contoso.com',
          IpAddress: '198.51.100.9',
        },
      ]),
    ],
    [
      'AzureDevOpsAuditing',
      table('AzureDevOpsAuditing', [
        {
          TimeGenerated: '2026-01-10T11:00:00Z',
          OperationName: 'Library.ServiceConnectionExecuted',
          AuthenticationMechanism: 'PAT_Unscoped',
          ActorUPN: 'mallory@contoso.com',
          IpAddress: '203.0.113.7',
        },
        {
          TimeGenerated: '2026-01-10T11:05:00Z',
          OperationName: 'Git.RepositoryCreated',
          AuthenticationMechanism: 'AAD_Cookie',
          ActorUPN: 'alice@contoso.com',
          IpAddress: '10.0.0.4',
        },
      ]),
    ],
  ]);

describe('tables and parsers of the eighth held-out corpus', () => {
  it('Firework_CL (Flare) is a table of the catalog, with the CI file columns', () => {
    const { diagnostics } = analyze(
      'Firework_CL | project TimeGenerated, source, category_name, uid',
      catalog,
    );
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('ADOAuditLogs binds with the CI columns, as the CI and validate do', () => {
    const { diagnostics } = analyze(
      'ADOAuditLogs | project ActorImageUrl, TenatId, OperationName | union (ADOAuditLogs_CL | project ActionId)',
      catalog,
    );
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('"Azure DevOps Personal Access Token (PAT) misuse" answers from the published body over AzureDevOpsAuditing rows', () => {
    const rule = `let HasExactBlocklist = datatable(OperationName:string)['Library.ServiceConnectionExecuted'];
ADOAuditLogs
| where AuthenticationMechanism startswith "PAT" and OperationName in (HasExactBlocklist)
| project TimeGenerated, ActorUPN, IpAddress, OperationName`;
    const result = runQuery(rule, { catalog, tables: audit(), now: NOW });
    const rows = tableToRecords(result).sort((a, b) => String(a.ActorUPN).localeCompare(String(b.ActorUPN)));
    expect(rows).toEqual([
      {
        TimeGenerated: '2026-01-10T10:00:00Z',
        ActorUPN: 'eve@contoso.com',
        IpAddress: '198.51.100.9',
        OperationName: 'Library.ServiceConnectionExecuted',
      },
      {
        TimeGenerated: '2026-01-10T11:00:00Z',
        ActorUPN: 'mallory@contoso.com',
        IpAddress: '203.0.113.7',
        OperationName: 'Library.ServiceConnectionExecuted',
      },
    ]);
  });

  it('refuses a query that keeps a declared column the body does not give, naming it', () => {
    let error: unknown;
    try {
      runQuery('ADOAuditLogs | where ActorUPN startswith "mallory"', { catalog, tables: audit(), now: NOW });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toMatch(/column 'TenatId'.*ADOAuditLogs.*does not give it/);
  });
});
