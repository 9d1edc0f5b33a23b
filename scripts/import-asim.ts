// Builds catalog/asim.json: Sentinel's built-in ASIM parsers (`_Im_NetworkSession(starttime=...)`,
// `_ASim_Dns`, and the workspace-deployed `imDns`/`ASimDns` forms) as functions with their
// parameters and output columns, so rules calling them bind as they do in Sentinel.
// Parameters: the `ParserParams` of the unifying parser YAMLs in Azure/Azure-Sentinel
// (Parsers/ASim<Schema>/Parsers/im<Schema>.yaml, whose `EquivalentBuiltInParser` names the built-in
// `_Im_` function), at the commits listed below. The `ASim` (parameter-less) forms take no
// parameters (Parsers/ASimDns/Parsers/ASimDns.yaml @ 05a22b9: no ParserParams).
// Columns, per schema, the union of: the parser-output stub the Azure-Sentinel CI validates against
// (catalog/stubs.ndjson, e.g. imNetworkSession), the ASIM native table (ASimNetworkSessionLogs...)
// from the Azure Monitor table reference, and the schema's aliases from ASIM/dev/ASimTester/
// ASimTester.csv @ 50ea427 (fields of class Alias, plus Dvc/Src/Dst/Rule/EventSchema where listed).
// Usage: npx tsx scripts/import-asim.ts (after scripts/import-catalog.ts)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColumnSchema, FunctionParameter, KqlType, TableSchema } from '../src/kql/catalog.js';
import { builtinCatalogDir, readPackedFile } from '../src/kql/packed-tables.js';

const REPO = 'Azure/Azure-Sentinel';
const TESTER = {
  repo: REPO,
  path: 'ASIM/dev/ASimTester/ASimTester.csv',
  commit: '50ea427d6fdcd9fa3e7e43c34d614b3131a1996b',
};

const time: FunctionParameter[] = [
  { name: 'starttime', type: 'datetime', default: 'datetime(null)' },
  { name: 'endtime', type: 'datetime', default: 'datetime(null)' },
];
const list = (name: string): FunctionParameter => ({ name, type: 'dynamic', default: 'dynamic([])' });
const text = (name: string, value = "'*'"): FunctionParameter => ({ name, type: 'string', default: value });
const flag = (name: string): FunctionParameter => ({ name, type: 'bool', default: 'false' });

interface SchemaFacts {
  /**
   * Built-in (`_Im_X`, `_ASim_X`) and workspace (`imX`, `ASimX`) names share a suffix, except where
   * set: `asim` names the parameter-less forms when their suffix differs from the filtering ones'.
   */
  names: { builtin: string; workspace: string; asim?: { builtin: string; workspace: string } }[];
  parameters: FunctionParameter[];
  /** The unifying parser YAML the parameters come from. */
  source: { path: string; commit: string };
  stubs: string[];
  native?: string;
  /** Alias and other fields the tester CSV lists for the schema beyond the stub and native table. */
  extra: [string, KqlType][];
}

/** The aliases the tester CSV lists for every schema with a source and a destination. */
const endpointAliases = ['Dvc', 'Src', 'Dst', 'Rule', 'EventSchema'];

const alias = (...names: string[]): [string, KqlType][] =>
  names.map((n) => [n, n === 'Duration' ? 'int' : 'string']);

/** The filters imProcessCreate and imProcessTerminate both take, and the aliases of their schema. */
const processFilters: FunctionParameter[] = [
  list('commandline_has_any'),
  list('commandline_has_all'),
  list('commandline_has_any_ip_prefix'),
  list('actingprocess_has_any'),
  list('targetprocess_has_any'),
  list('parentprocess_has_any'),
];
const processAliases = alias('Dvc', 'Rule', 'EventSchema', 'CommandLine', 'Hash', 'Process', 'User');

const schemas: Record<string, SchemaFacts> = {
  NetworkSession: {
    names: [{ builtin: 'NetworkSession', workspace: 'NetworkSession' }],
    parameters: [
      ...time,
      list('srcipaddr_has_any_prefix'),
      list('dstipaddr_has_any_prefix'),
      list('ipaddr_has_any_prefix'),
      { name: 'dstportnumber', type: 'int', default: 'int(null)' },
      list('hostname_has_any'),
      list('dvcaction'),
      text('eventresult'),
      flag('pack'),
    ],
    source: {
      path: 'Parsers/ASimNetworkSession/Parsers/imNetworkSession.yaml',
      commit: '853c8959177edf7dcc7a299e005cd10b5166d5cf',
    },
    stubs: ['imNetworkSession'],
    native: 'ASimNetworkSessionLogs',
    extra: alias(
      ...endpointAliases,
      'Duration',
      'Hostname',
      'InnerVlanId',
      'OuterVlanId',
      'IpAddr',
      'SessionId',
      'User',
      'ASimMatchingHostname',
      'ASimMatchingIpAddr',
    ),
  },
  Dns: {
    names: [{ builtin: 'Dns', workspace: 'Dns' }],
    parameters: [
      ...time,
      text('srcipaddr'),
      list('domain_has_any'),
      text('responsecodename'),
      text('response_has_ipv4'),
      list('response_has_any_prefix'),
      text('eventtype', "'lookup'"),
      flag('pack'),
    ],
    source: {
      path: 'Parsers/ASimDns/Parsers/imDns.yaml',
      commit: '0a8680b7f84561808b2d22c9b5342ca57352388d',
    },
    stubs: ['imDns', 'ASimDns'],
    native: 'ASimDnsActivityLogs',
    extra: alias(
      ...endpointAliases,
      'DnsResponseCodeName',
      'Domain',
      'DomainCategory',
      'Duration',
      'Hostname',
      'IpAddr',
      'Process',
      'SessionId',
      'User',
    ),
  },
  WebSession: {
    names: [{ builtin: 'WebSession', workspace: 'WebSession' }],
    parameters: [
      ...time,
      list('srcipaddr_has_any_prefix'),
      list('ipaddr_has_any_prefix'),
      list('url_has_any'),
      list('httpuseragent_has_any'),
      list('eventresultdetails_in'),
      text('eventresult'),
      list('eventresultdetails_has_any'),
      flag('disabled'),
    ],
    source: {
      path: 'Parsers/ASimWebSession/Parsers/imWebSession.yaml',
      commit: '05246ae0b150fcab786e3dde5d3c4d63ee997d7d',
    },
    stubs: ['imWebSession'],
    native: 'ASimWebSessionLogs',
    extra: alias(
      ...endpointAliases,
      'Duration',
      'Hostname',
      'HttpStatusCode',
      'InnerVlanId',
      'OuterVlanId',
      'IpAddr',
      'SessionId',
      'User',
      'UserAgent',
      'ASimMatchingIpAddr',
    ),
  },
  Authentication: {
    names: [{ builtin: 'Authentication', workspace: 'Authentication' }],
    parameters: [
      ...time,
      list('username_has_any'),
      list('targetappname_has_any'),
      list('srcipaddr_has_any_prefix'),
      list('srchostname_has_any'),
      list('eventtype_in'),
      list('eventresultdetails_in'),
      text('eventresult'),
      flag('pack'),
    ],
    source: {
      path: 'Parsers/ASimAuthentication/Parsers/imAuthentication.yaml',
      commit: '02c3862a5fb48da4bc612a90086173b60192b212',
    },
    stubs: ['imAuthentication'],
    native: 'ASimAuthenticationEventLogs',
    extra: alias(...endpointAliases, 'Application', 'IpAddr', 'User'),
  },
  ProcessCreate: {
    // The parameter-less forms are ASimProcessEventCreate / _ASim_ProcessEvent_Create
    // (Parsers/ASimProcessEvent/Parsers/ASimProcessEventCreate.yaml @ 37b0706: ParserName,
    // EquivalentBuiltInParser); there is no ASimProcessCreate unifying parser.
    names: [
      {
        builtin: 'ProcessCreate',
        workspace: 'ProcessCreate',
        asim: { builtin: 'ProcessEvent_Create', workspace: 'ProcessEventCreate' },
      },
    ],
    parameters: [
      ...time,
      ...processFilters,
      text('targetusername'),
      list('dvcipaddr_has_any_prefix'),
      list('dvcname_has_any'),
      list('hashes_has_any'),
      text('eventtype'),
    ],
    source: {
      path: 'Parsers/ASimProcessEvent/Parsers/imProcessCreate.yaml',
      commit: '01d415a750fffe47229469561ddcfcaf886851f2',
    },
    stubs: ['imProcessCreate'],
    native: 'ASimProcessEventLogs',
    extra: processAliases,
  },
  ProcessTerminate: {
    // ASimProcessEventTerminate / _ASim_ProcessEvent_Terminate
    // (Parsers/ASimProcessEvent/Parsers/ASimProcessEventTerminate.yaml @ 03fa120).
    names: [
      {
        builtin: 'ProcessTerminate',
        workspace: 'ProcessTerminate',
        asim: { builtin: 'ProcessEvent_Terminate', workspace: 'ProcessEventTerminate' },
      },
    ],
    parameters: [
      ...time,
      ...processFilters,
      text('actorusername'),
      list('dvcipaddr_has_any_prefix'),
      list('dvcname_has_any'),
      text('eventtype'),
    ],
    source: {
      path: 'Parsers/ASimProcessEvent/Parsers/imProcessTerminate.yaml',
      commit: '031e13152e33c15b6495c9a862942cd6595cfc97',
    },
    stubs: ['imProcessTermiante', 'imProcessCreate'],
    native: 'ASimProcessEventLogs',
    extra: processAliases,
  },
  FileEvent: {
    names: [{ builtin: 'FileEvent', workspace: 'FileEvent' }],
    parameters: [
      ...time,
      list('eventtype_in'),
      list('srcipaddr_has_any_prefix'),
      list('actorusername_has_any'),
      list('targetfilepath_has_any'),
      list('srcfilepath_has_any'),
      list('hashes_has_any'),
      list('dvchostname_has_any'),
      flag('disabled'),
      flag('pack'),
    ],
    source: {
      path: 'Parsers/ASimFileEvent/Parsers/imFileEvent.yaml',
      commit: '082e98020ebac24ba9e8c735e11acc7c1bc73546',
    },
    stubs: ['imFileEvent'],
    native: 'ASimFileEventLogs',
    extra: alias(
      'Dvc',
      'Src',
      'Rule',
      'EventSchema',
      'Application',
      'FileName',
      'FilePath',
      'Hash',
      'IpAddr',
      'Process',
      'Url',
      'User',
    ),
  },
  AuditEvent: {
    names: [{ builtin: 'AuditEvent', workspace: 'AuditEvent' }],
    parameters: [
      ...time,
      list('srcipaddr_has_any_prefix'),
      list('actorusername_has_any'),
      list('operation_has_any'),
      list('eventtype_in'),
      text('eventresult'),
      list('object_has_any'),
      list('newvalue_has_any'),
      flag('pack'),
    ],
    source: {
      path: 'Parsers/ASimAuditEvent/Parsers/imAuditEvent.yaml',
      commit: '0104b6a1aafe90c1288fa499806c79858b27d1ed',
    },
    stubs: [],
    native: 'ASimAuditEventLogs',
    extra: alias(...endpointAliases, 'Application', 'IpAddr', 'Process', 'User', 'Value'),
  },
  UserManagement: {
    names: [{ builtin: 'UserManagement', workspace: 'UserManagement' }],
    parameters: [
      ...time,
      list('srcipaddr_has_any_prefix'),
      list('targetusername_has_any'),
      list('actorusername_has_any'),
      list('eventtype_in'),
      flag('pack'),
    ],
    source: {
      path: 'Parsers/ASimUserManagement/Parsers/imUserManagement.yaml',
      commit: '07c019e800d3599007e1025a5ba0c98d0d53da0e',
    },
    stubs: [],
    native: 'ASimUserManagementActivityLogs',
    extra: alias('Dvc', 'Src', 'Rule', 'EventSchema', 'Hostname', 'IpAddr', 'UpdatedPropertyName', 'User'),
  },
  DhcpEvent: {
    names: [{ builtin: 'DhcpEvent', workspace: 'DhcpEvent' }],
    parameters: [
      ...time,
      list('srcipaddr_has_any_prefix'),
      list('srchostname_has_any'),
      list('srcusername_has_any'),
      text('eventresult'),
      flag('disabled'),
      flag('pack'),
    ],
    source: {
      path: 'Parsers/ASimDhcpEvent/Parsers/imDhcpEvent.yaml',
      commit: '31acedaae4b9a99a0e320216d57ec451602607d0',
    },
    stubs: [],
    native: 'ASimDhcpEventLogs',
    extra: alias('Dvc', 'Rule', 'EventSchema', 'Duration', 'Hostname', 'IpAddr', 'SessionId', 'Username'),
  },
  RegistryEvent: {
    // The built-in is _Im_RegistryEvent; the workspace-deployed parser is imRegistry.
    names: [{ builtin: 'RegistryEvent', workspace: 'Registry' }],
    parameters: [],
    source: {
      path: 'Parsers/ASimRegistryEvent/Parsers/imRegistry.yaml',
      commit: '020c1f2d26a677fbae91ec4eedb5c6d151243eb1',
    },
    stubs: [],
    native: 'ASimRegistryEventLogs',
    extra: alias('Dvc', 'Rule', 'EventSchema', 'Process', 'User'),
  },
};

export interface AsimParser {
  name: string;
  schema: string;
  parameters: FunctionParameter[];
}

function columnsOf(
  facts: SchemaFacts,
  tables: Map<string, TableSchema>,
  stubs: Map<string, TableSchema>,
): ColumnSchema[] {
  const columns = new Map<string, ColumnSchema>();
  const add = (c: ColumnSchema) => {
    if (!columns.has(c.name)) columns.set(c.name, { name: c.name, type: c.type });
  };
  for (const stub of facts.stubs) for (const c of stubs.get(stub)?.columns ?? []) add(c);
  for (const c of (facts.native ? tables.get(facts.native)?.columns : undefined) ?? []) add(c);
  for (const [name, type] of facts.extra) add({ name, type });
  return [...columns.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function main(): void {
  const dir = builtinCatalogDir(fileURLToPath(new URL('..', import.meta.url)));
  const tables = readPackedFile(join(dir, 'tables.ndjson'));
  const stubs = readPackedFile(join(dir, 'stubs.ndjson'));
  const parsers: AsimParser[] = [];
  const provenance: Record<string, unknown> = {};
  const columns: Record<string, ColumnSchema[]> = {};
  for (const [schema, facts] of Object.entries(schemas)) {
    columns[schema] = columnsOf(facts, tables, stubs);
    for (const { builtin, workspace, asim = { builtin, workspace } } of facts.names) {
      parsers.push({ name: `_Im_${builtin}`, schema, parameters: facts.parameters });
      parsers.push({ name: `im${workspace}`, schema, parameters: facts.parameters });
      parsers.push({ name: `_ASim_${asim.builtin}`, schema, parameters: [] });
      parsers.push({ name: `ASim${asim.workspace}`, schema, parameters: [] });
    }
    provenance[schema] = {
      parameters: { repo: REPO, ...facts.source },
      columns: [
        ...facts.stubs.map((s) => `catalog/stubs.ndjson ${s}`),
        ...(facts.native ? [`catalog/tables.ndjson ${facts.native}`] : []),
        TESTER,
      ],
    };
  }
  // ASIM's watchlist helpers ("ASIM helper functions", learn.microsoft.com/azure/sentinel/
  // normalization-functions: alias or aliases, optional keys -> the watchlist items in raw format,
  // i.e. rows of the Watchlist table).
  columns.WatchlistRaw = tables.get('Watchlist')?.columns.map((c) => ({ name: c.name, type: c.type })) ?? [];
  const keys: FunctionParameter = { name: 'keys', type: 'dynamic', default: 'dynamic([])' };
  parsers.push(
    {
      name: '_ASIM_GetWatchlistRaw',
      schema: 'WatchlistRaw',
      parameters: [{ name: 'watchlist', type: 'string' }, keys],
    },
    {
      name: '_ASIM_GetWatchlistsRaw',
      schema: 'WatchlistRaw',
      parameters: [{ name: 'watchlists', type: 'dynamic' }, keys],
    },
  );
  provenance.WatchlistRaw = {
    parameters: 'learn.microsoft.com/azure/sentinel/normalization-functions (Watchlist functions)',
    columns: ['catalog/tables.ndjson Watchlist'],
  };
  writeFileSync(join(dir, 'asim.json'), `${JSON.stringify({ parsers, columns })}\n`);
  const provenanceFile = join(dir, 'provenance.json');
  const all = JSON.parse(readFileSync(provenanceFile, 'utf8')) as Record<string, unknown>;
  all.asimParsers = provenance;
  writeFileSync(provenanceFile, JSON.stringify(all, null, 1));
  console.log(`${parsers.length} ASIM parsers over ${Object.keys(schemas).length} schemas`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
