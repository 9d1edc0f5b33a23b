import { loadCatalog } from '../src/kql/catalog.js';
import { analyze } from '../src/kql/syntax/index.js';
import { kindName } from '../src/kql/lower/context.js';
const catalog = loadCatalog('/tmp/empty-root');
const { code } = analyze(process.argv[2], catalog);
let found: any;
const walk = (n: any) => { if (!n) return; if (kindName(n) === 'PartitionOperator') found = n; for (let i = 0; i < (n.ChildCount ?? 0); i++) walk(n.GetChild(i)); };
walk(code.Syntax);
for (const p of ['ByExpression', 'Operand', 'Parameters', 'Subquery', 'Expression', 'ByKeyword']) {
  const v = found?.[p]; console.log(p, v ? kindName(v) : v, v?.ToString?.());
}
const op = found.Operand; for (const p of ['Expression', 'Subquery', 'Query', 'OpenParen']) console.log(' operand.' + p, op?.[p] ? kindName(op[p]) : undefined);
