import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConnectorDefinition } from '../../src/connectors/definition.js';
import { mapGitHubAuditEvent } from '../../src/connectors/githubAudit.js';
import { mapOktaEvent } from '../../src/connectors/okta.js';
import { mapThreatFoxIoc } from '../../src/connectors/threatfox.js';
import { catalogOf } from '../../src/kql/catalog.js';
import { runQuery, tableFromRecords, tableToRecords } from '../../src/kql/index.js';
import { toTableRecord } from '../../src/local/store/destination.js';
import { Workspace } from '../../src/local/store/workspace.js';
import { githubSamples, oktaSamples, threatFoxSample } from '../connectors/vendorMocks.js';

// learn.microsoft.com/azure/data-explorer/ingest-invalid-data: "Value not matching the table schema
// data type. For example: floating point value ingested into an int column: NULL value filled";
// "Mapped fields are missing from the data: NULL value filled".
const columns = [
  { name: 'TimeGenerated', type: 'datetime' as const },
  { name: 'Count', type: 'long' as const },
  { name: 'Port', type: 'int' as const },
  { name: 'Score', type: 'real' as const },
  { name: 'Seen', type: 'datetime' as const },
  { name: 'Actor', type: 'string' as const },
];
const catalog = catalogOf([{ name: 'Demo_CL', columns }]);

describe('a record as Log Analytics stores it after the transform', () => {
  it('drops columns the table does not declare and nulls values that do not fit', () => {
    expect(
      toTableRecord(
        { TimeGenerated: '2026-01-10T00:00:00Z', Count: 1.5, Port: '8080', Score: '0.25', Extra: 'x' },
        columns,
      ),
    ).toEqual({ TimeGenerated: '2026-01-10T00:00:00Z', Count: null, Port: '8080', Score: '0.25' });
    expect(toTableRecord({ Count: '2.5', Port: 443 }, columns)).toEqual({ Count: null, Port: 443 });
  });

  it('the local workspace stores them that way, and the same after a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-destination-'));
    const workspace = new Workspace(dir, catalog);
    workspace.ingest(
      'Demo_CL',
      [
        {
          TimeGenerated: '2026-01-10T00:00:00Z',
          Count: 2.75,
          Port: 'https',
          Score: 'high',
          Seen: 'yesterday',
          Actor: 42,
          Payload: { a: 1 },
        },
        { TimeGenerated: '2026-01-10T00:00:01Z', Count: '7', Port: 22 },
      ],
      0n,
    );
    const expected = [
      {
        TimeGenerated: '2026-01-10T00:00:00Z',
        Count: null,
        Port: null,
        Score: null,
        Seen: null,
        Actor: '42',
      },
      { TimeGenerated: '2026-01-10T00:00:01Z', Count: 7, Port: 22, Score: null, Seen: null, Actor: '' },
    ];
    const stored = () => tableToRecords(workspace.table('Demo_CL')!);
    expect(stored()).toEqual(expected);
    const reopened = new Workspace(dir, catalog);
    expect(tableToRecords(reopened.table('Demo_CL')!)).toEqual(expected);
  });
});

describe("the repository's connectors: what their DCR outputs is what the table stores", () => {
  const root = join(import.meta.dirname, '..', '..');
  const cases = [
    { name: 'okta', rows: () => oktaSamples().map(mapOktaEvent) },
    { name: 'github-audit', rows: () => githubSamples().map(mapGitHubAuditEvent) },
    { name: 'threatfox', rows: () => threatFoxSample().data.map((ioc) => mapThreatFoxIoc(ioc)) },
  ];
  it.each(cases)('$name: no column dropped, no value nulled', ({ name, rows }) => {
    const def = loadConnectorDefinition(join(root, 'connectors', name));
    const output = tableToRecords(
      runQuery(def.transformKql, {
        catalog: catalogOf([{ name: 'source', columns: def.streamColumns }]),
        tables: new Map([['source', tableFromRecords(def.streamColumns, rows())]]),
      }),
    );
    expect(output.length).toBeGreaterThan(0);
    expect(output.map((record) => toTableRecord(record, def.table.columns))).toEqual(output);
  });
});
