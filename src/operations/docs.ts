import type { AutomationRule } from '../automation/model.js';
import { tableToRecords } from '../kql/index.js';
import { formatDateTime } from '../kql/values/index.js';
import { escapeHtml as esc } from '../responders/action.js';
import type { MitreAttack } from '../rules/mitre.js';
import type { AnalyticsRule } from '../rules/model.js';
import type { RuleTestCase } from '../rules/testing/index.js';
import type { OperationsModel } from './model.js';
import { intendedTier, type RoutedRule } from './routing.js';

/**
 * The runbook site: one static HTML page per analytics rule (what it detects, MITRE, entities, who
 * triages it and how, the SLA, the automation that fires, its test cases as worked examples) and an
 * index. Pure: content in, `path → HTML` out; every value from content is HTML-escaped.
 */
export interface RunbookInput {
  rules: { rule: AnalyticsRule; file: string; cases: RuleTestCase[] }[];
  automation: AutomationRule[];
  model?: OperationsModel;
  routed: RoutedRule[];
  mitre?: MitreAttack;
}

/** Where a rule's runbook page lives inside the site; the local SOC links incidents to it. */
export function runbookPath(ruleId: string): string {
  return `rules/${ruleId.toLowerCase()}.html`;
}

const style = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
code,pre{background:#f6f8fa;font-size:13px}pre{padding:.75rem;overflow:auto}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}`;

function page(title: string, body: string, root: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${style}</style></head>
<body><p><a href="${root}index.html">Runbooks</a></p>
${body}
</body></html>
`;
}

export function generateRunbooks(input: RunbookInput): Map<string, string> {
  const site = new Map<string, string>();
  const sorted = [...input.rules].sort((a, b) => a.rule.name.localeCompare(b.rule.name));
  for (const entry of sorted) site.set(runbookPath(entry.rule.id), rulePage(entry, input));
  const rows = sorted
    .map(
      ({ rule, file }) =>
        `<tr><td><a href="${runbookPath(rule.id)}">${esc(rule.name)}</a></td><td>${esc(rule.severity)}</td><td>${esc((rule.tactics ?? []).join(', '))}</td><td><code>${esc(file)}</code></td></tr>`,
    )
    .join('\n');
  site.set(
    'index.html',
    page(
      'Runbooks',
      `<h1>Runbooks</h1>${input.model ? tiersSection(input.model) : ''}
<h2>Analytics rules</h2><table><tr><th>Rule</th><th>Severity</th><th>Tactics</th><th>Source</th></tr>
${rows}</table>`,
      '',
    ),
  );
  return site;
}

function tiersSection(model: OperationsModel): string {
  const tiers = model.tiers
    .map(
      (t) =>
        `<tr><td>${esc(t.name)}</td><td>${esc(t.description ?? '')}</td><td>${esc(t.teams?.channel ?? '')}</td></tr>`,
    )
    .join('');
  const sla = Object.entries(model.sla)
    .map(
      ([severity, target]) =>
        `<tr><td>${esc(severity)}</td><td>${esc(target.acknowledge)}</td><td>${esc(target.close)}</td></tr>`,
    )
    .join('');
  return `<h2>Tiers</h2><table><tr><th>Tier</th><th>Role</th><th>Teams channel</th></tr>${tiers}</table>
<h2>SLA</h2><table><tr><th>Severity</th><th>Acknowledge within</th><th>Close within</th></tr>${sla}</table>`;
}

function rulePage(entry: RunbookInput['rules'][number], input: RunbookInput): string {
  const { rule, file, cases } = entry;
  const sections = [
    `<h1>${esc(rule.name)}</h1>`,
    `<p>Severity <b>${esc(rule.severity)}</b> · ${esc(rule.kind)} · <code>${esc(rule.id)}</code> · <code>${esc(file)}</code></p>`,
    `<h2>What it detects</h2><p>${esc(rule.description).replace(/\n/g, '<br>')}</p>`,
    mitreSection(rule, input.mitre),
    entitiesSection(rule),
    input.model ? triageSection(rule, input.model, input.routed) : '',
    automationSection(rule, input.automation),
    `<h2>Query</h2><pre><code>${esc(rule.query.trim())}</code></pre>`,
    examplesSection(cases),
  ];
  return page(rule.name, sections.filter(Boolean).join('\n'), '../');
}

function mitreSection(rule: AnalyticsRule, mitre: MitreAttack | undefined): string {
  const tactics = (rule.tactics ?? []).map((t) => esc(mitre?.tactics.get(t)?.displayName ?? t));
  const techniques = (rule.relevantTechniques ?? []).map((id) => {
    const name = mitre?.techniques.get(id)?.name;
    return `<a href="https://attack.mitre.org/techniques/${esc(id.replace('.', '/'))}/">${esc(id)}</a>${name ? ` ${esc(name)}` : ''}`;
  });
  return `<h2>MITRE ATT&amp;CK</h2><p>Tactics: ${tactics.join(', ') || 'none'}</p><p>Techniques: ${techniques.join(', ') || 'none'}</p>`;
}

function entitiesSection(rule: AnalyticsRule): string {
  const rows = (rule.entityMappings ?? []).map(
    (m) =>
      `<tr><td>${esc(m.entityType)}</td><td>${m.fieldMappings.map((f) => `${esc(f.identifier)} ← <code>${esc(f.columnName)}</code>`).join('<br>')}</td></tr>`,
  );
  return `<h2>Entities</h2>${rows.length ? `<table><tr><th>Entity</th><th>Identifiers from columns</th></tr>${rows.join('')}</table>` : '<p>No entity mappings.</p>'}`;
}

function triageSection(rule: AnalyticsRule, model: OperationsModel, routed: RoutedRule[]): string {
  // The tier the rule's incidents start at, as routing decides from what the rule sets (no entities).
  const facts = {
    severity: rule.severity,
    tactics: rule.tactics ?? [],
    ruleIds: [rule.id],
    entities: { Account: [], Host: [], IP: [] },
  };
  const start = intendedTier(model, facts, routed, new Map());
  const watchlistRoutes = model.routing.routes.filter((r) => r.when.watchlist);
  const sla = model.sla[rule.severity];
  const steps = model.tiers
    .map(
      (tier) =>
        `<h3>${esc(tier.name)}${tier.name === start.tier.name ? ' (starts here)' : ''}</h3>${tier.triage?.length ? `<ol>${tier.triage.map((s) => `<li>${esc(s)}</li>`).join('')}</ol>` : '<p>No steps written for this tier.</p>'}`,
    )
    .join('\n');
  return `<h2>Triage</h2>
<p>Incidents start at <b>${esc(start.tier.name)}</b>${start.route ? ` (route <i>${esc(start.route.name)}</i>)` : ' (default tier)'}.${watchlistRoutes.map((r) => ` If an ${esc(r.when.watchlist?.entity ?? '')} is in ${esc(r.when.watchlist?.alias ?? '')}, <b>${esc(r.tier)}</b> (route <i>${esc(r.name)}</i>).`).join('')}</p>
<h2>SLA</h2><p>${sla ? `Acknowledge within <b>${esc(sla.acknowledge)}</b>, close within <b>${esc(sla.close)}</b> (${esc(rule.severity)}).` : `No SLA for ${esc(rule.severity)} incidents.`}${model.escalation.closeBreach?.reassign ? ' A missed close SLA escalates to the next tier.' : ''}</p>
${steps}`;
}

/** Automation rules that can fire on this rule's incidents: those naming it, and those not filtering by rule. */
function automationSection(rule: AnalyticsRule, automation: AutomationRule[]): string {
  const applies = automation
    .filter(
      (a) =>
        a.enabled &&
        (!a.conditions.analyticRules ||
          a.conditions.analyticRules.some((id) => id.toLowerCase() === rule.id.toLowerCase())),
    )
    .filter((a) => !a.conditions.severity || a.conditions.severity.includes(rule.severity))
    .sort((a, b) => a.order - b.order);
  const rows = applies.map((a) => {
    const conditions = Object.entries(a.conditions)
      .filter(([key]) => key !== 'analyticRules')
      .map(([key, value]) => `${key}: ${(value as string[]).join(', ')}`);
    const actions = a.actions.map((x) =>
      x.runResponder
        ? `run responder ${x.runResponder}`
        : x.setOwner
          ? 'assign owner'
          : x.addTask
            ? `add task “${x.addTask.title}”`
            : x.setStatus
              ? `set status ${x.setStatus}`
              : x.setSeverity
                ? `set severity ${x.setSeverity}`
                : `add labels ${x.addLabels?.join(', ')}`,
    );
    return `<tr><td>${a.order}</td><td>${esc(a.displayName)}</td><td>${esc(a.trigger)}</td><td>${esc(conditions.join('; ') || '—')}</td><td>${esc(actions.join('; '))}</td></tr>`;
  });
  return `<h2>Automation that fires</h2>${rows.length ? `<table><tr><th>Order</th><th>Automation rule</th><th>Trigger</th><th>Other conditions</th><th>Actions</th></tr>${rows.join('')}</table>` : '<p>None.</p>'}`;
}

function examplesSection(cases: RuleTestCase[]): string {
  if (!cases.length) return '<h2>Worked examples</h2><p>No test cases.</p>';
  const examples = cases.map((c) => {
    const tables = c.tables
      .map((t) => {
        const records = tableToRecords(t.table).slice(0, 5);
        const columns = t.table.columns
          .map((col) => col.name)
          .filter((name) => records.some((r) => r[name] !== null && r[name] !== '' && r[name] !== undefined));
        const head = columns.map((name) => `<th>${esc(name)}</th>`).join('');
        const body = records
          .map(
            (r) =>
              `<tr>${columns.map((name) => `<td>${esc(typeof r[name] === 'object' ? JSON.stringify(r[name]) : String(r[name] ?? ''))}</td>`).join('')}</tr>`,
          )
          .join('');
        const more =
          t.table.rows.length > records.length
            ? `<p>… ${t.table.rows.length - records.length} more rows</p>`
            : '';
        return `<p><b>${esc(t.name)}</b></p><table><tr>${head}</tr>${body}</table>${more}`;
      })
      .join('');
    const expected =
      c.expect.alerts === 0 ? 'no alert' : `${c.expect.alerts} alert${c.expect.alerts === 1 ? '' : 's'}`;
    const names = c.expect.alertDetails.flatMap((d) => (d.name ? [`<li>${esc(d.name)}</li>`] : [])).join('');
    return `<h3>${esc(c.name)}</h3><p>Run at ${esc(formatDateTime(c.now))}; expect <b>${expected}</b>.</p>${names ? `<ul>${names}</ul>` : ''}${tables}`;
  });
  return `<h2>Worked examples</h2><p>From the rule's test file; <code>sentinel-kit test</code> checks each one.</p>${examples.join('\n')}`;
}
