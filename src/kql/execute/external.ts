import { parse as parseCsv } from 'csv-parse/sync';
import { evaluationError, positioned, UnsupportedError } from '../plan/errors.js';
import type { Column, ExternalFormat, Plan } from '../plan/types.js';
import { coerce, isBag, type Json, readJsonText, type Value } from '../values/index.js';
import { type Frame, frameFromRows } from './frame.js';

type ExternalPlan = Extract<Plan, { op: 'external' }>;

/** Field separators of the delimited ingestion formats (data formats supported for ingestion doc). */
const DELIMITERS: Partial<Record<ExternalFormat, string>> = { csv: ',', tsv: '\t', psv: '|', scsv: ';' };

/**
 * Reads an externaldata table from the content the caller maps its URLs to. A URL with no mapping
 * is refused: the engine never fetches remote storage, and an empty table would be a wrong answer.
 */
export function executeExternal(
  plan: ExternalPlan,
  content: ((url: string) => string | undefined) | undefined,
): Frame {
  const rows: Value[][] = [];
  for (const url of plan.urls) {
    const text = content?.(url);
    if (text === undefined)
      throw new UnsupportedError(
        'externaldata',
        plan.span,
        `externaldata URL ${redact(url)} has no local content: map it to a file (externalData: in a rule test, or the externalData query option) to run this query`,
      );
    if (isCompressed(text))
      throw new UnsupportedError(
        'externaldata',
        plan.span,
        `externaldata URL ${redact(url)} is mapped to gzip or zip bytes: Kusto decompresses a .gz or .zip blob, the engine reads text only; map the URL to the decompressed file`,
      );
    const records = recordsOf(text, plan, url);
    rows.push(...(plan.ignoreFirstRecord ? records.slice(1) : records));
  }
  return frameFromRows(plan.schema, rows);
}

function recordsOf(text: string, plan: ExternalPlan, url: string): Value[][] {
  const { format, schema } = plan;
  const delimiter = DELIMITERS[format];
  if (delimiter) {
    let cells: string[][];
    try {
      cells = parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: true, bom: true });
    } catch (error) {
      throw evaluationError(
        `externaldata ${redact(url)}: not valid ${format}: ${(error as Error).message}`,
        plan.span,
      );
    }
    return cells.map((record) => schema.map((c, i) => cell(record[i], c)));
  }
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  if (format === 'txt' || format === 'raw') {
    // One record per line into the first column (raw: the whole text as one record).
    const records = format === 'raw' ? [text] : lines;
    return records.map((line) => schema.map((c, i) => (i === 0 ? cell(line, c) : cell(undefined, c))));
  }
  return lines.map((line) => {
    // Token-aware, so a dynamic column keeps `2.0` apart from `2` (values/json-text.ts).
    let record: Json | undefined;
    try {
      record = readJsonText(line, `externaldata ${redact(url)}`);
    } catch (error) {
      throw positioned(error, plan.span, 'externaldata');
    }
    if (record === undefined) {
      let reason = '';
      try {
        JSON.parse(line);
      } catch (error) {
        reason = `: ${(error as Error).message}`;
      }
      throw evaluationError(`externaldata ${redact(url)}: not valid JSON${reason}`, plan.span);
    }
    const bag = isBag(record) ? record : {};
    return schema.map((c) => coerce(Object.hasOwn(bag, c.name) ? bag[c.name] : null, c.type));
  });
}

/** A delimited field: an empty field is null for every type but string. */
function cell(text: string | undefined, column: Column): Value {
  if (text === undefined || (text === '' && column.type !== 'string'))
    return column.type === 'string' ? '' : null;
  return coerce(text, column.type);
}

/**
 * Gzip (1f 8b) or zip (PK 03 04) content, as the bytes read as text: UTF-8 turns 8b into U+FFFD,
 * Latin-1 keeps it. Parsed as delimited text it would give rows of garbage instead of the file's.
 */
function isCompressed(text: string): boolean {
  const second = text.charCodeAt(1);
  return (
    (text.charCodeAt(0) === 0x1f && (second === 0x8b || second === 0xfffd)) ||
    text.startsWith('PK\u0003\u0004')
  );
}

/** URLs may carry SAS tokens: messages show them without the query string. */
function redact(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : `${url.slice(0, query)}?…`;
}
