import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { HttpError, type Router, sendJson } from '../server/http.js';
import type { LocalSoc } from '../soc.js';

const require = createRequire(import.meta.url);

/**
 * The KQL console's editor: Monaco with @kusto/monaco-kusto (Kusto.Language's completion, colouring and
 * diagnostics, the editor the Azure portal's Logs blade uses), served from node_modules as the packages
 * ship it, in the AMD layout monaco-kusto documents (its copyMonacoFilesAMD script): Monaco's `min/vs`
 * with monaco-kusto's `release/min` as `vs/language/kusto`. The prebuilt AMD files need no bundler and
 * no network; the page loads `vs/loader.js` and the rest loads through it, workers included.
 */
const roots: [prefix: string, dir: string][] = [
  [
    'vs/language/kusto/',
    join(dirname(require.resolve('@kusto/monaco-kusto/package.json')), 'release', 'min'),
  ],
  ['vs/', join(dirname(require.resolve('monaco-editor/package.json')), 'min', 'vs')],
];

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
};

/** The file a request names, or undefined: plain relative paths of a served type only, never `..`. */
export function assetFile(path: string): { file: string; type: string } | undefined {
  if (!/^[\w.-]+(\/[\w.-]+)*$/.test(path) || path.split('/').some((part) => part.startsWith('.')))
    return undefined;
  const type = types[path.slice(path.lastIndexOf('.'))];
  const root = roots.find(([prefix]) => path.startsWith(prefix));
  if (!type || !root) return undefined;
  const file = join(root[1], path.slice(root[0].length));
  return file.startsWith(root[1] + sep) ? { file, type } : undefined;
}

/**
 * The workspace as monaco-kusto's `setSchema` takes it (an Engine schema, its `schema.ts`): the tables
 * that hold data, as the portal lists the workspace's tables, and the workspace functions (parsers).
 */
function editorSchema(soc: LocalSoc) {
  const tables = Object.keys(soc.workspace.counts())
    .sort()
    .flatMap((name) => {
      const table = soc.catalog.tables.get(name);
      return table
        ? [{ name, entityType: 'Table', columns: table.columns.map((c) => ({ name: c.name, type: c.type })) }]
        : [];
    });
  const functions = [...soc.catalog.functions.values()].map((f) => ({
    name: f.name,
    body: f.body,
    docstring: f.description,
    inputParameters: f.parameters.map((p) =>
      p.type === 'table'
        ? { name: p.name, columns: [] }
        : { name: p.name, type: p.type, cslType: p.type, cslDefaultValue: p.default },
    ),
  }));
  const database = {
    name: soc.incidents.workspace.workspaceName,
    tables,
    functions,
    entityGroups: [],
    majorVersion: 1,
    minorVersion: 0,
  };
  return {
    clusterType: 'Engine',
    cluster: { connectionString: soc.apiUrl, databases: [database] },
    database,
  };
}

export function addEditorRoutes(router: Router, soc: LocalSoc): void {
  router.add('GET', '/api/schema', ({ response }) => sendJson(response, 200, editorSchema(soc)));
  router.add('GET', '/editor/*', async ({ response, params }) => {
    const asset = assetFile(params['*']);
    const body = asset && (await readFile(asset.file).catch(() => undefined));
    if (!asset || !body) throw new HttpError(404, 'NotFound', 'no such editor file');
    // The packages' files change only with their versions; the page may keep them for a day.
    response
      .writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' })
      .end(body);
  });
}
