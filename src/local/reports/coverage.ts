import type { MitreAttack } from '../../rules/mitre.js';
import type { AnalyticsRule } from '../../rules/model.js';

export interface CoverageCell {
  technique: string;
  name: string;
  rules: string[];
}

export interface CoverageColumn {
  tactic: string;
  displayName: string;
  rules: string[];
  techniques: CoverageCell[];
}

/**
 * The MITRE ATT&CK coverage of the enabled rules: per tactic, the rules that declare it and the
 * techniques they name (a sub-technique counts for its technique's row, as in ATT&CK Navigator).
 */
export function coverageMatrix(rules: readonly AnalyticsRule[], attack: MitreAttack): CoverageColumn[] {
  const enabled = rules.filter((r) => r.enabled !== false);
  return [...attack.tactics.values()]
    .filter(
      (tactic) => !['PreAttack', 'ImpairProcessControl', 'InhibitResponseFunction'].includes(tactic.name),
    )
    .map((tactic) => {
      const tacticRules = enabled.filter((r) => r.tactics?.includes(tactic.name));
      const cells = new Map<string, CoverageCell>();
      for (const rule of tacticRules) {
        for (const id of rule.relevantTechniques ?? []) {
          const parent = id.split('.')[0].toUpperCase();
          const technique = attack.techniques.get(parent);
          if (!technique?.tactics.includes(tactic.name)) continue;
          const cell = cells.get(parent) ?? { technique: parent, name: technique.name, rules: [] };
          if (!cell.rules.includes(rule.name)) cell.rules.push(rule.name);
          cells.set(parent, cell);
        }
      }
      return {
        tactic: tactic.name,
        displayName: tactic.displayName,
        rules: tacticRules.map((r) => r.name),
        techniques: [...cells.values()].sort((a, b) => a.technique.localeCompare(b.technique)),
      };
    });
}
