// Graph operators over the graph make-graph builds (lower/graph.ts has the pages' references).
import { UnsupportedError } from '../plan/errors.js';
import type { GraphCycles, GraphEdgeStep, GraphElementCall, GraphSequence, Plan } from '../plan/types.js';
import { type Json, type Value, valueToDynamic } from '../values/index.js';
import { type Frame, frameFromRows, frameToRows } from './frame.js';
import { compilePredicate, compileScalar, type Env } from './scalar.js';

type GraphPlan = Extract<Plan, { op: 'graph' }>;

// Patterns whose candidate matches outgrow this are refused rather than run for minutes.
const MAX_CANDIDATES = 200_000;

interface Graph {
  nodeRows: Value[][];
  edgeRows: Value[][];
  /** Per edge, its source and target node. */
  ends: [number, number][];
  out: number[][];
  into: number[][];
}

const idKey = (v: Value) => `${typeof v}:${typeof v === 'object' ? JSON.stringify(v) : String(v)}`;

function buildGraph(plan: GraphPlan, run: (p: Plan) => Frame, refuse: (why: string) => Error): Graph {
  const ids = new Map<string, number>();
  const nodeRows: Value[][] = [];
  const width = plan.nodeSchema.length;
  const nodeOf = (id: Value, row?: Value[]): number => {
    if (id === null) throw refuse('a null node id (not documented)');
    const key = idKey(id);
    const known = ids.get(key);
    if (known !== undefined) {
      if (row && JSON.stringify(nodeRows[known]) !== JSON.stringify(row))
        throw refuse('a node listed twice with different properties (make-graph keeps an arbitrary value)');
      return known;
    }
    ids.set(key, nodeRows.length);
    // A node known only from the edges has its id and no other property (make-graph page).
    const props = row ?? Array.from({ length: width }, (_, k): Value => (k === plan.key ? id : null));
    nodeRows.push(props);
    return nodeRows.length - 1;
  };
  plan.nodeTables.forEach((table, t) => {
    for (const row of frameToRows(run(table))) nodeOf(row[plan.nodeKeys[t]], row);
  });
  const edgeRows = frameToRows(run(plan.edges));
  const ends = edgeRows.map((r): [number, number] => [nodeOf(r[plan.source]), nodeOf(r[plan.target])]);
  const out: number[][] = nodeRows.map(() => []);
  const into: number[][] = nodeRows.map(() => []);
  ends.forEach(([s, t], e) => {
    out[s].push(e);
    into[t].push(e);
  });
  return { nodeRows, edgeRows, ends, out, into };
}

/** The edges leaving `node` along a pattern edge, with the node each reaches. */
function hops(g: Graph, node: number, direction: GraphEdgeStep['direction']): [number, number][] {
  const found: [number, number][] = [];
  if (direction !== 'left') for (const e of g.out[node]) found.push([e, g.ends[e][1]]);
  if (direction !== 'right')
    for (const e of g.into[node])
      if (direction === 'left' || g.ends[e][0] !== node) found.push([e, g.ends[e][0]]);
  return found;
}

/** A candidate match: the node of each node variable, the edges of each edge variable. */
interface Match {
  nodes: number[];
  edges: number[][];
  /** graph-match: every node reached, in order. */
  trail?: number[];
  /** shortest-paths: the source/target pair, and whether it is a cycle back to the source. */
  pair?: string;
  cycle?: boolean;
  /** graph-match with several sequences: per pattern variable, its node or its edges. */
  cells?: Cell[];
}

/** A pattern variable's match: a node, or an edge's path with the node it starts from. */
type Cell =
  | { node: number }
  | { path: number[]; variableLength: boolean; from: number; direction: GraphEdgeStep['direction'] };

/**
 * The matches of several sequences that agree on the node variables they share (lower/graph.ts):
 * each sequence is matched alone, then the matches are joined variable by variable.
 */
function joinedMatches(g: Graph, sequences: GraphSequence[], refuse: (why: string) => Error): Match[] {
  let partial: Cell[][] = [[]];
  for (const sequence of sequences) {
    const found = patternMatches(g, sequence.steps, refuse);
    const next: Cell[][] = [];
    for (const known of partial)
      for (const m of found) {
        const own = matchCells(m, sequence.steps);
        const cells = [...known];
        const agrees = sequence.variables.every((v, i) => {
          const cell = own[i];
          const before = cells[v];
          if (!before) {
            cells[v] = cell;
            return true;
          }
          return 'node' in before && 'node' in cell && before.node === cell.node;
        });
        if (!agrees) continue;
        if (next.length >= MAX_CANDIDATES) throw refuse(`more than ${MAX_CANDIDATES} candidate matches`);
        next.push(cells);
      }
    partial = next;
  }
  return partial.map((cells) => ({
    nodes: [],
    edges: cells.flatMap((c) => ('path' in c ? [c.path] : [])),
    cells,
  }));
}

function patternMatches(g: Graph, steps: GraphEdgeStep[], refuse: (why: string) => Error): Match[] {
  const found: Match[] = [];
  // `trail`: every node the walk has reached, in order, inner nodes of variable-length edges included.
  const walk = (step: number, nodes: number[], edges: number[][], trail: number[]) => {
    if (step === steps.length) {
      if (found.length >= MAX_CANDIDATES) throw refuse(`more than ${MAX_CANDIDATES} candidate matches`);
      found.push({ nodes, edges, trail });
      return;
    }
    const { direction, min, max } = steps[step];
    const path: number[] = [];
    const reached: number[] = [];
    const extend = (at: number) => {
      if (path.length >= min) walk(step + 1, [...nodes, at], [...edges, [...path]], [...trail, ...reached]);
      if (path.length === max) return;
      for (const [e, next] of hops(g, at, direction)) {
        path.push(e);
        reached.push(next);
        extend(next);
        path.pop();
        reached.pop();
      }
    };
    extend(nodes[nodes.length - 1]);
  };
  for (let n = 0; n < g.nodeRows.length; n++) walk(0, [n], [], [n]);
  return found;
}

/** A match of one sequence, per element (node, edge, node, ...) of its pattern. */
function matchCells(m: Match, steps: GraphEdgeStep[]): Cell[] {
  return m.nodes.flatMap((node, i): Cell[] => {
    if (i === steps.length) return [{ node }];
    const { variableLength, direction } = steps[i];
    return [{ node }, { path: m.edges[i], variableLength, from: node, direction }];
  });
}

/**
 * The inner nodes of a path, in order from the node it starts from: the node each edge but the last
 * reaches (an undirected hop reaches the edge's other end, as `hops` walks it).
 */
function innerNodes(g: Graph, cell: Extract<Cell, { path: number[] }>): number[] {
  const inner: number[] = [];
  let at = cell.from;
  for (const e of cell.path.slice(0, -1)) {
    const [source, target] = g.ends[e];
    at =
      cell.direction === 'right'
        ? target
        : cell.direction === 'left'
          ? source
          : source === at
            ? target
            : source;
    inner.push(at);
  }
  return inner;
}

/** Every shortest path (one variable-length edge, minimum 1) from each node to each node it reaches. */
function shortestPaths(g: Graph, step: GraphEdgeStep, refuse: (why: string) => Error): Match[] {
  const found: Match[] = [];
  g.nodeRows.forEach((_, s) => {
    const dist = new Map<number, number>([[s, 0]]);
    const preds = new Map<number, [number, number][]>();
    let frontier = [s];
    for (let d = 1; d <= step.max && frontier.length > 0; d++) {
      const next: number[] = [];
      for (const u of frontier)
        for (const [e, v] of hops(g, u, step.direction)) {
          if (v === s) {
            // A path back to the source: whether it counts as its shortest path is not documented.
            found.push({ nodes: [s, s], edges: [[]], pair: `${s}>${s}`, cycle: true });
            continue;
          }
          const known = dist.get(v);
          if (known === undefined) {
            dist.set(v, d);
            preds.set(v, []);
            next.push(v);
          }
          if ((known ?? d) === d) preds.get(v)?.push([e, u]);
        }
      frontier = next;
    }
    for (const t of dist.keys()) {
      if (t === s) continue;
      const paths: number[][] = [];
      const back = (v: number, suffix: number[]) => {
        if (v === s) {
          if (paths.length >= MAX_CANDIDATES) throw refuse(`more than ${MAX_CANDIDATES} shortest paths`);
          paths.push(suffix);
          return;
        }
        for (const [e, u] of preds.get(v) ?? []) back(u, [e, ...suffix]);
      };
      back(t, []);
      for (const p of paths) found.push({ nodes: [s, t], edges: [p], pair: `${s}>${t}` });
    }
  });
  return found;
}

/**
 * Whether graph-match keeps a match under its `cycles` option (lower/graph.ts): `none` drops a match
 * that visits a node twice (a variable-length edge's inner nodes counted), `unique_edges` one that
 * uses an edge (an edge table row) twice, `all` none.
 */
function keptUnder(cycles: GraphCycles, trail: number[], paths: number[][]): boolean {
  if (cycles === 'all') return true;
  if (cycles === 'none') return new Set(trail).size === trail.length;
  const edges = paths.flat();
  return new Set(edges).size === edges.length;
}

/**
 * map()/all()/any() of each match (lower/graph.ts): the body over every edge or inner node of the
 * variable's path, evaluated once over all of them. all() is true when the body is true for each
 * element (so for none), any() when it is true for one; map() is the array of the body's values
 * (all, any and map graph function pages).
 */
function elementValues(
  g: Graph,
  plan: GraphPlan,
  element: GraphElementCall,
  cellsOf: Cell[][],
  env: Env,
): Value[] {
  const counts: number[] = [];
  const elementRows: Value[][] = [];
  for (const cells of cellsOf) {
    const cell = cells[element.variable];
    if (!('path' in cell)) throw new Error('graph element call over a node variable');
    const found =
      element.scope === 'edges'
        ? cell.path.map((e) => g.edgeRows[e])
        : innerNodes(g, cell).map((n) => g.nodeRows[n]);
    counts.push(found.length);
    elementRows.push(...found);
  }
  const schema = element.scope === 'edges' ? plan.edges.schema : plan.nodeSchema;
  const frame = frameFromRows(schema, elementRows);
  const body =
    element.mode === 'map'
      ? compileScalar(element.body, frame, env)
      : compilePredicate(element.body, frame, env);
  let next = 0;
  return counts.map((count): Value => {
    const results = Array.from({ length: count }, () => body(next++));
    if (element.mode === 'all') return results.every((r) => r === true);
    if (element.mode === 'any') return results.some((r) => r === true);
    return results.map((r): Json => valueToDynamic(r, element.body.type)) as Json;
  });
}

export function executeGraph(plan: GraphPlan, run: (p: Plan) => Frame, env: Env): Frame {
  const refuse = (why: string) =>
    new UnsupportedError(
      'graph operator',
      plan.span,
      `graph operator: ${why}; refusing rather than guessing`,
    );
  const g = buildGraph(plan, run, refuse);
  const { query } = plan;
  if (query.kind === 'nodes') return frameFromRows(plan.schema, g.nodeRows);
  const matches =
    query.kind !== 'match'
      ? shortestPaths(g, query.steps[0], refuse)
      : query.sequences
        ? joinedMatches(g, query.sequences, refuse)
        : patternMatches(g, query.steps, refuse);
  const edgeSchema = plan.edges.schema;
  const cellsOf = matches.map((m) => m.cells ?? matchCells(m, query.steps));
  const rows = cellsOf.map((cells) => {
    const row: Value[] = [];
    for (const cell of cells)
      if ('node' in cell)
        row.push(...g.nodeRows[cell.node], g.into[cell.node].length, g.out[cell.node].length);
      else if (!cell.variableLength) row.push(...g.edgeRows[cell.path[0]]);
      else
        for (const [k, c] of edgeSchema.entries())
          row.push(cell.path.map((e): Json => valueToDynamic(g.edgeRows[e][k], c.type)) as Json);
    return row;
  });
  for (const element of query.elements ?? []) {
    const values = elementValues(g, plan, element, cellsOf, env);
    rows.forEach((row, i) => {
      row.push(values[i]);
    });
  }
  const frame = frameFromRows(plan.schema, rows);
  // The where clause is only tested for truth, as `| where`'s predicate (compilePredicate).
  const keep = query.predicate ? compilePredicate(query.predicate, frame, env) : () => true;
  const kept: Value[][] = [];
  const pairs = new Map<string, number>();
  rows.forEach((row, i) => {
    if (keep(i) !== true) return;
    const m = matches[i];
    if (m.cycle)
      throw refuse('a path from a node back to itself (whether it is a shortest path is not documented)');
    if (query.kind === 'match' && !keptUnder(query.cycles ?? 'unique_edges', m.trail ?? [], m.edges)) return;
    if (m.pair) pairs.set(m.pair, (pairs.get(m.pair) ?? 0) + 1);
    kept.push(row);
  });
  if (query.kind === 'shortest-any' && [...pairs.values()].some((n) => n > 1))
    throw refuse('output=any with several shortest paths between a pair (the page picks any one)');
  return frameFromRows(plan.schema, kept);
}
