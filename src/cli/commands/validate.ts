import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { detectionCodes, validateDetectionFiles } from '../../detections/validate.js';
import { collectDiagnostics, type Diagnostic, formatDiagnostic, hasErrors } from '../../diagnostics.js';
import { loadCatalog } from '../../kql/catalog.js';
import { toSarif } from '../../report/sarif.js';
import { findRuleFiles, isDetectionPath } from '../../rules/load.js';
import { defaultMitrePath, loadMitre } from '../../rules/mitre.js';
import { ruleCodes, validateFiles } from '../../rules/validate/index.js';
import { parseCommandArgs, rootOption } from '../command.js';

const HELP = `usage: sentinel-kit validate [paths...] [--format text|sarif] [--root dir] [--no-git]

Checks analytics rules (and hunting queries under a hunting/ folder): fields and types, KQL against
the table schemas, Sentinel limits, entity mappings, custom and alert details, MITRE ATT&CK, unique
ids, and version bumps against git HEAD; Defender custom detections (files under a detections/
folder) against Defender's schedule, required result columns and Graph's detectionRule shape.
Paths default to kql/rules and kql/detections.

  --format text|sarif  text (default): file:line:col: severity CODE: message; sarif: SARIF 2.1.0
  --root dir           repository root holding kql/ and connectors/ (default: .)
  --no-git             skip the version-bump comparison with git HEAD
Exit code: 1 when any error is found, 2 on bad arguments.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    HELP,
    argv,
    {
      format: { type: 'string', default: 'text' },
      'no-git': { type: 'boolean', default: false },
      ...rootOption,
    },
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  if (values.format !== 'text' && values.format !== 'sarif') {
    console.error(`--format must be text or sarif (got '${values.format}')`);
    return 2;
  }
  const root = values.root;
  const detectionsDir = join(root, 'kql', 'detections');
  const defaults = [join(root, 'kql', 'rules'), ...(existsSync(detectionsDir) ? [detectionsDir] : [])];
  const paths = positionals.length > 0 ? positionals : defaults;
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    console.error(`no such file or directory: ${missing.join(', ')}`);
    return 2;
  }

  const setup: Diagnostic[] = [];
  const catalog = collectDiagnostics(() => loadCatalog(root), setup);
  const mitrePath = join(root, defaultMitrePath);
  const mitre = existsSync(mitrePath)
    ? collectDiagnostics(() => loadMitre(mitrePath, defaultMitrePath), setup)
    : undefined;
  const files = findRuleFiles(paths);
  const ruleFiles = files.filter((file) => !isDetectionPath(file));
  const diagnostics = catalog
    ? [
        ...setup,
        ...validateFiles(ruleFiles, { catalog, mitre, compareWithGit: !values['no-git'] }).diagnostics,
        ...validateDetectionFiles(files.filter(isDetectionPath), { catalog, mitre }).diagnostics,
      ]
    : setup;

  if (values.format === 'sarif') {
    const sarif = toSarif(diagnostics, {
      toolName: 'sentinel-kit',
      describe: (code) => ({ ...ruleCodes, ...detectionCodes })[code as keyof typeof ruleCodes],
    });
    console.log(JSON.stringify(sarif, null, 2));
  } else {
    for (const d of diagnostics) console.log(formatDiagnostic(d));
    if (!mitre && catalog) console.error(`note: ${defaultMitrePath} not found; MITRE ATT&CK checks skipped`);
    console.log(summary(files.length, diagnostics));
  }
  return hasErrors(diagnostics) ? 1 : 0;
}

function summary(files: number, diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Diagnostic['severity']) =>
    diagnostics.filter((d) => d.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(files, 'file')} checked: ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}`;
}
