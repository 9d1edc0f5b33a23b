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
 * The whole MITRE ATT&CK Enterprise matrix with the coverage of the enabled rules: per tactic, the rules
 * that declare it and every technique of the tactic with the rules that name it there, so gaps show as
 * techniques with no rule. A sub-technique counts for its technique's cell, as in ATT&CK Navigator's
 * collapsed view; techniques are in name order, as Navigator sorts them by default.
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
      for (const technique of attack.techniques.values()) {
        if (technique.id.includes('.') || !technique.tactics.includes(tactic.name)) continue;
        const id = technique.id.toUpperCase();
        cells.set(id, { technique: id, name: technique.name, rules: [] });
      }
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
        techniques: [...cells.values()].sort(
          (a, b) => a.name.localeCompare(b.name, 'en') || a.technique.localeCompare(b.technique),
        ),
      };
    });
}
