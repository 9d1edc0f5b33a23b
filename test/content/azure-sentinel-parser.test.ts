import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readParser } from '../../scripts/import-solution-parsers.js';
import { readParserFields } from '../../src/content/azure-sentinel-parser.js';
import { validateContent } from '../../src/content/validate.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { folderWith } from '../support/files.js';

// One reader of parser files for validate, import and scripts/import-solution-parsers.ts: the same
// YAML gives the same name, parameters and defaults to each; what each accepts differs by policy only.
const empty = folderWith('sk-parser-reader-root-', {});
const catalog = loadCatalog(empty);
const source = { repo: 'Azure/Azure-Sentinel', path: 'Solutions/X/Parsers/X.yaml', commit: '0'.repeat(40) };

const solution = (params: string, query = 'Syslog | where not(disabled) | project Computer') =>
  `FunctionName: SkReaderParser\nFunctionAlias: SkReaderAlias\n${params}FunctionQuery: |\n  ${query}\n`;

describe('the parser reader', () => {
  it('types Azure-Sentinel parameters as the CI files write types (Boolean, Int32), the repository shape as KQL', () => {
    const params = [
      { Name: 'disabled', Type: 'Boolean', Default: false },
      { Name: 'limit', Type: 'Int32', Default: 10 },
      { Name: 'who', Type: 'String', Default: '*' },
    ];
    expect(
      readParserFields({ FunctionAlias: 'A', FunctionParams: params, FunctionQuery: 'Syslog' }),
    ).toMatchObject({
      shape: 'solution',
      parameters: [
        { name: 'disabled', type: 'bool', default: 'false' },
        { name: 'limit', type: 'int', default: '10' },
        { name: 'who', type: 'string', default: '"*"' },
      ],
    });
    const repository = readParserFields({
      functionName: 'A',
      parameters: [{ name: 'limit', type: 'Int32' }],
      query: 'Syslog',
    });
    expect(repository).toMatchObject({ name: 'A', problem: expect.stringContaining('type') });
  });

  it('reads ASIM parsers and tabular parameters; the catalog import takes ASIM bodies and leaves out tabular and repository parsers', () => {
    const asim = readParserFields({
      ParserName: 'vimSample',
      ParserParams: [{ Name: 'T', Type: 'table:(TimeGenerated:datetime)' }],
      ParserQuery: 'T',
    });
    expect(asim).toMatchObject({ shape: 'asim', parameters: [{ name: 'T', type: 'table' }] });
    const tabular = solution('FunctionParams:\n  - Name: T\n    Type: table:(*)\n', 'T | take 1');
    expect(readParser(tabular, source, catalog)).toEqual({
      name: 'SkReaderAlias',
      reason: 'tabular parameter T',
    });
    // An ASIM source parser is imported under its ParserName, the name a unifying parser calls.
    expect(readParser('ParserName: vimSample\nParserQuery: Syslog\n', source, catalog).parser?.name).toBe(
      'vimSample',
    );
    expect(readParser('functionName: SkRepo\nquery: Syslog\n', source, catalog).reason).toBe(
      'no FunctionAlias/FunctionName/ParserName or FunctionQuery/ParserQuery',
    );
  });

  it('gives the catalog import and validate the same parameters', async () => {
    const text = solution('FunctionParams:\n  - Name: disabled\n    Type: Boolean\n    Default: false\n');
    expect(readParser(text, source, catalog).parser?.parameters).toEqual([
      { name: 'disabled', type: 'bool', default: 'false' },
    ]);
    const dir = folderWith('sk-parser-reader-', { 'Parsers/SkReaderAlias.yaml': text });
    const { diagnostics } = await validateContent([join(dir, 'Parsers', 'SkReaderAlias.yaml')], {
      root: empty,
      catalog,
      compareWithGit: false,
    });
    expect(diagnostics).toEqual([]);
  });
});
