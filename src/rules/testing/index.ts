export { diffExpectation } from './diff.js';
export { readFixtureFile, resolveTime } from './fixtures.js';
export type { Expectation, ExpectedAlert, FixtureTable, RuleTestCase, RuleTestFile } from './model.js';
export { defaultRuleFile, isRuleTestFile, loadRuleTestFile } from './parse.js';
export { formatJUnit, formatTextReport, type Totals, totals } from './report.js';
export {
  type CaseResult,
  type FileResult,
  findRuleTestFiles,
  prepareRuleTest,
  runRuleTestCase,
  runRuleTests,
} from './runner.js';
export { type RuleTestThreadOptions, runRuleTestsOnThreads } from './threads.js';
