import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { migrateFile } from '../../detections/migrate.js';
import { findRuleFiles, isDetectionPath, isSummaryPath } from '../../rules/load.js';
import { defaultMitrePath, loadMitre } from '../../rules/mitre.js';
import { loadCatalogOrReport, parseCommandArgs, rootOption } from '../command.js';

const HELP = `usage: sentinel-kit migrate <rules...> [--out dir] [--dry-run] [--root dir]

For each analytics rule, says whether it can become a Defender XDR custom detection and exactly why
not (NRT on Sentinel tables, frequency and lookback, triggers, suppression, entity mappings Graph
cannot express, cross-resource queries, Defender's required columns), and writes the custom
detection YAML when it can.

  --out dir    where detections are written (default kql/detections under --root)
  --dry-run    report only, write nothing
  --root dir   repository root holding kql/ (default .)
Exit code: 1 when a rule file does not load, 2 on bad arguments.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    HELP,
    argv,
    { out: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, ...rootOption },
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  if (positionals.length === 0) {
    console.error(`name the rules to migrate\n\n${HELP}`);
    return 2;
  }
  const missing = positionals.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    console.error(`no such file or directory: ${missing.join(', ')}`);
    return 2;
  }
  const catalog = loadCatalogOrReport(values.root);
  if (!catalog) return 1;
  const mitrePath = join(values.root, defaultMitrePath);
  const mitre = existsSync(mitrePath) ? loadMitre(mitrePath) : undefined;
  const out = values.out ?? join(values.root, 'kql', 'detections');
  let failed = false;
  for (const path of findRuleFiles(positionals).filter(
    (file) => !isDetectionPath(file) && !isSummaryPath(file),
  )) {
    const { file, migration, yaml, errors } = migrateFile(path, catalog, mitre);
    if (!migration || !yaml) {
      failed = true;
      console.log(`${file}: cannot migrate\n${errors.map((e) => `  ${e}`).join('\n')}`);
      continue;
    }
    const target = join(out, basename(path));
    if (migration.convertible && !values['dry-run']) {
      mkdirSync(out, { recursive: true });
      writeFileSync(target, yaml);
    }
    const verdict = migration.convertible
      ? `can become a custom detection${values['dry-run'] ? '' : ` (written to ${target})`}`
      : 'cannot become a custom detection';
    console.log(`${file}: ${verdict}`);
    for (const reason of migration.reasons) console.log(`  - ${reason}`);
    for (const note of migration.notes) console.log(`  note: ${note}`);
  }
  return failed ? 1 : 0;
}
