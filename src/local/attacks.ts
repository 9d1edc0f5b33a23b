import { relative } from 'node:path';
import { loadDetectionFile } from '../detections/load.js';
import { findDetectionTestFiles } from '../detections/testing.js';
import type { Catalog } from '../kql/catalog.js';
import { type Table, tableToRecords } from '../kql/index.js';
import { findRuleTestFiles, prepareRuleTest, type RuleTestCase } from '../rules/testing/index.js';
import { loadRuleTestFile } from '../rules/testing/parse.js';

export interface AttackScenario {
  /** `<rule file>#<case name>`, stable across runs. */
  id: string;
  ruleId: string;
  ruleName: string;
  caseName: string;
  testCase: RuleTestCase;
}

/**
 * The attacks the local SOC can inject are the starter rules' and custom detections' own firing
 * test cases: each case that expects alerts is a small, hand-checked attack for which a rule
 * exists. Injection replays its rows with times shifted so the case's `now` becomes the current
 * (simulated) time.
 */
export function loadAttackScenarios(root: string, catalog: Catalog): AttackScenario[] {
  const scenarios: AttackScenario[] = [];
  for (const file of findRuleTestFiles([`${root}/kql/rules`])) {
    const { testFile, rule } = prepareRuleTest(file, catalog);
    if (!testFile || !rule?.rule || rule.rule.enabled === false) continue;
    for (const testCase of testFile.cases) {
      if (testCase.expect.alerts === 0) continue;
      scenarios.push({
        id: `${relative(root, testFile.ruleFile)}#${testCase.name}`,
        ruleId: rule.rule.id,
        ruleName: rule.rule.name,
        caseName: testCase.name,
        testCase,
      });
    }
  }
  for (const file of findDetectionTestFiles([`${root}/kql/detections`])) {
    const { testFile } = loadRuleTestFile(file, catalog);
    const detection = testFile && loadDetectionFile(testFile.ruleFile).rule;
    if (!testFile || !detection || detection.status === 'disabled') continue;
    for (const testCase of testFile.cases.filter((c) => c.expect.alerts > 0)) {
      scenarios.push({
        id: `${relative(root, testFile.ruleFile)}#${testCase.name}`,
        ruleId: detection.id,
        ruleName: detection.displayName,
        caseName: testCase.name,
        testCase,
      });
    }
  }
  return scenarios;
}

/** The scenario's rows per table as JSON records, with every datetime moved by (now − case.now). */
export function attackRecords(scenario: AttackScenario, now: bigint): Map<string, Record<string, unknown>[]> {
  const shift = now - scenario.testCase.now;
  const byTable = new Map<string, Record<string, unknown>[]>();
  for (const fixture of scenario.testCase.tables) {
    byTable.set(fixture.name, tableToRecords(shiftTimes(fixture.table, shift)));
  }
  return byTable;
}

function shiftTimes(table: Table, shift: bigint): Table {
  const datetimeColumns = table.columns.flatMap((c, i) => (c.type === 'datetime' ? [i] : []));
  const rows = table.rows.map((row) => {
    const copy = [...row];
    for (const i of datetimeColumns) if (typeof copy[i] === 'bigint') copy[i] = (copy[i] as bigint) + shift;
    return copy;
  });
  return { columns: table.columns, rows };
}
