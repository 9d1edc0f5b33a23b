import { describe, expect, it } from 'vitest';
import { loadCatalog, loadTablesNamedIn, type TableMap } from '../../../src/kql/catalog.js';
import { analyze, globalStateFor } from '../../../src/kql/syntax/index.js';
import { toArray } from '../../../src/kql/syntax/kusto.js';
import { folderWith } from '../../support/files.js';

// The global state declares only the functions the queries name (globals.ts): a function is found
// by its name alone, so the answers stay those of a state declaring every function.
const root = folderWith('sk-named-functions-', {
  'kql/schemas/Okta_CL.json': JSON.stringify({
    name: 'Okta_CL',
    columns: [
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'User', type: 'string' },
    ],
  }),
  'kql/parsers/OktaSignins.yaml': 'functionName: OktaSignins\nquery: |\n  OktaBase | take 10\n',
  'kql/parsers/OktaBase.yaml': 'functionName: OktaBase\nquery: |\n  Okta_CL | extend Seen = true\n',
  'kql/parsers/Unused.yaml': 'functionName: Unused\nquery: |\n  Okta_CL | count\n',
});

function declaredFunctions(state: any): string[] {
  return toArray(state.Database.Members)
    .map((m: any) => m.Name)
    .filter((name: string) => name !== 'Okta_CL' && name !== '_GetWatchlist')
    .sort();
}

describe('functions declared to Kusto.Language', () => {
  it('declares a function a query names and the functions its body names, not the others', () => {
    const catalog = loadCatalog(root, { builtin: false });
    expect(declaredFunctions(globalStateFor(catalog, 'OktaSignins | project User'))).toEqual([
      'OktaBase',
      'OktaSignins',
    ]);
    const { diagnostics, code } = analyze('OktaSignins | project User, Seen', catalog);
    expect(diagnostics).toEqual([]);
    expect(toArray(code.ResultType.Columns).map((c: any) => c.Name)).toEqual(['User', 'Seen']);
  });

  it('declares every function once a later query names another, and an unknown name stays an error', () => {
    const catalog = loadCatalog(root, { builtin: false });
    analyze('OktaSignins', catalog);
    expect(analyze('Unused', catalog).diagnostics).toEqual([]);
    expect(declaredFunctions(globalStateFor(catalog))).toEqual(['OktaBase', 'OktaSignins', 'Unused']);
    const state = globalStateFor(catalog);
    analyze('OktaBase | count', catalog);
    expect(globalStateFor(catalog)).toBe(state);
    expect(analyze('Missing | count', catalog).diagnostics.map((d) => d.code)).toEqual(['KS204']);
  });

  it('loads the same tables in the same order, and names the same functions, for many texts at once as one at a time', () => {
    const texts = [
      'OktaSignins | join (SigninLogs) on $left.User == $right.UserPrincipalName',
      'union Device*, SigninLogs | where _GetWatchlist("vips") has User',
      'OktaBase | take 1',
      'SecurityEvent | where Account in (OktaSignins | project User)',
    ];
    const loaded = (catalog: ReturnType<typeof loadCatalog>) => ({
      tables: [...(catalog.tables as TableMap).loaded()].map((t) => t.name),
      functions: [...(catalog.namedFunctions ?? [])],
      watchlists: [...(catalog.externalWatchlists ?? [])],
    });
    const one = loadCatalog(root);
    for (const text of texts) loadTablesNamedIn(one, text);
    const many = loadCatalog(root);
    loadTablesNamedIn(many, texts);
    expect(loaded(one).tables).toContain('DeviceEvents');
    expect(loaded(many)).toEqual(loaded(one));
  });
});
