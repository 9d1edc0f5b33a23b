import { describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../../src/diagnostics.js';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { folderWith } from '../../support/files.js';

const repo = (files: Record<string, string>) => folderWith('sk-catalog-', files);

const signinLogs = JSON.stringify({
  name: 'SigninLogs',
  columns: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'UserPrincipalName', type: 'string' },
  ],
});

function diagnosticsOf(root: string) {
  try {
    loadCatalog(root);
  } catch (error) {
    if (error instanceof DiagnosticError) return error.diagnostics;
    throw error;
  }
  return [];
}

describe('loadCatalog', () => {
  it('reads schemas, connector tables, parsers and watchlists', () => {
    const root = repo({
      'kql/schemas/SigninLogs.json': signinLogs,
      'connectors/okta/table.json': JSON.stringify({
        name: 'Okta_CL',
        columns: [{ name: 'TimeGenerated', type: 'datetime' }],
      }),
      'kql/parsers/OktaSignins.yaml': 'functionName: OktaSignins\nquery: |\n  Okta_CL | take 10\n',
      'kql/watchlists/VIPUsers.yaml':
        'watchlistAlias: VIPUsers\nitemsSearchKey: Upn\ncolumns:\n  - { name: Upn, type: string }\nitems:\n  - { Upn: a@contoso.com }\n',
    });
    const catalog = loadCatalog(root, { builtin: false });
    expect([...catalog.tables.keys()]).toEqual(['SigninLogs', 'Okta_CL']);
    expect(catalog.functions.get('OktaSignins')?.body.trim()).toBe('Okta_CL | take 10');
    expect(catalog.watchlists.get('VIPUsers')?.items).toEqual([{ Upn: 'a@contoso.com' }]);
  });

  it('reports every malformed file instead of stopping at the first', () => {
    const root = repo({
      'kql/schemas/Bad.json': '{ "name": "Bad", ',
      'kql/schemas/Dup.json': JSON.stringify({
        name: 'Dup',
        columns: [
          { name: 'A', type: 'string' },
          { name: 'A', type: 'long' },
          { name: 'B', type: 'varchar' },
        ],
      }),
      'kql/watchlists/W.yaml': 'watchlistAlias: W\nitemsSearchKey: Missing\ncolumns: []\n',
      'kql/parsers/P.yaml': 'functionName: [unclosed\n',
    });
    const diagnostics = diagnosticsOf(root);
    const messages = diagnostics.map((d) => `${d.file?.split('/').pop()}: ${d.message}`);
    expect(messages.some((m) => m.startsWith('Bad.json: not valid JSON'))).toBe(true);
    expect(messages).toContain("Dup.json: table 'Dup': column 'A' is declared twice");
    expect(messages.some((m) => m.startsWith('Dup.json') && m.includes('varchar'))).toBe(true);
    expect(messages).toContain("W.yaml: watchlist 'W': itemsSearchKey 'Missing' is not a column");
    const yamlError = diagnostics.find((d) => d.file?.endsWith('P.yaml'));
    expect(yamlError).toMatchObject({ code: 'SK0001', line: 2 });
  });

  it('rejects a table defined twice', () => {
    const root = repo({
      'kql/schemas/SigninLogs.json': signinLogs,
      'connectors/x/table.json': signinLogs,
    });
    expect(diagnosticsOf(root)[0].message).toMatch(/table 'SigninLogs' is defined twice/);
  });
});
