import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hasErrors } from '../../diagnostics.js';
import { buildRunbooks } from '../../operations/runbooks.js';
import { parseCommandArgs, printDiagnostics, rootOption } from '../command.js';

const HELP = `usage: sentinel-kit docs [--out dir] [--root dir]

Generates the runbook site: one HTML page per analytics rule (what it detects, MITRE ATT&CK, entities,
triage per tier, SLA, the automation that fires, its test cases as worked examples) and an index.
  --out dir   where to write the site (default: dist/docs)
  --root dir  repository root holding kql/ (default: .)
Exit code: 1 when the content has errors, 2 on bad arguments.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(HELP, argv, { out: { type: 'string', default: 'dist/docs' }, ...rootOption });
  if (typeof args === 'number') return args;
  const { site, diagnostics } = buildRunbooks(args.values.root);
  printDiagnostics(diagnostics);
  if (hasErrors(diagnostics)) return 1;
  for (const [path, html] of site) {
    const target = join(args.values.out, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, html);
  }
  console.log(`wrote ${site.size} pages to ${args.values.out}`);
  return 0;
}
