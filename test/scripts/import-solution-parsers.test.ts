import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readParser } from '../../scripts/import-solution-parsers.js';
import { loadCatalog } from '../../src/kql/catalog.js';

const catalog = loadCatalog(join(import.meta.dirname, '..', '..'));
const source = { repo: 'Azure/Azure-Sentinel', path: 'Solutions/X/Parsers/X.yaml', commit: '0'.repeat(40) };

const yaml = (body: string, params = '') =>
  `id: 1\nFunctionName: SkParser\nFunctionAlias: SkParserAlias\n${params}FunctionQuery: |\n${body
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}\n`;

describe('import-solution-parsers', () => {
  it('takes the alias as the name and the result columns Kusto.Language binds for the body', () => {
    const { parser } = readParser(
      yaml('Syslog\n| extend User = extract("u=(\\\\w+)", 1, SyslogMessage)\n| project TimeGenerated, User'),
      source,
      catalog,
    );
    expect(parser?.name).toBe('SkParserAlias');
    expect(parser?.columns).toEqual([
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'User', type: 'string' },
    ]);
    expect(parser?.source).toEqual(source);
  });

  it('binds a body that reads its parameters, taking their defaults', () => {
    const params = 'FunctionParams:\n  - Name: disabled\n    Type: bool\n    Default: false\n';
    const { parser } = readParser(
      yaml('Syslog | where not(disabled) | project Computer', params),
      source,
      catalog,
    );
    expect(parser?.parameters).toEqual([{ name: 'disabled', type: 'bool', default: 'false' }]);
  });

  it('leaves out a body that reads a table the catalog lacks, saying why', () => {
    const { parser, reason } = readParser(yaml('NoSuchVendorLog_CL | project x'), source, catalog);
    expect(parser).toBeUndefined();
    expect(reason).toMatch(/does not bind: KS204 .*NoSuchVendorLog_CL/);
  });

  it('leaves out a body whose result lacks columns the CI declares for the parser and its tables lack', () => {
    const text = yaml('Syslog | project TimeGenerated, Computer').replace(
      'SkParserAlias',
      'PulseConnectSecure',
    );
    const { parser, reason } = readParser(text, source, catalog);
    expect(parser).toBeUndefined();
    expect(reason).toMatch(/the CI declares columns the body does not give .*Source_IP/);
  });
});
