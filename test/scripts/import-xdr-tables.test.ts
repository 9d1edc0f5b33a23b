import { describe, expect, it } from 'vitest';
import { mergeTableColumns, readXdrPage } from '../../scripts/import-xdr-tables.js';
import type { TableSchema } from '../../src/kql/catalog.js';

// The page shape of MicrosoftDocs/defender-docs defender-xdr/advanced-hunting-identityinfo-table.md:
// footnote links and (Preview) marks beside a column name, a type without backticks.
const page = `# IdentityInfo (Preview)

| Column name | Data type | Description |
|-------------|-----------|-------------|
| \`Timestamp\` [*](#mdi-only) | \`datetime\` | The date and time |
| \`AccountUpn\` | \`string\` | User principal name (UPN) of the account |
| \`DistinguishedName\` [*](#mdi-only) | string | The user's distinguished name |
| \`PrivilegedEntraPimRoles\` (Preview)  [***](#mdi) | \`dynamic\` | A snapshot |
| \`Tags\` | \`dynamic\` | Tags |
| \`Blob\` | \`binary\` | not a KQL type |

## Related topics
| a | b |
`;

describe('Defender XDR advanced-hunting pages', () => {
  it('read the table name and the column table, leaving out a type KQL lacks', () => {
    expect(readXdrPage(page)).toEqual({
      name: 'IdentityInfo',
      columns: [
        { name: 'Timestamp', type: 'datetime' },
        { name: 'AccountUpn', type: 'string' },
        { name: 'DistinguishedName', type: 'string' },
        { name: 'PrivilegedEntraPimRoles', type: 'dynamic' },
        { name: 'Tags', type: 'dynamic' },
      ],
      notes: ['column Blob of type "`binary`" left out'],
    });
    expect(readXdrPage('# NoTable\n\ntext only\n')).toBeUndefined();
  });

  it('add only the columns a catalog table lacks, keep its types, and record the page; a rerun changes nothing', () => {
    const parsed = readXdrPage(page);
    if (!parsed) throw new Error('page not read');
    const tables = new Map<string, TableSchema>([
      [
        'IdentityInfo',
        {
          name: 'IdentityInfo',
          columns: [
            { name: 'AccountUPN', type: 'string' },
            { name: 'Tags', type: 'string' },
          ],
        },
      ],
    ]);
    const provenance = {
      IdentityInfo: {
        sources: [{ source: 'src1_old', repo: 'r', path: 'identityinfo.md' }],
        also_in: [],
        stub: false,
      },
    };
    const pages = [
      { file: 'advanced-hunting-identityinfo-table.md', commit: 'c1', page: parsed },
      {
        file: 'advanced-hunting-agentsinfo-table.md',
        commit: 'c2',
        page: { name: 'AgentsInfo', columns: [{ name: 'AgentId', type: 'string' as const }], notes: [] },
      },
    ];
    mergeTableColumns(pages, tables, provenance);
    expect(tables.get('IdentityInfo')?.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'AccountUPN:string',
      'Tags:string',
      'Timestamp:datetime',
      'AccountUpn:string',
      'DistinguishedName:string',
      'PrivilegedEntraPimRoles:dynamic',
    ]);
    expect(tables.get('AgentsInfo')?.columns).toEqual([{ name: 'AgentId', type: 'string' }]);
    const recorded = structuredClone(provenance);
    expect(recorded.IdentityInfo.sources[1]).toEqual({
      source: 'src2',
      repo: 'MicrosoftDocs/defender-docs',
      commit: 'c1',
      path: 'defender-xdr/advanced-hunting-identityinfo-table.md',
      added_columns: ['Timestamp', 'AccountUpn', 'DistinguishedName', 'PrivilegedEntraPimRoles'],
      notes: [
        'column Blob of type "`binary`" left out',
        "column Tags: the page says dynamic, the catalog's string kept",
      ],
    });
    const snapshot = structuredClone([...tables.entries()]);
    mergeTableColumns(pages, tables, provenance);
    expect(provenance).toEqual(recorded);
    expect([...tables.entries()]).toEqual(snapshot);
  });
});
