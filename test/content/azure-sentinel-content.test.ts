import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importContent } from '../../src/content/import.js';
import { validateContent } from '../../src/content/validate.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { loadMitre } from '../../src/rules/mitre.js';

// Hunting queries, parsers, watchlists and packaged rules in the shapes Azure/Azure-Sentinel publishes
// (fixtures/azure-sentinel-content/README.md lists each file's source), checked as `sentinel-kit
// validate <path>` checks them and imported as `sentinel-kit import` imports them.
const root = join(import.meta.dirname, '..', '..');
const dir = join(import.meta.dirname, 'fixtures', 'azure-sentinel-content');
const catalog = loadCatalog(root);
const mitre = loadMitre(join(root, 'kql', 'mitre', 'attack-enterprise.json'));
const empty = mkdtempSync(join(tmpdir(), 'sk-as-content-'));
const check = async (...names: string[]) =>
  (
    await validateContent(
      names.map((name) => join(dir, name)),
      { root: empty, catalog, mitre, compareWithGit: false },
    )
  ).diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`);

describe('validate on Azure-Sentinel content', () => {
  it("reports a hunting query's entity mappings and ATT&CK fields as warnings: Microsoft's CI checks only its KQL", async () => {
    // 'Command And Control' is no tactic name, and 'ipAddress' is not a column the query returns.
    expect(await check('Hunting Queries/imProcess_Certutil-LOLBins.yaml')).toEqual([
      'warning SK1501 9:5',
      'warning SK1503 11:5',
    ]);
    expect(await check('Hunting Queries/BitLockerKeyRetrieval.yaml')).toEqual(['warning SK1305 35:21']);
  });

  it('reports a hunting query without an id, or with a numeric version, as warnings; its KQL is still checked', async () => {
    expect(await check('Hunting Queries/Machine_Learning_Creation.yaml')).toEqual([
      'warning SK1011 1:1',
      'warning SK1010 40:10',
    ]);
    const folder = join(mkdtempSync(join(tmpdir(), 'sk-hunting-')), 'Hunting Queries');
    mkdirSync(folder);
    writeFileSync(join(folder, 'NoId.yaml'), 'name: No id\ndescription: d\nquery: |\n  AzureActivityy\n');
    const { diagnostics } = await validateContent([folder], { root: empty, catalog, compareWithGit: false });
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`)).toEqual([
      'warning SK1011 1:1',
      'error SK1103 4:3',
    ]);
  });

  it('checks Solution parsers (FunctionAlias, FunctionQuery) and ASIM parsers (ParserName, ParserParams, ParserQuery)', async () => {
    expect(await check('Parsers/PulseConnectSecure.yaml')).toEqual([]);
    // ParserParams are declared, as the CI declares them (`let name = default;` before the query).
    expect(await check('Parsers/vimAuthenticationContosoSignin.yaml')).toEqual([]);
    // A misspelt column is reported where it is in the file (line 8, column 179).
    const typo = await validateContent([join(dir, 'Parsers', 'PulseConnectSecureTypo.yaml')], {
      root: empty,
      catalog,
      compareWithGit: false,
    });
    expect(typo.counts.get('parser')).toBe(1);
    expect(typo.diagnostics.map((d) => `${d.severity} ${d.line}:${d.column}`)).toContain('error 8:179');
    expect(typo.diagnostics.some((d) => d.message.includes("'SyslogMesage'"))).toBe(true);
  });

  it("binds a call to an ASIM parser whose string parameter's YAML Default is unquoted ('*' is the KQL string \"*\")", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sk-as-asim-call-'));
    mkdirSync(join(folder, 'Parsers'));
    mkdirSync(join(folder, 'Hunting Queries'));
    const parser = readFileSync(join(dir, 'Parsers', 'vimAuthenticationContosoSignin.yaml'), 'utf8');
    expect(parser).toContain("Default: '*'");
    writeFileSync(join(folder, 'Parsers', 'vimAuthenticationContosoSignin.yaml'), parser);
    writeFileSync(
      join(folder, 'Hunting Queries', 'calls-parser.yaml'),
      [
        'id: 9b2d1c3e-1111-4a2b-9c1e-4f1a2b3c4d5e',
        'name: Calls the ASIM parser',
        'description: Calls the parser with one of its parameters.',
        'requiredDataConnectors: []',
        'tactics:',
        '  - CredentialAccess',
        'relevantTechniques:',
        '  - T1110',
        'query: |',
        "  vimAuthenticationContosoSignin(eventresult='Failure')",
        '  | take 1',
        '',
      ].join('\n'),
    );
    const result = await validateContent([folder], { root: empty, catalog, mitre, compareWithGit: false });
    expect(result.counts.get('hunting')).toBe(1);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const imported = importContent(join(folder, 'Parsers', 'vimAuthenticationContosoSignin.yaml'));
    expect(imported.files[0].text).toMatch(/- name: eventresult\n {4}type: string\n {4}default: '"\*"'\n/);
  });

  it('binds the hunting queries and rules of a Solution folder to the parsers it ships (ContosoSSO)', async () => {
    const solution = join(import.meta.dirname, 'fixtures', 'Contoso SSO');
    const withTables = loadCatalog(empty, { schemaDirs: [join(solution, 'CustomTables')] });
    const result = await validateContent([solution], {
      root: empty,
      catalog: withTables,
      compareWithGit: false,
    });
    expect(result.counts.get('hunting')).toBe(1);
    expect(result.counts.get('analytics')).toBe(1);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The catalog given is left as it was: the parser is added to a copy.
    expect(withTables.functions.has('ContosoSSO')).toBe(false);
  });

  it('checks watchlists published as ARM templates (Watchlists/*.json): the search key is a CSV column', async () => {
    expect(await check('Watchlists/ASimDisabledParsers.json')).toEqual([]);
    const problems = await validateContent([join(dir, 'Watchlists', 'BadSearchKey.json')], {
      root: empty,
      catalog,
      compareWithGit: false,
    });
    expect(problems.diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      ['error', 'SK0002', "watchlist 'BadSearchKey': itemsSearchKey 'Parser' is not a column"],
    ]);
    expect(problems.counts.get('watchlist')).toBe(1);
  });
});

describe('import of Azure-Sentinel content', () => {
  it('imports a watchlist template as kql/watchlists/<alias>.yaml, its CSV as columns and items', () => {
    const result = importContent(join(dir, 'Watchlists', 'ASimDisabledParsers.json'));
    expect(result.skipped).toEqual([]);
    expect(result.files.map((f) => f.path)).toEqual(['kql/watchlists/ASimDisabledParsers.yaml']);
    expect(result.files[0].text).toBe(
      [
        'watchlistAlias: ASimDisabledParsers',
        'displayName: ASim Disabled Parser',
        'description: The watchlist is used to disable ASim functions and parsers',
        'itemsSearchKey: CallingParser',
        'columns:',
        '  - name: CallingParser',
        '    type: string',
        '  - name: SourceSpecificParser',
        '    type: string',
        'items:',
        '  - CallingParser: imNone',
        '    SourceSpecificParser: NoneParser',
        '',
      ].join('\n'),
    );
  });

  it("imports the analytics rules a Solution's mainTemplate.json packages (contentTemplates, ids in variables)", () => {
    const result = importContent(join(dir, 'Package', 'mainTemplate.json'));
    expect(result.skipped).toEqual([]);
    expect(result.files.map((f) => [f.path, f.from])).toEqual([
      [
        'kql/rules/imported/failed-logins-from-unknown-or-invalid-user.yaml',
        'mainTemplate.json#884be6e7-e568-418e-9c12-89229865ffde',
      ],
    ]);
    const rule = result.files[0].text;
    expect(rule).toContain('id: 884be6e7-e568-418e-9c12-89229865ffde\n');
    // The version is the packaged content's (analyticRuleVersion1), T1110 its technique.
    expect(rule).toContain('version: 1.0.2\n');
    expect(rule).toMatch(/relevantTechniques:\n {2}- T1110\n/);
    expect(rule).toMatch(
      /requiredDataConnectors:\n {2}- dataTypes:\n {6}- Okta_CL\n {4}connectorId: OktaSSO\n/,
    );
  });

  it('imports a Hunting Queries folder given itself as hunting queries, also one that carries rule fields (severity)', () => {
    const result = importContent(join(dir, 'Hunting Queries'));
    expect(result.files.map((f) => f.path).sort()).toEqual([
      'kql/hunting/ASim_Registry_PersistViaIFEORegistryKey.yaml',
      'kql/hunting/BitLockerKeyRetrieval.yaml',
      'kql/hunting/Machine_Learning_Creation.yaml',
      'kql/hunting/imProcess_Certutil-LOLBins.yaml',
    ]);
  });

  it('imports ASIM parsers (ParserName, ParserParams) with their parameters and description', () => {
    const result = importContent(join(dir, 'Parsers', 'vimAuthenticationContosoSignin.yaml'));
    expect(result.files.map((f) => f.path)).toEqual(['kql/parsers/vimAuthenticationContosoSignin.yaml']);
    expect(result.files[0].text).toMatch(
      /^functionName: vimAuthenticationContosoSignin\ndescription: \|\n {2}Filters SigninLogs by time and user name; every filter is a ParserParams entry.\nparameters:\n {2}- name: starttime\n {4}type: datetime\n {4}default: datetime\(null\)\n/,
    );
  });
});
