import { readFileSync } from 'node:fs';
import { type Diagnostic, DiagnosticError } from '../diagnostics.js';

/** Where the repository keeps its MITRE ATT&CK Enterprise extract. */
export const defaultMitrePath = 'kql/mitre/attack-enterprise.json';

export interface MitreTactic {
  /** Sentinel's spelling, e.g. `InitialAccess`. */
  name: string;
  /** ATT&CK id, e.g. `TA0001`. */
  id: string;
  displayName: string;
}

export interface MitreTechnique {
  /** `T1110` or a sub-technique `T1110.003`. */
  id: string;
  name: string;
  /** Sentinel tactic names. */
  tactics: string[];
}

export interface MitreAttack {
  version: string;
  tactics: Map<string, MitreTactic>;
  techniques: Map<string, MitreTechnique>;
  /** Whether the extract lists sub-techniques (`T1110.003`) or only techniques. */
  hasSubTechniques: boolean;
}

/**
 * Tactic names Sentinel accepts that are not Enterprise ATT&CK tactics: `PreAttack` (the tactic
 * Sentinel used before Reconnaissance and ResourceDevelopment existed) and the two ICS-matrix
 * tactics in the alert-rule API's AttackTactic enum.
 */
const SENTINEL_ONLY_TACTICS: MitreTactic[] = [
  { name: 'PreAttack', id: 'PreAttack', displayName: 'Pre-Attack' },
  { name: 'ImpairProcessControl', id: 'TA0106', displayName: 'Impair Process Control' },
  { name: 'InhibitResponseFunction', id: 'TA0107', displayName: 'Inhibit Response Function' },
];

export function loadMitre(path: string, file = path): MitreAttack {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DiagnosticError([
      mitreError(file, `cannot read MITRE ATT&CK data: ${(error as Error).message}`),
    ]);
  }
  return parseMitre(data, file);
}

/** Builds lookup maps from `{version, tactics:[{name,id,displayName}], techniques:[{id,name,tactics}]}`. */
export function parseMitre(data: unknown, file = '<mitre>'): MitreAttack {
  const raw = data as {
    version?: unknown;
    tactics?: Partial<MitreTactic>[];
    techniques?: Partial<MitreTechnique>[];
  };
  if (!raw || !Array.isArray(raw.tactics) || !Array.isArray(raw.techniques)) {
    throw new DiagnosticError([mitreError(file, 'expected {version, tactics: [...], techniques: [...]}')]);
  }
  const tactics = new Map<string, MitreTactic>();
  for (const tactic of [...(raw.tactics as MitreTactic[]), ...SENTINEL_ONLY_TACTICS]) {
    if (typeof tactic?.name === 'string') tactics.set(tactic.name, tactic);
  }
  // Techniques may name their tactics by Sentinel name, ATT&CK id or display name.
  const tacticName = new Map<string, string>();
  for (const tactic of tactics.values()) {
    for (const alias of [tactic.name, tactic.id, tactic.displayName])
      tacticName.set(alias?.toLowerCase(), tactic.name);
  }
  const techniques = new Map<string, MitreTechnique>();
  for (const technique of raw.techniques) {
    if (typeof technique?.id !== 'string') continue;
    const names = (technique.tactics ?? []).map((t) => tacticName.get(String(t).toLowerCase()) ?? String(t));
    techniques.set(technique.id.toUpperCase(), {
      id: technique.id,
      name: technique.name ?? '',
      tactics: names,
    });
  }
  const hasSubTechniques = [...techniques.keys()].some((id) => id.includes('.'));
  return { version: String(raw.version ?? ''), tactics, techniques, hasSubTechniques };
}

/**
 * The technique for an id. A sub-technique missing from an extract that lists no sub-techniques at
 * all resolves to its parent (same tactics); one missing from an extract that has them is unknown.
 */
export function findTechnique(attack: MitreAttack, id: string): MitreTechnique | undefined {
  const key = id.toUpperCase();
  const exact = attack.techniques.get(key);
  if (exact || !key.includes('.')) return exact;
  return attack.hasSubTechniques ? undefined : attack.techniques.get(key.split('.')[0]);
}

function mitreError(file: string, message: string): Diagnostic {
  return { code: 'SK1500', severity: 'error', message, file, line: 1, column: 1 };
}
