import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { reportUnresolvedAliases } from './yaml.js';

/** The project's settings file, at the root of a content repository. */
export const configFileName = 'sentinel-kit.config.yaml';

/**
 * A Log Analytics table plan. Azure tables default to Analytics; Basic and Auxiliary tables cannot
 * feed alerts (learn.microsoft.com/azure/azure-monitor/logs/logs-table-plans: switching a table to
 * Auxiliary means "alerts stop working for the table"; .../logs/basic-logs-query: queries of Basic
 * and Auxiliary tables are limited to one table and no user-defined functions).
 */
export const tablePlans = ['Analytics', 'Basic', 'Auxiliary'] as const;
export type TablePlan = (typeof tablePlans)[number];

export interface ProjectConfig {
  /** Folders of extra table schemas, absolute (written relative to the config file). */
  schemas: string[];
  /** The plan of each table the workspace does not keep on Analytics. */
  tablePlans: Map<string, TablePlan>;
  /** Where each `tablePlans` entry is written, for errors about the plan a table may take. */
  tablePlanAt: Map<string, { file: string; line: number; column: number }>;
}

/**
 * `sentinel-kit.config.yaml` under `root`, or the defaults when there is none:
 * ```yaml
 * schemas: [schemas/custom]        # folders of table schemas, relative to this file
 * tablePlans: { Verbose_CL: Auxiliary }
 * ```
 * Problems are added to `diagnostics` with their position; the valid parts still apply.
 */
export function readProjectConfig(root: string, diagnostics: Diagnostic[]): ProjectConfig {
  const config: ProjectConfig = { schemas: [], tablePlans: new Map(), tablePlanAt: new Map() };
  const path = join(root, configFileName);
  if (!existsSync(path)) return config;
  const file = relative(process.cwd(), path) || path;
  const lines = new LineCounter();
  const document = parseDocument(readFileSync(path, 'utf8'), { lineCounter: lines });
  reportUnresolvedAliases(document);
  const report = (message: string, node?: Node | null, offset = node?.range?.[0] ?? 0) => {
    const { line, col } = lines.linePos(offset);
    diagnostics.push({ code: 'SK0004', severity: 'error', message, file, line, column: col });
  };
  for (const error of document.errors) report(error.message, undefined, error.pos[0]);
  if (document.errors.length > 0) return config;
  const contents = document.contents;
  if (contents === null) return config;
  if (!isMap(contents)) {
    report('expected a mapping with "schemas" and "tablePlans"', contents);
    return config;
  }
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (key === 'schemas') {
      const items = isSeq(value) ? value.items : [value];
      for (const item of items as (Node | null)[]) {
        if (isScalar(item) && typeof item.value === 'string' && item.value !== '') {
          config.schemas.push(resolve(dirname(path), item.value));
        } else report('schemas: each entry is a folder path (a string)', item ?? value);
      }
    } else if (key === 'tablePlans') {
      if (!isMap(value)) {
        report('tablePlans: expected a mapping of table name to Analytics, Basic or Auxiliary', value);
        continue;
      }
      for (const plan of value.items) {
        const table = isScalar(plan.key) ? String(plan.key.value) : '';
        const name = isScalar(plan.value) ? plan.value.value : undefined;
        if (tablePlans.includes(name as TablePlan)) {
          config.tablePlans.set(table, name as TablePlan);
          const { line, col } = lines.linePos((plan.value as Node).range?.[0] ?? 0);
          config.tablePlanAt.set(table, { file, line, column: col });
        } else report(`tablePlans.${table}: must be one of ${tablePlans.join(', ')}`, plan.value as Node);
      }
    } else {
      report(`unknown setting '${key}' (known: schemas, tablePlans)`, pair.key as Node);
    }
  }
  return config;
}
