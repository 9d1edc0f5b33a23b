import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConnectorDefinition, loadConnectorDefinition } from '../../src/connectors/definition.js';
import { mapGitHubAuditEvent } from '../../src/connectors/githubAudit.js';
import { mapOktaEvent } from '../../src/connectors/okta.js';
import { mapThreatFoxIoc } from '../../src/connectors/threatfox.js';
import { DiagnosticError } from '../../src/diagnostics.js';
import type { StreamRow } from '../../src/ingest/batches.js';
import { catalogOf } from '../../src/kql/catalog.js';
import { runQuery, tableFromRecords, tableToRecords } from '../../src/kql/index.js';
import { githubSamples, oktaSamples, threatFoxSample } from './vendorMocks.js';

const root = join(import.meta.dirname, '..', '..');

/** Runs the DCR's transformKql over stream rows the way Azure Monitor does: the input table is `source`. */
function transform(def: ConnectorDefinition, rows: StreamRow[]) {
  const source = { name: 'source', columns: def.streamColumns };
  return runQuery(def.transformKql, {
    catalog: catalogOf([source]),
    tables: new Map([['source', tableFromRecords(def.streamColumns, rows)]]),
  });
}

const cases = [
  { name: 'okta', rows: () => oktaSamples().map(mapOktaEvent), count: 5 },
  { name: 'github-audit', rows: () => githubSamples().map(mapGitHubAuditEvent), count: 5 },
  { name: 'threatfox', rows: () => threatFoxSample().data.map((ioc) => mapThreatFoxIoc(ioc)), count: 5 },
];

describe.each(cases)('connectors/$name', ({ name, rows, count }) => {
  const def = loadConnectorDefinition(join(root, 'connectors', name));

  it('mapped sample rows carry exactly the stream declaration columns', () => {
    const declared = def.streamColumns.map((c) => c.name).sort();
    for (const row of rows()) expect(Object.keys(row).sort()).toEqual(declared);
  });

  it('transformKql runs on the samples and yields exactly the table.json columns and types', () => {
    const out = transform(def, rows());
    expect(out.rows).toHaveLength(count);
    const byName = (cols: { name: string; type: string }[]) => cols.map((c) => `${c.name}:${c.type}`).sort();
    expect(byName(out.columns)).toEqual(byName(def.table.columns));
    const records = tableToRecords(out);
    for (const record of records) {
      expect(record.TimeGenerated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    }
  });
});

describe('transform output values', () => {
  it('okta: flattens actor, client and outcome', () => {
    const def = loadConnectorDefinition(join(root, 'connectors', 'okta'));
    const [first, failed] = tableToRecords(transform(def, oktaSamples().map(mapOktaEvent)));
    expect(first).toMatchObject({
      TimeGenerated: '2026-01-10T11:52:07.314Z',
      EventType: 'user.session.start',
      ActorAlternateId: 'alice@contoso.com',
      ClientIpAddress: '198.51.100.23',
      ClientCountry: 'Netherlands',
      ClientBrowser: 'CHROME',
      OutcomeResult: 'SUCCESS',
    });
    expect(failed).toMatchObject({ OutcomeResult: 'FAILURE', OutcomeReason: 'INVALID_CREDENTIALS' });
  });

  it('github-audit: renames and keeps unmapped fields in AdditionalFields', () => {
    const def = loadConnectorDefinition(join(root, 'connectors', 'github-audit'));
    const records = tableToRecords(transform(def, githubSamples().map(mapGitHubAuditEvent)));
    expect(records[0]).toMatchObject({
      TimeGenerated: '2026-01-10T11:52:01.337Z',
      Action: 'repo.create',
      Actor: 'octocat',
      ActorId: 583231,
      Repository: 'contoso-eng/payments-service',
      AdditionalFields: { visibility: 'private', repo_id: 712345678 },
    });
    expect(records[3]).toMatchObject({ Action: 'protected_branch.destroy', TokenId: 445566778 });
  });

  it('threatfox: ThreatIntelIndicators-shaped rows', () => {
    const def = loadConnectorDefinition(join(root, 'connectors', 'threatfox'));
    const [ip] = tableToRecords(
      transform(
        def,
        threatFoxSample().data.map((ioc) => mapThreatFoxIoc(ioc)),
      ),
    );
    expect(ip).toMatchObject({
      IndicatorId: 'threatfox:1432101',
      ObservableKey: 'ipv4-addr:value',
      ObservableValue: '203.0.113.45',
      Pattern: "[ipv4-addr:value = '203.0.113.45']",
      PatternType: 'stix',
      Confidence: 100,
      IsActive: true,
      IsDeleted: false,
      SourceSystem: 'ThreatFox',
      Tags: 'c2,CobaltStrike',
    });
  });
});

describe('loadConnectorDefinition', () => {
  function broken(dcr: string): DiagnosticError {
    const dir = mkdtempSync(join(tmpdir(), 'sk-connector-'));
    writeFileSync(join(dir, 'table.json'), readFileSync(join(root, 'connectors', 'okta', 'table.json')));
    writeFileSync(join(dir, 'dcr.yaml'), dcr);
    try {
      loadConnectorDefinition(dir);
    } catch (e) {
      if (e instanceof DiagnosticError) return e;
      throw e;
    }
    throw new Error('expected a DiagnosticError');
  }

  it('points at a bad column type with its line', () => {
    const error = broken(
      'streamDeclarations:\n  Custom-Okta:\n    columns:\n      - { name: a, type: string }\n      - { name: b, type: varchar }\ndataFlows:\n  - streams: [Custom-Okta]\n    outputStream: Custom-Okta_CL\n    transformKql: source\n',
    );
    expect(error.diagnostics).toEqual([
      expect.objectContaining({
        code: 'CONN002',
        line: 5,
        column: 9,
        message: expect.stringMatching(/DCR type/),
      }),
    ]);
  });

  it('rejects an output stream that does not land in the table.json table', () => {
    const error = broken(
      'streamDeclarations:\n  Custom-Okta:\n    columns: [{ name: a, type: string }]\ndataFlows:\n  - streams: [Custom-Okta]\n    outputStream: Custom-Other_CL\n    transformKql: source\n',
    );
    expect(error.diagnostics[0]).toMatchObject({ code: 'CONN003', line: 5 });
  });

  it('reports YAML syntax errors with a position', () => {
    const error = broken('streamDeclarations:\n  Custom-Okta: [\n');
    expect(error.diagnostics[0]).toMatchObject({ code: 'CONN001', line: expect.any(Number) });
  });
});
