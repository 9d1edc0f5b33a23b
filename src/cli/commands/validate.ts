import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildConnectors } from '../../build/connectors.js';
import { type ContentKind, contentKindNames, validateContent } from '../../content/validate.js';
import { detectionCodes } from '../../detections/validate.js';
import { collectDiagnostics, type Diagnostic, formatDiagnostic, hasErrors } from '../../diagnostics.js';
import { readCatalog } from '../../kql/catalog.js';
import { operationsDiagnostics } from '../../operations/validate.js';
import { packageRoot } from '../../package-root.js';
import { toSarif } from '../../report/sarif.js';
import { defaultMitrePath, loadMitre } from '../../rules/mitre.js';
import { ruleCodes } from '../../rules/validate/index.js';
import { summaryCodes } from '../../summary/validate.js';
import { parseCommandArgs, rootOption, schemasOption } from '../command.js';

const HELP = `usage: sentinel-kit validate [paths...] [--format text|sarif] [--root dir] [--schemas dir] [--no-git]

Checks every content file under the paths by what it is (from its folder): analytics rules (fields
and types, KQL against the table schemas, Sentinel limits, entity mappings, custom and alert
details, MITRE ATT&CK, unique ids, version bumps against git HEAD, table plans), hunting queries
(hunting/), parsers (parsers/), automation rules (automation/), watchlists and table schemas.
The Azure-Sentinel repository's layout is read as it is: Hunting Queries/ (a hunting query's KQL
must bind; its other findings are warnings, as Microsoft's CI checks only the KQL), Solution and
ASIM parsers (FunctionQuery/ParserQuery with their parameters), Watchlists/*.json templates. Rules
and hunting queries bind to the parsers found under the paths. Paths default to kql/. Defender custom detections (detections/) are checked against Defender's
schedule, required result columns and Graph's detectionRule shape; summary rules (summary/) against
the summaryLogs API (bin size, destination table, the KQL summary rules allow). The SOC operations model
(kql/operations.yaml under --root) is checked too when present, and so are the connectors under
--root (connectors/*/table.json and dcr.yaml: table plan, stream, and a transformKql that uses only
the KQL a data collection rule accepts; and the Codeless Connector Framework declarations,
connectors/<name>/ccf/connector.yaml).

  --format text|sarif  text (default): file:line:col: severity CODE: message; sarif: SARIF 2.1.0
  --root dir           repository root holding kql/, connectors/ and sentinel-kit.config.yaml (default: .)
  --schemas dir        another folder of table schemas (repeatable), after the config file's
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
      ...schemasOption,
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
  const paths = positionals.length > 0 ? positionals : [join(root, 'kql')];
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    console.error(`no such file or directory: ${missing.join(', ')}`);
    return 2;
  }

  // A malformed or twice-defined schema is reported and the content still checked, against the
  // schemas that are well-formed (readCatalog).
  const { catalog, problems } = readCatalog(root, { schemaDirs: values.schemas ?? [] });
  const setup: Diagnostic[] = [...problems, ...(catalog.warnings ?? [])];
  // A content repository without its own copy uses the ATT&CK data sentinel-kit ships with.
  const ownMitre = join(root, defaultMitrePath);
  const mitrePath = existsSync(ownMitre) ? ownMitre : join(packageRoot(), defaultMitrePath);
  const mitre = existsSync(mitrePath)
    ? collectDiagnostics(() => loadMitre(mitrePath, defaultMitrePath), setup)
    : undefined;
  const result = await validateContent(paths, {
    root,
    catalog,
    mitre,
    compareWithGit: !values['no-git'],
    parallel: { schemaDirs: values.schemas ?? [], mitre: { path: mitrePath, file: defaultMitrePath } },
  });
  // A kql/parsers or kql/watchlists file the catalog could not read is also a content file checked
  // here, which reports the same YAML error at the same place: report it once.
  const at = (d: Diagnostic) => `${resolve(d.file ?? '')}:${d.line}:${d.column}`;
  const checked = new Set(result.diagnostics.filter((d) => d.severity === 'error').map(at));
  const diagnostics = [
    ...setup.filter((d) => d.severity !== 'error' || !checked.has(at(d))),
    ...result.diagnostics,
  ];
  // The SOC operations model (kql/operations.yaml), when the repository has one.
  diagnostics.push(...operationsDiagnostics(root));
  // Connectors' tables, DCRs (with the KQL subset DCR transformations accept) and CCF declarations.
  diagnostics.push(...buildConnectors(root).diagnostics);

  if (values.format === 'sarif') {
    const sarif = toSarif(diagnostics, {
      toolName: 'sentinel-kit',
      describe: (code) =>
        ({ ...ruleCodes, ...detectionCodes, ...summaryCodes })[code as keyof typeof ruleCodes],
    });
    console.log(JSON.stringify(sarif, null, 2));
  } else {
    for (const d of diagnostics) console.log(formatDiagnostic(d));
    if (!mitre) console.error(`note: ${defaultMitrePath} not found; MITRE ATT&CK checks skipped`);
    console.log(summary(result.counts, diagnostics));
  }
  return hasErrors(diagnostics) ? 1 : 0;
}

function summary(counts: ReadonlyMap<ContentKind, number>, diagnostics: readonly Diagnostic[]): string {
  const count = (severity: Diagnostic['severity']) =>
    diagnostics.filter((d) => d.severity === severity).length;
  const plural = (n: number, word: string) =>
    `${n} ${n === 1 ? word : word.replace(/y$/, 'ie')}${n === 1 ? '' : 's'}`;
  // Rule tests are run by `sentinel-kit test`, not checked here.
  const checked = (Object.keys(contentKindNames) as ContentKind[]).filter(
    (k) => k !== 'rule-test' && counts.get(k),
  );
  const files = checked.reduce((sum, kind) => sum + (counts.get(kind) ?? 0), 0);
  const kinds = checked.map((kind) => plural(counts.get(kind) ?? 0, contentKindNames[kind])).join(', ');
  return (
    `${plural(files, 'file')} checked${kinds ? ` (${kinds})` : ''}: ` +
    `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}`
  );
}
