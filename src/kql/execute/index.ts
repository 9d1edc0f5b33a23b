import type { Catalog } from '../catalog.js';
import { steppedNumbers } from '../functions/arrays.js';
import type { EvalContext } from '../functions/index.js';
import { bodyRefusal, evaluationError, parserRefusal, UnsupportedError } from '../plan/errors.js';
import type { Assertion, Column, Plan, ScalarExpr } from '../plan/types.js';
import { watchlistNamed } from '../solution-watchlists.js';
import { coerce, EvaluationError, formatDateTime, type Json, type Value } from '../values/index.js';
import { executeActivity } from './activity.js';
import { type ColumnarTable, type IngestionTimes, vectorReader } from './columnar.js';
import { dictionaryTest } from './dictionary-filter.js';
import { executeBagUnpack, executeMvApply, executeMvExpand, executeParse, executeParseKv } from './expand.js';
import { executeExternal } from './external.js';
import {
  columnReader,
  emptyFrame,
  emptyValue,
  type Frame,
  frameFromRows,
  lazyColumns,
  selectRows,
} from './frame.js';
import { executeGraph } from './graph.js';
import { groupIds, summarizeColumns } from './group.js';
import { hashJoin } from './join.js';
import { checkTiesAtCut, checkUnorderedTake } from './kept-rows.js';
import { executeIpv4Lookup } from './lookup.js';
import { executeNarrow } from './narrow.js';
import { pairFilter } from './pair-filter.js';
import { executePivot } from './pivot.js';
import { predicateThroughProject, readsNeighbours } from './project-through.js';
import { executeRollingPercentile } from './rolling.js';
import { executeRuntimeSchema } from './runtime-schema.js';
import { compilePredicate, compileScalar, type Env } from './scalar.js';
import { executeScan } from './scan.js';
import { executeSchemaMerge } from './schema-merge.js';
import { executeSequenceDetect } from './sequence-detect.js';
import { executeMakeSeries, executeTopNested } from './series.js';
import { sortedIndices, sortOrder } from './sort.js';
import { int64TickVector, tickVector } from './tick-vectors.js';
import { markTruthOnly } from './truth-only.js';

/**
 * Input rows of a table, in engine values (see src/kql/values), as row arrays or columns, with when
 * each row was ingested (ticks, parallel to the rows; absent: ingestion_time() is null).
 */
export type TableData = ({ columns: Column[]; rows: Value[][] } | ColumnarTable) & {
  ingestion?: IngestionTimes;
};

export interface ExecuteOptions {
  catalog: Catalog;
  table(name: string): TableData | undefined;
  now: bigint;
  /** The content an externaldata URL stands for locally; undefined refuses the URL. */
  externalData?(url: string): string | undefined;
  /** Whether any table of the data holds a row; absent: not known (see `parserOutput`). */
  anyRows?(): boolean;
}

/** Runs a plan; shared (let/materialize) subplans are computed once. */
export function executePlan(plan: Plan, options: ExecuteOptions): Frame {
  const memo = new Map<Plan, Frame>();
  const ctx: EvalContext = { now: options.now };
  const marked = markTruthOnly(plan);
  const env: ExecEnv = {
    ctx,
    options,
    memo,
    truthOnly: marked.truthOnly,
    run: (p) => run(p, env),
  };
  for (const assertion of plan.assertions ?? []) checkAssertion(assertion, env);
  return run(marked.plan, env);
}

/**
 * A false assert() condition fails the query with the page's message, whether or not a row is read
 * (assert page: "Raises semantic error if the condition is evaluated to false"). The page gives no
 * result for a null condition, so that is refused.
 */
function checkAssertion({ condition, message, span }: Assertion, env: Env): void {
  const value = constant(condition, env);
  if (value === true) return;
  if (value === false) throw evaluationError(`assert() has failed with message: '${message}'`, span);
  throw new UnsupportedError(
    'assert()',
    span,
    'assert() of a null condition is not supported by the embedded KQL engine: its page gives the result of true and false only',
  );
}

export interface ExecEnv extends Env {
  options: ExecuteOptions;
  memo: Map<Plan, Frame>;
  /** Per project, the computed columns only ever tested for truth later (truth-only.ts). */
  truthOnly: WeakMap<Plan, Set<number>>;
  /** The current element's rows inside an mv-apply subquery. */
  applyFrame?: Frame;
  /**
   * Set while reading the right side of a join no left row meets (runJoin): rows the engine cannot know
   * (a parser it cannot run over this data, a datatable cell of another kind) are read as none, as no
   * output row can hold them; every other construct there runs, and is refused, as anywhere.
   */
  leftless?: true;
}

function constant(expr: ScalarExpr, env: Env): Value {
  return compileScalar(expr, emptyFrame([]), env)(0);
}

function run(plan: Plan, env: ExecEnv): Frame {
  switch (plan.op) {
    case 'values':
      if (plan.refusedCell) {
        if (env.leftless) return emptyFrame(plan.schema);
        throw new UnsupportedError(plan.refusedCell.construct, plan.refusedCell.span);
      }
      return frameFromRows(plan.schema, plan.rows);
    case 'scan':
      return scan(plan.table, plan.schema, env.options, true);
    case 'watchlist':
      return watchlist(plan.alias, plan.schema, env.options.catalog);
    case 'parser-output':
      return parserOutput(plan, env);
    case 'external':
      return executeExternal(plan, env.options.externalData);
    case 'range':
      return range(plan, env);
    case 'shared': {
      let frame = env.memo.get(plan);
      if (!frame) {
        frame = run(plan.input, env);
        env.memo.set(plan, frame);
      }
      return frame;
    }
    case 'apply-input':
      return env.applyFrame ?? emptyFrame(plan.schema);
    case 'filter': {
      const { frame, rows } = runSelection(plan, env);
      return !rows || rows.length === frame.length ? frame : selectRows(frame, rows);
    }
    case 'project':
      return project(plan, run(plan.input, env), env);
    case 'aggregate': {
      const inPlace =
        !plan.keys.some((k) => readsNeighbours(k.expr)) &&
        !plan.aggregates.some((a) => a.args.some(readsNeighbours));
      const { frame, rows } = inPlace
        ? runSelection(plan.input, env)
        : { frame: run(plan.input, env), rows: undefined };
      const grouping = groupIds(frame, plan.keys, env, rows);
      return {
        schema: plan.schema,
        columns: summarizeColumns(frame, grouping, plan.keys, plan.aggregates, env),
        length: grouping.count,
      };
    }
    case 'distinct': {
      const input = run(plan.input, env);
      const keys = input.schema.map((c, i) => ({
        name: c.name,
        expr: { kind: 'column', index: i, type: c.type } as ScalarExpr,
        span: plan.span,
      }));
      return selectRows(input, groupIds(input, keys, env).first);
    }
    case 'join':
      return runJoin(plan, env).frame;
    case 'union':
      return union(plan, env);
    case 'sort': {
      const input = run(plan.input, env);
      return selectRows(input, sortedIndices(input, plan.keys, env));
    }
    case 'limit': {
      const input = run(plan.input, env);
      const n = rowCount(constant(plan.count, env));
      if (plan.unordered) checkUnorderedTake(input, n, plan.unordered);
      if (n >= input.length) return input;
      return selectRows(
        input,
        Array.from({ length: n }, (_, i) => i),
      );
    }
    case 'top': {
      const input = run(plan.input, env);
      const n = rowCount(constant(plan.count, env));
      const { indices, compare } = sortOrder(input, plan.keys, env);
      if (plan.ties) checkTiesAtCut(input, indices, n, (x, y) => compare(x, y) === 0, plan.ties);
      return selectRows(input, indices.slice(0, n));
    }
    case 'mv-expand':
      return executeMvExpand(plan, run(plan.input, env), env);
    case 'mv-apply':
      return executeMvApply(plan, run(plan.input, env), env, (p, applyFrame) =>
        run(p, { ...env, applyFrame }),
      );
    case 'parse':
      return executeParse(plan, run(plan.input, env), env);
    case 'parse-kv':
      return executeParseKv(plan, run(plan.input, env), env);
    case 'bag-unpack':
      return executeBagUnpack(plan, run(plan.input, env));
    case 'make-series':
      return executeMakeSeries(plan, run(plan.input, env), env);
    case 'top-nested':
      return executeTopNested(plan, run(plan.input, env), env);
    case 'ipv4-lookup':
      return executeIpv4Lookup(plan, run(plan.input, env), run(plan.lookup, env));
    case 'scan-steps':
      return executeScan(plan, run(plan.input, env), env);
    case 'partition':
      return partition(plan, env);
    case 'rolling-percentile':
      return executeRollingPercentile(plan, run(plan.input, env), env);
    case 'activity':
      return executeActivity(plan, run(plan.input, env), env);
    case 'schema-merge':
      return executeSchemaMerge(plan, run(plan.input, env));
    case 'graph':
      return executeGraph(plan, (p) => run(p, env), env);
    case 'sequence-detect':
      return executeSequenceDetect(plan, run(plan.input, env), env);
    case 'narrow':
      return executeNarrow(plan, run(plan.input, env));
    case 'pivot':
      return executePivot(plan, run(plan.input, env));
    case 'runtime-schema':
      return executeRuntimeSchema(plan, env.run);
  }
}

/** A project (or extend) of `input`'s rows. */
function project(plan: Extract<Plan, { op: 'project' }>, input: Frame, env: ExecEnv): Frame {
  const tested = env.truthOnly.get(plan);
  const computed = plan.columns.map(({ expr }, c) => {
    if (expr.kind === 'column') return undefined;
    const f = tested?.has(c) ? compilePredicate(expr, input, env) : compileScalar(expr, input, env);
    const out: Value[] = new Array(input.length);
    for (let i = 0; i < input.length; i++) out[i] = f(i);
    return out;
  });
  // A column passed through is copied only if read whole, and read through the input's reader otherwise.
  const source = (c: number) => {
    const { expr } = plan.columns[c];
    return expr.kind === 'column' ? expr.index : -1;
  };
  const projected: Frame = {
    schema: plan.schema,
    columns: lazyColumns(plan.columns.length, (c) => computed[c] ?? input.columns[source(c)]),
    length: input.length,
    ingestion: input.ingestion,
  };
  if (input.readers) {
    projected.readers = lazyColumns(plan.columns.length, (c) => {
      const out = computed[c];
      return out ? (i: number) => out[i] : columnReader(input, source(c));
    });
  }
  const { dictionary } = input;
  if (dictionary) projected.dictionary = (c) => (source(c) < 0 ? undefined : dictionary(source(c)));
  const { ticks } = input;
  if (ticks) projected.ticks = (c) => (source(c) < 0 ? undefined : ticks(source(c)));
  return projected;
}

/**
 * A plan's rows as a frame plus the indices of the rows that pass its filters, so that a summarize
 * reads the kept rows in place instead of copying every column first. A filter whose predicate reads
 * neighbouring rows (prev, next, row_number) sees the rows kept before it, so it is not fused.
 */
function runSelection(plan: Plan, env: ExecEnv): { frame: Frame; rows?: Int32Array } {
  if (plan.op !== 'filter') return { frame: run(plan, env) };
  const neighbours = readsNeighbours(plan.predicate);
  if (plan.input.op === 'join' && !neighbours) {
    const { frame, rest } = runJoin(plan.input, env, plan.predicate);
    return rest ? select(frame, undefined, rest, env) : { frame };
  }
  // join | project ... | where P: P over the join's columns, filtered at the join, then projected.
  const { input } = plan;
  const through =
    input.op === 'project' && input.input.op === 'join' && !neighbours
      ? predicateThroughProject(input, plan.predicate)
      : undefined;
  if (through && input.op === 'project' && input.input.op === 'join') {
    const { frame, rest } = runJoin(input.input, env, through);
    const kept = rest ? select(frame, undefined, rest, env).rows : undefined;
    const filtered = kept && kept.length !== frame.length ? selectRows(frame, kept) : frame;
    return { frame: project(input, filtered, env) };
  }
  const { frame, rows } = neighbours
    ? { frame: run(plan.input, env), rows: undefined }
    : runSelection(plan.input, env);
  return select(frame, rows, plan.predicate, env);
}

/**
 * A join, with the part of a `where` after it that the join can test on each matched pair while it
 * probes (pair-filter.ts); `rest` is what remains of the `where`.
 */
/**
 * Join kinds whose every output row holds a left row (join page: inner, innerunique, leftouter, leftsemi,
 * leftanti; lookup is leftouter or inner): with no left row there is no output whatever rows the right
 * side holds, so rows the engine cannot know there are read as none (ExecEnv.leftless). The right side
 * still runs: a construct whose meaning (or error) is undocumented refuses there as anywhere, since the
 * docs do not say whether the service reads a right side no left row meets.
 */
const LEFT_DRIVEN: ReadonlySet<string> = new Set([
  'inner',
  'innerunique',
  'leftouter',
  'leftsemi',
  'leftanti',
]);

function runJoin(plan: Extract<Plan, { op: 'join' }>, env: ExecEnv, where?: ScalarExpr) {
  const left = run(plan.left, env);
  // A fresh memo: a shared plan read as none here must not be reused as such elsewhere.
  const right = run(
    plan.right,
    left.length === 0 && LEFT_DRIVEN.has(plan.kind) ? { ...env, leftless: true, memo: new Map() } : env,
  );
  const fused = where && pairFilter(plan, where, left, right);
  return { frame: hashJoin(plan, left, right, fused?.keep, fused?.band), rest: fused ? fused.rest : where };
}

/** The rows (of `rows`, or all) where `predicate` is true. */
function select(frame: Frame, rows: Int32Array | undefined, expr: ScalarExpr, env: ExecEnv) {
  const predicate = dictionaryTest(expr, frame, env) ?? compilePredicate(expr, frame, env);
  const count = rows ? rows.length : frame.length;
  const selected = new Int32Array(count);
  let n = 0;
  for (let k = 0; k < count; k++) {
    const i = rows ? rows[k] : k;
    if (predicate(i) === true) selected[n++] = i;
  }
  return { frame, rows: selected.subarray(0, n) };
}

function rowCount(v: Value): number {
  return typeof v === 'number' && v > 0 ? Math.floor(v) : 0;
}

/** `isTable`: `name` is a table's, so its records' `Type` is that name (isTypeColumn). */
function scan(name: string, schema: Column[], options: ExecuteOptions, isTable: boolean): Frame {
  const data = options.table(name);
  if (!data) return emptyFrame(schema);
  const readers = schema.map((c) => {
    const read = tableReader(data, c);
    return isTable && isTypeColumn(c) ? (i: number) => read(i) || name : read;
  });
  const length = tableLength(data);
  const columns = lazyColumns(schema.length, (k) => {
    const read = readers[k];
    const out: Value[] = new Array(length);
    for (let i = 0; i < length; i++) out[i] = read(i);
    return out;
  });
  const frame: Frame = { schema, columns, length, readers, ingestion: data.ingestion };
  if ('vectors' in data) {
    frame.dictionary = (c) => {
      if (isTable && isTypeColumn(schema[c])) return undefined;
      const at = data.columns.findIndex((d) => d.name === schema[c].name);
      const vector = at < 0 ? undefined : data.vectors[at];
      return vector?.kind === 'dictionary' && data.columns[at].type === schema[c].type ? vector : undefined;
    };
    // Made once per scan (a query's operators may each ask), and not kept with the table.
    const made = new Map<number, Float64Array | undefined>();
    frame.ticks = (c) => {
      if (made.has(c)) return made.get(c);
      const at = data.columns.findIndex((d) => d.name === schema[c].name);
      const vector = at < 0 ? undefined : data.vectors[at];
      const { type } = schema[c];
      let ticks: Float64Array | undefined;
      if ((type === 'datetime' || type === 'timespan') && vector && data.columns[at].type === type) {
        if (vector.kind === 'ticks' && !vector.nulls) ticks = int64TickVector(vector.ticks, type);
        else if (vector.kind === 'values') ticks = tickVector(vector.values, type);
      }
      made.set(c, ticks);
      return ticks;
    };
  }
  return frame;
}

/**
 * A parser Sentinel or a Solution deploys. Rows the data gives under the parser's own name (a rule
 * test's `tables:` entry) stand for its output. Otherwise a published body the catalog holds runs
 * over the tables it reads. A parser known by its output columns only has rows in Azure from tables
 * and logic the catalog lacks, so the only other answer known to match Azure's is none when the data
 * holds no row in any table (every parser reads tables); else the query is refused: an empty answer
 * over data that has rows could differ from Azure's.
 */
function parserOutput(plan: Extract<Plan, { op: 'parser-output' }>, env: ExecEnv): Frame {
  const { options } = env;
  // Rows given under a parser's name stand for its output: a `Type` there names the table the parser
  // read, which is not known, so it is read as given.
  if (options.table(plan.name)) return scan(plan.name, plan.schema, options, false);
  if (plan.body) return run(plan.body, env);
  if (options.anyRows?.() === false || env.leftless) return emptyFrame(plan.schema);
  // The published body recorded in `reads` starts from those tables (no constant rows), so none there is none from it.
  if (plan.reads?.every((t) => tableLength(options.table(t)) === 0)) return emptyFrame(plan.schema);
  throw plan.bodyRefused
    ? bodyRefusal(plan.name, plan.span, plan.bodyRefused)
    : parserRefusal(plan.name, plan.span, 'known here by its output columns only');
}

function tableLength(data: TableData | undefined): number {
  if (!data) return 0;
  return 'vectors' in data ? data.length : data.rows.length;
}

/**
 * Log Analytics' standard `Type` column "holds the name of the table that the record was retrieved
 * from" (Learn "Standard columns in Azure Monitor Logs", azure-monitor-docs log-standard-columns.md
 * @04f72d4), so Azure never answers it empty. Records a test or an ingestion gives seldom carry it:
 * read as '' it made `summarize by Type` or a union's `Type` differ from Azure's, so a record without
 * one reads the scanned table's name; a value the record gives is kept.
 */
function isTypeColumn(column: Column): boolean {
  return column.name === 'Type' && column.type === 'string';
}

/** Reads column `column` of the table by name; a column the data lacks reads as the empty value. */
function tableReader(data: TableData, column: Column): (i: number) => Value {
  const at = data.columns.findIndex((d) => d.name === column.name);
  const empty = emptyValue(column.type);
  if (at < 0) return () => empty;
  if ('vectors' in data) return vectorReader(data.vectors[at], data.columns[at].type);
  const { rows } = data;
  return (i) => rows[i][at] ?? empty;
}

/** `_GetWatchlist(alias)`: Sentinel's fixed columns, then the watchlist's own (see catalog.watchlistBaseColumns). */
function watchlist(alias: string, schema: Column[], catalog: Catalog): Frame {
  const list = watchlistNamed(catalog, alias);
  if (!list) return emptyFrame(schema);
  const updated = formatDateTime(0n);
  const rows = list.items.map((item, n) =>
    schema.map((c) => {
      switch (c.name) {
        case '_DTItemId':
          return `${alias}-${n + 1}`;
        case 'LastUpdatedTimeUTC':
          return coerce(updated, 'datetime');
        case 'SearchKey':
          return coerce(item[list.searchKey], 'string');
        case 'WatchlistItem':
          return coerce(item as Json, 'dynamic');
        default:
          return coerce(item[c.name], c.type);
      }
    }),
  );
  return frameFromRows(schema, rows);
}

function range(plan: Extract<Plan, { op: 'range' }>, env: Env): Frame {
  const start = constant(plan.start, env);
  const stop = constant(plan.stop, env);
  const step = constant(plan.step, env);
  const out: Value[] = [];
  const limit = 10_000_000;
  if (typeof start === 'number' && typeof stop === 'number' && typeof step === 'number' && step !== 0) {
    const values = steppedNumbers(start, stop, step, limit);
    if (typeof values === 'string')
      throw new UnsupportedError(
        'range with a step floating point does not hold exactly',
        plan.span ?? { start: 0, length: 0 },
        `range ${values}`,
      );
    if (values.length > limit)
      throw evaluationError('range produces more than 10,000,000 rows', { start: 0, length: 0 });
    return { schema: plan.schema, columns: [values], length: values.length };
  } else if (
    typeof start === 'bigint' &&
    typeof stop === 'bigint' &&
    typeof step === 'bigint' &&
    step !== 0n
  ) {
    for (let v = start; step > 0n ? v <= stop : v >= stop; v += step) {
      out.push(v);
      if (out.length > limit)
        throw evaluationError('range produces more than 10,000,000 rows', { start: 0, length: 0 });
    }
  } else if (start !== null && stop !== null && step !== null) {
    throw new UnsupportedError('range over mixed types', { start: 0, length: 0 });
  }
  return { schema: plan.schema, columns: [out], length: out.length };
}

/** Each key's rows in order of first appearance; the subquery's results concatenated in that order. */
function partition(plan: Extract<Plan, { op: 'partition' }>, env: ExecEnv): Frame {
  const input = run(plan.input, env);
  const grouping = groupIds(input, [{ name: 'key', expr: plan.key }], env);
  // The page does not say which subtable a row with a null key joins, so it is refused.
  const key = compileScalar(plan.key, input, env);
  for (let g = 0; g < grouping.count; g++) {
    if (key(grouping.first[g]) === null)
      throw new UnsupportedError(
        'partition by a null key',
        plan.span,
        'partition: a row has a null key; which subtable it joins is not documented',
      );
  }
  // "An error will occur if the partition column ... contains more than 64 distinct values" (legacy).
  if (plan.legacy && grouping.count > 64)
    throw new EvaluationError('partition: the legacy strategy allows at most 64 partition key values');
  const members: number[][] = Array.from({ length: grouping.count }, () => []);
  for (let i = 0; i < input.length; i++) members[grouping.ids[i]].push(i);
  // A fresh memo per partition: a shared plan inside the subquery belongs to that partition.
  const parts = members.map((rows) =>
    run(plan.subquery, { ...env, memo: new Map(), applyFrame: selectRows(input, rows) }),
  );
  const columns = plan.schema.map((_, c) => parts.flatMap((part) => part.columns[c]));
  return { schema: plan.schema, columns, length: parts.reduce((n, p) => n + p.length, 0) };
}

function union(plan: Extract<Plan, { op: 'union' }>, env: ExecEnv): Frame {
  const parts = plan.inputs.map((p) => run(p, env));
  const dataOffset = plan.withSource ? 1 : 0;
  const columns: Value[][] = plan.schema.map(() => []);
  parts.forEach((part, k) => {
    if (plan.withSource) for (let i = 0; i < part.length; i++) columns[0].push(plan.withSource.names[k]);
    plan.sources[k].forEach((source, c) => {
      const target = columns[c + dataOffset];
      if (source < 0) {
        const empty = emptyValue(plan.schema[c + dataOffset].type);
        for (let i = 0; i < part.length; i++) target.push(empty);
      } else {
        const col = part.columns[source];
        for (let i = 0; i < part.length; i++) target.push(col[i]);
      }
    });
  });
  const frame: Frame = { schema: plan.schema, columns, length: parts.reduce((n, p) => n + p.length, 0) };
  if (parts.some((p) => p.ingestion)) {
    frame.ingestion = parts.flatMap((p) =>
      p.ingestion ? Array.from(p.ingestion) : new Array<null>(p.length).fill(null),
    );
  }
  return frame;
}
