import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWatchlistTemplate } from '../../../scripts/import-solution-watchlists.js';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, tableFromRecords, tableToRecords } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// Watchlists a Solution publishes with their items (catalog/solution-watchlists.json): Veeam's rules
// read them with _GetWatchlist (Solutions/Veeam/Analytic Rules/Malware_Detection_Session_Finished.yaml:
// `_GetWatchlist("action_results_lookup")`, License_Expiring.yaml: `license_editions_lookup`). The
// items are the templates' CSV rawContent (Solutions/Veeam/Watchlists/ActionResultsLookup/
// action_results_lookup.json @1b4ccf6, LicenseEditionsLookup/license_editions_lookup.json @1b4ccf6).
// Before, a project without those watchlists in kql/watchlists had every such query refused.
const root = mkdtempSync(join(tmpdir(), 'sk-solution-watchlists-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const catalog = loadCatalog(root);
const query = (text: string) => tableToRecords(runQuery(text, { catalog, tables: new Map(), now: NOW }));

describe('published Solution watchlists', () => {
  it('_GetWatchlist gives the items of the template Veeam publishes', () => {
    expect(
      query('_GetWatchlist("action_results_lookup") | project JobResult, JobResultMessage, SearchKey'),
    ).toEqual([
      { JobResult: '-1', JobResultMessage: 'None', SearchKey: '-1' },
      { JobResult: '0', JobResultMessage: 'Success', SearchKey: '0' },
      { JobResult: '1', JobResultMessage: 'Warning', SearchKey: '1' },
      { JobResult: '2', JobResultMessage: 'Failed', SearchKey: '2' },
      { JobResult: '3', JobResultMessage: 'Working', SearchKey: '3' },
    ]);
  });

  it('binds and joins with the published columns (License_Expiring lookup shape)', () => {
    const text = [
      'let license_editions_lookup = union isfuzzy=true (datatable(Edition:string, EditionDescription:string)[]), (_GetWatchlist("license_editions_lookup"));',
      'datatable(Edition:string)["2", "9"]',
      '| lookup kind=leftouter (license_editions_lookup) on Edition',
      '| project Edition, EditionDescription',
    ].join('\n');
    expect(query(text)).toEqual([
      { Edition: '2', EditionDescription: 'Enterprise Edition' },
      { Edition: '9', EditionDescription: '' },
    ]);
  });

  it("Veeam's published parser runs over Syslog through vbr_events_lookup (VBREventsLookup @2404e50)", () => {
    // Solutions/Veeam/Parsers/Veeam_GetSecurityEvents.yaml: `lookup kind=inner (_GetWatchlist(
    // "vbr_events_lookup")) on $left.instanceId == $right.ID`; the template's row for 42210 names the
    // event "Malware Detection Session Finished". Before, the body was refused over any Syslog row.
    const syslog = tableFromRecords(catalog.tables.get('Syslog')?.columns ?? [], [
      { TimeGenerated: '2026-01-10T11:00:00Z', SyslogMessage: 'instanceId=42210 Result="Success"' },
      { TimeGenerated: '2026-01-10T11:00:00Z', SyslogMessage: 'instanceId=99999 Result="Success"' },
    ]);
    const rows = tableToRecords(
      runQuery("Veeam_GetSecurityEvents | project instanceId, ['Event Name'], Severity", {
        catalog,
        tables: new Map([['Syslog', syslog]]),
        now: NOW,
      }),
    );
    expect(rows).toEqual([
      { instanceId: '42210', 'Event Name': 'Malware Detection Session Finished', Severity: 'information' },
    ]);
  });

  it('still refuses a watchlist no Solution publishes with its items', () => {
    expect(() => query('_GetWatchlist("no_such_published_watchlist") | take 1')).toThrow(
      /no watchlist with alias 'no_such_published_watchlist'/,
    );
  });

  it('the importer leaves out a template without inline items, saying why', () => {
    const template = {
      resources: [
        {
          name: "[concat(parameters('workspaceName'), '/Microsoft.SecurityInsights/uploaded')]",
          type: 'Microsoft.OperationalInsights/workspaces/providers/Watchlists',
          properties: { displayName: 'Uploaded', itemsSearchKey: 'k', watchlistAlias: 'uploaded' },
        },
      ],
    };
    const read = readWatchlistTemplate(JSON.stringify(template), { path: 'W/uploaded.json', commit: 'c' });
    expect(read.watchlists).toEqual([]);
    expect(read.skipped[0]).toMatch(/no inline CSV \(rawContent\)/);
  });
});
