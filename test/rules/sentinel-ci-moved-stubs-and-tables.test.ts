import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/kql/catalog.js';
import { loadRuleFile } from '../../src/rules/load.js';
import { loadMitre } from '../../src/rules/mitre.js';
import { validateFiles } from '../../src/rules/validate/index.js';

// More published Azure/Azure-Sentinel shapes its CI accepts, found on a fresh sample of complete
// rules (NOTES, "Issue 12, session 6"). Validated against the built-in catalog.
const root = join(import.meta.dirname, '..', '..');
const dir = join(import.meta.dirname, 'fixtures', 'azure-sentinel-ci');
const catalog = loadCatalog(root);
const mitre = loadMitre(join(root, 'kql', 'mitre', 'attack-enterprise.json'));
const validate = (name: string) =>
  validateFiles([join(dir, name)], { catalog, mitre, compareWithGit: false }).diagnostics;

describe('rules Microsoft CI accepts (fresh sample)', () => {
  // Derived from Detections/SigninLogs/NRT_MFARejectedbyUser.yaml: the stub keeps id, name and
  // version and says in its description where the rule went; it has no query, kind or severity.
  it('a "this file is moved" stub written as a mapping, skipped with a note', () => {
    const diagnostics = validate('MovedRuleMapping.yaml');
    expect(diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['info SK1007']);
    expect(diagnostics[0].message).toMatch(
      /^skipped: not a rule but a note \("As part of content migration, this file is moved/,
    );
  });

  // CustomTables/Veeam_GetSecurityEvents.json (a Solution parser's output declared as a table) and
  // VeeamSessions_CL.json (written with lower-case "name"/"type" keys), imported with
  // scripts/import-ci-functions.ts --merge; the query is Four_Eyes_Authorization_Disabled.yaml's.
  it('calls to the Veeam parser outputs and tables the CI declares (Veeam_GetSecurityEvents, VeeamSessions_CL)', () => {
    expect(validate('CiDeclaredVeeamSchemas.yaml').map((d) => `${d.severity} ${d.code} ${d.line}`)).toEqual(
      [],
    );
  });

  // CustomFunctions/SophosXGFirewall.json and Snowflake.json declare result columns (Dst_IP,
  // CollectorHostName; QueryType, QueryText) the catalog's older parser-output stubs lack. Derived from
  // Solutions/Sophos XG Firewall/Analytic Rules/PortScanDetected.yaml.
  it("columns the CI's CustomFunctions declare for a parser the catalog has as a stub (SophosXGFirewall, Snowflake)", () => {
    expect(validate('CiFunctionColumnsOnStubs.yaml').map((d) => `${d.severity} ${d.code} ${d.line}`)).toEqual(
      [],
    );
  });

  // CustomTables/JamfProtect.json (587 columns, the Jamf Protect parser's output declared as a table).
  it('a query on the JamfProtect parser output the CI declares', () => {
    expect(validate('CiDeclaredJamfProtect.yaml').map((d) => `${d.severity} ${d.code} ${d.line}`)).toEqual(
      [],
    );
  });

  // ScheduledTemplateTimeSpanConverter.cs tries TimeSpan.TryParse before <number><m|h|d>.
  it('durations written as .NET TimeSpan text (01:00:00, 1.00:00:00)', () => {
    expect(validate('TimeSpanDurations.yaml').map((d) => `${d.severity} ${d.code} ${d.line}`)).toEqual([]);
    const rule = loadRuleFile(join(dir, 'TimeSpanDurations.yaml')).rule;
    expect([rule?.queryFrequency, rule?.queryPeriod]).toEqual(['01:00:00', '1.00:00:00']);
  });
});
