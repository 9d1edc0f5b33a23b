import { findTechnique, type MitreAttack } from '../rules/mitre.js';

/** A rule or custom detection as coverage sees it: its name and the ATT&CK it declares. */
export interface CoverageEntry {
  name: string;
  kind: 'analytics rule' | 'custom detection';
  /** Sentinel tactic names (InitialAccess, ...). */
  tactics: readonly string[];
  /** Technique or sub-technique ids (T1110, T1110.003). */
  techniques: readonly string[];
}

interface LayerTechnique {
  techniqueID: string;
  tactic?: string;
  score: number;
  comment: string;
  metadata: { name: string; value: string }[];
}

/**
 * An ATT&CK Navigator layer (layer format 4.5) scoring each technique by the number of rules and
 * detections that declare it, under each declared tactic the technique belongs to. Techniques no
 * rule declares stay unscored, which Navigator shows as the gaps of the full matrix.
 * https://github.com/mitre-attack/attack-navigator/blob/master/layers/spec/v4.5/layerformat.md
 */
export function navigatorLayer(
  entries: readonly CoverageEntry[],
  attack: MitreAttack,
  name = 'sentinel-kit coverage',
) {
  const cells = new Map<string, { techniqueID: string; tactic?: string; rules: CoverageEntry[] }>();
  for (const entry of entries) {
    for (const raw of entry.techniques) {
      const id = raw.toUpperCase();
      const technique = findTechnique(attack, id);
      const tactics = entry.tactics.filter((t) => technique?.tactics.includes(t));
      // A technique outside the ATT&CK extract, or under none of the declared tactics: no `tactic`,
      // so Navigator annotates it under every tactic it belongs to.
      const shortNames = tactics.length > 0 ? tactics.map((t) => tacticShortName(attack, t)) : [undefined];
      for (const tactic of shortNames) {
        const key = `${id}/${tactic ?? ''}`;
        const cell = cells.get(key) ?? { techniqueID: id, tactic, rules: [] };
        if (!cell.rules.includes(entry)) cell.rules.push(entry);
        cells.set(key, cell);
      }
    }
  }
  const techniques: LayerTechnique[] = [...cells.values()]
    .sort(
      (a, b) => a.techniqueID.localeCompare(b.techniqueID) || (a.tactic ?? '').localeCompare(b.tactic ?? ''),
    )
    .map(({ techniqueID, tactic, rules }) => ({
      techniqueID,
      ...(tactic ? { tactic } : {}),
      score: rules.length,
      comment: rules.map((r) => r.name).join('; '),
      metadata: rules.map((r) => ({ name: r.kind, value: r.name })),
    }));
  const maxScore = Math.max(1, ...techniques.map((t) => t.score));
  return {
    name,
    versions: { ...attackVersion(attack), navigator: '4.9.0', layer: '4.5' },
    domain: 'enterprise-attack',
    description: `${entries.length} analytics rules and custom detections; score = how many declare the technique`,
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, expandedSubtechniques: 'annotated' },
    hideDisabled: false,
    techniques,
    // "maxValue must be > minValue": a layer where every technique has one rule still gets a range.
    gradient: { colors: ['#ffffff', '#66bb6a'], minValue: 0, maxValue: maxScore },
    legendItems: [{ label: 'declared by at least one rule or detection', color: '#66bb6a' }],
  };
}

/** Navigator's tactic id is the ATT&CK short name: "Initial Access" → "initial-access". */
function tacticShortName(attack: MitreAttack, tactic: string): string {
  const displayName = attack.tactics.get(tactic)?.displayName ?? tactic;
  return displayName.toLowerCase().replace(/\s+/g, '-');
}

/** `versions.attack` from the extract's version ("ATT&CK Enterprise v18" → "18"); omitted when unknown. */
function attackVersion(attack: MitreAttack): { attack?: string } {
  const match = /v?(\d+(?:\.\d+)*)\s*$/.exec(attack.version);
  return match ? { attack: match[1] } : {};
}
