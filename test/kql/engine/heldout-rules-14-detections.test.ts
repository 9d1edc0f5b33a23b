import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { runQuery, tableToRecords } from '../../../src/kql/index.js';
import { expectSchemaOfEquivalent, NOW } from './helpers.js';

// The shape of Detections/MultipleDataSources/DEV-0322_SolarWinds_Serv-U_IOC.yaml and GalliumIOCs.yaml
// (second held-out Detections sample): `union isfuzzy=true` of legs that each set IPCustomEntity, a
// string in the first legs and an array element (dynamic) in a later one, kept to the result. The
// union page: with kind=outer the result has "one column for each name and type occurrences …
// suffixed with a '_' followed by the origin column type"
// (https://learn.microsoft.com/kusto/query/union-operator); Kusto.Language 12.4.1 binds two same-typed
// columns followed by another type as one column (union-binder-losses.ts), which was refused.

const legs = `let CSL = datatable(SourceIP:string, TimeGenerated:datetime)['10.0.0.1', datetime(2026-01-10 01:00)];
let Dns = datatable(IPAddresses:string, TimeGenerated:datetime)['10.0.0.2', datetime(2026-01-10 02:00)];
let Proc = datatable(CommandLine:string, TimeGenerated:datetime)['ping 10.0.0.3', datetime(2026-01-10 03:00)];`;

const ioc = (missingLeg: string) => `${legs}
(union isfuzzy=true
(CSL | extend IPCustomEntity = SourceIP),
(Dns | extend IPCustomEntity = IPAddresses),${missingLeg}
(Proc | extend IPAddresses = extract_all(@'(\\d+\\.\\d+\\.\\d+\\.\\d+)', CommandLine) | extend IPCustomEntity = IPAddresses[0])
)
| extend timestamp = TimeGenerated, AlertDetail = 'IOC match'
| order by TimeGenerated asc`;

describe('held-out Detections rules, second sample: a union column of two types kept to the result', () => {
  it("answers with Kusto's IPCustomEntity_string and IPCustomEntity_dynamic, also beside a leg isfuzzy drops", () => {
    // The missing table's leg is left out (isfuzzy=true); the empty leg after the first makes
    // Kusto.Language bind the two types as Kusto returns them.
    const equivalent = ioc('').replace('),\n(Dns', '), (datatable(IPCustomEntity:dynamic)[]),\n(Dns');
    for (const missing of ['', "\n(Missing_CL | extend IPCustomEntity = 'x'),"]) {
      const table = runQuery(ioc(missing), { catalog: emptyCatalog(), tables: new Map(), now: NOW });
      expectSchemaOfEquivalent(equivalent, table);
      const rows = tableToRecords(table).map((r) => [r.IPCustomEntity_string, r.IPCustomEntity_dynamic]);
      expect(rows, missing).toEqual([
        ['10.0.0.1', null],
        ['10.0.0.2', null],
        ['', '10.0.0.3'],
      ]);
    }
  });
});
