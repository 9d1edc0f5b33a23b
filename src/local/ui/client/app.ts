// Browser code for the local SOC UI: hash routes, each rendering from the local JSON API.
// Values from data are only ever set as text, never as HTML.
// Type-only imports of server modules are erased by the bundler: the page ships none of their code.
import type { RuleHealth } from '../../detection/scheduler.js';
import { type ChartKind, chart, releaseCharts } from './charts.js';
import { detectionsPage } from './content.js';
import { countdownText } from './countdown.js';
import { type KustoEditor, kustoEditor } from './editor.js';
import { type ChartShape, renderedChart } from './render-data.js';

type Child = Node | string | number | null | undefined;

function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value);
  for (const child of children) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`/api/${path}`, init);
  const body = await response.json();
  if (!response.ok && !('diagnostics' in body)) throw new Error(body?.error?.message ?? response.statusText);
  return body as T;
}

function table(columns: string[], rows: Child[][], caption?: string): HTMLElement {
  return h(
    'table',
    {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell) => h('td', {}, cell))))),
  );
}

function show(...children: Child[]): void {
  const main = document.getElementById('main') as HTMLElement;
  releaseCharts(main);
  main.replaceChildren(
    ...children.flatMap((child) =>
      child === null || child === undefined ? [] : [child instanceof Node ? child : String(child)],
    ),
  );
}

function announce(text: string): void {
  (document.getElementById('status') as HTMLElement).textContent = text;
}

interface IncidentSummary {
  name: string;
  number: number;
  title: string;
  severity: string;
  status: string;
  owner: string;
  alerts: number;
  created: string;
  labels: string[];
}

async function incidentsPage(): Promise<void> {
  const incidents = await api<IncidentSummary[]>('incidents');
  show(
    h('h1', {}, 'Incidents'),
    incidents.length === 0
      ? h('p', {}, 'No incidents yet. Rules run on the simulated clock; inject an attack to see one.')
      : table(
          ['#', 'Title', 'Severity', 'Status', 'Owner', 'Alerts', 'Created', 'Labels'],
          incidents.map((i) => [
            i.number,
            h('a', { href: `#/incidents/${i.name}`, 'data-incident': String(i.number) }, i.title),
            h('span', { class: `sev-${i.severity}` }, i.severity),
            i.status,
            i.owner,
            i.alerts,
            i.created,
            i.labels.join(', '),
          ]),
        ),
  );
}

interface IncidentDetail {
  incident: {
    name: string;
    properties: {
      incidentNumber: number;
      title: string;
      description: string;
      severity: string;
      status: string;
      owner: { assignedTo?: string };
      labels: { labelName: string }[];
      relatedEntities: { kind: string; properties: Record<string, unknown> }[];
      relatedAnalyticRuleIds: string[];
    };
  };
  alerts: { id: string; name: string; severity: string; time: string; description: string }[];
  timeline: { at: string; kind: string; text: string }[];
}

async function incidentPage(name: string): Promise<void> {
  const { incident, alerts, timeline } = await api<IncidentDetail>(`incidents/${encodeURIComponent(name)}`);
  const p = incident.properties;
  show(
    h('h1', {}, `Incident ${p.incidentNumber}: ${p.title}`),
    h(
      'p',
      {},
      h('span', { class: `sev-${p.severity}` }, p.severity),
      ` · ${p.status} · owner: ${p.owner.assignedTo ?? 'unassigned'} · labels: ${p.labels.map((l) => l.labelName).join(', ') || 'none'}`,
    ),
    h('p', {}, p.description),
    statusControls(incident.name, p.status),
    h('h2', {}, 'Alerts'),
    table(
      ['Time', 'Alert', 'Severity', 'Description'],
      alerts.map((a) => [a.time, a.name, a.severity, a.description]),
    ),
    ...p.relatedAnalyticRuleIds.map((id) =>
      h(
        'p',
        {},
        h('a', { href: `/docs/rules/${id.split('/').pop()?.toLowerCase()}.html` }, 'Runbook for this rule'),
      ),
    ),
    h('h2', {}, 'Entities'),
    table(
      ['Type', 'Identifiers', 'Pivot'],
      p.relatedEntities.map((e) => [
        e.kind,
        h(
          'dl',
          {},
          ...Object.entries(e.properties)
            .filter(([, v]) => v !== '' && v !== null && v !== undefined)
            .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, formatCell(v))]),
        ),
        pivotLink(e),
      ]),
    ),
    h('h2', {}, 'Timeline'),
    timeline.length === 0
      ? h('p', {}, 'No automation or comments yet.')
      : h(
          'ol',
          { class: 'timeline', 'aria-label': 'Automation actions and comments' },
          ...timeline.map((t) =>
            h(
              'li',
              { 'data-kind': t.kind },
              h('time', {}, t.at),
              ` [${t.kind}] `,
              h('pre', {}, plainText(t)),
            ),
          ),
        ),
  );
}

/** A KQL pivot on the entity's main identifier: alerts that carry it, in the query console. */
function pivotLink(entity: { kind: string; properties: Record<string, unknown> }): HTMLElement | string {
  const p = entity.properties;
  const value = String(
    p.address ??
      p.hostName ??
      (p.accountName && p.upnSuffix
        ? `${p.accountName}@${p.upnSuffix}`
        : (p.accountName ?? p.friendlyName ?? '')),
  );
  if (!value) return '';
  const literal = JSON.stringify(value);
  const query = `SecurityAlert\n| where Entities has ${literal}\n| project TimeGenerated, AlertName, AlertSeverity, SystemAlertId`;
  return h('a', { href: `#/query/${encodeURIComponent(query)}` }, `alerts with ${value}`);
}

function statusControls(name: string, status: string): HTMLElement {
  const post = async (body: Record<string, string>) => {
    await api(`incidents/${encodeURIComponent(name)}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    announce(`Incident ${body.status === 'Active' ? 'acknowledged' : 'closed'}.`);
    await incidentPage(name);
  };
  const acknowledge = h('button', { type: 'button' }, 'Acknowledge');
  acknowledge.addEventListener('click', () => void post({ status: 'Active' }));
  const classification = h('select', {
    id: 'classification',
    'aria-label': 'Classification',
  }) as HTMLSelectElement;
  for (const value of ['TruePositive', 'BenignPositive', 'FalsePositive', 'Undetermined']) {
    classification.append(h('option', { value }, value));
  }
  const close = h('button', { type: 'button' }, 'Close incident');
  close.addEventListener(
    'click',
    () => void post({ status: 'Closed', classification: classification.value }),
  );
  return h(
    'p',
    { class: 'actions' },
    status === 'New' ? acknowledge : null,
    status !== 'Closed' ? classification : null,
    status !== 'Closed' ? close : null,
  );
}

/** Incident comments are HTML (Sentinel renders it); parsing into an inert document and taking its text shows them safely. */
function plainText(entry: { kind: string; text: string }): string {
  if (entry.kind !== 'comment') return entry.text;
  const body = new DOMParser().parseFromString(entry.text, 'text/html').body;
  for (const block of body.querySelectorAll('p, li')) block.append('\n');
  return (body.textContent ?? '').trim();
}

interface QueryResult {
  columns?: { name: string; type: string }[];
  rows?: Record<string, unknown>[];
  total?: number;
  visualization?: { visualization: string; [property: string]: string | string[] } | null;
  diagnostics?: { line: number; column: number; message: string; code: string }[];
}

function queryPage(initial?: string): void {
  const editor = h('textarea', {
    id: 'kql',
    rows: '8',
    'aria-label': 'KQL query',
    spellcheck: 'false',
  }) as HTMLTextAreaElement;
  editor.value =
    initial ??
    'SecurityIncident\n| summarize arg_max(TimeGenerated, *) by IncidentName\n| project IncidentNumber, Title, Severity, Status';
  const output = h('div', { id: 'query-output', 'aria-live': 'polite' });
  const run = h('button', { type: 'submit' }, 'Run');
  const form = h(
    'form',
    {},
    h('label', { for: 'kql' }, 'KQL over the local workspace'),
    editor,
    run,
    output,
  ) as HTMLFormElement;
  // The textarea until Monaco has loaded (or for good, if it cannot).
  let kusto: KustoEditor | undefined;
  void kustoEditor(editor, () => form.requestSubmit()).then((loaded) => {
    kusto = loaded;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = await api<QueryResult>('query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: kusto?.getValue() ?? editor.value }),
    });
    if (result.diagnostics) {
      output.replaceChildren(
        h(
          'ul',
          { class: 'error' },
          ...result.diagnostics.map((d) => h('li', {}, `${d.line}:${d.column}: ${d.code}: ${d.message}`)),
        ),
      );
      return;
    }
    const columns = result.columns ?? [];
    releaseCharts(output);
    output.replaceChildren(
      ...(result.visualization ? [resultChart(columns, result.rows ?? [], result.visualization)] : []),
      h('p', {}, `${result.total} rows`),
      table(
        columns.map((c) => `${c.name} (${c.type})`),
        (result.rows ?? []).map((row) => columns.map((c) => formatCell(row[c.name]))),
      ),
    );
  });
  show(h('h1', {}, 'Query'), form);
}

const chartKinds: Record<ChartShape, { kind: ChartKind; horizontal?: boolean; area?: boolean }> = {
  line: { kind: 'line' },
  area: { kind: 'line', area: true },
  column: { kind: 'bar' },
  bar: { kind: 'bar', horizontal: true },
  pie: { kind: 'pie' },
};

/** The chart a query's `render` asked for, drawn above its rows. */
function resultChart(
  columns: { name: string; type: string }[],
  rows: Record<string, unknown>[],
  visualization: { visualization: string; [property: string]: string | string[] },
): HTMLElement {
  const drawn = renderedChart(columns, rows, visualization);
  if ('unsupported' in drawn)
    return h('p', { class: 'muted', 'data-render': 'table' }, `${drawn.unsupported}.`);
  const { kind, ...options } = chartKinds[drawn.shape];
  const figure = chart(
    drawn.title || `render ${visualization.visualization}`,
    kind,
    drawn.labels,
    drawn.shape === 'pie' ? drawn.series.slice(0, 1) : drawn.series,
    { ...options, stacked: drawn.stacked, height: 320, times: drawn.times },
  );
  figure.dataset.render = visualization.visualization;
  return figure;
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

type RuleHealthRow = RuleHealth & {
  maxAlertsPerDay: number | null;
  alertsPerDay: { day: string; alerts: number }[];
};

/** Alerts per day as a sparkline over every day any rule alerted, with the rule's budget dashed. */
function alertsSparkline(rule: RuleHealthRow, days: string[]): HTMLElement | string {
  if (rule.alertsPerDay.length === 0) return 'none';
  const perDay = new Map(rule.alertsPerDay.map((d) => [d.day, d.alerts]));
  const text = rule.alertsPerDay.map((d) => `${d.day.slice(0, 10)}: ${d.alerts}`).join('; ');
  const budget = rule.maxAlertsPerDay;
  return chart(
    `Alerts per day of ${rule.name}: ${text}${budget === null ? '' : `; budget ${budget} a day`}`,
    'line',
    days.map((d) => d.slice(0, 10)),
    [
      { label: 'alerts', data: days.map((d) => perDay.get(d) ?? 0) },
      ...(budget === null ? [] : [{ label: 'maxAlertsPerDay', data: days.map(() => budget), dashed: true }]),
    ],
    { compact: true, height: 48 },
  );
}

async function rulesPage(): Promise<void> {
  const rules = await api<RuleHealthRow[]>('rules');
  const days = [...new Set(rules.flatMap((r) => r.alertsPerDay.map((d) => d.day)))].sort();
  show(
    h('h1', {}, 'Rule health'),
    table(
      [
        'Rule',
        'Kind',
        'Last run',
        'Result rows',
        'Runs',
        'Alerts',
        'Alerts per day (dashed: budget)',
        'Last error',
      ],
      rules.map((r) => [
        r.name,
        r.kind,
        r.lastRun ?? 'not yet',
        r.lastResultRows ?? '',
        r.runs,
        r.alerts,
        alertsSparkline(r, days),
        r.lastError ? h('span', { class: 'error' }, r.lastError) : '',
      ]),
    ),
  );
}

/** Attainment and breaches per tier per hour, from the SLA workbook's query. */
function slaCharts(periods: SlaByTier): HTMLElement {
  if (periods === null) return h('p', { class: 'muted' }, 'No kql/operations.yaml: no SLA targets to chart.');
  if (periods.length === 0) return h('p', {}, 'No incident has closed or breached its SLA yet.');
  const hours = [...new Set(periods.map((p) => p.Period))].sort();
  const tiers = [...new Set(periods.map((p) => p.Tier))].sort();
  const series = (key: 'AttainmentPercent' | 'Breaches') =>
    tiers.map((tier) => ({
      label: tier,
      data: hours.map((hour) => {
        const row = periods.find((p) => p.Tier === tier && p.Period === hour);
        return row ? row[key] : key === 'Breaches' ? 0 : null;
      }),
    }));
  const labels = hours.map((x) => x.slice(0, 13));
  return h(
    'div',
    { class: 'charts' },
    chart(
      'SLA attainment per tier (% of decided incidents, by hour created)',
      'line',
      labels,
      series('AttainmentPercent'),
    ),
    chart('SLA breaches per tier (by hour created)', 'bar', labels, series('Breaches'), { stacked: true }),
  );
}

async function slaPage(): Promise<void> {
  const [rows, periods] = await Promise.all([
    api<Record<string, number | string | null>[]>('sla'),
    api<SlaByTier>('sla/tiers'),
  ]);
  const minutes = (v: unknown) => (typeof v === 'number' ? v.toFixed(1) : '—');
  show(
    h('h1', {}, 'SLA: time to acknowledge and to close'),
    slaCharts(periods),
    table(
      ['Severity', 'Incidents', 'Acknowledged', 'Closed', 'MTTA (min)', 'MTTR (min)'],
      rows.map((r) => [
        r.Severity,
        r.Incidents,
        r.Acknowledged,
        r.Closed,
        minutes(r.MttaMinutes),
        minutes(r.MttrMinutes),
      ]),
    ),
  );
}

interface OperationsIncident {
  name: string;
  number: number;
  title: string;
  severity: string;
  status: string;
  classification: string;
  tier: string;
  acknowledgeBy: string | null;
  closeBy: string | null;
  breaches: string[];
  escalated: string[];
  runbook: string | null;
}

interface Operations {
  now: string;
  tiers: { name: string; description: string; channel: string }[];
  open: OperationsIncident[];
  qaQueue: OperationsIncident[];
  escalations: number;
}

interface RuleNoiseRow {
  ruleId: string;
  name: string;
  incidents: number;
  closed: number;
  classifications: Record<string, number>;
  falsePositiveRate: number | null;
  medianHoursToClose: number | null;
  suggestions: string[];
}

interface ChartData {
  incidentsBySeverity: { Hour: string; Severity: string; Incidents: number }[];
  alertsPerRule: { AlertType: string; Day: string; Alerts: number }[];
  budgets: { id: string; name: string; maxAlertsPerDay: number | null }[];
}

/** SLA outcomes per tier and hour of creation; null without kql/operations.yaml. */
type SlaByTier =
  | { Tier: string; Period: string; Breaches: number; Met: number; AttainmentPercent: number }[]
  | null;

/** The SLA clock of a deadline, against the simulated now the server reported. */
function countdown(deadline: string | null, now: string, done: boolean): HTMLElement | string {
  if (!deadline) return '—';
  const { text, breached } = countdownText(deadline, now, done);
  return breached ? h('span', { class: 'breached' }, text) : text;
}

async function operationsPage(): Promise<void> {
  const [ops, noise, charts] = await Promise.all([
    api<Operations>('operations'),
    api<RuleNoiseRow[]>('noise'),
    api<ChartData>('charts'),
  ]);
  const hours = [...new Set(charts.incidentsBySeverity.map((r) => r.Hour))];
  const severities = ['High', 'Medium', 'Low', 'Informational'];
  const bySeverity = severities.map((severity) => ({
    label: severity,
    data: hours.map(
      (hour) =>
        charts.incidentsBySeverity.find((r) => r.Hour === hour && r.Severity === severity)?.Incidents ?? 0,
    ),
  }));
  const days = [...new Set(charts.alertsPerRule.map((r) => r.Day))];
  const ruleCharts = charts.budgets
    .filter((b) => charts.alertsPerRule.some((r) => r.AlertType === b.id))
    .map((b) => {
      const data = days.map(
        (day) => charts.alertsPerRule.find((r) => r.AlertType === b.id && r.Day === day)?.Alerts ?? 0,
      );
      const budget =
        b.maxAlertsPerDay === null
          ? []
          : [{ label: 'maxAlertsPerDay', data: days.map(() => b.maxAlertsPerDay ?? 0), dashed: true }];
      return chart(
        b.name,
        'line',
        days.map((d) => d.slice(0, 10)),
        [{ label: 'alerts', data }, ...budget],
        { height: 160 },
      );
    });
  const open = [...ops.open].sort((a, b) => (a.closeBy ?? '').localeCompare(b.closeBy ?? ''));
  show(
    h('h1', {}, 'SOC operations'),
    h('p', {}, `Simulated now ${ops.now}. ${ops.escalations} incidents escalated on an SLA breach.`),
    h('h2', {}, 'Tiers'),
    table(
      ['Tier', 'Role', 'Teams channel'],
      ops.tiers.map((t) => [t.name, t.description, t.channel]),
    ),
    h('h2', {}, 'Open incidents and their SLA clocks'),
    table(
      ['#', 'Title', 'Severity', 'Status', 'Tier', 'Acknowledge', 'Close', 'Escalated', 'Runbook'],
      open.map((i) => [
        i.number,
        h('a', { href: `#/incidents/${i.name}` }, i.title),
        h('span', { class: `sev-${i.severity}` }, i.severity),
        i.status,
        i.tier || 'unassigned',
        countdown(i.acknowledgeBy, ops.now, i.status !== 'New'),
        countdown(i.closeBy, ops.now, false),
        i.escalated.join(', '),
        i.runbook ? h('a', { href: i.runbook }, 'runbook') : '',
      ]),
      'SLA clocks',
    ),
    h('h2', {}, 'QA queue'),
    ops.qaQueue.length === 0
      ? h('p', {}, 'No closure sampled for QA yet.')
      : table(
          ['#', 'Title', 'Classification', 'Tier'],
          ops.qaQueue.map((i) => [
            i.number,
            h('a', { href: `#/incidents/${i.name}` }, i.title),
            i.classification,
            i.tier,
          ]),
        ),
    h('h2', {}, 'Charts'),
    h(
      'div',
      { class: 'charts' },
      chart(
        'Incidents per hour by severity',
        'bar',
        hours.map((x) => x.slice(0, 13)),
        bySeverity,
        { stacked: true },
      ),
      ...ruleCharts,
    ),
    h('h2', {}, 'Noisy rules (last 30 days)'),
    table(
      [
        'Rule',
        'Incidents',
        'Closed',
        'TP / BP / FP / Undetermined',
        'FP rate',
        'Median hours to close',
        'Suggestions',
      ],
      noise.map((r) => [
        r.name,
        r.incidents,
        r.closed,
        ['TruePositive', 'BenignPositive', 'FalsePositive', 'Undetermined']
          .map((c) => r.classifications[c])
          .join(' / '),
        r.falsePositiveRate === null ? '—' : `${Math.round(r.falsePositiveRate * 100)}%`,
        r.medianHoursToClose === null ? '—' : r.medianHoursToClose.toFixed(1),
        r.suggestions.join('; '),
      ]),
    ),
  );
}

interface CoverageColumn {
  tactic: string;
  displayName: string;
  rules: string[];
  techniques: { technique: string; name: string; rules: string[] }[];
}

/** Heat levels: a gap, one rule, two, three or more. */
const heat = (rules: number) => `heat heat-${Math.min(rules, 3)}`;

async function coveragePage(): Promise<void> {
  const columns = await api<CoverageColumn[]>('coverage');
  const cells = columns.flatMap((c) => c.techniques);
  const covered = cells.filter((t) => t.rules.length > 0).length;
  show(
    h('h1', {}, 'MITRE ATT&CK coverage of enabled rules'),
    h(
      'p',
      {},
      `${covered} of ${cells.length} technique cells covered; every other cell is a gap. Sub-techniques count for their technique.`,
    ),
    h(
      'ul',
      { class: 'legend', 'aria-label': 'Legend' },
      ...['no rule (gap)', '1 rule', '2 rules', '3 or more rules'].map((text, n) =>
        h('li', { class: heat(n) }, text),
      ),
    ),
    h(
      'div',
      { class: 'matrix' },
      ...columns.map((c) =>
        h(
          'section',
          { 'aria-label': c.displayName },
          h(
            'h2',
            {},
            `${c.displayName} (${c.techniques.filter((t) => t.rules.length > 0).length}/${c.techniques.length})`,
          ),
          h(
            'ul',
            {},
            ...c.techniques.map((t) =>
              h(
                'li',
                {
                  class: heat(t.rules.length),
                  'data-technique': t.technique,
                  'data-rules': String(t.rules.length),
                  title: t.rules.length === 0 ? 'No enabled rule: a gap' : t.rules.join('\n'),
                },
                `${t.technique} ${t.name}`,
                t.rules.length > 0 ? ` (${t.rules.length})` : null,
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

async function attacksPage(): Promise<void> {
  const attacks = await api<{ id: string; ruleName: string; caseName: string }[]>('attacks');
  show(
    h('h1', {}, 'Inject an attack'),
    h(
      'p',
      {},
      'Each scenario is a firing test case of a starter rule, replayed through the Logs Ingestion API at the current simulated time.',
    ),
    table(
      ['Rule', 'Scenario', ''],
      attacks.map((a) => {
        const button = h('button', { type: 'button', 'data-attack': a.id }, 'Inject');
        button.addEventListener('click', async () => {
          const { rows } = await api<{ rows: number }>('attacks/inject', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ id: a.id }),
          });
          announce(`Injected ${rows} rows for "${a.caseName}".`);
        });
        return [a.ruleName, a.caseName, button];
      }),
    ),
  );
}

async function sandboxPage(): Promise<void> {
  const calls = await api<{ at: string; service: string; action: string; target: string }[]>('sandbox');
  show(
    h('h1', {}, 'Containment actions (sandbox)'),
    h(
      'p',
      {},
      'Responders call these stand-ins for Microsoft Graph, Defender for Endpoint and Teams locally; nothing reaches a real tenant.',
    ),
    table(
      ['Time', 'Service', 'Action', 'Target'],
      calls.map((c) => [c.at, c.service, c.action, c.target]),
    ),
  );
}

async function route(): Promise<void> {
  const hash = location.hash || '#/incidents';
  for (const link of document.querySelectorAll('nav a')) {
    if (hash.startsWith(link.getAttribute('href') ?? '')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const [, page, arg] = hash.split('/');
  try {
    if (page === 'incidents' && arg) await incidentPage(decodeURIComponent(arg));
    else if (page === 'query') queryPage(arg ? decodeURIComponent(arg) : undefined);
    else if (page === 'rules') await rulesPage();
    else if (page === 'sla') await slaPage();
    else if (page === 'operations') await operationsPage();
    else if (page === 'coverage') await coveragePage();
    else if (page === 'detections') await detectionsPage({ h, api, table, show });
    else if (page === 'attacks') await attacksPage();
    else if (page === 'sandbox') await sandboxPage();
    else await incidentsPage();
  } catch (error) {
    show(h('p', { class: 'error' }, `Could not load this page: ${(error as Error).message}`));
  }
}

async function refreshClock(): Promise<void> {
  const status = await api<{ now: string; speed: number }>('status');
  (document.getElementById('clock') as HTMLElement).textContent =
    `simulated time ${status.now} (×${status.speed})`;
}

window.addEventListener('hashchange', () => void route());
void route();
void refreshClock();
setInterval(() => {
  void refreshClock();
  // Lists refresh themselves; detail and query pages keep what the user is reading.
  if (!location.hash || ['#/incidents', '#/rules', '#/operations', '#/detections'].includes(location.hash))
    void route();
}, 2000);
