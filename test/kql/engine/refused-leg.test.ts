import { describe, expect, it } from 'vitest';
import type { Catalog, FunctionSchema } from '../../../src/kql/catalog.js';
import { runQuery, type Table, tableToRecords } from '../../../src/kql/index.js';
import { builtin, rowsOf } from './asim-fixtures.js';
import { NOW } from './helpers.js';

// A published parser whose body the catalog holds and Kusto.Language binds, but which the engine
// refuses to run (here `parse` into a column the input already has, then `pack_all()`, which reads
// every column, the parsed one too: the parse operator page does not say whether the service keeps
// both columns or replaces the input's, so the packed row is not known whatever the caller keeps).
// Called by another published body (a source leg of a unifying ASIM `union isfuzzy=true`), it gives
// no rows while the tables its body reads have none, as a leg whose body the catalog does not hold
// does; once one of them has a row the query is refused naming the leg and the construct.
// Called by the query itself, it is refused as before once the data has any row.

const published = (name: string, body: string): FunctionSchema => ({
  name,
  description: `${name} (test)`,
  parameters: [],
  body,
  file: 'test',
  columns: [],
  published: true,
});

const REFUSED =
  "SecurityEvent | parse EventData with * 'ProcessId=' ProcessId:string ';' * | project-away EventData | extend Row = pack_all()";

function catalogWith(legs: Record<string, string>): Catalog {
  const functions = new Map(builtin.builtinFunctions);
  for (const [name, body] of Object.entries(legs)) functions.set(name, published(name, body));
  return { ...builtin, builtinFunctions: functions };
}

const catalog = catalogWith({
  TestRefusedLeg: REFUSED,
  TestUnion:
    'union isfuzzy=true (DeviceNetworkEvents | project TimeGenerated, Computer = DeviceName), (TestRefusedLeg() | project TimeGenerated, Computer, ProcessId)',
  // Rows from a constant table on the right of a lookup come only with a left row (lookup operator page).
  TestLookupLeg: `let Codes = datatable(EventID: int, Meaning: string)[5156, 'allowed'];\n${REFUSED} | lookup Codes on EventID`,
  TestLookupUnion:
    'union isfuzzy=true (DeviceNetworkEvents | project TimeGenerated), (TestLookupLeg() | project TimeGenerated)',
  // The lookup table and a helper are `let`s inside the leg's own local function, as in ASIM's
  // vimWebSessionPaloAltoCEF @b8e662f: they are followed only where the function's result uses them.
  TestLocalLetsLeg: `let parser = () {\n  let Codes = datatable(EventID: int, Meaning: string)[5156, 'allowed'];\n  let strip = (list: dynamic) { print list | mv-expand l = print_0 to typeof(string) | project l };\n  ${REFUSED} | where Computer has_any (strip(dynamic(['dc1']))) | lookup Codes on EventID\n};\nparser()`,
  TestLocalLetsUnion:
    'union isfuzzy=true (DeviceNetworkEvents | project TimeGenerated), (TestLocalLetsLeg() | project TimeGenerated)',
  // A watchlist the project lacks (refused) filters the leg's rows; it adds none.
  TestWatchlistLeg:
    "SecurityEvent | where Computer in (_GetWatchlist('NoSuchWatchlist') | project SearchKey)",
  TestWatchlistUnion:
    'union isfuzzy=true (DeviceNetworkEvents | project Computer = DeviceName), (TestWatchlistLeg() | project Computer)',
  // `summarize` without `by` gives one row over no rows (summarize operator page): not none.
  TestCountLeg: `${REFUSED} | summarize Rows = make_list(pack_all())`,
  TestCountUnion:
    'union isfuzzy=true (DeviceNetworkEvents | summarize Rows = make_list(pack_all())), TestCountLeg()',
  // Rows of a datatable source do not depend on any table.
  TestConstantLeg: `union (${REFUSED}), (datatable(ProcessId: string)['1'])`,
  TestConstantUnion:
    'union isfuzzy=true (DeviceNetworkEvents | project ProcessId = DeviceName), TestConstantLeg()',
});

const device = rowsOf('DeviceNetworkEvents', [
  { TimeGenerated: '2026-01-10T11:00:00Z', DeviceName: 'host1' },
]);
const security = rowsOf('SecurityEvent', [
  { TimeGenerated: '2026-01-10T11:00:00Z', Computer: 'dc1', EventID: 5156, EventData: 'ProcessId=4;' },
]);
const run = (query: string, tables: [string, Table][]) =>
  tableToRecords(runQuery(query, { catalog, tables: new Map(tables), now: NOW }));

describe('a source leg the engine refuses, in a published union', () => {
  it('gives no rows while the tables its body reads have none', () => {
    expect(run('TestUnion', [['DeviceNetworkEvents', device]])).toEqual([
      { TimeGenerated: '2026-01-10T11:00:00Z', Computer: 'host1', ProcessId: '' },
    ]);
    expect(run('TestLookupUnion | count', [['DeviceNetworkEvents', device]])).toEqual([{ Count: 1 }]);
    expect(run('TestWatchlistUnion', [['DeviceNetworkEvents', device]])).toEqual([{ Computer: 'host1' }]);
  });

  it("follows a leg's local function to its result, not to every let inside it", () => {
    expect(run('TestLocalLetsUnion | count', [['DeviceNetworkEvents', device]])).toEqual([{ Count: 1 }]);
    expect(() => run('TestLocalLetsUnion | count', [['SecurityEvent', security]])).toThrow(
      /TestLocalLetsLeg is a parser .*parse into 'ProcessId'/,
    );
  });

  it('refuses once a table its body reads has rows, naming the leg and the construct', () => {
    const refusal =
      /TestRefusedLeg is a parser .*published body the engine cannot run.*parse into 'ProcessId'/;
    expect(() => run('TestUnion', [['SecurityEvent', security]])).toThrow(refusal);
    expect(() =>
      run('TestUnion', [
        ['DeviceNetworkEvents', device],
        ['SecurityEvent', security],
      ]),
    ).toThrow(refusal);
    expect(() => run('TestLookupUnion', [['SecurityEvent', security]])).toThrow(
      /TestLookupLeg.*parse into 'ProcessId'/,
    );
    expect(() => run('TestWatchlistUnion', [['SecurityEvent', security]])).toThrow(
      /TestWatchlistLeg.*NoSuchWatchlist/,
    );
  });

  it('stays refused where the body can give rows without its tables', () => {
    expect(() => run('TestCountUnion', [['DeviceNetworkEvents', device]])).toThrow(
      /TestCountLeg.*parse into 'ProcessId'/,
    );
    expect(() => run('TestConstantUnion', [['DeviceNetworkEvents', device]])).toThrow(
      /TestConstantLeg.*parse into 'ProcessId'/,
    );
  });

  it('still refuses the parser called directly, and the construct in the query itself', () => {
    expect(() => run('TestRefusedLeg | count', [['DeviceNetworkEvents', device]])).toThrow(
      /TestRefusedLeg.*parse into 'ProcessId'/,
    );
    expect(() =>
      run(`union isfuzzy=true (DeviceNetworkEvents | project TimeGenerated), (${REFUSED})`, [
        ['DeviceNetworkEvents', device],
      ]),
    ).toThrow(/parse into 'ProcessId'/);
  });
});
