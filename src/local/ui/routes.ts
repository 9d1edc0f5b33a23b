import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { tableToRecords } from '../../kql/index.js';
import { QueryRejectedError } from '../../kql/worker/runner.js';
import { loadMitre } from '../../rules/mitre.js';
import { coverageMatrix } from '../reports/coverage.js';
import { slaReport } from '../reports/sla.js';
import { HttpError, type Router, readJson, sendJson } from '../server/http.js';
import { abandonedSignal, queryHttpError } from '../server/query-limits.js';
import type { LocalSoc } from '../soc.js';
import { addContentRoutes } from './content-routes.js';
import { addEditorRoutes } from './editor-routes.js';
import { addOperationsRoutes } from './operations-routes.js';
import { indexHtml, pageContentSecurityPolicy, pageCss } from './page.js';

const clientEntry = fileURLToPath(new URL('./client/app.ts', import.meta.url));

let bundle: Promise<string> | undefined;

/** The browser code, bundled once per process from TypeScript (no build step before `npm start`). */
function clientBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [clientEntry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
  }).then((result) => result.outputFiles[0].text);
  return bundle;
}

/** Line and column (1-based) of an offset in a query, for errors shown under the editor. */
function position(query: string, offset: number): { line: number; column: number } {
  const before = query.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

export function addUiRoutes(router: Router, soc: LocalSoc): void {
  const mitre = loadMitre(join(soc.options.root, 'kql', 'mitre', 'attack-enterprise.json'));

  router.add('GET', '/', ({ response }) => {
    response
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': pageContentSecurityPolicy,
      })
      .end(indexHtml);
  });
  router.add('GET', '/app.css', ({ response }) => {
    response.writeHead(200, { 'content-type': 'text/css; charset=utf-8' }).end(pageCss);
  });
  router.add('GET', '/app.js', async ({ response }) => {
    response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(await clientBundle());
  });

  addOperationsRoutes(router, soc);
  addEditorRoutes(router, soc);
  addContentRoutes(router, soc);

  router.add('GET', '/api/status', ({ response }) => {
    sendJson(response, 200, {
      now: soc.clock.iso(),
      speed: soc.clock.speed,
      tables: soc.workspace.counts(),
      timers: soc.functions.timers.map(({ name, lastRun, lastError, runs }) => ({
        name,
        lastRun,
        lastError,
        runs,
      })),
      apiUrl: soc.apiUrl,
    });
  });

  router.add('GET', '/api/incidents', ({ response }) => {
    sendJson(
      response,
      200,
      soc.incidents.list().map(({ name, properties: p }) => ({
        name,
        number: p.incidentNumber,
        title: p.title,
        severity: p.severity,
        status: p.status,
        owner: p.owner.assignedTo ?? '',
        alerts: p.additionalData.alertsCount,
        created: p.createdTimeUtc,
        labels: p.labels.map((l) => l.labelName),
      })),
    );
  });

  router.add('GET', '/api/incidents/:name', ({ response, params }) => {
    const incident = soc.incidents.get(params.name);
    if (!incident) throw new HttpError(404, 'NotFound', `no incident ${params.name}`);
    const alertIds = new Set(incident.properties.additionalData.alertIds);
    const alerts = tableToRecords(soc.workspace.table('SecurityAlert') ?? { columns: [], rows: [] })
      .filter((row) => alertIds.has(String(row.SystemAlertId)))
      .map((row) => ({
        id: row.SystemAlertId,
        name: row.AlertName,
        severity: row.AlertSeverity,
        time: row.TimeGenerated,
        description: row.Description,
      }));
    const timeline = [
      ...soc.incidents.activityOf(incident.name).map((a) => ({
        at: a.at,
        kind: 'automation',
        text: `${a.actor}: ${a.action} (${a.outcome})${a.detail ? ` — ${a.detail}` : ''}`,
      })),
      ...soc.incidents
        .commentsOf(incident.name)
        .map((c) => ({ at: c.properties.createdTimeUtc, kind: 'comment', text: c.properties.message })),
      ...soc.incidents.tasksOf(incident.name).map((t) => ({
        at: t.properties.createdTimeUtc,
        kind: 'task',
        text: `${t.properties.title} [${t.properties.status}]`,
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    sendJson(response, 200, { incident, alerts, timeline });
  });

  // The analyst's side of the SLA: acknowledging (Active) and closing with a classification, as in
  // the Sentinel portal. Changes go through the incident store, so "incident updated" automation runs.
  router.add('POST', '/api/incidents/:name/status', async ({ request, response, params }) => {
    const incident = soc.incidents.get(params.name);
    if (!incident) throw new HttpError(404, 'NotFound', `no incident ${params.name}`);
    const body = (await readJson(request, 10_000)) as { status?: unknown; classification?: unknown };
    const classifications = ['TruePositive', 'BenignPositive', 'FalsePositive', 'Undetermined'];
    if (body?.status === 'Active') {
      // The analyst's change: "Updated by" a user.
      soc.incidents.update(incident.name, { status: 'Active' }, soc.clock.iso(), undefined, 'User');
    } else if (body?.status === 'Closed' && classifications.includes(String(body.classification))) {
      soc.incidents.update(
        incident.name,
        { status: 'Closed', classification: String(body.classification) },
        soc.clock.iso(),
        undefined,
        'User',
      );
    } else {
      throw new HttpError(
        400,
        'BadRequest',
        `status must be Active, or Closed with a classification (${classifications.join(', ')})`,
      );
    }
    sendJson(response, 200, soc.incidents.get(incident.name));
  });

  router.add('POST', '/api/query', async ({ request, response }) => {
    const body = (await readJson(request, 100_000)) as { query?: unknown };
    const query = typeof body?.query === 'string' ? body.query : '';
    try {
      const result = await soc.queries.run(query, soc.clock.ticks(), abandonedSignal(response));
      const names = result.columns.map((c) => c.name);
      sendJson(response, 200, {
        columns: result.columns,
        rows: result.rows.slice(0, 1000).map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]]))),
        total: result.rows.length,
        visualization: result.visualization ?? null,
      });
    } catch (error) {
      const diagnostics =
        error instanceof QueryRejectedError && error.diagnostics.length > 0
          ? error.diagnostics.map((d) => ({ ...position(query, d.start), message: d.message, code: d.code }))
          : [{ line: 1, column: 1, message: queryHttpError(error, 'error').message, code: 'error' }];
      sendJson(response, 400, { diagnostics });
    }
  });

  router.add('GET', '/api/rules', ({ response }) => {
    const perDay = tableToRecords(
      soc.workspace.query(
        'SecurityAlert | summarize Alerts = count() by AlertType, Day = bin(TimeGenerated, 1d) | order by Day asc',
        soc.clock.ticks(),
      ),
    );
    sendJson(
      response,
      200,
      soc.scheduler.health().map((h) => ({
        ...h,
        maxAlertsPerDay: soc.rules.find((r) => r.id === h.id)?.maxAlertsPerDay ?? null,
        alertsPerDay: perDay
          .filter((r) => r.AlertType === h.id)
          .map((r) => ({ day: r.Day, alerts: r.Alerts })),
      })),
    );
  });

  router.add('GET', '/api/sla', ({ response }) => {
    sendJson(response, 200, slaReport(soc.workspace, soc.clock.ticks()));
  });

  router.add('GET', '/api/coverage', ({ response }) => {
    sendJson(response, 200, coverageMatrix(soc.rules, mitre));
  });

  router.add('GET', '/api/sandbox', ({ response }) => {
    sendJson(response, 200, soc.sandboxCalls);
  });

  router.add('GET', '/api/attacks', ({ response }) => {
    sendJson(
      response,
      200,
      soc.attacks.map(({ id, ruleName, caseName }) => ({ id, ruleName, caseName })),
    );
  });

  router.add('POST', '/api/attacks/inject', async ({ request, response }) => {
    const body = (await readJson(request, 10_000)) as { id?: unknown };
    if (typeof body?.id !== 'string') throw new HttpError(400, 'BadRequest', 'give the scenario id');
    if (!soc.attacks.some((a) => a.id === body.id))
      throw new HttpError(404, 'NotFound', 'no attack scenario with that id (see GET /api/attacks)');
    const rows = await soc.inject(body.id);
    sendJson(response, 200, { rows });
  });
}
