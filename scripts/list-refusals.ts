// Lists every construct the embedded KQL engine refuses, with why, derived from the code:
//   1. each function, aggregate and plugin symbol of Kusto.Language (with this repo's corrections) and
//      each query operator kind of its syntax, marked answered or refused; a refused one carries its
//      reason from src/kql/plan/refusals.ts (functions by their alias-resolved name, as errors name them);
//      an operator is classified by running a sample query that uses it;
//   2. the refusals that depend on arguments, types or data: every site in src/kql that raises
//      UnsupportedError (`unsupported(`, `new UnsupportedError(`, `undocumentedInput(`, or a module's
//      function wrapping one, at its callers), with its file, line and the text written there.
// test/kql/refusal-list.test.ts asserts that part 1 has a reason for every refused construct.
//
// Usage: npx tsx scripts/list-refusals.ts [--sites]   (Markdown on stdout; --sites adds part 2)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyCatalog } from '../src/kql/catalog.js';
import { isImplementedAggregate } from '../src/kql/execute/aggregates.js';
import { scalarFunctions } from '../src/kql/functions/index.js';
import { runQuery, UnsupportedError } from '../src/kql/index.js';
import { CALLS_LOWERED_BY_NAME } from '../src/kql/lower/scalar.js';
import { isLoweredPlugin, TABLE_CALLS } from '../src/kql/lower/tabular.js';
import { refusalReason } from '../src/kql/plan/refusals.js';
import { correctedGlobalState } from '../src/kql/syntax/corrections.js';
import { kusto, toArray } from '../src/kql/syntax/kusto.js';

export type ConstructKind = 'function' | 'aggregate' | 'plugin' | 'operator';

export interface Construct {
  kind: ConstructKind;
  /** The name Kusto.Language gives it (an operator by its syntax kind). */
  symbol: string;
  /** The construct as refusals name it: `name()`, `evaluate name`, an operator's keyword. */
  construct: string;
  answered: boolean;
  reason?: string;
  /** Hidden or obsolete in Kusto.Language. */
  hidden: boolean;
  /** An operator's sample: the construct its UnsupportedError named, if it raised one. */
  refusedAs?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The name a call of the symbol is lowered under: its alias target when it is an alias (calledName). */
function resolvedName(symbol: any): string {
  const alternatives = [symbol.Alternative, ...toArray(symbol.Signatures).map((s: any) => s.Alternative)];
  const alias = alternatives.find((a) => typeof a === 'string' && IDENTIFIER.test(a));
  return String(alias ?? symbol.Name).toLowerCase();
}

function callConstruct(kind: 'function' | 'aggregate', symbol: any, answered: boolean): Construct {
  const construct = `${resolvedName(symbol)}()`;
  return {
    kind,
    symbol: String(symbol.Name),
    construct,
    answered,
    reason: answered ? undefined : refusalReason(construct),
    hidden: Boolean(symbol.IsHidden || symbol.IsObsolete),
  };
}

const T = 'let T = datatable(a:long, s:string)[1, "x"];';
const G = `${T} let E = datatable(src:string, dst:string)["x", "y"]; let N = datatable(id:string)["x", "y"];`;
const GRAPH = 'E | make-graph src --> dst with N on id';

/** A query per query operator kind of Kusto.Language's syntax, with the operator's keyword. */
export const OPERATOR_SAMPLES: Record<string, { keyword: string; query: string }> = {
  AsOperator: { keyword: 'as', query: `${T} T | as X` },
  AssertSchemaOperator: { keyword: 'assert-schema', query: `${T} T | assert-schema (a:long, s:string)` },
  ConsumeOperator: { keyword: 'consume', query: `${T} T | consume` },
  CountOperator: { keyword: 'count', query: `${T} T | count` },
  DistinctOperator: { keyword: 'distinct', query: `${T} T | distinct a` },
  EvaluateOperator: { keyword: 'evaluate', query: `${T} T | evaluate narrow()` },
  ExecuteAndCacheOperator: { keyword: 'execute-and-cache', query: `${T} T | execute-and-cache` },
  ExtendOperator: { keyword: 'extend', query: `${T} T | extend b = a + 1` },
  FacetOperator: { keyword: 'facet', query: `${T} T | facet by s` },
  FilterOperator: { keyword: 'where', query: `${T} T | where a > 0` },
  FindOperator: { keyword: 'find', query: `${T} find in (T) where s == "x"` },
  ForkOperator: { keyword: 'fork', query: `${T} T | fork (take 1) (count)` },
  GetSchemaOperator: { keyword: 'getschema', query: `${T} T | project s | getschema` },
  GraphMarkComponentsOperator: {
    keyword: 'graph-mark-components',
    query: `${G} ${GRAPH} | graph-mark-components | graph-to-table nodes`,
  },
  GraphMatchOperator: {
    keyword: 'graph-match',
    query: `${G} ${GRAPH} | graph-match (x)-[e]->(y) project x.id, y.id`,
  },
  GraphShortestPathsOperator: {
    keyword: 'graph-shortest-paths',
    query: `${G} ${GRAPH} | graph-shortest-paths (x)-[e*1..2]->(y) project x.id, y.id`,
  },
  GraphToTableOperator: { keyword: 'graph-to-table', query: `${G} ${GRAPH} | graph-to-table nodes` },
  GraphWhereEdgesOperator: {
    keyword: 'graph-where-edges',
    query: `${G} ${GRAPH} | graph-where-edges true | graph-to-table nodes`,
  },
  GraphWhereNodesOperator: {
    keyword: 'graph-where-nodes',
    query: `${G} ${GRAPH} | graph-where-nodes true | graph-to-table nodes`,
  },
  InvokeOperator: { keyword: 'invoke', query: `${T} let f = (x:(*)) { x | take 1 }; T | invoke f()` },
  JoinOperator: { keyword: 'join', query: `${T} T | join (T) on a` },
  LookupOperator: { keyword: 'lookup', query: `${T} T | lookup (T | project a) on a` },
  MacroExpandOperator: {
    keyword: 'macro-expand',
    query: `${T} macro-expand entity_group [T] as X (X | count)`,
  },
  MakeGraphOperator: { keyword: 'make-graph', query: `${G} ${GRAPH} | graph-to-table edges` },
  MakeSeriesOperator: {
    keyword: 'make-series',
    query: `${T} T | make-series count() on a from 0 to 2 step 1`,
  },
  MvApplyOperator: {
    keyword: 'mv-apply',
    query: `${T} T | extend d = pack_array(a) | mv-apply d on (take 1)`,
  },
  MvExpandOperator: { keyword: 'mv-expand', query: `${T} T | extend d = pack_array(a) | mv-expand d` },
  ParseKvOperator: {
    keyword: 'parse-kv',
    query: `${T} T | parse-kv s as (k:string) with (pair_delimiter=',', kv_delimiter='=')`,
  },
  ParseOperator: { keyword: 'parse', query: `${T} T | parse s with b:string` },
  ParseWhereOperator: { keyword: 'parse-where', query: `${T} T | parse-where s with b:string` },
  PartitionByOperator: { keyword: 'partition-by', query: `${T} T | partition-by a (take 1)` },
  PartitionOperator: { keyword: 'partition', query: `${T} T | partition by a (take 1)` },
  PrintOperator: { keyword: 'print', query: 'print 1' },
  ProjectAwayOperator: { keyword: 'project-away', query: `${T} T | project-away s` },
  ProjectByNamesOperator: { keyword: 'project-by-names', query: `${T} T | project-by-names "a"` },
  ProjectKeepOperator: { keyword: 'project-keep', query: `${T} T | project-keep a` },
  ProjectOperator: { keyword: 'project', query: `${T} T | project a` },
  ProjectRenameOperator: { keyword: 'project-rename', query: `${T} T | project-rename b = a` },
  ProjectReorderOperator: { keyword: 'project-reorder', query: `${T} T | project-reorder s` },
  RangeOperator: { keyword: 'range', query: 'range x from 1 to 3 step 1' },
  ReduceByOperator: { keyword: 'reduce', query: `${T} T | reduce by s` },
  RenderOperator: { keyword: 'render', query: `${T} T | render table` },
  SampleDistinctOperator: { keyword: 'sample-distinct', query: `${T} T | sample-distinct 1 of s` },
  SampleOperator: { keyword: 'sample', query: `${T} T | sample 1` },
  ScanOperator: {
    keyword: 'scan',
    query: `${T} T | scan with (step s1: a > 0;)`,
  },
  SearchOperator: { keyword: 'search', query: `${T} T | search "x"` },
  SerializeOperator: { keyword: 'serialize', query: `${T} T | serialize` },
  SortOperator: { keyword: 'sort', query: `${T} T | sort by a` },
  SummarizeOperator: { keyword: 'summarize', query: `${T} T | summarize count() by s` },
  TakeOperator: { keyword: 'take', query: `${T} T | take 1` },
  TopHittersOperator: { keyword: 'top-hitters', query: `${T} T | top-hitters 1 of s` },
  TopNestedOperator: { keyword: 'top-nested', query: `${T} T | top-nested 1 of s by count()` },
  TopOperator: { keyword: 'top', query: `${T} T | top 1 by a` },
  UnionOperator: { keyword: 'union', query: `${T} T | union T` },
};

/** The query operator kinds of Kusto.Language's syntax (BadQueryOperator is a parse error, not one). */
export function operatorKinds(): string[] {
  return Object.keys(kusto().Syntax.SyntaxKind).filter(
    (k) => k.endsWith('Operator') && k !== 'BadQueryOperator',
  );
}

/** Runs the operator's sample: answered, or the error's text (the construct and its reason when refused). */
function runSample(query: string): { answered: boolean; error?: string; construct?: string } {
  try {
    runQuery(query, { catalog: emptyCatalog(), tables: new Map(), now: 0n });
    return { answered: true };
  } catch (error) {
    const construct = error instanceof UnsupportedError ? error.construct : undefined;
    return { answered: false, error: error instanceof Error ? error.message : String(error), construct };
  }
}

function operatorConstruct(kind: string): Construct {
  const sample = OPERATOR_SAMPLES[kind];
  if (!sample) return { kind: 'operator', symbol: kind, construct: kind, answered: false, hidden: false };
  const run = runSample(sample.query);
  return {
    kind: 'operator',
    symbol: kind,
    construct: sample.keyword,
    answered: run.answered,
    reason: run.answered ? undefined : (refusalReason(sample.keyword) ?? run.error),
    hidden: false,
    refusedAs: run.construct,
  };
}

/** Every function, aggregate, plugin and query operator of Kusto.Language, answered or refused. */
export function constructInventory(): Construct[] {
  const state = correctedGlobalState();
  const functions = toArray(state.Functions).map((fn: any) => {
    const name = resolvedName(fn);
    const answered = scalarFunctions.has(name) || CALLS_LOWERED_BY_NAME.has(name) || TABLE_CALLS.has(name);
    return callConstruct('function', fn, answered);
  });
  const aggregates = toArray(state.Aggregates).map((fn: any) =>
    callConstruct('aggregate', fn, isImplementedAggregate(resolvedName(fn))),
  );
  const plugins = toArray(state.PlugIns).map((plugin: any): Construct => {
    const name = String(plugin.Name);
    const answered = isLoweredPlugin(name);
    const construct = `evaluate ${name}`;
    return {
      kind: 'plugin',
      symbol: name,
      construct,
      answered,
      reason: answered ? undefined : refusalReason(construct),
      hidden: Boolean(plugin.IsHidden || plugin.IsObsolete),
    };
  });
  return [...functions, ...aggregates, ...plugins, ...operatorKinds().map(operatorConstruct)];
}

export interface RefusalSite {
  file: string;
  line: number;
  /** The call's text from the refusal helper to its first line break or 200 characters. */
  text: string;
}

const BASE = /\b(?:unsupported|new UnsupportedError|undocumentedInput)\(/;

interface FunctionBody {
  name: string;
  start: number;
  end: number;
}

/** A module's top-level functions that return or throw a refusal (`): never` / `): UnsupportedError`). */
function refusalWrappers(source: string): FunctionBody[] {
  const bodies: FunctionBody[] = [];
  for (const m of source.matchAll(/^(?:export )?function (\w+)\([^)]*\): (?:never|UnsupportedError) \{/gm)) {
    const end = source.indexOf('\n}', m.index);
    bodies.push({ name: m[1], start: m.index, end: end < 0 ? source.length : end });
  }
  return bodies;
}

/** The call starting at `at`, to its closing parenthesis, on one line and at most 240 characters. */
function callText(source: string, at: number): string {
  let depth = 0;
  let end = at;
  for (; end < source.length; end++) {
    if (source[end] === '(') depth++;
    else if (source[end] === ')' && --depth === 0) break;
  }
  const call = source.slice(at, end + 1).replace(/\s+/g, ' ');
  return call.length > 240 ? `${call.slice(0, 239)}…` : call;
}

/**
 * Every place under src/kql that raises a refusal, in file order: a call of unsupported(),
 * new UnsupportedError() or undocumentedInput(), or of a module's own function that wraps one
 * (`refuse(what)`), listed at its callers rather than inside the wrapper.
 */
export function refusalSites(root: string): RefusalSite[] {
  const files = (readdirSync(join(root, 'src/kql'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const sites: RefusalSite[] = [];
  for (const file of files) {
    const path = join(root, 'src/kql', file);
    const source = readFileSync(path, 'utf8');
    const wrappers = refusalWrappers(source).filter((b) => BASE.test(source.slice(b.start, b.end)));
    const names = [
      'unsupported',
      'new UnsupportedError',
      'undocumentedInput',
      ...wrappers.map((w) => w.name),
    ];
    const call = new RegExp(`(?<![\\w.])(?:${names.join('|')})\\(`, 'g');
    for (const match of source.matchAll(call)) {
      const at = match.index;
      const inWrapper = wrappers.some((w) => at >= w.start && at < w.end);
      const declaration = /\bfunction\s*$|class\s/.test(source.slice(source.lastIndexOf('\n', at) + 1, at));
      if (inWrapper || declaration) continue;
      sites.push({
        file: relative(root, path),
        line: source.slice(0, at).split('\n').length,
        text: callText(source, at),
      });
    }
  }
  return sites;
}

function markdown(constructs: Construct[], sites: RefusalSite[] | undefined): string {
  const out: string[] = [];
  const refused = constructs.filter((c) => !c.answered);
  out.push(
    `# Constructs the engine refuses (${refused.length} of ${constructs.length} Kusto.Language functions, aggregates, plugins and operators)`,
  );
  for (const kind of ['function', 'aggregate', 'plugin', 'operator'] as ConstructKind[]) {
    const ofKind = refused.filter((c) => c.kind === kind);
    out.push('', `## ${kind}s (${ofKind.length} refused)`);
    const byReason = new Map<string, string[]>();
    for (const c of ofKind) {
      const reason = c.reason ?? 'NO RECORDED REASON';
      byReason.set(reason, [...(byReason.get(reason) ?? []), c.construct + (c.hidden ? ' (hidden)' : '')]);
    }
    for (const [reason, names] of byReason) out.push(`- ${[...new Set(names)].join(', ')}: ${reason}`);
  }
  if (sites) {
    out.push('', `# Refusals that depend on arguments, types or data (${sites.length} sites)`);
    for (const s of sites) out.push(`- ${s.file}:${s.line} \`${s.text}\``);
  }
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), '../..');
  const sites = process.argv.includes('--sites') ? refusalSites(root) : undefined;
  console.log(markdown(constructInventory(), sites));
}
