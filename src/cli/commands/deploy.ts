import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { applyDetections, DetectionRulesClient, planDetections } from '../../detections/deploy.js';
import type { DetectionRule } from '../../detections/model.js';
import { validateDetectionFiles } from '../../detections/validate.js';
import { hasErrors } from '../../diagnostics.js';
import { findRuleFiles } from '../../rules/load.js';
import { DownstreamError } from '../../sentinel/rest.js';
import { loadCatalogOrReport, parseCommandArgs, printDiagnostics, rootOption } from '../command.js';

const HELP = `usage: sentinel-kit deploy detections [paths...] [--dry-run] [--endpoint url] [--root dir]

Creates or updates Defender XDR custom detections (kql/detections/*.yaml) through Microsoft Graph
(beta /security/rules/detectionRules), by each file's id. Files are validated first; nothing is
written when any has an error. Signs in with DefaultAzureCredential (needs CustomDetection.ReadWrite.All).

  --dry-run        print what would be created or changed (a diff per rule), write nothing
  --endpoint url   Graph root (default https://graph.microsoft.com; a national cloud's otherwise)
  --root dir       repository root holding kql/ (default .)
Exit code: 1 on validation or Graph errors, 2 on bad arguments.`;

/** `credential` is for tests; the CLI signs in with DefaultAzureCredential. */
export async function run(argv: string[], credential?: TokenCredential): Promise<number> {
  const args = parseCommandArgs(
    HELP,
    argv,
    { 'dry-run': { type: 'boolean', default: false }, endpoint: { type: 'string' }, ...rootOption },
    true,
  );
  if (typeof args === 'number') return args;
  const [target, ...rest] = args.positionals;
  if (target !== 'detections') {
    console.error(`${target ? `unknown deploy target '${target}'` : 'missing deploy target'}\n\n${HELP}`);
    return 2;
  }
  const { values } = args;
  const paths = rest.length > 0 ? rest : [join(values.root, 'kql', 'detections')];
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    console.error(`no such file or directory: ${missing.join(', ')}`);
    return 2;
  }
  const catalog = loadCatalogOrReport(values.root);
  if (!catalog) return 1;
  const { documents, diagnostics } = validateDetectionFiles(findRuleFiles(paths), { catalog });
  printDiagnostics(diagnostics.filter((d) => d.severity !== 'info'));
  if (hasErrors(diagnostics)) {
    console.error('not deployed: fix the errors above first');
    return 1;
  }
  const rules = documents.flatMap((d) => (d.rule ? [d.rule as DetectionRule] : []));
  const client = new DetectionRulesClient({
    credential: credential ?? new DefaultAzureCredential(),
    endpoint: values.endpoint,
  });
  try {
    const changes = await planDetections(client, rules);
    for (const change of changes) {
      console.log(`${change.action} ${change.id}`);
      if (change.action === 'update' || values['dry-run'])
        for (const line of change.diff) console.log(`  ${line}`);
    }
    if (values['dry-run']) return 0;
    const written = await applyDetections(client, rules, changes);
    console.log(`${written.length} of ${changes.length} detection(s) written`);
    return 0;
  } catch (error) {
    if (!(error instanceof DownstreamError)) throw error;
    console.error(`Graph refused the deployment: ${error.message}`);
    return 1;
  }
}
