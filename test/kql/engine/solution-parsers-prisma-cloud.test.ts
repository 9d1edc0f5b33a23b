import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// PaloAltoPrismaCloud's published body (catalog/solution-parsers.json, imported this session with the
// CI's PaloAltoPrismaCloudAudit_CL / PaloAltoPrismaCloudAlert_CL tables) unions its two views with
// isfuzzy=true and renames the audit columns; before, the parser was known by its columns only and a
// rule over it was refused once the data had rows.
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);

const audit = (...rows: { user: string; result: string }[]): Map<string, Table> =>
  new Map([
    [
      'PaloAltoPrismaCloudAudit_CL',
      tableFromRecords(
        catalog.tables.get('PaloAltoPrismaCloudAudit_CL')?.columns ?? [],
        rows.map(({ user, result }) => ({
          TimeGenerated: '2026-01-10T11:00:00Z',
          user_s: user,
          ResourceType: 'Login',
          action_s: 'user login',
          result_s: result,
        })),
      ),
    ],
  ]);

describe('the published PaloAltoPrismaCloud parser', () => {
  it('runs its body over the audit table', () => {
    const query = `PaloAltoPrismaCloud
      | where ResourceType =~ 'Login' and EventResult =~ 'Failed'
      | summarize failures = count() by UserName`;
    const tables = audit(
      { user: 'alice', result: 'Failed' },
      { user: 'alice', result: 'Failed' },
      { user: 'bob', result: 'Success' },
    );
    expect(tableToRecords(runQuery(query, { catalog, tables, now: NOW }))).toEqual([
      { UserName: 'alice', failures: 2 },
    ]);
  });
});
