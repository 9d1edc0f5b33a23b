import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/kql/catalog.js';
import { loadRuleFile } from '../../src/rules/load.js';
import { loadMitre } from '../../src/rules/mitre.js';
import { validateFiles } from '../../src/rules/validate/index.js';
import { validate as validateHelper, withLines } from './helpers.js';

// Rules in the shapes published in Azure/Azure-Sentinel (Detections/, Solutions/*/Analytic Rules)
// that its CI accepts: .script/tests/detectionTemplateSchemaValidation binds the YAML with
// Newtonsoft.Json, which ignores the case of field names and enum values and leaves null fields
// unset. Each validated against the built-in catalog, as a user's repository would be.
const root = join(import.meta.dirname, '..', '..');
const dir = join(import.meta.dirname, 'fixtures', 'azure-sentinel-ci');
const catalog = loadCatalog(root);
const mitre = loadMitre(join(root, 'kql', 'mitre', 'attack-enterprise.json'));
const validate = (name: string) =>
  validateFiles([join(dir, name)], { catalog, mitre, compareWithGit: false }).diagnostics;
const summary = (name: string) => validate(name).map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`);

describe('rules Microsoft CI accepts', () => {
  it('null optional fields (tactics:, relevantTechniques:, entityMappings:, customDetails:, alertTacticsColumnName:)', () => {
    expect(summary('NullOptionalFields.yaml')).toEqual([]);
    const rule = loadRuleFile(join(dir, 'NullOptionalFields.yaml')).rule;
    expect(rule?.tactics).toBeUndefined();
    expect(rule?.alertDetailsOverride).toEqual({ alertDisplayNameFormat: 'Rare domain {{Name}}' });
  });

  it('field names in another case (datatypes, fieldmappings)', () => {
    expect(summary('CaseInsensitiveFields.yaml')).toEqual([]);
    const rule = loadRuleFile(join(dir, 'CaseInsensitiveFields.yaml')).rule;
    expect(rule?.requiredDataConnectors?.[0].dataTypes).toEqual(['AzureDiagnostics']);
    expect(rule?.entityMappings?.[0].fieldMappings[0].columnName).toBe('SourceIP');
  });

  it('a tactic in another case (CommandandControl), respelled as Sentinel spells it', () => {
    expect(summary('TacticCase.yaml')).toEqual([]);
    expect(loadRuleFile(join(dir, 'TacticCase.yaml')).rule?.tactics).toEqual(['CommandAndControl']);
  });

  it('kind and severity in another case (kind: scheduled), respelled as Sentinel spells them', () => {
    expect(summary('EnumCase.yaml')).toEqual([]);
    const rule = loadRuleFile(join(dir, 'EnumCase.yaml')).rule;
    expect([rule?.kind, rule?.severity]).toEqual(['Scheduled', 'Low']);
  });

  it('an NRT rule carrying the Scheduled fields (warned as ignored) and a null item in tags', () => {
    expect(summary('NrtWithSchedule.yaml')).toEqual([
      'warning SK1205 10:1',
      'warning SK1205 11:1',
      'warning SK1205 12:1',
      'warning SK1205 13:1',
    ]);
    expect(loadRuleFile(join(dir, 'NrtWithSchedule.yaml')).rule?.tags).toEqual(['Solorigate']);
  });

  it('a "this file moved" stub, skipped with a note', () => {
    const diagnostics = validate('MovedRule.yaml');
    expect(diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['info SK1007']);
    expect(diagnostics[0].message).toMatch(/^skipped: not a rule but a note \("This file has been moved to/);
  });

  // Binds the whole NetworkSession union with every held leg's body: 27 s in a loaded CI run.
  it("calls to Sentinel's built-in ASIM parsers with their filtering parameters (_Im_NetworkSession(starttime=...))", {
    timeout: 180_000,
  }, () => {
    expect(summary('AsimBuiltInParsers.yaml')).toEqual([]);
  });

  // The CI binds rules against .script/tests/KqlvalidationsTests/CustomFunctions/*.json (functions
  // Solutions deploy as parsers, e.g. MSBizAppsNetworkAddresses.json with its watchlist-alias
  // parameter) and CustomTables/*.json (OktaSSO.json, a Solution parser's output declared as a table).
  it('calls to the Solution parsers the CI declares (MSBizAppsNetworkAddresses(...), MSBizAppsVIPUsers, OktaSSO)', () => {
    expect(summary('SolutionParserCalls.yaml')).toEqual([]);
  });

  it('an entity type in another case (Url, ip), respelled as the entity type reference spells it', () => {
    expect(summary('EntityTypeCase.yaml')).toEqual([]);
    const rule = loadRuleFile(join(dir, 'EntityTypeCase.yaml')).rule;
    expect(rule?.entityMappings?.map((mapping) => mapping.entityType)).toEqual(['URL', 'IP']);
  });

  // CustomFunctions/corelight_http.json and RadiflowEvent.json, CustomTables/DarktraceModelAlerts_CL.json,
  // imported with scripts/import-ci-functions.ts --merge (provenance in catalog/provenance.json).
  it('calls to more Solution parsers and tables the CI declares (corelight_http, RadiflowEvent, DarktraceModelAlerts_CL)', () => {
    expect(summary('CiDeclaredSolutionSchemas.yaml')).toEqual([]);
  });

  it("an Account entity mapping CloudAppAccountId (in the CI's EntityMappingIdentifiers)", () => {
    expect(summary('CloudAppAccountId.yaml')).toEqual([]);
  });

  it('still reports a required field left null and an optional field of the wrong type', () => {
    const lines = withLines(10, 13, 'tactics: 5', 'relevantTechniques:', '  - T1110.003', '');
    lines[3] = 'severity:';
    const diagnostics = validateHelper(lines);
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.line}`)).toEqual([
      'SK1010 4',
      'SK1010 10',
    ]);
  });
});
