// `validate`/`build` checks of connectors/<name>/ccf/connector.yaml: the REST API's field names and
// values, the documented limits and pairs, and settings the service refuses at deploy or fails on.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConnectors } from '../../src/build/connectors.js';
import type { Diagnostic } from '../../src/diagnostics.js';

const repo = join(import.meta.dirname, '..', '..');
const okta = readFileSync(join(repo, 'connectors', 'okta', 'ccf', 'connector.yaml'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'sk-ccf-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let seq = 0;

/** Builds a repository whose okta connector has `connector.yaml` (the repo's, edited). */
function check(edit: (yaml: string) => string): Diagnostic[] {
  const root = join(work, `r${++seq}`);
  const dir = join(root, 'connectors', 'okta');
  mkdirSync(join(dir, 'ccf'), { recursive: true });
  for (const file of ['table.json', 'dcr.yaml'])
    cpSync(join(repo, 'connectors', 'okta', file), join(dir, file));
  const yaml = edit(okta);
  if (yaml === okta && seq > 1) throw new Error('the edit changed nothing');
  writeFileSync(join(dir, 'ccf', 'connector.yaml'), yaml);
  return buildConnectors(root).diagnostics;
}

const brief = (d: Diagnostic) => `${d.line}:${d.column} ${d.code} ${d.message}`;
const lineOf = (text: string) => okta.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('CCF declaration checks', () => {
  it("the repository's Okta and GitHub declarations are clean", () => {
    expect(buildConnectors(repo).diagnostics).toEqual([]);
    expect(buildConnectors(repo).ccf.map((c) => c.connector)).toEqual(['github-audit', 'okta']);
  });

  it('names the REST spelling of a field written in another case, at the key', () => {
    const found = check((y) => y.replace('apiKeyIdentifier: SSWS', 'ApiKeyIdentifier: SSWS'));
    expect(found.map(brief)).toEqual([
      `${lineOf('apiKeyIdentifier')}:5 SK0701 write 'apiKeyIdentifier' (the REST API's spelling), not 'ApiKeyIdentifier'`,
    ]);
  });

  it('refuses values outside the documented ranges and enumerations', () => {
    const found = check((y) =>
      y
        .replace('retryCount: 3', 'retryCount: 7')
        .replace('timeoutInSeconds: 60', 'timeoutInSeconds: 600')
        .replace('pagingType: LinkHeader', 'pagingType: Cursor'),
    );
    expect(found.map((d) => d.message)).toEqual([
      "'poller.request.retryCount' must be at most 6",
      "'poller.request.timeoutInSeconds' must be at most 180",
      "'poller.paging.pagingType' must be one of LinkHeader, PersistentLinkHeader, NextPageUrl, NextPageToken, PersistentToken, Offset, CountBasedPaging (got 'Cursor')",
    ]);
    expect(found[0].line).toBe(lineOf('retryCount'));
  });

  it('needs startTimeAttributeName and endTimeAttributeName together', () => {
    const found = check((y) => y.replace('    endTimeAttributeName: until\n', ''));
    expect(found.map((d) => d.code)).toEqual(['SK0707']);
    expect(found[0].message).toMatch(
      /'endTimeAttributeName' must be set together with 'startTimeAttributeName'/,
    );
  });

  it('refuses a credential written as a literal, and a secret parameter outside a credential field', () => {
    const found = check((y) =>
      y
        .replace('apiKey: "{{apiToken}}"', 'apiKey: 00aBcDeF')
        .replace('"{{orgUrl}}/api/v1/logs"', '"{{apiToken}}/api/v1/logs"'),
    );
    expect(found.map((d) => d.message)).toEqual([
      'a credential field holds exactly one {{secret parameter}}, never a literal: literals would be committed and deployed in clear',
      "secret parameter 'apiToken' may only fill a credential field",
    ]);
  });

  it('refuses an undeclared parameter at its position in the string', () => {
    const [found] = check((y) => y.replace('"{{orgUrl}}/api/v1/logs"', '"{{orgURL}}/api/v1/logs"'));
    expect(found).toMatchObject({ code: 'SK0704', line: lineOf('apiEndpoint'), column: 19 });
  });

  it('refuses NextPageUrl paging the service refuses at deploy (RES40002, Azure/Azure-Sentinel#14438)', () => {
    const found = check((y) =>
      y.replace(
        / {2}paging:\n(?: {4}.*\n)+/,
        '  paging:\n    pagingType: NextPageUrl\n    nextPageTokenJsonPath: $.next\n',
      ),
    );
    expect(found.map((d) => d.code)).toEqual(['SK0709']);
    expect(found[0].message).toMatch(/RES40002/);
  });

  it('refuses the Offset parameter also in queryParameters, which loops forever (Azure/Azure-Sentinel#13013)', () => {
    const found = check((y) =>
      y
        .replace(
          / {2}paging:\n(?: {4}.*\n)+/,
          '  paging:\n    pagingType: Offset\n    offsetParaName: offset\n    pageSize: 100\n',
        )
        .replace('      sortOrder: ASCENDING', '      sortOrder: ASCENDING\n      offset: 0'),
    );
    expect(found.map((d) => d.message)).toEqual([
      "'offset' is the Offset paging parameter; in queryParameters too, the CCF repeats the first page forever (Azure/Azure-Sentinel#13013)",
    ]);
  });

  it("refuses '[-1]' in a paging JSONPath, at the index (Azure/Azure-Sentinel#14737)", () => {
    const [found, ...rest] = check((y) =>
      y.replace(
        / {2}paging:\n(?: {4}.*\n)+/,
        '  paging:\n    pagingType: NextPageToken\n    nextPageParaName: after\n    nextPageTokenJsonPath: $.items[-1].id\n',
      ),
    );
    expect(rest).toEqual([]);
    expect(found.message).toMatch(/write '\[-1:\]'/);
    // `    nextPageTokenJsonPath: $.items` is 34 characters: the index starts at column 35.
    expect(found.column).toBe(35);
  });

  it('refuses JSONPath filters and time formats it cannot reproduce, at the character', () => {
    const found = check((y) =>
      y
        .replace('eventsJsonPaths: ["$"]', 'eventsJsonPaths: ["$[?(@.a)]"]')
        .replace('yyyy-MM-ddTHH:mm:ss.fffZ', 'dd MMM yyyy'),
    );
    expect(found.map((d) => `${d.code} ${d.column}`)).toEqual([
      `SK0708 ${'    queryTimeFormat: '.length + 4}`,
      `SK0708 ${'    eventsJsonPaths: ["'.length + 2}`,
    ]);
  });

  it('refuses documented fields the deployed API version lacks, and unknown fields', () => {
    const found = check((y) =>
      y.replace(
        '    rateLimitQPS: 10',
        '    rateLimitQPS: 10\n    rateLimitConfig: {}\n    pollingFrequency: 5',
      ),
    );
    expect(found.map((d) => d.code)).toEqual(['SK0706', 'SK0701']);
  });

  it('needs the stream the poller sends to in the DCR it sends to', () => {
    const [found] = check((y) => y.replace('streamName: Custom-Okta', 'streamName: Custom-OktaRaw'));
    expect(found).toMatchObject({ code: 'SK0705', line: lineOf('streamName') });
    expect(found.message).toBe(
      "streamName 'Custom-OktaRaw' is not declared in dcr.yaml (streams: Custom-Okta)",
    );
  });

  it('needs the connectorUiConfig fields a Customizable definition requires, id included', () => {
    const found = check((y) =>
      y.replace('  id: SentinelKitOktaSystemLog\n', '').replace(/ {2}graphQueries:\n(?: {4}.*\n)+/, ''),
    );
    expect(found.map((d) => d.message)).toEqual([
      "missing required field 'connectorUiConfig.id'",
      "missing required field 'connectorUiConfig.graphQueries'",
    ]);
  });

  it('validate reports the CCF connectors of --root, file:line:col from the root', () => {
    check((y) => y.replace('retryCount: 3', 'retryCount: 0'));
    const found = buildConnectors(join(work, `r${seq}`)).diagnostics;
    expect(found.map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual([
      `connectors/okta/ccf/connector.yaml:${lineOf('retryCount')}:17`,
    ]);
    expect(buildConnectors(join(repo, 'test')).diagnostics).toEqual([]);
  });
});
