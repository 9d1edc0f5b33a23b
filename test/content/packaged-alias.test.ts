import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importParsers } from '../../scripts/import-solution-parsers.js';
import { readParserFields, savedSearchAliases } from '../../src/content/azure-sentinel-parser.js';
import { importContent } from '../../src/content/import.js';
import { validateContent } from '../../src/content/validate.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { folderWith } from '../support/files.js';
import { sampleRule } from '../support/published-sample.js';

// Solutions/Alsid For AD/Parsers/afad_parser.yaml @59212cb names its function `afad_parser.kql`
// (FunctionName and FunctionAlias), but the Solution deploys it as `afad_parser`: its
// Package/mainTemplate.json @5ce7df0 has the savedSearch `afad_parser.kql` with
// `"functionAlias": "afad_parser"`, the name its rules, sample queries and connector instructions
// call. The packaging tool keeps a published savedSearch's functionAlias where it equals the parser
// file's name up to its first dot (Tools/Create-Azure-Sentinel-Solution/common/commonFunctions.ps1,
// getParserDetails). The files below have that shape over a table the built-in catalog has.
const BODY = 'Syslog\n| project TimeGenerated, Computer, SyslogMessage\n';
const parserYaml = (name: string) =>
  `id: 5380994a-0000-4000-8000-0000000011c1\nFunction:\n  Title: Parser for ${name}\n  Version: '1.0.0'\n` +
  `Category: Microsoft Sentinel Parser\nFunctionName: ${name}\nFunctionAlias: ${name}\n` +
  `FunctionQuery: |\n${BODY.replace(/^/gm, '    ').trimEnd()}\n`;

/** A Solution package as Alsid For AD's packs its parser: once at the top, once in a template spec. */
const savedSearch = (alias: string) => ({
  type: 'Microsoft.OperationalInsights/workspaces/savedSearches',
  apiVersion: '2021-06-01',
  name: "[variables('_parserName1')]",
  properties: { displayName: `${alias}.kql`, category: 'Samples', functionAlias: alias, query: BODY },
});
const mainTemplate = (alias: string) =>
  JSON.stringify({
    variables: { parserName1: `${alias}.kql` },
    resources: [
      {
        type: 'Microsoft.Resources/templateSpecs/versions',
        properties: { mainTemplate: { resources: [savedSearch(alias)] } },
      },
      savedSearch(alias),
    ],
  });

describe('a Solution parser under the alias its package deploys', () => {
  it('reads the aliases a template deploys, nested or not, once each', () => {
    expect(savedSearchAliases(JSON.parse(mainTemplate('afad_parser')))).toEqual(['afad_parser']);
  });

  it('names the file by the deployed alias equal to its name up to the first dot (afad_parser.yaml @59212cb)', () => {
    const data = {
      FunctionName: 'afad_parser.kql',
      FunctionAlias: 'afad_parser.kql',
      FunctionQuery: BODY,
    };
    // Without the package the name is not an identifier, and the file is refused as before.
    expect(readParserFields(data)).toMatchObject({ name: 'afad_parser.kql', problem: expect.any(String) });
    const file = 'Solutions/Alsid For AD/Parsers/afad_parser.yaml';
    expect(readParserFields(data, { file, aliases: ['afad_parser'] })).toMatchObject({
      functionName: 'afad_parser',
      packaged: true,
    });
    // PowerShell's -eq compares case-insensitively; the template's spelling is the deployed one.
    expect(
      readParserFields(data, { file: 'x/Parsers/AFAD_Parser.yaml', aliases: ['afad_parser'] }),
    ).toMatchObject({ functionName: 'afad_parser' });
    // A package that deploys the file's own alias, or none matching the file's name, changes nothing.
    const own = { FunctionAlias: 'SkOwnAlias', FunctionQuery: BODY };
    expect(
      readParserFields(own, { file: 'x/Parsers/SkOther.yaml', aliases: ['SkOwnAlias', 'SkOther'] }),
    ).toMatchObject({ functionName: 'SkOwnAlias' });
    expect(readParserFields(own, { file: 'x/Parsers/SkFile.yaml', aliases: ['SkElse'] })).not.toHaveProperty(
      'packaged',
    );
    // ASIM parsers are not packaged by a Solution's template.
    const asim = { ParserName: 'vimSkLeg', ParserQuery: BODY };
    expect(
      readParserFields(asim, { file: 'x/Parsers/vimSkLeg2.yaml', aliases: ['vimSkLeg2'] }),
    ).toMatchObject({
      functionName: 'vimSkLeg',
    });
  });

  it('the catalog import holds the body under the deployed alias and cites the package, read as `import` reads it', () => {
    const work = mkdtempSync(join(tmpdir(), 'sk-packaged-'));
    const folder = folderWith('sk-packaged-src-', {
      'sk_packaged.yaml': parserYaml('sk_packaged.kql'),
      'sources.json': JSON.stringify({
        'sk_packaged.yaml': {
          path: 'Solutions/Sk Packaged/Parsers/sk_packaged.yaml',
          commit: '1'.repeat(40),
        },
      }),
    });
    try {
      // Without the package the file is left out, as afad_parser.yaml was.
      expect(importParsers(folder, work).skipped[0]).toMatch(/^sk_packaged\.yaml: a parser needs a name/);
      // The package in the folder at its repository path, its commit in sources.json: the same
      // reader as `validate` and `import` (src/content/solution-package.ts), nested template included.
      const template = 'Solutions/Sk Packaged/Package/mainTemplate.json';
      mkdirSync(join(folder, 'Solutions/Sk Packaged/Package'), { recursive: true });
      writeFileSync(join(folder, template), mainTemplate('sk_packaged'));
      const sources = JSON.parse(readFileSync(join(folder, 'sources.json'), 'utf8'));
      writeFileSync(
        join(folder, 'sources.json'),
        JSON.stringify({ ...sources, [template]: { path: template, commit: '2'.repeat(40) } }),
      );
      const { imported, skipped } = importParsers(folder, work);
      expect(skipped).toEqual([]);
      expect(imported).toEqual(['sk_packaged (3 columns)']);
      const written = JSON.parse(readFileSync(join(work, 'solution-parsers.json'), 'utf8'));
      expect(written.parsers[0]).toMatchObject({
        name: 'sk_packaged',
        body: BODY,
        source: { path: 'Solutions/Sk Packaged/Parsers/sk_packaged.yaml' },
        deployedAs: { repo: 'Azure/Azure-Sentinel', path: template, commit: '2'.repeat(40) },
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('`import` of a Solution folder writes the parser under the alias its Package/mainTemplate.json deploys', () => {
    const dir = folderWith('sk-packaged-import-', {
      'Sk Packaged/Parsers/sk_packaged.yaml': parserYaml('sk_packaged.kql'),
      'Sk Packaged/Package/mainTemplate.json': mainTemplate('sk_packaged'),
    });
    const result = importContent(join(dir, 'Sk Packaged'));
    expect(result.files.map((f) => f.path)).toEqual(['kql/parsers/sk_packaged.yaml']);
    expect(result.files[0].text).toContain('functionName: sk_packaged\n');
    expect(result.skipped.map((s) => s.from)).toEqual(['Package/mainTemplate.json']);
  });

  it('`validate` of a Solution folder binds its rule to the parser under the deployed alias', async () => {
    const dir = folderWith('sk-packaged-validate-', {
      'Sk Packaged/Parsers/sk_packaged.yaml': parserYaml('sk_packaged.kql'),
      'Sk Packaged/Package/mainTemplate.json': mainTemplate('sk_packaged'),
      'Sk Packaged/Analytic Rules/r.yaml': sampleRule(
        '0f6a1a8e-0000-4000-8000-0000000011c2',
        'sk_packaged\n| where SyslogMessage has "x"\n| project TimeGenerated, Computer',
        { tactic: 'Discovery', technique: 'T1087' },
      ),
    });
    const empty = folderWith('sk-packaged-root-', {});
    const files = ['Parsers/sk_packaged.yaml', 'Analytic Rules/r.yaml'].map((f) =>
      join(dir, 'Sk Packaged', f),
    );
    expect(files.every((f) => existsSync(f))).toBe(true);
    const { diagnostics } = await validateContent(files, {
      root: empty,
      catalog: loadCatalog(empty),
      compareWithGit: false,
    });
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual(
      [],
    );
  });
});
