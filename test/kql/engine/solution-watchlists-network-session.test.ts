import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery, tableToRecords } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// Network Session Essentials' rules read the watchlist the Solution deploys with them (Azure/Azure-Sentinel
// Solutions/Network Session Essentials/Watchlists/NetworkSession_Monitor_Configuration.json @13328fa, 72
// CSV rows, search key Ports). Before, a project that had not added it to kql/watchlists had the
// Solution's port-misuse rule refused even over empty tables. Expected values are the template's CSV rows.
const root = mkdtempSync(join(tmpdir(), 'sk-network-session-watchlist-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const catalog = loadCatalog(root);
const query = (text: string) => tableToRecords(runQuery(text, { catalog, tables: new Map(), now: NOW }));

describe('Network Session Essentials watchlist', () => {
  it('the static detections DetectPortMisuseByStaticThreshold.yaml expands, a quoted port list kept whole', () => {
    // The rule's `let mapping`: Type Detection, ThresholdType Static, then split and mv-expand of Ports.
    const text = [
      "_GetWatchlist('NetworkSession_Monitor_Configuration')",
      '| where Type == "Detection" and ThresholdType == "Static" and Severity != "Disabled"',
      '| project Ports, App, Threshold = toint(Threshold), Name, SearchKey',
    ].join('\n');
    expect(query(text)).toEqual([
      {
        Ports: '9150,9151',
        App: 'tor',
        Threshold: 1000,
        Name: 'Suspicious TOR Traffic',
        SearchKey: '9150,9151',
      },
      { Ports: '139,445', App: 'smb', Threshold: 1000, Name: 'Suspicious SMB Traffic', SearchKey: '139,445' },
    ]);
  });

  it('has every CSV row of the template', () => {
    expect(query("_GetWatchlist('NetworkSession_Monitor_Configuration') | count")).toEqual([{ Count: 72 }]);
  });
});
