/**
 * The typed logical plan: what a query computes, independent of how. Tabular nodes carry their
 * output schema; scalar expressions carry their KQL type. The shapes are deliberately SQL-like
 * (scan, filter, project, aggregate, join, union, sort, limit) so another backend could consume them.
 */
import type { KqlType, Value } from '../values/index.js';

export interface Column {
  name: string;
  type: KqlType;
}

/** Offset and length of the construct in the query text, for errors raised while executing it. */
export interface Span {
  start: number;
  length: number;
}

export type ScalarExpr =
  | { kind: 'column'; index: number; type: KqlType }
  | { kind: 'literal'; value: Value; type: KqlType }
  /** A scalar function (by lower-case name) or an operator (by Kusto.Language SyntaxKind name). */
  | {
      kind: 'call';
      callee: 'function' | 'binary' | 'unary';
      name: string;
      args: ScalarExpr[];
      type: KqlType;
      span: Span;
    }
  /** `d.x`, `d['x']`, `d[0]`: element access into a dynamic value. */
  | { kind: 'element'; target: ScalarExpr; key: ScalarExpr; type: 'dynamic' }
  /** `toscalar(T)`: the first column of the first row, computed once. */
  | { kind: 'subquery'; plan: Plan; type: KqlType }
  /** Row-window functions over a serialized input (prev, next, row_number, row_cumsum). */
  | { kind: 'window'; name: WindowFunction; args: ScalarExpr[]; type: KqlType; span: Span }
  /** Component `index` of a multi-valued call (series_stats, series_decompose_anomalies, ...). */
  | { kind: 'component'; target: ScalarExpr; index: number; type: KqlType }
  /** `pack_all([ignore_null_empty])` / `pack(*)`: the row's first `width` columns as a property bag. */
  | { kind: 'row-bag'; type: 'dynamic'; ignoreNullEmpty: boolean; width: number; span: Span }
  /** `ingestion_time()`: when the current record was ingested, carried from the scanned table. */
  | { kind: 'ingestion-time'; type: 'datetime'; span: Span }
  /**
   * A value the docs leave open (column_ifexists of a column of another type): refused as `construct`
   * with `reason` when a row evaluates it, so data that never reaches it is still answered.
   */
  | { kind: 'undocumented'; construct: string; reason: string; type: KqlType; span: Span };

export type WindowFunction =
  | 'prev'
  | 'next'
  | 'row_number'
  | 'row_cumsum'
  | 'row_rank_dense'
  | 'row_rank_min'
  | 'row_window_session';

export interface NamedExpr {
  name: string;
  expr: ScalarExpr;
  /** A group key's place in the query, where a refusal of one of its values is reported. */
  span?: Span;
}

export interface AggregateCall {
  /** Lower-case Kusto aggregate name: count, dcount, arg_max, ... */
  fn: string;
  args: ScalarExpr[];
  /** One column for most aggregates; arg_max/arg_min yield one per argument, percentiles one per percentage. */
  outputs: Column[];
  span: Span;
  /**
   * take_any/take_anyif: the outputs (by index) whose values something after the summarize reads or
   * returns (lower/liveness.ts unobservedBeyond); absent, every output counts as observed. Where the
   * candidate rows of a group differ in one of these, the arbitrary pick is refused.
   */
  observed?: number[];
}

export interface SortKey {
  expr: ScalarExpr;
  descending: boolean;
  nullsFirst: boolean;
}

export type JoinKind =
  | 'innerunique'
  | 'inner'
  | 'leftouter'
  | 'rightouter'
  | 'fullouter'
  | 'leftanti'
  | 'rightanti'
  | 'leftsemi'
  | 'rightsemi';

export interface MvExpandItem {
  name: string;
  expr: ScalarExpr;
  type: KqlType;
  /** Replaces this input column (by index) rather than appending a new one. */
  replaces?: number;
  /** Where a refused element is reported (the `to typeof()` clause, else the item). */
  span?: Span;
}

/** The activity plugins the engine runs, with the constants each adds to Start, End and the step. */
export type ActivityPlugin =
  | { name: 'activity_counts_metrics' }
  | { name: 'activity_metrics' }
  /** `cohort`: the one from-window asked for; without it, every one. */
  | { name: 'new_activity_metrics'; cohort?: ScalarExpr }
  | { name: 'sliding_window_counts'; lookback: ScalarExpr }
  | { name: 'active_users_count'; lookback: ScalarExpr; period: ScalarExpr; activePeriods: ScalarExpr };

/** The externaldata formats the engine reads (data formats supported for ingestion). */
export type ExternalFormat = 'csv' | 'tsv' | 'psv' | 'scsv' | 'txt' | 'raw' | 'json' | 'multijson';

export type ParsePart = { kind: 'text'; text: string } | { kind: 'column'; name: string; type: KqlType };

/**
 * A parsed column named like an input column (lower/expand.ts, intoExistingColumns): the output
 * column `column` must equal input column `input` on every row, else the run is refused.
 */
export interface SameAs {
  column: number;
  input: number;
}

export type Plan =
  /**
   * Literal rows; `builtBy`: rows an operator built at run time (runtime-schema.ts), named for messages;
   * `refusedCell`: a datatable cell whose conversion is not documented (lower/tabular.ts `cell`), refused
   * when the rows are read, so a lookup no left row meets still answers (ExecEnv.leftless).
   */
  (
    | { op: 'values'; rows: Value[][]; builtBy?: string; refusedCell?: { construct: string; span: Span } }
    | { op: 'scan'; table: string }
    | { op: 'watchlist'; alias: string }
    /**
     * The output of a parser the workspace has and the project does not define (a built-in ASIM or
     * Solution parser, a parser-output stub table): the rows the data gives under its name; else its
     * published body (`body`) when the catalog holds one the engine runs; else none when the data
     * holds no rows at all; else refused (execute/index.ts `parserOutput`), saying why the body
     * cannot run (`bodyRefused`) where the catalog holds it. A source parser whose body the catalog
     * does not hold but whose tables it knows (`reads`) gives none while those tables have no rows.
     */
    | {
        op: 'parser-output';
        name: string;
        span: Span;
        body?: Plan;
        bodyRefused?: string;
        reads?: string[];
      }
    /** externaldata: rows read from the artifacts at these URLs, in the given ingestion format. */
    | { op: 'external'; urls: string[]; format: ExternalFormat; ignoreFirstRecord: boolean; span: Span }
    | { op: 'range'; start: ScalarExpr; stop: ScalarExpr; step: ScalarExpr; span?: Span }
    | { op: 'filter'; input: Plan; predicate: ScalarExpr }
    /** Output column i is columns[i]; also models extend, project-away, -rename, -reorder and print. */
    | { op: 'project'; input: Plan; columns: NamedExpr[] }
    | { op: 'aggregate'; input: Plan; keys: NamedExpr[]; aggregates: AggregateCall[] }
    | {
        op: 'join';
        kind: JoinKind;
        left: Plan;
        right: Plan;
        leftKeys: number[];
        rightKeys: number[];
        /** Output column -> [side, input column]; Kusto keeps both key columns, suffixing the right one. */
        output: ['left' | 'right', number][];
        /** The join or lookup operator, for a refusal at run time. */
        span: Span;
        /**
         * innerunique only: the left columns whose value reaches something downstream (liveness.ts).
         * Which of a key's duplicate left rows is kept is random (join-innerunique page), so a key
         * whose kept rows would differ in one of these is refused at run time.
         */
        observedLeft?: number[];
      }
    /** Output column i of input k is sources[k][i] (-1: null). */
    | { op: 'union'; inputs: Plan[]; sources: number[][]; withSource?: { names: string[] } }
    | { op: 'sort'; input: Plan; keys: SortKey[] }
    | {
        op: 'limit';
        input: Plan;
        count: ScalarExpr;
        /**
         * take/limit over rows in no defined order (a table, summarize, join, ...: the serialize page's
         * unserialized sets): "There is no guarantee which records are returned, unless the source
         * data is sorted" (take-operator page), so rows that differ in an observed column are refused.
         */
        unordered?: { span: Span; observed: number[] };
      }
    | {
        op: 'top';
        input: Plan;
        count: ScalarExpr;
        keys: SortKey[];
        /**
         * The columns whose value reaches something downstream (liveness.ts): rows tied on the keys
         * across the cut that differ in one of these are refused, since which of them top (or sort |
         * take) keeps is not said.
         */
        ties?: { span: Span; observed: number[]; operator: 'top' | 'take' };
      }
    | { op: 'distinct'; input: Plan; span?: Span }
    | {
        op: 'mv-expand';
        input: Plan;
        items: MvExpandItem[];
        bagExpansion: 'bag' | 'array';
        limit?: number;
        itemIndex?: string;
      }
    | {
        op: 'parse';
        input: Plan;
        source: ScalarExpr;
        mode: 'simple' | 'relaxed' | 'regex';
        parts: ParsePart[];
        regexFlags: string;
        where: boolean;
        span: Span;
        sameAs: SameAs[];
      }
    | {
        op: 'parse-kv';
        input: Plan;
        source: ScalarExpr;
        keys: Column[];
        mode: ParseKvMode;
        span: Span;
        sameAs: SameAs[];
      }
    /** rolling_percentile plugin: per dims, the percentile over the window of bins ending at each bin. */
    | {
        op: 'rolling-percentile';
        input: Plan;
        /** bin(IndexColumn, BinSize). */
        bin: ScalarExpr;
        binSize: Value;
        window: number;
        dims: ScalarExpr[];
        percentile: AggregateCall;
        span: Span;
      }
    /** activity_counts_metrics, (new_)activity_metrics, sliding_window_counts, active_users_count (execute/activity.ts). */
    | {
        op: 'activity';
        input: Plan;
        plugin: ActivityPlugin;
        id: ScalarExpr;
        time: ScalarExpr;
        /** Constants: Start, End, the step (Window/Bin); datetime and timespan, or whole numbers. */
        start: ScalarExpr;
        end: ScalarExpr;
        step: ScalarExpr;
        dims: ScalarExpr[];
        span: Span;
      }
    /**
     * sequence_detect: per dims, every pair of a row matching the first step and a later row matching
     * the second, within the step window and the sequence span (execute/sequence-detect.ts).
     */
    | {
        op: 'sequence-detect';
        input: Plan;
        time: ScalarExpr;
        /** MaxSequenceStepWindow and MaxSequenceSpan, in ticks. */
        maxStep: bigint;
        maxSpan: bigint;
        steps: ScalarExpr[];
        dims: ScalarExpr[];
        span: Span;
      }
    /**
     * narrow plugin: per input row, one row per column (Row, Column, Value as string), the column's
     * type deciding the text (execute/narrow.ts).
     */
    | { op: 'narrow'; input: Plan; span: Span }
    /**
     * A graph operator over the graph make-graph builds (lower/graph.ts): its nodes (graph-to-table
     * nodes), or the bindings of a pattern (graph-match, graph-shortest-paths): per pattern
     * variable, its properties (an array per property for a variable-length edge), kept where the
     * predicate holds.
     */
    | ({
        op: 'graph';
        query:
          | { kind: 'nodes' }
          | {
              kind: 'match' | 'shortest-any' | 'shortest-all';
              steps: GraphEdgeStep[];
              predicate?: ScalarExpr;
              /**
               * graph-match `cycles=`: which matches that come back to a node are kept (`unique_edges`,
               * the default: those that use no edge twice; `none`: none; `all`: all).
               */
              cycles?: GraphCycles;
              /** graph-match with several comma-delimited sequences (steps is then the first one's). */
              sequences?: GraphSequence[];
              /** map()/all()/any() calls, each filling one binding column after the variables' properties. */
              elements?: GraphElementCall[];
            };
        span: Span;
      } & GraphSource)
    /** partition: the subquery run over each key's rows (as mv-apply's, through apply-input), results in turn. */
    | { op: 'partition'; input: Plan; key: ScalarExpr; subquery: Plan; legacy: boolean; span: Span }
    /**
     * scan: steps matched record by record against a state per step (scan.ts). Conditions and
     * assignments read a frame of the record's columns, then per step (in order) that step's record
     * in the state: input columns then declared ones.
     */
    | {
        op: 'scan-steps';
        input: Plan;
        declared: { type: KqlType; default: Value }[];
        steps: {
          output: 'all' | 'none';
          condition: ScalarExpr;
          assignments: { column: number; expr: ScalarExpr }[];
        }[];
        matchId: boolean;
      }
    | {
        op: 'bag-unpack';
        input: Plan;
        column: number;
        prefix: string;
        /** A slot named like an input column: an error, or one column with the slot's or the input's values. */
        conflict: 'error' | 'replace_source' | 'keep_source';
        /** ignoredProperties: the bag properties left out. */
        ignored?: string[];
        span: Span;
      }
    /** schema_merge: getschema rows (ColumnName, ColumnOrdinal, DataType, ColumnType columns) merged. */
    | { op: 'schema-merge'; input: Plan; columns: [number, number, number, number]; span: Span }
    /** ipv4_lookup: input rows joined to the lookup rows whose IP-prefix range holds the key. */
    | {
        op: 'ipv4-lookup';
        input: Plan;
        lookup: Plan;
        sourceKey: number;
        lookupKey: number;
        /** return_unmatched: keep input rows without a match, the lookup columns empty. */
        unmatched: boolean;
        span: Span;
      }
    | {
        op: 'make-series';
        input: Plan;
        keys: NamedExpr[];
        aggregates: (AggregateCall & { defaultValue: Value })[];
        axis: ScalarExpr;
        start: ScalarExpr;
        end: ScalarExpr;
        step: ScalarExpr;
        /** `in range(start, stop, step)`: bins by bin() from bin(start), through the bin holding stop. */
        inclusiveRange: boolean;
        axisName: string;
        /** kind=nonempty: an empty input still yields one row of default-filled series. */
        nonEmpty: boolean;
        /** No `from` or no `to` (at this range clause): answered only over an empty input. */
        openRange?: Span;
        span: Span;
      }
    | { op: 'top-nested'; input: Plan; levels: TopNestedLevel[] }
    | {
        op: 'mv-apply';
        input: Plan;
        items: MvExpandItem[];
        limit?: number;
        itemIndex?: string;
        /**
         * Runs once per record over its subtable (`applySchema`: the record's other columns, then the
         * expanded ones and the index); `appended` are the output columns it adds after passThrough.
         */
        subquery: { plan: Plan; applySchema: Column[]; appended: number[] };
        /** The record's columns that are not expanded, in input order: the first output columns. */
        passThrough: number[];
      }
    /**
     * pivot: `input` is the aggregate by the group columns then the pivot column; each distinct pivot
     * value becomes a column (pivot.ts). Its schema lists the group columns: the others come from the data.
     */
    | { op: 'pivot'; input: Plan; groupWidth: number; fill: 'zero' | 'refuse'; span: Span }
    /**
     * An operator whose columns come from the data (schema-less bag_unpack, pivot) read by what follows:
     * `probe` runs it, `resume` binds the query again with the columns found (lower/runtime-schema.ts)
     * and gives the plans to run; when there are several (column orders the docs leave open), their
     * answers must agree.
     */
    | {
        op: 'runtime-schema';
        probe: Plan;
        resume: (found: { schema: Column[]; rows: Value[][] }) => {
          plans: Plan[];
          /** An error raised by those plans, positioned in the user's query. */
          inQuery(error: unknown): unknown;
        };
        span: Span;
      }
    /** The rows of the current mv-apply element or partition group, inside its subquery. */
    | { op: 'apply-input' }
    /** Evaluated once and shared by every reference (let, materialize). */
    | { op: 'shared'; input: Plan }
  ) & {
    schema: Column[];
    /** Set on the plan a `render` ends: how the client should draw the result. */
    visualization?: Visualization;
    /** Set on the query's final plan: assert() conditions, checked once before any row is read. */
    assertions?: Assertion[];
    /**
     * Set on the query's final plan: columns of `schema` Log Analytics leaves out of the result
     * (hidden standard columns the query does not name, lower/hidden-columns.ts).
     */
    hidden?: string[];
  };

/**
 * assert(condition, message) (https://learn.microsoft.com/kusto/query/assert-function): a condition
 * that is a constant, checked when the query starts, as the service checks it at analysis.
 */
export interface Assertion {
  condition: ScalarExpr;
  message: string;
  span: Span;
}

/**
 * make-graph: edges are rows of `edges` (ids in columns `source`, `target`), node properties rows of
 * `nodeTables` (ids in columns `nodeKeys`); none with `with_node_id`, where the id is the only property.
 */
export interface GraphSource {
  edges: Plan;
  source: number;
  target: number;
  nodeTables: Plan[];
  nodeKeys: number[];
  nodeSchema: Column[];
  /** The node property holding the id. */
  key: number;
}

/** An edge of a graph pattern: its direction (from the pattern's left node) and hop range. */
/**
 * One sequence of a graph-match pattern: its edge steps, and per element (node, edge, node, ...)
 * the index of its pattern variable (a node variable shared with another sequence has one index).
 */
export interface GraphSequence {
  steps: GraphEdgeStep[];
  variables: number[];
}

/**
 * `map(e, expr)`, `all(e, cond)`, `any(e, cond)` over a variable-length edge `e` (the pattern variable
 * at `variable`), or over its inner nodes with `inner_nodes(e)`: `body` reads the properties of one
 * edge (edge schema) or one node (node schema) and is evaluated per element (graph function pages).
 */
export interface GraphElementCall {
  variable: number;
  scope: 'edges' | 'inner_nodes';
  mode: 'map' | 'all' | 'any';
  body: ScalarExpr;
}

/** graph-match's CyclesOption (graph-match-operator page). */
export type GraphCycles = 'all' | 'none' | 'unique_edges';

export interface GraphEdgeStep {
  direction: 'right' | 'left' | 'any';
  min: number;
  max: number;
  /** `*min..max`: its properties are arrays, one value per hop. */
  variableLength: boolean;
}

/**
 * What `render` asks of the client (https://learn.microsoft.com/kusto/query/render-operator): the chart
 * type and each `with (...)` property under its lower-case name, as the Logs Query API's `render` object
 * reports them (https://learn.microsoft.com/azure/azure-monitor/logs/api/prefer-options). Column lists
 * (`ycolumns`, `series`, `anomalycolumns`) are arrays, every other value is its text.
 */

export interface Visualization {
  visualization: string;
  [property: string]: string | string[];
}

export interface TopNestedLevel {
  count?: ScalarExpr;
  key: NamedExpr;
  aggregate: AggregateCall;
  others?: ScalarExpr;
  descending: boolean;
}

/** How parse-kv finds keys and values (its page's three extraction modes). */
export type ParseKvMode =
  | {
      kind: 'delimited';
      pair: string;
      kv: string;
      /** Opening and closing quote of each `quote` option. */
      quotes: [string, string][];
      escapes: string[];
      greedy: boolean;
    }
  | { kind: 'undelimited'; keys: string[]; quotes: [string, string][]; escapes: string[] }
  | { kind: 'regex'; pattern: string };

/** Whether argument `index` of a call of `name` with `argCount` arguments is an iff/iif/case condition. */
export function isBranchCondition(name: string, index: number, argCount: number): boolean {
  if (name === 'iff' || name === 'iif') return index === 0;
  return name === 'case' && index % 2 === 0 && index < argCount - 1;
}
