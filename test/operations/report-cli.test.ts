import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/report.js';
import { runQuery, tableFromRecords, tableToRecords } from '../../src/kql/index.js';
import { parseDateTime } from '../../src/kql/values/index.js';
import { repoRoot } from '../build/support.js';
import { runCommand } from '../support/cli.js';
import { catalog, fixtureRows, NOW, SPRAY } from './fixtures/incidents.js';

const WORKSPACE = '11111111-2222-3333-4444-555555555555';
const IDENTITY = 'http://127.0.0.1:41997/msi/token';

function dataDir(rows = fixtureRows()): string {
  const dir = mkdtempSync(join(tmpdir(), 'sk-report-'));
  for (const [table, records] of Object.entries(rows)) {
    writeFileSync(join(dir, `${table}.ndjson`), records.map((r) => JSON.stringify(r)).join('\n'));
  }
  return dir;
}

describe('sentinel-kit report', () => {
  it('rules --data prints per-rule closures, benign entities and suggestions', async () => {
    const result = await runCommand(run, 'rules', '--data', dataDir(), '--now', NOW, '--root', repoRoot);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 5)).toEqual([
      `Password spray against Entra ID from a single IP (${SPRAY})`,
      '  7 incidents (0.23/day, budget 24), 5 closed: TP 1 · BP 1 · FP 3 · Undetermined 0; FP rate 60%; median time to close 3h',
      '  closed as benign most often: ip 198.51.100.7 (3), ip 203.0.113.9 (1)',
      '  → add an exclusion for ip 198.51.100.7 (behind 3 of 4 benign closures) to a watchlist the query excludes',
      "  → raise the threshold: 60% of closures are false positives (triggerThreshold 0 or the query's own limit)",
    ]);
  });

  it('qa --data lists the incidents labelled for QA review', async () => {
    const rows = fixtureRows();
    const last = rows.SecurityIncident.find((r) => r.IncidentNumber === 2 && r.Status === 'Closed')!;
    rows.SecurityIncident.push({
      ...last,
      TimeGenerated: '2026-12-01T11:00:00Z',
      Owner: { objectId: '6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f1' },
      Labels: [{ labelName: 'QA review', labelType: 'User' }],
    });
    const result = await runCommand(
      run,
      'qa',
      '--data',
      dataDir(rows),
      '--now',
      NOW,
      '--root',
      repoRoot,
      '--format',
      'json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        incident: last.IncidentName,
        number: 2,
        title: 'Incident 2',
        classification: 'FalsePositive',
        closedTime: last.ClosedTime,
        tier: 'L1',
      },
    ]);
  });

  it.each([
    [['rules'], 'give either --workspace or --data'],
    [['noise', '--data', '.'], 'give one report: rules or qa'],
    [['rules', '--data', '.', '--days', '0'], "--days must be a whole number of days, 1-730 (got '0')"],
  ])('refuses bad arguments %j with exit code 2', async (argv, message) => {
    const result = await runCommand(run, ...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  describe('--workspace through Logs Query (msw stands in for the service; the engine answers it)', () => {
    const queries: { query: string; timespan?: string }[] = [];
    const server = setupServer(
      http.get(IDENTITY, () =>
        HttpResponse.json({
          access_token: 't',
          expires_on: String(Math.floor(Date.now() / 1000) + 3600),
          token_type: 'Bearer',
        }),
      ),
      http.post(`https://api.loganalytics.io/v1/workspaces/${WORKSPACE}/query`, async ({ request }) => {
        const body = (await request.json()) as { query: string; timespan?: string };
        queries.push(body);
        const tables = new Map(
          Object.entries(fixtureRows()).map(([name, records]) => [
            name,
            tableFromRecords(catalog.tables.get(name)!.columns, records),
          ]),
        );
        const table = runQuery(body.query, { catalog, tables, now: parseDateTime(NOW)! });
        const records = tableToRecords(table);
        return HttpResponse.json({
          tables: [
            {
              name: 'PrimaryResult',
              columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
              rows: records.map((r) => table.columns.map((c) => r[c.name])),
            },
          ],
        });
      }),
    );
    const saved = { ...process.env };
    beforeAll(() => {
      server.listen({ onUnhandledRequest: 'error' });
      Object.assign(process.env, { IDENTITY_ENDPOINT: IDENTITY, IDENTITY_HEADER: 'h' });
    });
    afterAll(() => {
      server.close();
      process.env = saved;
    });

    it('gives the same report as the embedded engine', async () => {
      const viaWorkspace = await runCommand(
        run,
        'rules',
        '--workspace',
        WORKSPACE,
        '--root',
        repoRoot,
        '--format',
        'json',
      );
      const viaData = await runCommand(
        run,
        'rules',
        '--data',
        dataDir(),
        '--now',
        NOW,
        '--root',
        repoRoot,
        '--format',
        'json',
      );
      expect(viaWorkspace.stderr).toBe('');
      expect(JSON.parse(viaWorkspace.stdout)).toEqual(JSON.parse(viaData.stdout));
      expect(queries.map((q) => q.timespan)).toEqual(['P30D', 'P30D']);
    });

    it('reports a service error without a stack', async () => {
      server.use(
        http.post(`https://api.loganalytics.io/v1/workspaces/${WORKSPACE}/query`, () =>
          HttpResponse.json(
            { error: { code: 'PathNotFoundError', message: 'no such workspace' } },
            { status: 404 },
          ),
        ),
      );
      const result = await runCommand(run, 'rules', '--workspace', WORKSPACE, '--root', repoRoot);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('error: LogsQuery 404 PathNotFoundError');
    });
  });
});
