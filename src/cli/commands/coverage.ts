import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDetectionFile } from '../../detections/load.js';
import { type CoverageEntry, navigatorLayer } from '../../report/navigator.js';
import { findRuleFiles, isDetectionPath, loadRuleFile } from '../../rules/load.js';
import { defaultMitrePath, loadMitre } from '../../rules/mitre.js';
import { parseCommandArgs, printDiagnostics, rootOption } from '../command.js';

const HELP = `usage: sentinel-kit coverage [paths...] --format navigator [--output file] [--root dir]

MITRE ATT&CK coverage of the analytics rules and custom detections (default kql/rules and
kql/detections) as an ATT&CK Navigator layer (format 4.5): each technique scored by how many enabled
rules and detections declare it; techniques none declares are the gaps Navigator shows unscored.

  --format navigator   the only format so far
  --output file        write the layer to a file instead of stdout
  --root dir           repository root holding kql/ (default .)
Exit code: 1 when a file does not load, 2 on bad arguments.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    HELP,
    argv,
    { format: { type: 'string', default: 'navigator' }, output: { type: 'string' }, ...rootOption },
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  if (values.format !== 'navigator') {
    console.error(`--format must be navigator (got '${values.format}')`);
    return 2;
  }
  const mitrePath = join(values.root, defaultMitrePath);
  if (!existsSync(mitrePath)) {
    console.error(`${defaultMitrePath} not found: coverage needs the ATT&CK data`);
    return 1;
  }
  const attack = loadMitre(mitrePath, defaultMitrePath);
  const defaults = [join(values.root, 'kql', 'rules'), join(values.root, 'kql', 'detections')];
  const paths = positionals.length > 0 ? positionals : defaults.filter((path) => existsSync(path));
  const entries: CoverageEntry[] = [];
  let failed = false;
  for (const path of findRuleFiles(paths)) {
    const entry = isDetectionPath(path) ? detectionEntry(path) : ruleEntry(path);
    if (typeof entry === 'string') failed = true;
    else if (entry) entries.push(entry);
  }
  const layer = `${JSON.stringify(navigatorLayer(entries, attack), null, 2)}\n`;
  if (values.output) writeFileSync(values.output, layer);
  else process.stdout.write(layer);
  return failed ? 1 : 0;
}

/** The rule's coverage entry; undefined when disabled, 'error' after printing why it did not load. */
function ruleEntry(path: string): CoverageEntry | undefined | 'error' {
  const loaded = loadRuleFile(path);
  if (!loaded.rule) {
    printDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'error'));
    return 'error';
  }
  const rule = loaded.rule;
  if (rule.enabled === false) return undefined;
  return {
    name: rule.name,
    kind: 'analytics rule',
    tactics: rule.tactics ?? [],
    techniques: rule.relevantTechniques ?? [],
  };
}

function detectionEntry(path: string): CoverageEntry | undefined | 'error' {
  const loaded = loadDetectionFile(path);
  if (!loaded.rule) {
    printDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'error'));
    return 'error';
  }
  const { displayName, status, detectionAction } = loaded.rule;
  if (status === 'disabled') return undefined;
  const tactics = detectionAction.alertTemplate.tactics ?? [];
  return {
    name: displayName,
    kind: 'custom detection',
    tactics: tactics.map((t) => t.tactic),
    techniques: tactics.flatMap((t) => (t.techniques ?? []).map((x) => x.technique)),
  };
}
