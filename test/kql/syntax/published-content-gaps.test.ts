import { describe, expect, it } from 'vitest';
import { asimResolveHelpers } from '../../../src/kql/asim-helpers.js';
import { type Catalog, loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, tableToRecords } from '../../../src/kql/index.js';
import { list } from '../../../src/kql/lower/context.js';
import { UnsupportedError } from '../../../src/kql/plan/errors.js';
import { analyze } from '../../../src/kql/syntax/index.js';
import { folderWith } from '../../support/files.js';

// False errors of ours on published Azure-Sentinel content (hunting queries and ASIM parsers,
// NOTES "Issue 12, session 6 — catalog gaps"): each query below is the shape of the published one.
// The built-in catalog alone, as for content validated outside this repository (`--root` of an
// empty folder): this repository's own connectors define an Okta_CL of their own.
const catalog = loadCatalog(folderWith('sk-published-gaps-', {}));
const errorsOf = (query: string, c: Catalog = catalog) =>
  analyze(query, c)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);

describe('tables and columns of published hunting queries', () => {
  // Solutions/Okta Single Sign-On/Hunting Queries/AdminPrivilegeGrant.yaml, LegacyAuthentication.yaml:
  // columns of the Azure-Sentinel CI's CustomTables/Okta_CL.json (the catalog had a fork's 9 columns).
  it('binds the Okta_CL columns of the CI file', () => {
    const query =
      'Okta_CL | where eventType_s == "user.account.privilege.grant" | project TimeGenerated, target_s, actor_displayName_s, client_userAgent_os_s, client_geographicalContext_state_s, securityContext_isProxy_b';
    expect(errorsOf(query)).toEqual([]);
  });

  // Hunting Queries/AI Agents/AIAgentsUnauthenticated.yaml, AgentsInfoOrphanedAgents.yaml
  it('binds the Defender XDR agent tables and the XDR IdentityInfo columns', () => {
    expect(
      errorsOf('AIAgentsInfo | where UserAuthenticationType == "None" | project AIAgentId, AIAgentName'),
    ).toEqual([]);
    expect(
      errorsOf(
        'AgentsInfo | summarize arg_max(Timestamp, *) by AgentId | mv-expand Owners | join kind=leftanti (IdentityInfo | where Timestamp > ago(14d) | project AccountUpn) on $left.AgentName == $right.AccountUpn',
      ),
    ).toEqual([]);
    // Kusto names are case-sensitive: Sentinel's AccountUPN and XDR's AccountUpn are two columns.
    expect(errorsOf('IdentityInfo | project AccountUPN, AccountUpn')).toEqual([]);
    expect(errorsOf('AgentsInfo | project AIAgentId')).not.toEqual([]);
  });
});

describe('ASIM device-resolution helpers (Learn "ASIM helper functions")', () => {
  // Parsers/ASimAuditEvent/Parsers/ASimAuditEventMicrosoftSecurityEvents.yaml and vimAuditEventAWSCloudTrail.yaml
  it.each([
    ['_ASIM_ResolveFQDN', ['ExtractedHostname', 'Domain', 'DomainType', 'FQDN']],
    ['_ASIM_ResolveSrcFQDN', ['SrcHostname', 'SrcDomain', 'SrcDomainType', 'SrcFQDN']],
    ['_ASIM_ResolveDvcFQDN', ['DvcHostname', 'DvcDomain', 'DvcDomainType', 'DvcFQDN']],
    // ASIM/lib/functions/ASIM_ResolveDstFQDN.yaml @07112046 renames to the Dst fields (the page's row says SrcFQDN).
    ['_ASIM_ResolveDstFQDN', ['DstHostname', 'DstDomain', 'DstDomainType', 'DstFQDN']],
  ])('bind %s as an invoke that keeps the input and adds its documented fields', (name, fields) => {
    const query = `SecurityEvent | invoke ${name}('Computer') | project EventID, ${fields.join(', ')}`;
    expect(errorsOf(query)).toEqual([]);
    expect(errorsOf(`SecurityEvent | invoke ${name}('Computer') | project NoSuchField`)).not.toEqual([]);
    const { code } = analyze(
      `SecurityEvent | invoke ${name}('Computer') | project ${fields.join(', ')}`,
      catalog,
    );
    const columns = list(code.ResultType.Columns).map((c) => `${c.Name}:${c.Type.Name}`);
    expect(columns).toEqual(fields.map((f) => `${f}:string`));
  });

  it('refuse to run those whose published body the catalog does not hold, naming the function and why', () => {
    // Session 13 held the bodies of all four (catalog/solution-parsers.json); a workspace catalog with
    // only the declaration (as before) still refuses to run it.
    const declared = asimResolveHelpers().find((f) => f.name === '_ASIM_ResolveSrcFQDN');
    const builtinFunctions = new Map(catalog.builtinFunctions);
    if (declared) builtinFunctions.set(declared.name, declared);
    const run = () =>
      runQuery("datatable(Computer:string)['host.contoso.com'] | invoke _ASIM_ResolveSrcFQDN('Computer')", {
        catalog: { ...catalog, builtinFunctions },
        tables: new Map(),
      });
    expect(declared?.unrunnable).toBeDefined();
    expect(run).toThrow(UnsupportedError);
    expect(run).toThrow(/ASIM helper functions page .* does not run it/);
    try {
      run();
    } catch (error) {
      expect((error as UnsupportedError).construct).toBe('_ASIM_ResolveSrcFQDN()');
    }
  });

  // Values derived from the published bodies (Azure/Azure-Sentinel ASIM/lib/functions/ASIM_ResolveFQDN.yaml
  // @1ccfb8f8, ASIM_ResolveDvcFQDN.yaml @0828c877; catalog/solution-parsers.json): the first dot splits
  // the host from the domain; a name without a dot has no domain, FQDN or domain type.
  it('run _ASIM_ResolveFQDN and _ASIM_ResolveDvcFQDN by their published bodies', () => {
    const rows = (fn: string) =>
      tableToRecords(
        runQuery(
          `datatable(TimeGenerated:datetime, Computer:string)[datetime(2026-01-10), 'appserver.contoso.com', datetime(2026-01-10), 'appserver'] | invoke ${fn}('Computer') | project-away TimeGenerated, Computer`,
          { catalog, tables: new Map() },
        ),
      );
    expect(rows('_ASIM_ResolveFQDN')).toEqual([
      {
        ExtractedHostname: 'appserver',
        Domain: 'contoso.com',
        FQDN: 'appserver.contoso.com',
        DomainType: 'FQDN',
      },
      { ExtractedHostname: 'appserver', Domain: '', FQDN: '', DomainType: '' },
    ]);
    expect(rows('_ASIM_ResolveDvcFQDN')).toEqual([
      {
        DvcHostname: 'appserver',
        DvcDomain: 'contoso.com',
        DvcFQDN: 'appserver.contoso.com',
        DvcDomainType: 'FQDN',
      },
      { DvcHostname: 'appserver', DvcDomain: '', DvcFQDN: '', DvcDomainType: '' },
    ]);
  });
});
