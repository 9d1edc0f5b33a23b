import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// A published parser the Azure-Sentinel CI declares as a function with parameters
// (CustomFunctions: DomainToolsThreatIntelDomains, columns with `SourceTable`, which the body lacks):
// the call binds with the CI's declaration and the engine runs the published body
// (Solutions/DomainTools CCF/Parsers/DomainToolsThreatIntelDomains.yaml @27d1be4, parameters
// `lookback: timespan` and `domain_type: string`, no defaults) with the call's arguments as its
// parameters. Kusto matches positional arguments to a function's parameters by order and named ones
// by name (https://learn.microsoft.com/kusto/query/functions/user-defined-functions). Before, the
// name was known by the CI's columns only and refused once its table had rows.
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);

function domains(records: Record<string, unknown>[]): Map<string, Table> {
  const columns = catalog.tables.get('DomainToolsThreatIntelDomains_CL')?.columns ?? [];
  return new Map([['DomainToolsThreatIntelDomains_CL', tableFromRecords(columns, records)]]);
}

// NOW is 2026-01-10T12:00:00Z.
const tables = domains([
  { TimeGenerated: '2026-01-10T11:30:00Z', timestamp: 't1', domain: 'a.example', domaintype: 'nod' },
  { TimeGenerated: '2026-01-10T11:30:00Z', timestamp: 't2', domain: 'b.example', domaintype: 'noh' },
  { TimeGenerated: '2026-01-10T09:30:00Z', timestamp: 't3', domain: 'c.example', domaintype: 'nod' },
]);

function query(text: string): Record<string, unknown>[] {
  return tableToRecords(runQuery(text, { catalog, tables, now: NOW }));
}

describe('a CI-declared function run as its published body with the call arguments', () => {
  it('binds positional arguments to the body parameters (lookback 1h, domain_type "nod")', () => {
    expect(query('DomainToolsThreatIntelDomains(1h, "nod") | project domain, DomainCustomEntity')).toEqual([
      { domain: 'a.example', DomainCustomEntity: 'a.example' },
    ]);
  });

  it('an argument changes the answer: a 3h lookback and an empty type keep every row in range', () => {
    expect(query('DomainToolsThreatIntelDomains(3h, "") | project domain | order by domain asc')).toEqual([
      { domain: 'a.example' },
      { domain: 'b.example' },
      { domain: 'c.example' },
    ]);
  });

  it('binds named arguments by name', () => {
    expect(
      query('DomainToolsThreatIntelDomains(domain_type="noh", lookback=2h) | project domain, domaintype'),
    ).toEqual([{ domain: 'b.example', domaintype: 'noh' }]);
  });

  it('takes a let value of the calling query as an argument', () => {
    expect(query('let w = 3h; DomainToolsThreatIntelDomains(w, "nod") | summarize n = count()')).toEqual([
      { n: 2 },
    ]);
  });

  it('refuses a call that leaves a parameter without a default unfilled (Azure rejects the call)', () => {
    // The CI declares defaults the published body does not have: the call binds, but the function
    // the workspace has needs both arguments.
    expect(() => query('DomainToolsThreatIntelDomains(1h) | project domain')).toThrow(
      /no argument for parameter 'domain_type' of its published body, which has no default/,
    );
  });

  it('still refuses a query that keeps the CI column the body does not give (SourceTable)', () => {
    expect(() => query('DomainToolsThreatIntelDomains(1h, "nod") | project domain, SourceTable')).toThrow(
      /column 'SourceTable'/,
    );
  });
});
