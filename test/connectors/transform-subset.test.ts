import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/index.js';
import { run as validate } from '../../src/cli/commands/validate.js';
import { loadConnectorDefinition } from '../../src/connectors/definition.js';
import { analyzeTransform } from '../../src/connectors/transform-subset.js';
import { formatDiagnostic } from '../../src/diagnostics.js';
import type { ColumnSchema } from '../../src/kql/catalog.js';
import { transformRefusal } from '../../src/local/server/routes/logs-ingestion.js';
import { copyFixtureRepo, editFile } from '../build/support.js';
import { runCommand } from '../support/cli.js';

// The KQL a DCR transformation accepts: learn.microsoft.com/azure/azure-monitor/data-collection/
// data-collection-transformations-kql ("Only the operators listed in this article are supported").
const stream: ColumnSchema[] = [
  { name: 'time', type: 'datetime' },
  { name: 'severity', type: 'string' },
  { name: 'message', type: 'string' },
  { name: 'properties', type: 'dynamic' },
  { name: 'count', type: 'long' },
];

/** Each refused construct as `text at the reported offset | message`. */
function refused(query: string): string[] {
  return analyzeTransform(query, stream)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${query.slice(d.start, d.start + d.length)} | ${d.code}`);
}

describe('transformKql is held to the documented transformation subset', () => {
  it('accepts the documented samples, special functions included', () => {
    const samples = [
      // "Structure of transformation in Azure Monitor"
      'source | where severity == "Critical" | extend Properties = parse_json(properties) | project TimeGenerated = todatetime(["time"]), Message = message, EventId = tostring(Properties.EventId)',
      // Tabular expression statements: print
      'print x = 2 + 2, y = 5 | extend z = exp2(x) + exp2(y)',
      // Special functions, with the article's own sample (iff and replace included)
      'source | extend cefMessage = message | extend cefMessage=iff(cefMessage contains_cs ";", replace(";", " ", cefMessage), cefMessage) | extend parsedCefDictionaryMessage = parse_cef_dictionary(cefMessage) | extend parsecefDictionaryExtension = parsedCefDictionaryMessage["Extension"] | project TimeGenerated = ["time"], cefMessage, parsecefDictionaryExtension',
      'source | extend GeoLocation = geo_location("1.0.0.5")',
      // Dynamic literals through parse_json; let with a scalar user-defined function
      'let level = (s:string) { toupper(s) }; print d=parse_json(\'{"a":123}\') | extend l = level("x")',
      'source | parse message with a:string "," b:long | project-rename Msg = message | project-away count | where a !has "x" and b in (1, 2) or a matches regex "^x"',
      'datatable(a:string)["x"] | extend b = columnifexists("a", "")',
    ];
    for (const sample of samples) expect(refused(sample), sample).toEqual([]);
  });

  it('refuses each construct a DCR refuses, at its offset', () => {
    expect(refused('source | parse-kv message as (k:string) with (pair_delimiter=",")')).toEqual([
      'parse-kv message as (k:string) with (pair_delimiter=",") | SK0631',
    ]);
    expect(refused('source | summarize count() by severity')).toEqual([
      'summarize count() by severity | SK0631',
      'count() | SK0631',
    ]);
    expect(refused('source | take 1 | mv-expand properties | extend x = todynamic(message)')).toEqual([
      'take 1 | SK0631',
      'mv-expand properties | SK0631',
      'todynamic(message) | SK0631',
    ]);
    expect(
      refused('source | where severity has_any ("a") and not(count > 1) and severity in~ ("x")'),
    ).toEqual(['has_any | SK0631', 'not(count > 1) | SK0631', 'in~ | SK0631']);
    expect(refused('source | extend d = dynamic({"a": 1}), c = column_ifexists("x", "")')).toEqual([
      'dynamic({"a": 1}) | SK0631',
      'column_ifexists("x", "") | SK0631',
    ]);
    expect(refused('set notruncation; externaldata(x:string)["https://example.com/x.csv"]')).toEqual([
      'set notruncation | SK0631',
      'externaldata(x:string)["https://example.com/x.csv"] | SK0631',
    ]);
    expect(refused('let T = (t:(message:string)) { t }; T(source)')).toEqual(['t:(message:string) | SK0631']);
    expect(refused('source | union source')).toEqual(['union source | SK0631']);
  });

  it('refuses a parse of more than 10 columns', () => {
    const columns = Array.from({ length: 11 }, (_, i) => `c${i}:string`).join(' "," ');
    expect(refused(`source | parse message with ${columns}`)).toHaveLength(1);
    const ten = Array.from({ length: 10 }, (_, i) => `c${i}:string`).join(' "," ');
    expect(refused(`source | parse message with ${ten}`)).toEqual([]);
  });

  it('says what to write instead where the article names a spelling', () => {
    const [d] = analyzeTransform('source | extend b = base64_encode_tostring(message)', stream).diagnostics;
    expect(d.message).toMatch(/'base64_encode_tostring' is not supported; write base64_encodestring/);
  });
});

describe('build, validate and the local SOC refuse a DCR that Azure refuses', () => {
  // `parse-kv` works in Log Analytics but not in a DCR (the example).
  const withParseKv = (root: string) =>
    editFile(root, 'connectors/demo/dcr.yaml', (t) =>
      t.replace(
        '  | extend TimeGenerated = eventTime\n',
        '  | extend TimeGenerated = eventTime\n  | parse-kv action as (k:string)\n',
      ),
    );

  it('build: file:line:col of the construct', () => {
    const root = copyFixtureRepo();
    withParseKv(root);
    const result = build(root);
    expect(result.files.size).toBe(0);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        /^connectors\/demo\/dcr\.yaml:13:5: error SK0631: transformKql: the 'parse-kv' operator is not supported/,
      ),
    ]);
  });

  it('validate: the same error, exit 1', async () => {
    const root = copyFixtureRepo();
    withParseKv(root);
    const { code, stdout } = await runCommand(
      validate,
      '--root',
      root,
      '--no-git',
      join(root, 'kql', 'rules'),
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /connectors\/demo\/dcr\.yaml:13:5: error SK0631: transformKql: the 'parse-kv' operator is not supported/,
    );
  });

  it("the local SOC's Logs Ingestion endpoint refuses calls into it, naming the construct", () => {
    const okta = loadConnectorDefinition(join(import.meta.dirname, '..', '..', 'connectors', 'okta'));
    const stream = {
      name: okta.streamName,
      columns: okta.streamColumns,
      outputTable: 'Okta_CL',
      transformKql: okta.transformKql.replace(
        '| extend TimeGenerated = todatetime(published)',
        '| extend TimeGenerated = todatetime(published) | summarize arg_max(TimeGenerated, *) by uuid',
      ),
    };
    expect(transformRefusal(stream)).toMatch(
      /^'summarize arg_max.*': the 'summarize' operator is not supported/,
    );
    expect(transformRefusal({ ...stream, transformKql: okta.transformKql })).toBeUndefined();
  });
});
