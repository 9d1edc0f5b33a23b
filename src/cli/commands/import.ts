import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { conflicts, importContent } from '../../content/import.js';
import { parseCommandArgs, rootOption } from '../command.js';

const HELP = `usage: sentinel-kit import <path> [--root dir] [--force]

Brings existing content into kql/: an Azure-Sentinel Solution folder (Analytic Rules/, Hunting
Queries/, Parsers/, custom tables, watchlists), loose rule, parser, table or watchlist files, or an
ARM template of analytics rules and watchlists (the portal's Export, sentinel-kit build's
dist/azuredeploy.json, a Solution's Package/mainTemplate.json). Rules go to kql/rules/<solution>/
(ARM rules to kql/rules/imported/), hunting queries to kql/hunting/, parsers to
kql/parsers/<FunctionAlias>.yaml, tables to kql/schemas/, watchlists to kql/watchlists/<alias>.yaml.
Prints what it could not import and why. Run sentinel-kit validate afterwards.

  --root dir   repository root (default: .)
  --force      overwrite files that exist with different content`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    HELP,
    argv,
    { force: { type: 'boolean', default: false }, ...rootOption },
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  if (positionals.length !== 1) {
    console.error(`import takes one path\n\n${HELP}`);
    return 2;
  }
  const root = resolve(values.root);
  let result: ReturnType<typeof importContent>;
  try {
    result = importContent(resolve(positionals[0]));
  } catch (error) {
    console.error(`cannot read ${positionals[0]}: ${(error as Error).message}`);
    return 2;
  }
  const clashing = new Set(values.force ? [] : conflicts(root, result.files));
  for (const file of result.files) {
    if (clashing.has(file)) continue;
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.text);
    console.log(`${file.path}  <- ${file.from}`);
  }
  const skipped = [
    ...[...clashing].map((f) => ({
      from: f.from,
      reason: `${f.path} exists with other content (--force overwrites it)`,
    })),
    ...result.skipped,
  ];
  for (const s of skipped) console.error(`not imported: ${s.from}: ${s.reason}`);
  console.log(`${result.files.length - clashing.size} files imported, ${skipped.length} not imported`);
  return clashing.size > 0 ? 1 : 0;
}
