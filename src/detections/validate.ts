import type { Diagnostic } from '../diagnostics.js';
import type { Catalog } from '../kql/catalog.js';
import { analyze, bridge } from '../kql/syntax/index.js';
import { findTechnique, type MitreAttack } from '../rules/mitre.js';
import type { YamlSource } from '../rules/source.js';
import { checkQuery, maskCommentsAndStrings } from '../rules/validate/query.js';
import { isDetectionPath, type LoadedDetection, loadDetectionFile, QUERY_PATH } from './load.js';
import { automatedActionTargets, type DetectionRule, entityMappingKinds } from './model.js';
import { detectionSchedule } from './schedule.js';
import {
  ACTION_COLUMNS,
  IDENTIFYING_COLUMNS,
  isDefenderTable,
  isEndpointTable,
  NRT_EXCLUDED_COLUMNS,
  NRT_TABLES,
} from './tables.js';

export { isDetectionPath };

/** Diagnostic codes of custom detections (SARIF rule descriptions). */
export const detectionCodes = {
  SK2001: 'A column the rule maps or acts on is not in the query result',
  SK2002: 'A column Defender expects in the result is missing',
  SK2003: 'Schedule frequency or lookback Defender does not accept',
  SK2004: 'Query not eligible for Continuous (NRT) frequency',
  SK2005: 'Duplicate custom detection id',
  SK2006: 'Unknown MITRE ATT&CK tactic or technique',
  SK2007: 'Action column is not one Defender documents for the action',
  SK2008: 'Published custom detection form: only its query is checked',
} as const;

export interface DetectionValidationOptions {
  catalog: Catalog;
  mitre?: MitreAttack;
}

/** Validates custom detection files (kql/detections/*.yaml) as Defender would accept them. */
export function validateDetectionFiles(
  paths: readonly string[],
  options: DetectionValidationOptions,
): { documents: LoadedDetection[]; diagnostics: Diagnostic[] } {
  const documents = paths.map((path) => loadDetectionFile(path));
  const diagnostics = documents.flatMap((d) => [...d.diagnostics, ...checkDetection(d, options)]);
  diagnostics.push(...checkUniqueIds(documents));
  return { documents, diagnostics };
}

function checkDetection(
  { rule, source, queryPath }: LoadedDetection,
  options: DetectionValidationOptions,
): Diagnostic[] {
  if (!source) return [];
  const queryText = rule?.queryCondition.queryText ?? source.document.getIn(queryPath);
  if (typeof queryText !== 'string' || queryText === '') return [];
  const query = checkQuery({ query: queryText, source }, options.catalog, false, queryPath);
  if (!rule) return query.diagnostics;
  const tables = referencedTables(queryText, options.catalog);
  const diagnostics = [...query.diagnostics, ...checkSchedule(rule, source, tables, queryText)];
  if (query.columns) diagnostics.push(...checkColumns(rule, source, new Set(query.columns.keys()), tables));
  if (options.mitre) diagnostics.push(...checkTactics(rule, source, options.mitre));
  return diagnostics;
}

/** Catalog tables the query names (a parser function counts as its call, not its expansion). */
export function referencedTables(query: string, catalog: Catalog): string[] {
  const names = new Set<string>();
  const visit = (node: any): void => {
    const symbol = node.ReferencedSymbol;
    if (symbol && String(bridge().getTypeName(symbol)).endsWith('TableSymbol'))
      names.add(String(symbol.Name));
    for (let i = 0; i < node.ChildCount; i++) {
      const child = node.GetChild(i);
      if (child) visit(child);
    }
  };
  visit(analyze(query, catalog).code.Syntax);
  return [...names].sort();
}

function checkSchedule(
  rule: DetectionRule,
  source: YamlSource,
  tables: string[],
  query: string,
): Diagnostic[] {
  const schedule = detectionSchedule(rule);
  const out: Diagnostic[] = [];
  const at = (field: string) => source.valueAt(['schedule', field]);
  const defender = tables.filter(isDefenderTable);
  if (schedule.custom && defender.length > 0) {
    out.push(
      source.diagnostic(
        'SK2003',
        'error',
        `frequency ${rule.schedule.frequency} is a Custom frequency, which Defender offers only for rules on Microsoft ` +
          `Sentinel data; this query reads ${defender.join(', ')} (use PT1H, PT3H, PT12H, P1D or PT0S)`,
        at('frequency'),
      ),
    );
  }
  if (schedule.continuous) {
    if (rule.schedule.lookback !== undefined) {
      out.push(
        source.diagnostic(
          'SK2003',
          'error',
          'lookback is not supported for Continuous (NRT) rules (frequency PT0S)',
          at('lookback'),
        ),
      );
    }
    out.push(...checkContinuous(source, tables, query));
  } else if (schedule.lookback !== undefined && schedule.lookback < schedule.frequency) {
    out.push(
      source.diagnostic(
        'SK2003',
        'error',
        `lookback ${rule.schedule.lookback} is shorter than frequency ${rule.schedule.frequency}; it must be at least the frequency`,
        at('lookback'),
      ),
    );
  }
  return out;
}

/**
 * "Queries you can run continuously": one table only, no joins, unions or externaldata, no
 * comments, and a table from the NRT list. (Its operator list is the DCR-transform KQL subset,
 * which this check does not yet enforce; see NOTES.)
 */
function checkContinuous(source: YamlSource, tables: string[], query: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const offset = source.offsetMapper(QUERY_PATH);
  const where = (index: number) => offset?.(index) ?? source.valueAt(QUERY_PATH);
  const nrt = (message: string, index = 0) =>
    out.push(source.diagnostic('SK2004', 'error', `Continuous (NRT) frequency: ${message}`, where(index)));
  if (tables.length !== 1) nrt(`the query must reference exactly one table (it references ${tables.length})`);
  for (const table of tables.filter((t) => !NRT_TABLES.has(t)))
    nrt(`${table} does not support Continuous (NRT) frequency`);
  const masked = maskCommentsAndStrings(query);
  for (const match of masked.matchAll(/\b(join|union|externaldata|lookup)\b/g)) {
    nrt(`'${match[1]}' is not allowed in a continuous query`, match.index);
  }
  const comment = /\/\/.*/.exec(query.replace(/(["'])(?:\\.|(?!\1).)*\1/g, (s) => ' '.repeat(s.length)));
  if (comment) nrt('the query must not contain comments', comment.index);
  for (const [table, columns] of NRT_EXCLUDED_COLUMNS) {
    if (!tables.includes(table)) continue;
    for (const column of columns) {
      const match = new RegExp(`\\b${column}\\b`).exec(masked);
      if (match) nrt(`${table}.${column} does not support Continuous (NRT) frequency`, match.index);
    }
  }
  return out;
}

function checkColumns(
  rule: DetectionRule,
  source: YamlSource,
  columns: ReadonlySet<string>,
  tables: string[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const template = rule.detectionAction.alertTemplate;
  const requireColumns = (
    entries: readonly Record<string, string>[] | undefined,
    path: (string | number)[],
  ) =>
    entries?.forEach((entry, i) => {
      for (const [field, column] of Object.entries(entry)) {
        if (!field.endsWith('Column') || columns.has(column)) continue;
        out.push(
          source.diagnostic(
            'SK2001',
            'error',
            `${field} '${column}' is not a column of the query result (Defender only lets you pick returned columns)`,
            source.valueAt([...path, i, field]),
          ),
        );
      }
    });
  for (const kind of entityMappingKinds) {
    requireColumns(template.entityMappings?.[kind], [
      'detectionAction',
      'alertTemplate',
      'entityMappings',
      kind,
    ]);
  }
  const actions = rule.detectionAction.automatedActions ?? {};
  for (const [kind, entries] of Object.entries(actions) as [
    keyof typeof automatedActionTargets,
    Record<string, string>[],
  ][]) {
    const path = ['detectionAction', 'automatedActions', kind];
    requireColumns(entries, path);
    const documented = ACTION_COLUMNS[automatedActionTargets[kind]];
    entries.forEach((entry, i) => {
      for (const [field, column] of Object.entries(entry)) {
        if (!documented || !field.endsWith('Column') || documented.includes(column)) continue;
        out.push(
          source.diagnostic(
            'SK2007',
            'warning',
            `${kind} acts on ${documented.join(', ')} per the custom detection docs; '${column}' may not identify the target`,
            source.valueAt([...path, i, field]),
          ),
        );
      }
    });
  }
  out.push(...expectedColumns(source, columns, tables));
  return out;
}

/**
 * "Required columns in the query results": Timestamp or TimeGenerated sets the alert time (without
 * it the alert spans the lookback); Defender for Endpoint tables need DeviceId and ReportId, other
 * Defender tables Timestamp and ReportId; and one column that identifies a device, user or mailbox.
 */
function expectedColumns(source: YamlSource, columns: ReadonlySet<string>, tables: string[]): Diagnostic[] {
  const at = source.valueAt(QUERY_PATH);
  const missing = (what: string, why: string, severity: 'error' | 'warning' = 'warning') =>
    source.diagnostic('SK2002', severity, `the query result has no ${what}: ${why}`, at);
  const out: Diagnostic[] = [];
  if (!columns.has('Timestamp') && !columns.has('TimeGenerated')) {
    out.push(
      missing('Timestamp or TimeGenerated column', 'alerts get the lookback window as their event time'),
    );
  }
  if (tables.some(isEndpointTable)) {
    for (const column of ['DeviceId', 'ReportId'].filter((c) => !columns.has(c))) {
      out.push(
        missing(
          `${column} column`,
          'Defender for Endpoint alerts need it for device-group scope and the process tree',
        ),
      );
    }
  } else if (tables.some(isDefenderTable) && !columns.has('ReportId')) {
    out.push(missing('ReportId column', 'Defender identifies the original event by Timestamp and ReportId'));
  }
  if (tables.some(isDefenderTable) && !IDENTIFYING_COLUMNS.some((c) => columns.has(c))) {
    out.push(
      missing(
        `column that identifies a device, user or mailbox (${IDENTIFYING_COLUMNS.slice(0, 4).join(', ')}, ...)`,
        'Defender requires one to create the rule',
        'error',
      ),
    );
  }
  return out;
}

function checkTactics(rule: DetectionRule, source: YamlSource, mitre: MitreAttack): Diagnostic[] {
  const out: Diagnostic[] = [];
  const base = ['detectionAction', 'alertTemplate', 'tactics'];
  rule.detectionAction.alertTemplate.tactics?.forEach((entry, i) => {
    if (!mitre.tactics.has(entry.tactic)) {
      out.push(
        source.diagnostic(
          'SK2006',
          'error',
          `unknown MITRE ATT&CK tactic '${entry.tactic}'`,
          source.valueAt([...base, i, 'tactic']),
        ),
      );
    }
    entry.techniques?.forEach((t, j) => {
      if (!findTechnique(mitre, t.technique)) {
        const where = source.valueAt([...base, i, 'techniques', j, 'technique']);
        out.push(
          source.diagnostic('SK2006', 'error', `unknown MITRE ATT&CK technique '${t.technique}'`, where),
        );
      }
    });
  });
  return out;
}

function checkUniqueIds(documents: readonly LoadedDetection[]): Diagnostic[] {
  const seen = new Map<string, string>();
  return documents.flatMap(({ rule, source, file }) => {
    if (!rule || !source) return [];
    const first = seen.get(rule.id);
    if (first === undefined) {
      seen.set(rule.id, file);
      return [];
    }
    return [
      source.diagnostic(
        'SK2005',
        'error',
        `id '${rule.id}' is already used by ${first}`,
        source.valueAt(['id']),
      ),
    ];
  });
}
