import { loadCatalog } from '../src/kql/catalog.js';
import { runQuery } from '../src/kql/index.js';
const catalog = loadCatalog('/tmp/empty-root');
const q = process.argv[2];
try { const t = runQuery(q, { catalog, tables: new Map() }); console.log(JSON.stringify(t.columns), JSON.stringify(t.rows)); }
catch (e: any) { console.log('ERR', e.message); }
