import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeTable } from '../../../scripts/import-catalog.js';
import { DiagnosticError } from '../../../src/diagnostics.js';
import {
  type Catalog,
  catalogFromPortable,
  loadCatalog,
  portableCatalog,
  type TableMap,
} from '../../../src/kql/catalog.js';
import { runQuery } from '../../../src/kql/index.js';
import { builtinCatalogDir, readPackedFile } from '../../../src/kql/packed-tables.js';
import { analyze } from '../../../src/kql/syntax/index.js';
import { folderWith } from '../../support/files.js';

const root = join(import.meta.dirname, '..', '..', '..');
const packed = readPackedFile(join(builtinCatalogDir(), 'tables.ndjson'));

const repo = (files: Record<string, string>) => folderWith('sk-builtin-', files);

function errorsOf(query: string, catalog: Catalog): string[] {
  return analyze(query, catalog)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);
}

function diagnosticsOf(dir: string, options = {}) {
  try {
    loadCatalog(dir, options);
  } catch (error) {
    if (error instanceof DiagnosticError) return error.diagnostics;
    throw error;
  }
  return [];
}

const table = (name: string, columns: Record<string, string>, extra = {}) =>
  JSON.stringify({
    name,
    columns: Object.entries(columns).map(([n, type]) => ({ name: n, type })),
    ...extra,
  });

describe('the built-in catalog (catalog/*.ndjson from scripts/import-catalog.ts)', () => {
  it('keeps every column of the 19 hand-written schemas it replaced, with their types', () => {
    const handWritten = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'fixtures', 'hand-written-schemas.json'), 'utf8'),
    ) as Record<string, Record<string, string>>;
    expect(Object.keys(handWritten)).toHaveLength(19);
    for (const [name, columns] of Object.entries(handWritten)) {
      const types = new Map(packed.get(name)?.columns.map((c) => [c.name, c.type]));
      for (const [column, type] of Object.entries(columns))
        expect([name, column, types.get(column)]).toEqual([name, column, type]);
    }
  });

  // CI checks out the shared catalog beside the clone; elsewhere there is nothing to compare with.
  const shared = process.env.SENTINEL_KIT_SHARED_CATALOG ?? join(root, '..', 'shared', 'catalog');
  it.skipIf(!existsSync(join(shared, 'tables')))('keeps every table and column of the shared catalog', () => {
    const source = readPackedFile(join(builtinCatalogDir(), 'tables.ndjson'));
    const files = readdirSync(join(shared, 'tables'));
    // Tables beyond the shared catalog are the Azure-Sentinel CI's CustomTables and Defender XDR pages
    // (scripts/import-xdr-tables.ts), each with provenance.
    const sharedNames = new Set(
      files.map((file) => JSON.parse(readFileSync(join(shared, 'tables', file), 'utf8')).name),
    );
    const provenance = JSON.parse(readFileSync(join(builtinCatalogDir(), 'provenance.json'), 'utf8'));
    const extra = [...source.keys()].filter((name) => !sharedNames.has(name));
    const recorded = (name: string) =>
      provenance.ciTables?.[name]?.path ||
      provenance.tables?.[name]?.sources?.some((s: { path?: string }) => s.path);
    expect(extra.filter((name) => !recorded(name))).toEqual([]);
    for (const file of files) {
      const original = JSON.parse(readFileSync(join(shared, 'tables', file), 'utf8'));
      const types = new Map(source.get(original.name)?.columns.map((c) => [c.name, c.type]));
      for (const c of original.columns)
        expect([original.name, c.name, types.get(c.name)]).toEqual([original.name, c.name, c.type]);
    }
  });

  it('keeps Timestamp beside TimeGenerated on the Defender XDR tables Sentinel streams', () => {
    // Sentinel's own schemas (Microsoft.Azure.Sentinel.KustoServices, see catalog/provenance.json)
    // carry both columns on the Device* and Email* tables the Defender XDR connector fills.
    const streamed = [
      'DeviceEvents',
      'DeviceFileEvents',
      'DeviceImageLoadEvents',
      'DeviceInfo',
      'DeviceLogonEvents',
    ];
    streamed.push('DeviceNetworkEvents', 'DeviceNetworkInfo', 'DeviceProcessEvents', 'DeviceRegistryEvents');
    streamed.push(
      'DeviceFileCertificateInfo',
      'EmailAttachmentInfo',
      'EmailEvents',
      'EmailPostDeliveryEvents',
    );
    streamed.push('EmailUrlInfo');
    for (const name of streamed) {
      const types = new Map(packed.get(name)?.columns.map((c) => [c.name, c.type]));
      expect([name, types.get('TimeGenerated'), types.get('Timestamp')]).toEqual([
        name,
        'datetime',
        'datetime',
      ]);
    }
  });

  it('applies the corrections recorded in provenance.json, such as the rest of AzureDiagnostics', () => {
    // The imported AzureDiagnostics stopped at session_id_d, so `where Type == ...`, TenantId and
    // SourceSystem were unknown; the columns after it come from the page's full list (provenance).
    const provenance = JSON.parse(readFileSync(join(builtinCatalogDir(), 'provenance.json'), 'utf8'));
    expect(provenance.corrections.AzureDiagnostics.path).toBe('azure-monitor-ref/tables/azurediagnostics.md');
    const types = new Map(packed.get('AzureDiagnostics')?.columns.map((c) => [c.name, c.type]));
    expect([
      types.get('Type'),
      types.get('TenantId'),
      types.get('start_time_t'),
      types.get('systemId_g'),
    ]).toEqual(['string', 'string', 'datetime', 'guid']);
    // Listed twice on the page, as Guid and as String; the Azure-Sentinel CI's own
    // CustomTables/AzureDiagnostics.json declares it String, and rules project it (ciTables).
    expect(provenance.ciTables.AzureDiagnostics.notes[0]).toContain('SubscriptionId');
    expect(types.get('SubscriptionId')).toBe('string');
  });

  it('has the resource-log columns of AzureDiagnostics that the Azure-Sentinel CI validates rules against', () => {
    // The page lists only the most common columns (each service adds its own the first time it
    // sends them); WAF, SQL-audit and DDoS rules read these. Source and type rule: provenance.json.
    const provenance = JSON.parse(readFileSync(join(builtinCatalogDir(), 'provenance.json'), 'utf8'));
    expect(provenance.ciTables.AzureDiagnostics.path).toBe(
      '.script/tests/KqlvalidationsTests/CustomTables/AzureDiagnostics.json',
    );
    const types = new Map(packed.get('AzureDiagnostics')?.columns.map((c) => [c.name, c.type]));
    expect([
      types.get('details_msg_s'),
      types.get('server_principal_name_s'),
      types.get('affected_rows_d'),
      types.get('isReceivedFromClient_b'),
      types.get('transactionId_g'),
    ]).toEqual(['string', 'string', 'real', 'bool', 'string']);
  });

  it('merges two descriptions of a table keeping the better-described one and every column', () => {
    const sparse = {
      name: 'T',
      columns: [
        { name: 'A', type: 'string' as const },
        { name: 'Extra', type: 'long' as const },
      ],
    };
    const rich = {
      name: 'T',
      description: 'The T table.',
      columns: [
        { name: 'A', type: 'string' as const, description: 'a' },
        { name: 'B', type: 'int' as const, description: 'b' },
      ],
    };
    const merged = mergeTable(sparse, rich);
    expect(merged.columns.map((c) => c.name)).toEqual(['A', 'B', 'Extra']);
    expect(merged.description).toBe('The T table.');
  });
});

describe('loading the catalog', () => {
  it('binds queries on tables beyond the hand-written ones, loading only the tables a query names', () => {
    const catalog = loadCatalog(root);
    const tables = catalog.tables as TableMap;
    expect(
      errorsOf('AWSCloudTrail | where EventName == "ConsoleLogin" | project SourceIpAddress', catalog),
    ).toEqual([]);
    const loaded = [...tables.loaded()].map((t) => t.name);
    expect(loaded).toContain('AWSCloudTrail');
    expect(loaded).not.toContain('AzureDiagnostics');
    expect(loaded.length).toBeLessThan(50);
  });

  it('loads every table a wildcard union names', () => {
    const catalog = loadCatalog(root);
    expect(errorsOf('union Device*Events | summarize count() by DeviceName', catalog)).toEqual([]);
  });

  it('still reports a table no catalog has', () => {
    expect(errorsOf('NoSuchTable_CL | take 1', loadCatalog(root)).join()).toMatch(/NoSuchTable_CL/);
  });

  it('binds a parser output the way Sentinel CI does, unless the project defines that parser', () => {
    expect(errorsOf('imDns | where DnsQuery has "x"', loadCatalog(root))).toEqual([]);
    const dir = repo({
      'kql/parsers/imDns.yaml': 'functionName: imDns\nquery: |\n  datatable(Q:string)[]\n',
    });
    const catalog = loadCatalog(dir);
    expect(catalog.tables.has('imDns')).toBe(false);
    expect(errorsOf('imDns | where Q has "x"', catalog)).toEqual([]);
  });

  it("binds Sentinel's built-in ASIM parsers with their parameters and refuses a parameter they lack", () => {
    const catalog = loadCatalog(root);
    const call =
      "_Im_NetworkSession(starttime=ago(1h), srcipaddr_has_any_prefix=dynamic(['10.']), dstportnumber=22)";
    expect(errorsOf(`${call} | summarize count() by SrcIpAddr, Dvc, Src, User`, catalog)).toEqual([]);
    // The workspace-deployed name takes the same parameters (a table stub could take none).
    expect(errorsOf("imDns(domain_has_any=dynamic(['x.com'])) | project Domain, DnsQuery", catalog)).toEqual(
      [],
    );
    expect(errorsOf('_ASim_RegistryEvent | project RegistryKey, Process', catalog)).toEqual([]);
    expect(errorsOf('_Im_NetworkSession(nosuch=1)', catalog).join()).toMatch(/declared parameter/);
    // ASIM's watchlist helper (normalization-functions), as Web Session Essentials rules call it.
    const raw = `_ASIM_GetWatchlistRaw("Web_RiskyCommandsInUrl") | extend Commands = tostring(WatchlistItem["Commands"])`;
    expect(errorsOf(raw, catalog)).toEqual([]);
    expect(errorsOf('_Im_Dns | project NoSuchColumn', catalog).join()).toMatch(/NoSuchColumn/);
    expect(catalog.functions.has('_Im_Dns')).toBe(false); // never deployed by build
  });

  it('runs a built-in ASIM parser as an empty table of its schema, in this process and in a worker', () => {
    const query = "_Im_Dns(starttime=ago(1d)) | where Domain has 'x' | summarize n = count() by SrcIpAddr";
    for (const catalog of [loadCatalog(root), catalogFromPortable(portableCatalog(loadCatalog(root)))]) {
      const result = runQuery(query, { catalog, tables: new Map() });
      expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['SrcIpAddr:string', 'n:long']);
      expect(result.rows).toEqual([]);
    }
  });

  it('lets a project parser replace a built-in ASIM parser of the same name', () => {
    const dir = repo({
      'kql/parsers/imNetworkSession.yaml':
        'functionName: imNetworkSession\nquery: |\n  datatable(Mine:string)["a"]\n',
    });
    const catalog = loadCatalog(dir);
    expect(errorsOf('imNetworkSession | project Mine', catalog)).toEqual([]);
    expect(runQuery('imNetworkSession', { catalog, tables: new Map() }).rows).toEqual([['a']]);
    expect(errorsOf('_Im_NetworkSession | project SrcIpAddr', catalog)).toEqual([]);
  });

  it('lets a project schema replace the built-in table of the same name', () => {
    const dir = repo({
      'kql/schemas/SigninLogs.json': table('SigninLogs', { TimeGenerated: 'datetime', Mine: 'string' }),
    });
    const catalog = loadCatalog(dir);
    expect(catalog.tables.get('SigninLogs')?.columns.map((c) => c.name)).toEqual(['TimeGenerated', 'Mine']);
    expect(errorsOf('SigninLogs | project Mine', catalog)).toEqual([]);
  });
});

describe('custom tables', () => {
  const customTablesFile = JSON.stringify({
    Name: 'Contoso_CL',
    Properties: [
      { Name: 'TimeGenerated', Type: 'DateTime' },
      { Name: 'Count_d', Type: 'Double' },
      { Name: 'Id_g', Type: 'Guid' },
      { Name: 'Flag_b', Type: 'SByte' },
      { Name: 'Bytes', Type: 'Int64' },
    ],
  });

  it("reads the Azure-Sentinel CI's CustomTables format as-is", () => {
    const dir = repo({ 'kql/schemas/Contoso_CL.json': customTablesFile });
    const catalog = loadCatalog(dir, { builtin: false });
    expect(catalog.tables.get('Contoso_CL')?.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'TimeGenerated:datetime',
      'Count_d:real',
      'Id_g:guid',
      'Flag_b:bool',
      'Bytes:long',
    ]);
  });

  // The CI reads these files with Newtonsoft.Json: its own CustomTables/GitHubAuditData.json ends a
  // list with a trailing comma and PowerPlatformAdminActivity.json spells the keys "name"/"type".
  it('reads CustomTables files the way the CI does: trailing commas and property names in any case', () => {
    const text =
      '{\n  "Name": "Lenient_CL",\n  "Properties": [\n    { "name": "TimeGenerated", "type": "DateTime" },\n    { "NAME": "Note, with ] inside", "Type": "String" },\n  ]\n}\n';
    const dir = repo({ 'kql/schemas/Lenient_CL.json': text });
    const catalog = loadCatalog(dir, { builtin: false });
    expect(catalog.tables.get('Lenient_CL')?.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'TimeGenerated:datetime',
      'Note, with ] inside:string',
    ]);
  });

  it('adds the schema folders of sentinel-kit.config.yaml and of --schemas', () => {
    const dir = repo({
      'sentinel-kit.config.yaml': 'schemas:\n  - schemas/team\ntablePlans:\n  Verbose_CL: Auxiliary\n',
      'schemas/team/Contoso_CL.json': customTablesFile,
      'more/Verbose_CL.json': table('Verbose_CL', { TimeGenerated: 'datetime' }),
    });
    const catalog = loadCatalog(dir, { schemaDirs: [join(dir, 'more')] });
    expect(catalog.tables.get('Contoso_CL')?.columns).toHaveLength(5);
    expect(catalog.tables.get('Verbose_CL')?.plan).toBe('Auxiliary');
    expect(catalog.tables.get('SigninLogs')?.plan).toBeUndefined();
  });

  it('reports a table defined twice naming both files, and every other error too', () => {
    const dir = repo({
      'sentinel-kit.config.yaml': 'schemas: [team]\ntablePlans: { X_CL: Premium }\n',
      'kql/schemas/Contoso_CL.json': customTablesFile,
      'team/contoso.json': customTablesFile.replace('Contoso_CL', 'contoso_CL'),
      'team/Broken.json': '{"Name": "Broken_CL", "Properties": [{"Name": "A", "Type": "Varchar"}]}',
    });
    const messages = diagnosticsOf(dir).map((d) => `${d.file?.split('/').pop()}: ${d.message}`);
    expect(messages).toContainEqual(
      expect.stringMatching(
        /contoso\.json: table 'contoso_CL' is defined twice: in .*kql\/schemas\/Contoso_CL\.json and in .*team\/contoso\.json/,
      ),
    );
    expect(messages).toContainEqual(expect.stringMatching(/Broken\.json: .*Varchar/));
    expect(messages).toContainEqual(
      expect.stringMatching(/sentinel-kit\.config\.yaml: tablePlans\.X_CL: must be one of/),
    );
    const missing = diagnosticsOf(dir, { schemaDirs: [join(dir, 'nowhere')] }).map(
      (d) => `${d.file}: ${d.message}`,
    );
    expect(missing).toContainEqual(expect.stringMatching(/nowhere: schema folder not found/));
  });
});
