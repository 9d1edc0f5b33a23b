// npm run build:cli runs this after bundling: it checks the repository's own analytics rules and
// hunting queries as `validate` does (binding the parsers they call), then writes the V8 code caches of Kusto.Language's two
// scripts, as compiled by then, into dist/cli, where the bundled CLI's threads load them
// (src/kql/syntax/kusto.ts). A cache holds the bytecode of every function the warm-up ran, so a
// thread neither compiles the 5 MB of JavaScript nor those functions again.
// Usage: npx tsx scripts/kusto-code-cache.ts [outdir]   (default dist/cli)
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../src/kql/catalog.js';
import { writeKustoCodeCache } from '../src/kql/syntax/kusto.js';
import { findRuleFiles } from '../src/rules/load.js';
import { checkFiles } from '../src/rules/validate/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? join(root, 'dist', 'cli');
const catalog = loadCatalog(root);
const rules = findRuleFiles([join(root, 'kql', 'rules'), join(root, 'kql', 'hunting')]);
if (rules.length === 0) throw new Error(`no rules under ${join(root, 'kql')} to warm up with`);
checkFiles(rules, { catalog, compareWithGit: false });
const written = writeKustoCodeCache(out);
if (written.length === 0) throw new Error('Kusto.Language was loaded before this script could compile it');
