import { loadCatalog } from '../src/kql/catalog.js';
import { analyze } from '../src/kql/syntax/index.js';
const catalog = loadCatalog('/tmp/empty-root');
const { code } = analyze(process.argv[2], catalog);
const walk = (n: any, d: number) => {
  if (!n) return;
  const kind = String(n.Kind ?? '');
  if (d < 8) console.log(' '.repeat(d * 2) + (n.constructor?.name ?? '?') + ' ' + kind + ' ' + String(n.ToString?.() ?? '').slice(0, 50).replace(/\n/g, ' '));
  for (let i = 0; i < (n.ChildCount ?? 0); i++) walk(n.GetChild(i), d + 1);
};
walk(code.Syntax, 0);
