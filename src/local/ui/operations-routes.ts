import { tableToRecords } from '../../kql/index.js';
import { dateToTicks } from '../../kql/values/index.js';
import { runbookPath } from '../../operations/docs.js';
import { ruleNoiseReport } from '../../operations/noise.js';
import { QA_LABEL } from '../../operations/qa.js';
import { tierOfOwner } from '../../operations/routing.js';
import { buildRunbooks } from '../../operations/runbooks.js';
import { breachLabel, slaState } from '../../operations/sla.js';
import { slaByTierQuery } from '../../operations/workbooks.js';
import { HttpError, type Router, sendJson } from '../server/http.js';
import type { LocalSoc } from '../soc.js';

const NOISE_DAYS = 30;

/**
 * SOC operations in the local UI, read-only (GET): tiers, SLA clocks of open incidents, the QA queue, the
 * noisy-rules report, chart series, and the runbook site.
 */
export function addOperationsRoutes(router: Router, soc: LocalSoc): void {
  let runbooks: Map<string, string> | undefined;

  router.add('GET', '/api/operations', ({ response }) => {
    const config = soc.operations;
    if (!config) throw new HttpError(404, 'NotFound', 'no valid kql/operations.yaml: SOC operations are off');
    const { model } = config;
    const now = soc.clock.date().getTime();
    const incidents = soc.incidents.list().map(({ name, properties: p }) => {
      const labels = p.labels.map((l) => l.labelName);
      const sla = slaState(model, p, now);
      return {
        name,
        number: p.incidentNumber,
        title: p.title,
        severity: p.severity,
        status: p.status,
        classification: p.classification ?? '',
        tier: tierOfOwner(model, p.owner)?.name ?? '',
        acknowledgeBy: sla.acknowledgeBy === undefined ? null : new Date(sla.acknowledgeBy).toISOString(),
        closeBy: sla.closeBy === undefined ? null : new Date(sla.closeBy).toISOString(),
        breaches: sla.breaches,
        escalated: (['acknowledge', 'close'] as const).filter((b) => labels.includes(breachLabel(b))),
        qa: labels.includes(QA_LABEL),
        runbook: p.relatedAnalyticRuleIds[0] ? `/docs/${runbookPath(p.relatedAnalyticRuleIds[0])}` : null,
      };
    });
    sendJson(response, 200, {
      now: soc.clock.iso(),
      tiers: model.tiers.map((t) => ({
        name: t.name,
        description: t.description ?? '',
        channel: t.teams?.channel ?? '',
      })),
      sla: model.sla,
      open: incidents.filter((i) => i.status !== 'Closed'),
      qaQueue: incidents.filter((i) => i.qa),
      escalations: incidents.filter((i) => i.escalated.length > 0).length,
    });
  });

  router.add('GET', '/api/noise', async ({ response }) => {
    const now = soc.clock.ticks();
    const report = await ruleNoiseReport(
      async (kql) => tableToRecords(soc.workspace.query(kql, now)),
      soc.rules,
      NOISE_DAYS,
    );
    sendJson(response, 200, report);
  });

  // Series for the charts, each computed in KQL over the local workspace.
  router.add('GET', '/api/charts', ({ response }) => {
    const now = soc.clock.ticks();
    const query = (kql: string) => tableToRecords(soc.workspace.query(kql, now));
    sendJson(response, 200, {
      incidentsBySeverity: query(`SecurityIncident
| summarize arg_max(TimeGenerated, Severity, CreatedTime) by IncidentName
| summarize Incidents = count() by Hour = bin(CreatedTime, 1h), Severity
| order by Hour asc`),
      alertsPerRule: query(`SecurityAlert
| summarize Alerts = count() by AlertType, Day = bin(TimeGenerated, 1d)
| order by Day asc`),
      budgets: soc.rules.map((r) => ({ id: r.id, name: r.name, maxAlertsPerDay: r.maxAlertsPerDay ?? null })),
      clock: String(dateToTicks(soc.clock.date())),
    });
  });

  // The SLA workbook's per-tier query, per simulated hour: the local clock runs hours in minutes.
  router.add('GET', '/api/sla/tiers', ({ response }) => {
    const periods = soc.operations
      ? tableToRecords(soc.workspace.query(slaByTierQuery(soc.operations.model, '1h'), soc.clock.ticks()))
      : null;
    sendJson(response, 200, periods);
  });

  router.add('GET', '/docs/rules/:page', ({ response, params }) => {
    runbooks ??= buildRunbooks(soc.options.root).site;
    const html = runbooks.get(`rules/${params.page}`);
    if (!html) throw new HttpError(404, 'NotFound', `no runbook ${params.page}`);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  router.add('GET', '/docs/index.html', ({ response }) => {
    runbooks ??= buildRunbooks(soc.options.root).site;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(runbooks.get('index.html'));
  });
}
