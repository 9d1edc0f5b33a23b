import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticTables } from '../../scripts/synthetic-rows.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { runQuery } from '../../src/kql/index.js';
import { dateToTicks } from '../../src/kql/values/index.js';

describe('synthetic rows for bench -- content', () => {
  const catalog = loadCatalog(mkdtempSync(join(tmpdir(), 'sk-synthetic-')));
  const query = `CiscoDuo
| where DvcAction =~ "admin_delete"
| join kind=inner (SigninLogs | where ResultType == "50126") on $left.DstUserName == $right.UserPrincipalName`;

  it('fills every table and parser the query names, with its literals among the strings', () => {
    const tables = syntheticTables(query, catalog, 40, Date.parse('2026-01-10T12:00:00Z'));
    expect([...tables.keys()].sort()).toEqual(['CiscoDuo', 'SigninLogs']);
    expect(tables.get('SigninLogs')?.rows.length).toBe(40);
    const actions = runQuery('CiscoDuo | where DvcAction == "admin_delete" | count', {
      catalog,
      tables,
      now: dateToTicks(new Date('2026-01-10T12:00:00Z')),
    });
    expect(Number(actions.rows[0][0])).toBeGreaterThan(0);
  });

  it('gives the same rows on every run', () => {
    const at = Date.parse('2026-01-10T12:00:00Z');
    expect(syntheticTables(query, catalog, 10, at).get('CiscoDuo')?.rows).toEqual(
      syntheticTables(query, catalog, 10, at).get('CiscoDuo')?.rows,
    );
  });
});
