import type { Diagnostic } from '../../diagnostics.js';
import { findTechnique, type MitreAttack } from '../mitre.js';
import { didYouMean } from '../suggest.js';
import type { CheckTarget } from './target.js';

const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
/**
 * MITRE ATT&CK for ICS numbers its techniques T0800-T0899 (attack.mitre.org/techniques/ics/);
 * Sentinel takes them with its ICS tactics (ImpairProcessControl, InhibitResponseFunction) and the
 * Azure-Sentinel CI accepts them. Only the Enterprise matrix is bundled, so they are noted, not checked.
 */
const ICS_TECHNIQUE_ID = /^T08\d{2}$/;

/** Tactics and techniques exist in MITRE ATT&CK, and each technique belongs to one of the rule's tactics. */
export function checkAttack({ rule, source }: CheckTarget, attack: MitreAttack): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const tactics = rule.tactics ?? [];
  tactics.forEach((tactic, i) => {
    if (!attack.tactics.has(tactic)) {
      diagnostics.push(
        source.diagnostic(
          'SK1501',
          'error',
          `unknown MITRE ATT&CK tactic '${tactic}'${didYouMean(tactic.replace(/\s+/g, ''), attack.tactics.keys())}`,
          source.valueAt(['tactics', i]),
        ),
      );
    }
  });
  (rule.relevantTechniques ?? []).forEach((id, i) => {
    const where = source.valueAt(['relevantTechniques', i]);
    if (ICS_TECHNIQUE_ID.test(id)) {
      const note = `${id} is a MITRE ATT&CK for ICS technique; only the Enterprise matrix is checked`;
      diagnostics.push(source.diagnostic('SK1504', 'info', note, where));
      return;
    }
    const technique = TECHNIQUE_ID.test(id) ? findTechnique(attack, id) : undefined;
    if (!technique) {
      const why = TECHNIQUE_ID.test(id)
        ? `not in MITRE ATT&CK ${attack.version}`.trim()
        : 'expected T1234 or T1234.001';
      diagnostics.push(source.diagnostic('SK1502', 'error', `unknown technique '${id}' (${why})`, where));
      return;
    }
    if (tactics.length > 0 && !technique.tactics.some((tactic) => tactics.includes(tactic))) {
      diagnostics.push(
        source.diagnostic(
          'SK1503',
          'warning',
          `${id} (${technique.name}) belongs to ${technique.tactics.join(', ')}, none of which is in tactics`,
          where,
        ),
      );
    }
  });
  return diagnostics;
}
