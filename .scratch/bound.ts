import { loadCatalog } from '../src/kql/catalog.js';
import { analyze } from '../src/kql/syntax/index.js';
import { resultSchema } from '../src/kql/syntax/index.js';
const catalog = loadCatalog('/tmp/empty-root');
const q = process.argv[2];
const { code, diagnostics } = analyze(q, catalog);
console.log(diagnostics.map((d) => d.code + ' ' + d.message));
console.log(JSON.stringify((resultSchema as any)(code)));
