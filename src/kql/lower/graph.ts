// Graph operators: make-graph followed by graph-match, graph-shortest-paths or graph-to-table
// (https://learn.microsoft.com/kusto/query/make-graph-operator, graph-match-operator,
// graph-shortest-paths-operator, graph-to-table-operator). The graph is never a value of the plan:
// each consumer is lowered together with the make-graph it reads.
import { refusalReason } from '../plan/refusals.js';
import type {
  Column,
  GraphCycles,
  GraphElementCall,
  GraphSequence,
  GraphSource,
  Plan,
  ScalarExpr,
} from '../plan/types.js';
import {
  boundSchema,
  calledName,
  kindName,
  type LowerContext,
  list,
  operatorName,
  type RowContext,
  spanOf,
  text,
  unsupported,
} from './context.js';
import { lowerScalar } from './scalar.js';
import { lowerTabular, project } from './tabular.js';
import { schemaDifference } from './verify.js';

const CONSUMERS = new Set(['GraphMatchOperator', 'GraphShortestPathsOperator', 'GraphToTableOperator']);

/** Whether a pipe's operator reads a graph (and so its input is a make-graph, not a table). */
export function consumesGraph(operator: any): boolean {
  return CONSUMERS.has(kindName(operator));
}

/** `graphVar.property` columns of the bindings a consumer's expressions read. */
const bindingName = (variable: string, property: string) => `\u0000${variable}.${property}`;

/** Lowers `<make-graph pipe> | <consumer>`. */
export function lowerGraphConsumer(pipe: any, ctx: LowerContext): Plan {
  const consumer = pipe.Operator;
  const graph = lowerMakeGraph(pipe.Expression, ctx);
  switch (kindName(consumer)) {
    case 'GraphToTableOperator':
      return lowerGraphToTable(consumer, graph, ctx);
    case 'GraphMatchOperator':
      return lowerPatternQuery(consumer, graph, 'match', ctx);
    default:
      return lowerPatternQuery(consumer, graph, shortestMode(consumer, ctx), ctx);
  }
}

/** Whether a let value is a graph (`edges | make-graph ...`), bound by bindStatement for later consumers. */
export function isMakeGraph(node: any): boolean {
  const inner = unparenthesized(node);
  return kindName(inner) === 'PipeExpression' && kindName(inner.Operator) === 'MakeGraphOperator';
}

function unparenthesized(node: any): any {
  let inner = node;
  while (kindName(inner) === 'ParenthesizedExpression') inner = inner.Expression;
  return inner;
}

/** The graph a consumer reads: a make-graph written before it, or a let name bound to one. */
export function lowerMakeGraph(written: any, ctx: LowerContext): GraphSource {
  const node = unparenthesized(written);
  if (kindName(node) === 'NameReference') {
    const binding = ctx.scope.get(String(node.SimpleName));
    if (binding?.kind === 'graph') return binding.graph;
  }
  const operator = kindName(node) === 'PipeExpression' ? node.Operator : undefined;
  // An operator with a recorded reason (graph-mark-components, graph-where-nodes) is refused by name.
  if (operator && kindName(operator) !== 'MakeGraphOperator' && refusalReason(operatorName(operator)))
    throw unsupported(operator, ctx, operatorName(operator));
  if (kindName(operator) !== 'MakeGraphOperator')
    throw unsupported(
      operator ?? node,
      ctx,
      'graph source',
      `${text(operator ?? node).split(/\s/)[0]}: only a make-graph directly before the graph operator is supported (graph-mark-components numbers components arbitrarily, by its page)`,
    );
  if (list(operator.Parameters).length > 0) throw unsupported(operator, ctx, 'make-graph parameters');
  const edges = lowerTabular(node.Expression, ctx);
  const columnOf = (ref: any) => {
    const index = edges.schema.findIndex((c) => c.name === ref.SimpleName);
    if (index < 0) throw unsupported(ref, ctx, `make-graph column '${text(ref)}'`);
    return index;
  };
  const source = columnOf(operator.SourceColumn);
  const target = columnOf(operator.TargetColumn);
  const idType = edges.schema[source].type;
  if (edges.schema[target].type !== idType || idType === 'dynamic')
    throw unsupported(
      operator,
      ctx,
      'make-graph node ids',
      'make-graph: source and target ids of different or dynamic types',
    );
  if (String(operator.DirectionToken?.Text) !== '-->')
    throw unsupported(operator, ctx, 'make-graph direction', 'make-graph: only `-->` edges are documented');
  const clause = operator.WithClause;
  if (!clause) throw unsupported(operator, ctx, 'make-graph without node tables or with_node_id');
  if (kindName(clause) === 'MakeGraphWithImplicitIdClause') {
    const key = String(clause.Name.SimpleName);
    return {
      edges,
      source,
      target,
      nodeTables: [],
      nodeKeys: [],
      nodeSchema: [{ name: key, type: idType }],
      key: 0,
    };
  }
  const nodes = list(clause.TablesAndKeys).map((item: any) => {
    const element = item.Element ?? item;
    const plan = lowerTabular(element.Table, ctx);
    const key = plan.schema.findIndex((c) => c.name === element.Column.SimpleName);
    if (key < 0 || plan.schema[key].type !== idType)
      throw unsupported(
        element.Column,
        ctx,
        'make-graph node key',
        'make-graph: a node key column not of the edge ids type',
      );
    return { plan, key };
  });
  const [first] = nodes;
  const sameSchema = (p: Plan) =>
    p.schema.length === first.plan.schema.length &&
    p.schema.every((c, i) => c.name === first.plan.schema[i].name && c.type === first.plan.schema[i].type);
  if (nodes.some((n) => n.key !== first.key || !sameSchema(n.plan)))
    // Properties of a node in several tables are merged with an arbitrary value on conflict (make-graph page).
    throw unsupported(
      clause,
      ctx,
      'make-graph node tables',
      'make-graph: node tables with different columns (how their properties merge is not documented)',
    );
  return {
    edges,
    source,
    target,
    nodeTables: nodes.map((n) => n.plan),
    nodeKeys: nodes.map((n) => n.key),
    nodeSchema: first.plan.schema,
    key: first.key,
  };
}

/** graph-to-table nodes or edges, without node hash ids (their hash function is not documented). */
function lowerGraphToTable(node: any, graph: GraphSource, ctx: LowerContext): Plan {
  const clauses = list(node.OutputClause).map((c: any) => c.Element ?? c);
  if (clauses.length !== 1 || list(clauses[0].Parameters ?? null).length > 0 || clauses[0].AsClause)
    throw unsupported(
      node,
      ctx,
      'graph-to-table',
      'graph-to-table: with_node_id/with_source_id/with_target_id print node hash ids whose hash the page does not give; two outputs (`as`) return several tables',
    );
  const entity = String(clauses[0].EntityKeyword?.Text ?? '').toLowerCase();
  if (entity === 'edges') return graph.edges;
  const mismatch = schemaDifference(graph.nodeSchema, boundSchema(node));
  if (mismatch) throw unsupported(node, ctx, 'graph-to-table nodes', mismatch);
  return {
    op: 'graph',
    ...graph,
    query: { kind: 'nodes' },
    schema: graph.nodeSchema,
    span: spanOf(node, ctx),
  };
}

function shortestMode(node: any, ctx: LowerContext): 'shortest-any' | 'shortest-all' {
  for (const p of list(node.Parameters)) {
    const parameter = p.Element ?? p;
    const name = String(parameter.Name?.SimpleName ?? '').toLowerCase();
    const value = text(parameter.Expression).toLowerCase();
    if (name !== 'output' || (value !== 'any' && value !== 'all'))
      throw unsupported(parameter, ctx, `graph-shortest-paths ${text(parameter)}`);
    if (value === 'all') return 'shortest-all';
  }
  return 'shortest-any';
}

/**
 * graph-match `cycles = all | none | unique_edges`: "If all is specified, all cycles are matched, if
 * none is specified cycles aren't matched, if unique_edges (default) is specified, cycles are matched
 * but only if the cycles don't include the same edge more than once" (graph-match-operator page).
 */
function cyclesOption(node: any, ctx: LowerContext): GraphCycles {
  let cycles: GraphCycles = 'unique_edges';
  for (const p of list(node.Parameters)) {
    const parameter = p.Element ?? p;
    const name = String(parameter.Name?.SimpleName ?? '').toLowerCase();
    const value = text(parameter.Expression).trim().toLowerCase();
    if (name !== 'cycles' || (value !== 'all' && value !== 'none' && value !== 'unique_edges'))
      throw unsupported(parameter, ctx, `graph-match ${text(parameter)}`);
    cycles = value;
  }
  return cycles;
}

interface PatternVariable {
  name: string;
  node: boolean;
  variableLength: boolean;
}

/** graph-match or graph-shortest-paths: pattern, where, project. */
function lowerPatternQuery(
  node: any,
  graph: GraphSource,
  mode: 'match' | 'shortest-any' | 'shortest-all',
  ctx: LowerContext,
): Plan {
  const cycles = kindName(node) === 'GraphMatchOperator' ? cyclesOption(node, ctx) : undefined;
  const patterns = list(node.Patterns).map((p: any) => p.Element ?? p);
  if (patterns.length !== 1 && (mode !== 'match' || cycles === 'none'))
    throw unsupported(
      node,
      ctx,
      'several graph patterns',
      'several graph pattern sequences: run by graph-match with cycles=unique_edges or all (how cycles=none counts the shared nodes is not documented)',
    );
  if (!node.ProjectClause) throw unsupported(node, ctx, 'graph pattern without project');
  const variables: PatternVariable[] = [];
  // "Multiple comma delimited sequences are used to express nonlinear patterns. To describe the
  // connection between different sequences they have to share one or more variable name of a node"
  // (graph-match page): a node variable named again in a later sequence is the same node.
  const sequences: GraphSequence[] = patterns.map((pattern: any, p: number) => {
    const elements = list(pattern.PatternElements);
    if (elements.length < 3 || elements.length % 2 === 0) throw unsupported(node, ctx, 'graph pattern shape');
    const sequence: GraphSequence = { steps: [], variables: [] };
    const own = new Set<string>();
    elements.forEach((element: any, i: number) => {
      const isNode = kindName(element) === 'GraphMatchPatternNode';
      if (isNode !== (i % 2 === 0)) throw unsupported(element, ctx, 'graph pattern shape');
      const name = element.Name ? String(element.Name.SimpleName) : `\u0001${p}.${i}`;
      const earlier = variables.findIndex((v) => v.name === name);
      if (own.has(name) || (earlier >= 0 && !(isNode && variables[earlier].node)))
        throw unsupported(
          element,
          ctx,
          'a repeated graph pattern variable',
          `graph pattern variable '${name}' named twice (cycles in patterns are not documented)`,
        );
      own.add(name);
      if (earlier >= 0) {
        sequence.variables.push(earlier);
        return;
      }
      sequence.variables.push(variables.length);
      if (isNode) {
        variables.push({ name, node: true, variableLength: false });
        return;
      }
      const first = String(element.FirstToken?.Text ?? '');
      const last = String(element.LastToken?.Text ?? first);
      const direction = first.startsWith('<') ? 'left' : last.endsWith('>') ? 'right' : 'any';
      let [min, max] = [1, 1];
      if (element.Range) {
        min = Number(element.Range.RangeStart?.LiteralValue);
        max = Number(element.Range.RangeEnd?.LiteralValue);
        if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min || max > 20)
          throw unsupported(
            element.Range,
            ctx,
            'graph edge range',
            'graph edge range: only literal ranges 1 <= min <= max <= 20 are run',
          );
      }
      variables.push({ name, node: false, variableLength: Boolean(element.Range) });
      sequence.steps.push({ direction, min, max, variableLength: Boolean(element.Range) });
    });
    return sequence;
  });
  // "Only single connected component patterns are supported": each sequence meets an earlier one.
  if (
    !sequences.every(
      (q, k) =>
        k === 0 ||
        q.variables.some((v: number) => sequences.slice(0, k).some((e) => e.variables.includes(v))),
    )
  )
    throw unsupported(
      node,
      ctx,
      'graph pattern sequences',
      'graph pattern sequences that share no node variable with an earlier one',
    );
  const steps = sequences[0].steps;
  if (mode !== 'match' && (steps.length !== 1 || !variables[1].variableLength))
    throw unsupported(
      node,
      ctx,
      'graph-shortest-paths pattern',
      'graph-shortest-paths: only a (node)-[edge*min..max]-(node) pattern is run',
    );
  if (mode !== 'match' && steps[0].min !== 1)
    throw unsupported(
      node,
      ctx,
      'graph-shortest-paths range',
      'graph-shortest-paths: a minimum length above 1 (whether a shorter path hides a longer one is not documented)',
    );

  const edgeSchema = graph.edges.schema;
  const bindings: Column[] = [];
  const offsets = new Map<string, number>();
  for (const v of variables) {
    offsets.set(v.name, bindings.length);
    const props = v.node ? graph.nodeSchema : edgeSchema;
    for (const c of props)
      bindings.push({ name: bindingName(v.name, c.name), type: v.variableLength ? 'dynamic' : c.type });
    // A node variable's in- and out-degree follow its properties (execute/graph.ts fills them).
    if (v.node)
      bindings.push(
        { name: bindingName(v.name, '\u0002in'), type: 'long' },
        { name: bindingName(v.name, '\u0002out'), type: 'long' },
      );
  }
  const propertyIndex = (variable: string) => {
    const v = variables.find((x) => x.name === variable);
    const props = v?.node ? graph.nodeSchema : edgeSchema;
    return (property: string) => {
      const k = props.findIndex((c) => c.name === property);
      if (!v || k < 0)
        throw unsupported(
          node,
          ctx,
          `graph property ${variable}.${property}`,
          `graph property ${variable}.${property}: not a column of the graph's ${v?.node ? 'node' : 'edge'} tables`,
        );
      return (offsets.get(variable) as number) + k;
    };
  };
  const elements: GraphElementCall[] = [];
  const row: RowContext = {
    schema: bindings,
    stateColumns: new Map(variables.map((v) => [v.name, propertyIndex(v.name)])),
    graphElements: (call: any, mode: 'map' | 'all' | 'any') => {
      const element = lowerElementCall(call, mode, variables, graph, ctx);
      elements.push(element);
      bindings.push({ name: `\u0003${elements.length}`, type: mode === 'map' ? 'dynamic' : 'bool' });
      return { kind: 'column', index: bindings.length - 1, type: mode === 'map' ? 'dynamic' : 'bool' };
    },
    // node_degree_in/out(node): "the number of incoming edges" / "outgoing edges" of the node in
    // the graph (node-degree-in and node-degree-out pages), whatever the pattern matched.
    graphDegree: (call: any, direction: 'in' | 'out') => {
      const args = list(call.ArgumentList.Expressions).map((a: any) => a.Element ?? a);
      const v = args.length === 1 ? variables.find((x) => x.name === args[0]?.SimpleName) : undefined;
      if (!v?.node || kindName(args[0]) !== 'NameReference')
        throw unsupported(
          call,
          ctx,
          `node_degree_${direction}()`,
          `node_degree_${direction}(): only node_degree_${direction}(nodeVariable) is run`,
        );
      const index = (offsets.get(v.name) as number) + graph.nodeSchema.length + (direction === 'in' ? 0 : 1);
      return { kind: 'column', index, type: 'long' };
    },
  };
  const elementsStart = bindings.length;
  const predicate = node.WhereClause ? lowerScalar(node.WhereClause.Condition, row, ctx) : undefined;
  // The path variable's properties, and what map()/all()/any() compute over its edges or inner nodes.
  const readsPath = (expr: ScalarExpr) =>
    readsVariable(expr, offsets.get(variables[1].name) as number, edgeSchema.length) ||
    elements.some((e, k) => e.variable === 1 && readsVariable(expr, elementsStart + k, 1));
  if (predicate && mode !== 'match' && readsPath(predicate))
    throw unsupported(
      node.WhereClause,
      ctx,
      'graph-shortest-paths where on the path',
      'graph-shortest-paths: a where over the path edges (whether paths are filtered before or after choosing the shortest is not documented)',
    );
  const names = boundSchema(node).map((c) => c.name);
  const items = list(node.ProjectClause.Expressions).map((e: any) => e.Element ?? e);
  if (names.length !== items.length) throw unsupported(node.ProjectClause, ctx, 'graph project');
  // Lowered before the plan is made: a map() in the project adds its binding column.
  const outputs = items.map((item: any, i: number) => ({
    name: names[i],
    expr: lowerScalar(kindName(item) === 'SimpleNamedExpression' ? item.Expression : item, row, ctx),
  }));
  const matches: Plan = {
    op: 'graph',
    ...graph,
    query: {
      kind: mode,
      steps,
      predicate,
      cycles,
      ...(sequences.length > 1 ? { sequences } : {}),
      ...(elements.length > 0 ? { elements } : {}),
    },
    schema: bindings,
    span: spanOf(node, ctx),
  };
  return project(matches, outputs);
}

/**
 * `map|all|any(e, body)` or `map|all|any(inner_nodes(e), body)` with `e` a variable-length edge: the
 * body reads one edge's or inner node's properties by name ("A property is referenced using the
 * property name directly. The expression is evaluated for each edge/inner node in the variable length
 * edge": map, all and any graph function pages; inner_nodes "can only be used as the first parameter").
 */
function lowerElementCall(
  call: any,
  mode: 'map' | 'all' | 'any',
  variables: PatternVariable[],
  graph: GraphSource,
  ctx: LowerContext,
): GraphElementCall {
  const [target, body] = list(call.ArgumentList.Expressions).map((a: any) => a.Element ?? a);
  const inner = kindName(target) === 'FunctionCallExpression' && calledName(target) === 'inner_nodes';
  const edge = inner ? list(target.ArgumentList.Expressions).map((a: any) => a.Element ?? a)[0] : target;
  const variable =
    kindName(edge) === 'NameReference' ? variables.findIndex((v) => v.name === String(edge.SimpleName)) : -1;
  if (variable < 0 || !variables[variable].variableLength || !body)
    throw unsupported(
      call,
      ctx,
      `${mode}()`,
      `${mode}(): only ${mode}(edge, expression) and ${mode}(inner_nodes(edge), expression) of a variable-length edge of the pattern are run`,
    );
  const schema = inner ? graph.nodeSchema : graph.edges.schema;
  return { variable, scope: inner ? 'inner_nodes' : 'edges', mode, body: lowerScalar(body, { schema }, ctx) };
}

/** Whether an expression reads a column in [start, start + width). */
function readsVariable(expr: ScalarExpr, start: number, width: number): boolean {
  switch (expr.kind) {
    case 'column':
      return expr.index >= start && expr.index < start + width;
    case 'call':
      return expr.args.some((a) => readsVariable(a, start, width));
    case 'element':
      return readsVariable(expr.target, start, width) || readsVariable(expr.key, start, width);
    case 'component':
      return readsVariable(expr.target, start, width);
    default:
      return false;
  }
}
