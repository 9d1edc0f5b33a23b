import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentKindOf, validateContent } from '../../src/content/validate.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { scheduledRule } from '../rules/helpers.js';
import { folderWith } from '../support/files.js';

const root = join(import.meta.dirname, '..', '..');

const repo = (files: Record<string, string>) => folderWith('sk-content-', files);

describe('validate kql/ by content type', () => {
  it('classifies files by folder, in our layout and the Azure-Sentinel repository', () => {
    expect(contentKindOf('kql/automation/10-triage.yaml')).toBe('automation');
    expect(contentKindOf('kql/parsers/Ssh.yaml')).toBe('parser');
    expect(contentKindOf('Solutions/Okta/Parsers/OktaSSO.yaml')).toBe('parser');
    expect(contentKindOf('Solutions/Okta/Hunting Queries/x.yaml')).toBe('hunting');
    expect(contentKindOf('Solutions/Okta/Analytic Rules/x.yaml')).toBe('analytics');
    expect(contentKindOf('kql/watchlists/VIP.yaml')).toBe('watchlist');
    expect(contentKindOf('kql/rules/identity/spray.test.yaml')).toBe('rule-test');
    expect(contentKindOf('kql/detections/office-encoded-powershell.yaml')).toBe('detection');
    expect(contentKindOf('kql/operations.yaml')).toBe('operations');
    expect(contentKindOf('kql/summary/signin-failures-hourly.yaml')).toBe('summary');
  });

  it("reads the Azure-Sentinel repository's Detections/ rules as analytics rules, not custom detections", async () => {
    const rule = [
      'id: 0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
      'name: Recon tool run from a shell (Normalized Process Schema)',
      'description: Shape of Detections/ASimProcess rules.',
      'severity: High',
      'requiredDataConnectors: []',
      'queryFrequency: 1h',
      'queryPeriod: 1h',
      'triggerOperator: gt',
      'triggerThreshold: 0',
      'tactics:',
      '  - Discovery',
      'query: |',
      "  _Im_ProcessCreate(commandline_has_any=dynamic(['adfind']))",
      '  | project TargetProcessCommandLine, DvcHostname',
      'version: 1.0.0',
      'kind: Scheduled',
    ].join('\n');
    expect(contentKindOf('Detections/ASimProcess/adfind.yaml', () => rule)).toBe('analytics');
    const custom = 'displayName: x\nqueryCondition:\n  queryText: DeviceEvents\n';
    expect(contentKindOf('kql/detections/x.yaml', () => custom)).toBe('detection');
    const dir = repo({ 'Detections/ASimProcess/adfind.yaml': rule });
    const { counts, diagnostics } = await validateContent([join(dir, 'Detections')], {
      root: dir,
      catalog: loadCatalog(dir),
      compareWithGit: false,
    });
    expect([...counts]).toEqual([['analytics', 1]]);
    expect(diagnostics).toEqual([]);
  });

  it('checks every file of this repository kql/ without treating automation rules as analytics rules', async () => {
    const catalog = loadCatalog(root);
    const { counts, diagnostics } = await validateContent([join(root, 'kql')], {
      root,
      catalog,
      compareWithGit: false,
    });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(counts.get('automation')).toBeGreaterThan(0);
    expect(counts.get('parser')).toBeGreaterThan(0);
    expect(counts.get('watchlist')).toBeGreaterThan(0);
    // Custom detections are checked by Defender's rules and the SOC operations model by its own,
    // neither as an analytics rule.
    expect(counts.get('detection')).toBeGreaterThan(0);
    // Summary rules are checked against the summaryLogs API, not as analytics rules (which would
    // refuse their name, ruleDefinition and missing severity).
    expect(counts.get('summary')).toBeGreaterThan(0);
    expect(counts.get('operations')).toBe(1);
  });

  it('binds parser bodies with their parameters and reports errors at the file position', async () => {
    const dir = repo({
      'kql/parsers/Good.yaml': [
        'functionName: Good',
        'parameters:',
        '  - { name: starttime, type: datetime, default: "datetime(null)" }',
        'query: |',
        '  SigninLogs',
        '  | where isnull(starttime) or TimeGenerated >= starttime',
      ].join('\n'),
      'kql/parsers/Bad.yaml': [
        'functionName: Bad',
        'query: |',
        '  SigninLogs',
        '  | where NoSuchColumn == 1',
      ].join('\n'),
      'kql/automation/bad.yaml': 'name: no id\n',
    });
    const catalog = loadCatalog(dir);
    const { diagnostics } = await validateContent([join(dir, 'kql')], {
      root: dir,
      catalog,
      compareWithGit: false,
    });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.filter((d) => d.file?.endsWith('Good.yaml'))).toEqual([]);
    expect(
      errors.filter((d) => d.file?.endsWith('Bad.yaml')).map((d) => `${d.code} ${d.line}:${d.column}`),
    ).toEqual(['SK1103 4:11']);
    expect(errors.some((d) => d.file?.endsWith('bad.yaml') && d.code === 'SK0501')).toBe(true);
  });

  it('gives the same findings on worker threads, checks across files included', async () => {
    const rule = (n: number, id: string) =>
      scheduledRule({ id, name: `Threaded ${n}`, description: 'Checked on a worker thread.' }, [
        `query: SigninLogs | where ResultType == "${n}" | project ${n % 2 ? 'IPAddress' : 'NoSuchColumn'}`,
      ]);
    const dir = repo({
      'kql/rules/a.yaml': rule(1, '6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e61'),
      'kql/rules/b.yaml': rule(2, '6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e62'),
      'kql/rules/c.yaml': rule(3, '6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e61'),
      'kql/rules/d.yaml': rule(4, '6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e64'),
    });
    const catalog = loadCatalog(dir);
    const options = { root: dir, catalog, compareWithGit: false };
    const single = await validateContent([join(dir, 'kql')], options);
    const threaded = await validateContent([join(dir, 'kql')], {
      ...options,
      parallel: { threads: 2, minRulesPerThread: 1 },
    });
    expect(threaded.workers).toBe(2);
    expect(threaded.diagnostics).toEqual(single.diagnostics);
    expect(single.diagnostics.map((d) => `${d.file?.split('/').pop()} ${d.code}`)).toEqual([
      'a.yaml SK1601',
      'b.yaml SK1103',
      'c.yaml SK1601',
      'd.yaml SK1103',
    ]);
  });

  it('lists the other files sharing an id in file order on worker threads as on one thread', async () => {
    // The threads take files from one queue in turn; a duplicate id's message names the other
    // files in the order a single thread meets them, whichever thread checked each.
    const id = '6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e81';
    const rule = (n: number, ruleId: string) =>
      scheduledRule({ id: ruleId, name: `Queued ${n}`, description: 'Checked in turn.' }, [
        `query: SigninLogs | where ResultType == "${n}" | project IPAddress`,
      ]);
    const files: Record<string, string> = {};
    for (let n = 0; n < 12; n++)
      files[`kql/rules/r${String(n).padStart(2, '0')}.yaml`] = rule(
        n,
        n % 4 === 1 ? `${id.slice(0, -2)}9${n % 10}` : id,
      );
    const dir = repo(files);
    const options = { root: dir, catalog: loadCatalog(dir), compareWithGit: false };
    const single = await validateContent([join(dir, 'kql')], options);
    const threaded = await validateContent([join(dir, 'kql')], {
      ...options,
      parallel: { threads: 2, minRulesPerThread: 1 },
    });
    expect(threaded.workers).toBe(2);
    const duplicates = single.diagnostics.filter((d) => d.code === 'SK1601');
    expect(duplicates).toHaveLength(9);
    expect(duplicates[0].message).toMatch(/r02\.yaml.*r03\.yaml.*r04\.yaml/);
    expect(threaded.diagnostics).toEqual(single.diagnostics);
  });

  it('gives the same findings whether rules share one global state, bindings and threads or each has its own', async () => {
    const rule = (n: number, query: string) =>
      scheduledRule(
        {
          id: `6f1f2c3d-1a2b-4c5d-8e9f-0a1b2c3d4e${String(70 + n)}`,
          name: `Shared ${n}`,
          description: 'Validated with and without sharing.',
        },
        [
          'entityMappings:',
          '  - entityType: IP',
          '    fieldMappings:',
          '      - identifier: Address',
          '        columnName: IPAddress',
          'query: |',
          ...query.split('\n').map((line) => `  ${line}`),
        ],
      );
    const signins = 'SigninLogs\n| where ResultType != "0"\n| summarize n = count() by IPAddress';
    const files = {
      'kql/parsers/RecentFailures.yaml': [
        'functionName: RecentFailures',
        'query: |',
        '  SigninLogs | where ResultType != "0" | project TimeGenerated, IPAddress, UserPrincipalName',
      ].join('\n'),
      'kql/parsers/Broken.yaml': [
        'functionName: Broken',
        'query: |',
        '  SigninLogs | extend x = nosuchcolumn',
      ].join('\n'),
      'kql/watchlists/Trusted.yaml': [
        'watchlistAlias: Trusted',
        'itemsSearchKey: Network',
        'columns:',
        '  - { name: Network, type: string }',
        'items:',
        '  - { Network: 10.0.0.0/8 }',
      ].join('\n'),
      // The same query text twice (bound once when shared), tables first named by later rules
      // (the shared state is built for all of them up front), a parser called by several rules,
      // errors in the query, inside a called parser, and in entity mappings.
      'kql/rules/a.yaml': rule(1, signins),
      'kql/rules/b.yaml': rule(2, signins),
      'kql/rules/c.yaml': rule(3, 'RecentFailures\n| summarize n = count() by IPAddress'),
      'kql/rules/d.yaml': rule(
        4,
        'RecentFailures\n| join kind=leftanti (_GetWatchlist("Trusted") | project IPAddress = tostring(SearchKey)) on IPAddress',
      ),
      'kql/rules/e.yaml': rule(
        5,
        'SecurityEvent\n| where EventID == 4625\n| summarize n = count() by IPAddress',
      ),
      'kql/rules/f.yaml': rule(6, 'Broken\n| project IPAddress'),
      'kql/rules/g.yaml': rule(
        7,
        'DeviceNetworkEvents\n| where RemotePort == 3389\n| project IPAddress = RemoteIP, Timestamp',
      ),
      'kql/rules/h.yaml': rule(8, 'union SigninLogs, AzureActivity\n| where nosuchcolumn == 1'),
      'kql/rules/i.yaml': rule(9, 'RecentFailures\n| summarize n = count() by UserPrincipalName'),
    };
    const dir = repo(files);
    const options = (catalog = loadCatalog(dir)) => ({ root: dir, catalog, compareWithGit: false });
    const shared = await validateContent([join(dir, 'kql')], options());
    const threaded = await validateContent([join(dir, 'kql')], {
      ...options(),
      parallel: { threads: 2, minRulesPerThread: 1 },
    });
    // Each file on its own: a fresh catalog, so a global state, cache and bindings of its own.
    const alone = [];
    for (const path of Object.keys(files).filter((path) => path.startsWith('kql/rules/'))) {
      alone.push(...(await validateContent([join(dir, path)], options())).diagnostics);
    }
    expect(threaded.workers).toBe(2);
    expect(threaded.diagnostics).toEqual(shared.diagnostics);
    const rules = shared.diagnostics.filter((d) => d.file?.includes('rules'));
    expect(rules).toEqual(alone);
    expect(rules.map((d) => `${d.file?.split('/').pop()} ${d.code}`)).toEqual([
      'e.yaml SK1103', // SecurityEvent spells it IpAddress
      'f.yaml SK1103', // the error inside Broken, at the call
      'h.yaml SK1103',
      'i.yaml SK1305', // mapped IPAddress is not in the result
    ]);
  });
});
