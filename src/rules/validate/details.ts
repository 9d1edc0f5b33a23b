import type { Diagnostic } from '../../diagnostics.js';
import type { AnalyticsRule } from '../model.js';
import { malformedPlaceholderMessage, placeholders } from '../placeholders.js';
import type { FieldPath } from '../source.js';
import { type CheckTarget, missingColumnMessage } from './target.js';

// "Surface custom event details in alerts": up to 20 custom details per rule. Key rules and the
// format limits below are those of the Azure-Sentinel repository's template validation: keys start
// with a letter and hold only [A-Za-z0-9_], at most 20 characters; alert name format at most 256
// characters, description format at most 5000, each with at most 3 {{column}} placeholders.
const MAX_CUSTOM_DETAILS = 20;
const CUSTOM_DETAIL_KEY = /^[A-Za-z]\w*$/;
const MAX_CUSTOM_DETAIL_KEY_LENGTH = 20;
const MAX_PLACEHOLDERS = 3;
const FORMATS = [
  { field: 'alertDisplayNameFormat', maxLength: 256 },
  { field: 'alertDescriptionFormat', maxLength: 5000 },
] as const;

/** Custom details, alert details override, and incident grouping references. */
export function checkAlertDetails({ rule, source, columns }: CheckTarget<AnalyticsRule>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (code: string, message: string, path: FieldPath, onKey = false) =>
    diagnostics.push(
      source.diagnostic(code, 'error', message, onKey ? source.keyAt(path) : source.valueAt(path)),
    );
  const checkColumn = (what: string, column: string, path: FieldPath, code: string) => {
    if (columns && !columns.has(column)) report(code, missingColumnMessage(what, column, columns), path);
  };

  const details = Object.entries(rule.customDetails ?? {});
  if (details.length > MAX_CUSTOM_DETAILS) {
    report(
      'SK1401',
      `${details.length} custom details; Sentinel allows at most ${MAX_CUSTOM_DETAILS}`,
      ['customDetails', details[MAX_CUSTOM_DETAILS][0]],
      true,
    );
  }
  for (const [key, column] of details) {
    if (!CUSTOM_DETAIL_KEY.test(key) || key.length > MAX_CUSTOM_DETAIL_KEY_LENGTH) {
      report(
        'SK1402',
        `custom detail key '${key}' must start with a letter, contain only letters, digits and _, ` +
          `and be at most ${MAX_CUSTOM_DETAIL_KEY_LENGTH} characters`,
        ['customDetails', key],
        true,
      );
    }
    checkColumn('custom detail column', column, ['customDetails', key], 'SK1403');
  }

  const override = rule.alertDetailsOverride;
  for (const { field, maxLength } of FORMATS) {
    const format = override?.[field];
    if (format === undefined) continue;
    const path = ['alertDetailsOverride', field];
    if (format.length > maxLength) {
      report('SK1406', `${field} is ${format.length} characters; Sentinel allows at most ${maxLength}`, path);
    }
    const offsetOf = source.offsetMapper(path);
    const found = placeholders(format);
    found.forEach((placeholder, index) => {
      const where = offsetOf?.(placeholder.index) ?? source.valueAt(path);
      if (index === MAX_PLACEHOLDERS) {
        const message = `${field} has ${found.length} {{column}} placeholders; Sentinel allows at most ${MAX_PLACEHOLDERS}`;
        diagnostics.push(source.diagnostic('SK1405', 'error', message, where));
      }
      if (placeholder.column === undefined) {
        diagnostics.push(
          source.diagnostic('SK1410', 'error', malformedPlaceholderMessage(placeholder.text), where),
        );
      } else if (columns && !columns.has(placeholder.column)) {
        diagnostics.push(
          source.diagnostic(
            'SK1404',
            'error',
            missingColumnMessage('placeholder', placeholder.column, columns),
            where,
          ),
        );
      }
    });
  }
  for (const field of ['alertSeverityColumnName', 'alertTacticsColumnName'] as const) {
    const column = override?.[field];
    if (column !== undefined) checkColumn(field, column, ['alertDetailsOverride', field], 'SK1407');
  }
  override?.alertDynamicProperties?.forEach((property, i) => {
    const path = ['alertDetailsOverride', 'alertDynamicProperties', i, 'value'];
    checkColumn(`${property.alertProperty} column`, property.value, path, 'SK1407');
  });

  checkGrouping(rule, report);
  return diagnostics;
}

function checkGrouping(
  rule: AnalyticsRule,
  report: (code: string, message: string, path: FieldPath) => void,
): void {
  const grouping = rule.incidentConfiguration?.groupingConfiguration;
  if (!grouping?.enabled) return;
  const at = ['incidentConfiguration', 'groupingConfiguration'];
  const mappedTypes = new Set((rule.entityMappings ?? []).map((mapping) => mapping.entityType));
  grouping.groupByEntities?.forEach((type, i) => {
    if (!mappedTypes.has(type)) {
      report('SK1408', `groups by entity '${type}', which entityMappings does not map`, [
        ...at,
        'groupByEntities',
        i,
      ]);
    }
  });
  const detailKeys = new Set(Object.keys(rule.customDetails ?? {}));
  grouping.groupByCustomDetails?.forEach((key, i) => {
    if (!detailKeys.has(key)) {
      report('SK1408', `groups by custom detail '${key}', which customDetails does not define`, [
        ...at,
        'groupByCustomDetails',
        i,
      ]);
    }
  });
  const selected =
    (grouping.groupByEntities?.length ?? 0) +
    (grouping.groupByAlertDetails?.length ?? 0) +
    (grouping.groupByCustomDetails?.length ?? 0);
  if (grouping.matchingMethod === 'Selected' && selected === 0) {
    report(
      'SK1409',
      "matchingMethod 'Selected' needs at least one of groupByEntities, groupByAlertDetails, groupByCustomDetails",
      [...at, 'matchingMethod'],
    );
  }
}
