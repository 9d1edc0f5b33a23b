import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogOf } from '../../../src/kql/catalog.js';
import { planQuery, runPlan, type Table, type Value } from '../../../src/kql/index.js';
import { NOW } from './helpers.js';

// graph-match over make-graph's edges (graph-match page; execute/graph.ts) against the same question
// written as joins: a one-edge pattern is every edge, a two-edge pattern every pair of edges meeting at
// a node. Edges go from a lower to a higher node number, so no match revisits a node (where the joins
// would also keep what graph-match's cycles option drops) and the two formulations must agree.

const catalog = catalogOf([
  {
    name: 'E',
    columns: [
      { name: 's', type: 'string' },
      { name: 't', type: 'string' },
      { name: 'w', type: 'long' },
    ],
  },
]);

const edges = fc
  .array(
    fc
      .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 9 }))
      .filter(([a, b]) => a < b),
    { maxLength: 25 },
  )
  .map((list) => list.map(([a, b, w]): Value[] => [`n${a}`, `n${b}`, w]));

function answer(query: string, data: Value[][]): string[] {
  const table: Table = { columns: catalog.tables.get('E')?.columns ?? [], rows: data };
  const result = runPlan(planQuery(query, catalog), { catalog, tables: new Map([['E', table]]), now: NOW });
  return result.rows.map((r) => JSON.stringify(r)).sort();
}

describe('graph-match', () => {
  it('matches one edge as every edge', () => {
    const graph = `E | make-graph s --> t with_node_id=id
      | graph-match (a)-[e]->(b) project a = a.id, b = b.id, w = e.w`;
    const table = 'E | project a = s, b = t, w';
    fc.assert(
      fc.property(edges, (data) => {
        expect(answer(graph, data)).toEqual(answer(table, data));
      }),
      { numRuns: 100 },
    );
  });

  it('matches a two-edge chain as a join at the middle node', () => {
    const graph = `E | make-graph s --> t with_node_id=id
      | graph-match (x)-[e1]->(y)-[e2]->(z) where e1.w > 2 project x = x.id, y = y.id, z = z.id, w1 = e1.w, w2 = e2.w`;
    const join = `E | where w > 2 | project x = s, y = t, w1 = w
      | join kind=inner (E | project y = s, z = t, w2 = w) on y
      | project x, y, z, w1, w2`;
    fc.assert(
      fc.property(edges, (data) => {
        expect(answer(graph, data)).toEqual(answer(join, data));
      }),
      { numRuns: 100 },
    );
  });

  it('reads a right-to-left variable-length edge from its left node, as the reversed chain', () => {
    const graph = `E | make-graph s --> t with_node_id=id
      | graph-match (z)<-[p*2..2]-(x) project x = x.id, z = z.id, ws = map(p, w)`;
    const join = `E | project x = s, y = t, w1 = w
      | join kind=inner (E | project y = s, z = t, w2 = w) on y
      | project x, z, ws = pack_array(w2, w1)`;
    fc.assert(
      fc.property(edges, (data) => {
        expect(answer(graph, data)).toEqual(answer(join, data));
      }),
      { numRuns: 100 },
    );
  });
});
