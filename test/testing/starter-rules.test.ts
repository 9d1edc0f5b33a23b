import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { findRuleTestFiles, prepareRuleTest, runRuleTestCase } from '../../src/rules/testing/index.js';

// Every case of every rule test under kql/rules becomes one vitest case, so `npm test` runs them.
const catalog = loadCatalog('.');
const files = findRuleTestFiles(['kql/rules']);

it('finds rule tests under kql/rules', () => {
  expect(files.length).toBeGreaterThan(0);
});

for (const path of files) {
  const { testFile, rule, diagnostics } = prepareRuleTest(path, catalog);
  describe(path, () => {
    it('loads without errors', () => {
      expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    });
    if (!testFile || !rule?.rule) return;
    for (const testCase of testFile.cases) {
      it(testCase.name, () => {
        const result = runRuleTestCase(rule, testCase, catalog);
        expect(result.error ?? result.failures.join('\n')).toBe('');
        // A starter case that passes only on one side of an undocumented edge proves nothing about Azure.
        expect(result.warnings).toEqual([]);
      });
    }
  });
}
