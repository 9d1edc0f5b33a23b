import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog } from '../../../src/kql/catalog.js';
import { runQuery } from '../../../src/kql/index.js';
import { list } from '../../../src/kql/lower/context.js';
import { UnsupportedError } from '../../../src/kql/plan/errors.js';
import { analyze } from '../../../src/kql/syntax/index.js';

// False errors of ours on published Azure-Sentinel content (hunting queries and ASIM parsers,
// NOTES "Issue 12, session 6 — catalog gaps"): each query below is the shape of the published one.
const root = join(import.meta.dirname, '..', '..', '..');
const catalog = loadCatalog(root);
const errorsOf = (query: string, c: Catalog = catalog) =>
  analyze(query, c)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);

describe('ASIM device-resolution helpers (Learn "ASIM helper functions")', () => {
  // Parsers/ASimAuditEvent/Parsers/ASimAuditEventMicrosoftSecurityEvents.yaml and vimAuditEventAWSCloudTrail.yaml
  it.each([
    ['_ASIM_ResolveFQDN', ['ExtractedHostname', 'Domain', 'DomainType', 'FQDN']],
    ['_ASIM_ResolveSrcFQDN', ['SrcHostname', 'SrcDomain', 'SrcDomainType', 'SrcFQDN']],
    ['_ASIM_ResolveDvcFQDN', ['DvcHostname', 'DvcDomain', 'DvcDomainType', 'DvcFQDN']],
  ])('bind %s as an invoke that keeps the input and adds its documented fields', (name, fields) => {
    const query = `SecurityEvent | invoke ${name}('Computer') | project EventID, ${fields.join(', ')}`;
    expect(errorsOf(query)).toEqual([]);
    expect(errorsOf(`SecurityEvent | invoke ${name}('Computer') | project NoSuchField`)).not.toEqual([]);
    const { code } = analyze(
      `SecurityEvent | invoke ${name}('Computer') | project ${fields.join(', ')}`,
      catalog,
    );
    const columns = list(code.ResultType.Columns).map((c) => `${c.Name}:${c.Type.Name}`);
    expect(columns).toEqual(fields.map((f) => `${f}:string`));
  });

  it('leave _ASIM_ResolveDstFQDN undeclared: its documented fields name SrcFQDN', () => {
    expect(errorsOf("SecurityEvent | invoke _ASIM_ResolveDstFQDN('Computer')")).not.toEqual([]);
  });

  it('refuse to run them, naming the function and why', () => {
    const run = () =>
      runQuery("datatable(Computer:string)['host.contoso.com'] | invoke _ASIM_ResolveFQDN('Computer')", {
        catalog,
        tables: new Map(),
      });
    expect(run).toThrow(UnsupportedError);
    expect(run).toThrow(/ASIM helper functions page .* does not run it/);
    try {
      run();
    } catch (error) {
      expect((error as UnsupportedError).construct).toBe('_ASIM_ResolveFQDN()');
    }
  });
});
