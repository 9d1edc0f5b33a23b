import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/kql/catalog.js';
import {
  planQuery,
  runPlan,
  runQuery,
  type Table,
  tableToRecords,
  UnsupportedError,
} from '../../../src/kql/index.js';
import { createSource } from '../../../src/rules/backtest/source.js';
import { folderWith } from '../../support/files.js';
import { NOW } from './helpers.js';

// A parser Sentinel or a Solution deploys (the built-in ASIM parsers, the functions and parser-output
// tables the Azure-Sentinel CI declares) is in the catalog by its output columns only; Azure runs its
// body over the workspace's tables, which the catalog lacks. So locally the only answers known to be
// Azure's are the rows the data gives under the parser's name, or none when no table has a row.
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);

const signins: Table = {
  columns: [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'UserPrincipalName', type: 'string' },
  ],
  rows: [[NOW, 'ann@contoso.com']],
};

const vips: Table = {
  columns: [
    { name: 'UserPrincipalName', type: 'string' },
    { name: 'Tags', type: 'string' },
  ],
  rows: [
    ['ann@contoso.com', 'board'],
    ['bob@contoso.com', 'finance'],
  ],
};

function refusal(run: () => unknown): UnsupportedError {
  try {
    run();
  } catch (error) {
    if (error instanceof UnsupportedError) return error;
    throw error;
  }
  throw new Error('the query ran');
}

describe('parsers known by their output columns only', () => {
  it('refuse over data that has rows elsewhere instead of answering empty, naming the parser and its position', () => {
    const query =
      "SigninLogs | join kind=inner (_Im_Dns(starttime=ago(1d)) | where Domain has 'x') on $left.UserPrincipalName == $right.SrcUsername";
    const error = refusal(() =>
      runQuery(query, { catalog, tables: new Map([['SigninLogs', signins]]), now: NOW }),
    );
    expect(error.message).toContain('_Im_Dns is a parser');
    expect(error.message).toContain('give rows for _Im_Dns');
    expect(error.start).toBe(query.indexOf('_Im_Dns'));
  });

  it('run empty when no table of the data has a row', () => {
    const query = "_Im_Dns(starttime=ago(1d)) | where Domain has 'x' | summarize n = count() by SrcIpAddr";
    const empty: Table = { columns: signins.columns, rows: [] };
    const result = runQuery(query, { catalog, tables: new Map([['SigninLogs', empty]]), now: NOW });
    expect(result.columns.map((c) => c.name)).toEqual(['SrcIpAddr', 'n']);
    expect(result.rows).toEqual([]);
  });

  it('read the rows the data gives under the parser name (a CI-declared function with parameters)', () => {
    const query =
      "SigninLogs | join kind=inner (MSBizAppsVIPUsers(VIPUsersWatchlistAlias = 'Board') | where Tags == 'board') on UserPrincipalName | project UserPrincipalName, Tags";
    const tables = new Map([
      ['SigninLogs', signins],
      ['MSBizAppsVIPUsers', vips],
    ]);
    expect(tableToRecords(runQuery(query, { catalog, tables, now: NOW }))).toEqual([
      { UserPrincipalName: 'ann@contoso.com', Tags: 'board' },
    ]);
  });

  it('treat a parser-output table the CI declares (OktaSSO) the same way', () => {
    const query = "OktaSSO | where eventType_s == 'user.session.start' | count";
    expect(() => runQuery(query, { catalog, tables: new Map([['SigninLogs', signins]]), now: NOW })).toThrow(
      /OktaSSO is a parser/,
    );
    const okta: Table = {
      columns: [{ name: 'eventType_s', type: 'string' }],
      rows: [['user.session.start'], ['user.session.end']],
    };
    expect(runQuery(query, { catalog, tables: new Map([['OktaSSO', okta]]), now: NOW }).rows).toEqual([[1]]);
  });

  it('refuse when the data is a lookup that cannot tell whether any table has rows, unless it says so', () => {
    const query = 'MSBizAppsOrgSettings | project FieldName';
    const lookup = (name: string) => (name === 'SigninLogs' ? signins : undefined);
    expect(() => runQuery(query, { catalog, tables: lookup, now: NOW })).toThrow(
      /MSBizAppsOrgSettings is a parser/,
    );
    expect(
      runQuery(query, { catalog, tables: () => undefined, anyRows: () => false, now: NOW }).rows,
    ).toEqual([]);
  });

  it('run the project parser of the same name over the data', () => {
    const dir = folderWith('sk-parser-output-', {
      'kql/parsers/MSBizAppsVIPUsers.yaml':
        'functionName: MSBizAppsVIPUsers\nquery: |\n  SigninLogs | project UserPrincipalName, Tags = "from the project"\n',
    });
    const own = loadCatalog(dir);
    const result = runQuery('MSBizAppsVIPUsers', {
      catalog: own,
      tables: new Map([['SigninLogs', signins]]),
      now: NOW,
    });
    expect(tableToRecords(result)).toEqual([
      { UserPrincipalName: 'ann@contoso.com', Tags: 'from the project' },
    ]);
  });

  it('tell from a worker data source (`query --data`) whether its files hold rows', () => {
    const query = '_Im_Dns | project SrcIpAddr';
    const plan = planQuery(query, catalog);
    const run = (files: Record<string, string>) => {
      const source = createSource({ dir: folderWith('sk-parser-output-data-', files), now: NOW }, catalog);
      source.refresh();
      return runPlan(plan, {
        catalog,
        tables: (name) => source.table(name),
        anyRows: source.anyRows,
        now: NOW,
      });
    };
    expect(run({ 'SigninLogs.ndjson': '' }).rows).toEqual([]);
    expect(() =>
      run({
        'SigninLogs.ndjson':
          '{"TimeGenerated":"2026-01-10T11:00:00Z","UserPrincipalName":"ann@contoso.com"}\n',
      }),
    ).toThrow(/_Im_Dns is a parser/);
  });
});
