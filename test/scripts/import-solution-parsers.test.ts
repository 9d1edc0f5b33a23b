import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importParsers, readParser } from '../../scripts/import-solution-parsers.js';
import { builtinAsimParsers } from '../../src/kql/asim.js';
import { loadCatalog } from '../../src/kql/catalog.js';

const catalog = loadCatalog(join(import.meta.dirname, '..', '..'));
const source = { repo: 'Azure/Azure-Sentinel', path: 'Solutions/X/Parsers/X.yaml', commit: '0'.repeat(40) };

/** ParserParams declaring every parameter catalog/asim.json gives the built-in `name`. */
const declaredParams = (name: string) =>
  `ParserParams:\n${(builtinAsimParsers().get(name)?.parameters ?? [])
    .map((p) => `  - Name: ${p.name}\n    Type: ${p.type}\n    Default: ${JSON.stringify(p.default ?? '')}\n`)
    .join('')}`;

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

  it("keeps a body lacking columns the CI's parser-output table declares, naming them to run beside the stub", () => {
    const text = yaml('Syslog | project TimeGenerated, Computer').replace(
      'SkParserAlias',
      'PulseConnectSecure',
    );
    const { parser, reason } = readParser(text, source, catalog);
    expect(reason).toBeUndefined();
    expect(parser?.unproduced).toContain('Source_IP');
    expect(parser?.unproduced).not.toContain('Computer');
  });

  it('keeps a body lacking columns the CI declares for a function without parameters, to run beside them', () => {
    // ADOAuditLogs: a CustomFunctions entry with no parameters; a call takes no arguments, as a stub
    // table's does, so the body at its defaults is the call's body (session 10).
    const text = yaml('Syslog | project TimeGenerated, Computer').replace('SkParserAlias', 'ADOAuditLogs');
    const { parser, reason } = readParser(text, source, catalog);
    expect(reason).toBeUndefined();
    expect(parser?.unproduced).toContain('ActivityId');
  });

  it('leaves out a body lacking columns the CI declares for a function with parameters (its columns may follow the arguments)', () => {
    const text = yaml('Syslog | project TimeGenerated, Computer').replace(
      'SkParserAlias',
      'DomainToolsThreatIntelDomains',
    );
    const { parser, reason } = readParser(text, source, catalog);
    expect(parser).toBeUndefined();
    expect(reason).toMatch(
      /the CI declares columns the body lacks \(.*domain.*\) for a function with parameters/,
    );
  });

  it("drops an earlier run's entry when the folder's file of that name is now left out", () => {
    const work = mkdtempSync(join(tmpdir(), 'sk-import-parsers-'));
    try {
      const earlier = {
        name: 'PulseConnectSecure',
        parameters: [],
        body: 'Syslog | project TimeGenerated',
        columns: [{ name: 'TimeGenerated', type: 'datetime' }],
        source,
      };
      writeFileSync(join(work, 'solution-parsers.json'), JSON.stringify({ parsers: [earlier] }));
      const folder = mkdtempSync(join(tmpdir(), 'sk-import-parsers-src-'));
      const text = yaml('NoSuchVendorLog_CL | project x').replace('SkParserAlias', 'PulseConnectSecure');
      writeFileSync(join(folder, 'PulseConnectSecure.yaml'), text);
      writeFileSync(join(folder, 'sources.json'), JSON.stringify({ 'PulseConnectSecure.yaml': source }));
      const { imported, skipped } = importParsers(folder, work);
      rmSync(folder, { recursive: true, force: true });
      expect(imported).toEqual([]);
      expect(skipped[0]).toMatch(/^PulseConnectSecure\.yaml: does not bind/);
      const written = JSON.parse(readFileSync(join(work, 'solution-parsers.json'), 'utf8'));
      expect(written.parsers.map((p: { name: string }) => p.name)).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('imports an ASIM unifying parser under its built-in name, after the source parsers it names', () => {
    const work = mkdtempSync(join(tmpdir(), 'sk-import-parsers-'));
    const folder = mkdtempSync(join(tmpdir(), 'sk-import-parsers-src-'));
    try {
      const asim = (name: string, builtinName: string, params: string, query: string) =>
        `ParserName: ${name}\nEquivalentBuiltInParser: ${builtinName}\nNormalization:\n  Schema: WebSession\n${params}ParserQuery: |\n  ${query}\n`;
      const params = declaredParams('_Im_WebSession');
      // Named so that the union sorts first: it must still bind after the parsers it names.
      writeFileSync(
        join(folder, 'imWebSession.yaml'),
        asim(
          'imWebSession',
          '_Im_WebSession',
          params,
          'union isfuzzy=true vimWebSessionEmpty, vimWebSessionSkLeg(eventresult=eventresult)',
        ),
      );
      writeFileSync(
        join(folder, 'vimWebSessionEmpty.yaml'),
        asim(
          'vimWebSessionEmpty',
          '_Im_WebSession_Empty',
          '',
          'datatable(TimeGenerated:datetime, DstBytes:long)[]',
        ),
      );
      const leg = { path: 'Parsers/ASimWebSession/Parsers/vimWebSessionSkLeg.yaml', commit: '1'.repeat(40) };
      writeFileSync(
        join(folder, 'bodies-not-held.json'),
        JSON.stringify({ vimWebSessionSkLeg: { ...leg, reads: ['W3CIISLog'] } }),
      );
      writeFileSync(
        join(folder, 'sources.json'),
        JSON.stringify({ 'imWebSession.yaml': source, 'vimWebSessionEmpty.yaml': source }),
      );
      const { imported } = importParsers(folder, work);
      expect(imported.map((line) => line.split(' ')[0])).toEqual(['vimWebSessionEmpty', '_Im_WebSession']);
      const written = JSON.parse(readFileSync(join(work, 'solution-parsers.json'), 'utf8'));
      const [notHeld] = written.bodiesNotHeld;
      expect(notHeld.name).toBe('vimWebSessionSkLeg');
      expect(notHeld.reads).toEqual(['W3CIISLog']);
      expect(notHeld.parameters.map((p: { name: string }) => p.name)).toEqual(
        builtinAsimParsers()
          .get('_Im_WebSession')
          ?.parameters.map((p) => p.name),
      );
      // The schema function's columns and types first (DstBytes long, where catalog/asim.json says int).
      expect(notHeld.columns.slice(0, 2)).toEqual([
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'DstBytes', type: 'long' },
      ]);
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  });
  it('imports an ASIM library function by its built-in name, a union under both its names, legs with their own parameters', () => {
    const work = mkdtempSync(join(tmpdir(), 'sk-import-parsers-'));
    const folder = mkdtempSync(join(tmpdir(), 'sk-import-parsers-src-'));
    try {
      // The shapes of Azure/Azure-Sentinel ASIM/lib/functions/ASIM_ResolveFQDN.yaml and
      // Parsers/ASimProcessEvent/Parsers/imProcessCreate.yaml, whose schema (ProcessEvent) is not in
      // the name of the empty parser it unions (vimProcessEmpty).
      writeFileSync(
        join(folder, 'ASIM_SkResolve.yaml'),
        "Function:\n  Title: t\nFunctionName: ASIM_SkResolve\nEquivalentBuiltInFunction: _ASIM_SkResolve\nFunctionParams:\n  - Name: T\n    Type: table:(*)\n  - Name: field\n    Type: string\nFunctionQuery: |\n  T | extend Host = column_ifexists(field, '')\n",
      );
      writeFileSync(
        join(folder, 'imProcessCreate.yaml'),
        `ParserName: imProcessCreate\nEquivalentBuiltInParser: _Im_ProcessCreate\nNormalization:\n  Schema: ProcessEvent\n${declaredParams('_Im_ProcessCreate')}ParserQuery: |\n  union isfuzzy=true vimProcessEmpty, vimProcessSkLeg(targetusername_has='*', false)\n`,
      );
      writeFileSync(
        join(folder, 'vimProcessEmpty.yaml'),
        'ParserName: vimProcessEmpty\nParserQuery: |\n  datatable(TimeGenerated:datetime, EventCount:int)[]\n',
      );
      const leg = { path: 'Parsers/ASimProcessEvent/Parsers/vimProcessSkLeg.yaml', commit: '1'.repeat(40) };
      const own = [
        { name: 'targetusername_has', type: 'string', default: '"*"' },
        { name: 'disabled', type: 'bool', default: 'false' },
      ];
      writeFileSync(
        join(folder, 'bodies-not-held.json'),
        JSON.stringify({ vimProcessSkLeg: { ...leg, reads: ['SecurityEvent'], parameters: own } }),
      );
      writeFileSync(
        join(folder, 'sources.json'),
        JSON.stringify({
          'ASIM_SkResolve.yaml': source,
          'imProcessCreate.yaml': source,
          'vimProcessEmpty.yaml': source,
        }),
      );
      const { imported, skipped } = importParsers(folder, work);
      expect(skipped).toEqual([]);
      expect(imported.map((line) => line.split(' ')[0]).sort()).toEqual([
        '_ASIM_SkResolve',
        '_Im_ProcessCreate',
        'vimProcessEmpty',
      ]);
      const written = JSON.parse(readFileSync(join(work, 'solution-parsers.json'), 'utf8'));
      const byName = new Map(written.parsers.map((p: { name: string }) => [p.name, p]));
      // The tabular parameter kept; the function's columns are its input's, so none of its own.
      expect(byName.get('_ASIM_SkResolve')).toMatchObject({
        parameters: [
          { name: 'T', type: 'table' },
          { name: 'field', type: 'string' },
        ],
        columns: [],
      });
      const union = byName.get('_Im_ProcessCreate') as { body: string };
      expect(byName.get('imProcessCreate')).toEqual({ ...union, name: 'imProcessCreate' });
      const [notHeld] = written.bodiesNotHeld;
      expect(notHeld.parameters).toEqual(own);
      expect(notHeld.columns.slice(0, 2)).toEqual([
        { name: 'TimeGenerated', type: 'datetime' },
        { name: 'EventCount', type: 'int' },
      ]);
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  });

  // Azure/Azure-Sentinel imAuthentication.yaml @c3c99f45 (0.2.2) takes starttime, endtime and
  // targetusername_has; the built-in _Im_Authentication takes username_has_any, eventresult ...
  // (catalog/asim.json): imported under that name, `_Im_Authentication(eventresult='Success')` no longer bound.
  it('leaves a built-in name its declaration when the body is of a version lacking its parameters', () => {
    const work = mkdtempSync(join(tmpdir(), 'sk-import-parsers-'));
    const folder = mkdtempSync(join(tmpdir(), 'sk-import-parsers-src-'));
    try {
      writeFileSync(
        join(folder, 'imAuthentication.yaml'),
        "ParserName: imAuthentication\nEquivalentBuiltInParser: _Im_Authentication\nNormalization:\n  Schema: Authentication\nParserParams:\n  - Name: targetusername_has\n    Type: string\n    Default: '*'\nParserQuery: |\n  SigninLogs | where UserPrincipalName has targetusername_has | project TimeGenerated\n",
      );
      writeFileSync(join(folder, 'sources.json'), JSON.stringify({ 'imAuthentication.yaml': source }));
      const { imported, skipped } = importParsers(folder, work);
      expect(imported).toEqual([]);
      expect(skipped).toHaveLength(1);
      expect(skipped[0]).toMatch(
        /_Im_Authentication takes parameters this version lacks \(.*username_has_any/,
      );
      const written = JSON.parse(readFileSync(join(work, 'solution-parsers.json'), 'utf8'));
      expect(written.parsers.map((p: { name: string }) => p.name)).not.toContain('imAuthentication');
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
