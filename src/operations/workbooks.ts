import { stableId } from '../responders/action.js';
import { parseDuration } from '../rules/durations.js';
import type { AnalyticsRule } from '../rules/model.js';
import type { OperationsModel } from './model.js';
import { benignEntitiesQuery, ruleClosuresQuery } from './noise.js';
import { breachLabel } from './sla.js';

/**
 * Azure Monitor workbooks for SOC operations, as Microsoft.Insights/workbooks `serializedData`: the
 * "Notebook/1.0" document of text (type 1) and Log Analytics query (type 3, "KqlItem/1.0") items the
 * workbook editor saves (schema: github.com/microsoft/Application-Insights-Workbooks, schema/workbook.json).
 * Queries look back a fixed period rather than use a time-range parameter, so each one is plain KQL that
 * the embedded engine runs in tests exactly as Log Analytics will.
 */
export interface Workbook {
  /** Resource name: a GUID, stable across builds. */
  name: string;
  displayName: string;
  serializedData: string;
}

export type Visualization = 'table' | 'timechart' | 'barchart' | 'piechart';

export interface WorkbookQuery {
  title: string;
  query: string;
  visualization: Visualization;
}

const LOOKBACK_DAYS = 30;

function text(markdown: string) {
  return { type: 1, content: { json: markdown } };
}

function queryItem(q: WorkbookQuery, index: number) {
  return {
    type: 3,
    name: `query - ${index}`,
    content: {
      version: 'KqlItem/1.0',
      query: q.query,
      size: 0,
      title: q.title,
      queryType: 0,
      resourceType: 'microsoft.operationalinsights/workspaces',
      visualization: q.visualization,
    },
  };
}

function workbook(displayName: string, intro: string, queries: WorkbookQuery[]): Workbook {
  const data = {
    version: 'Notebook/1.0',
    items: [text(`## ${displayName}\n${intro}`), ...queries.map(queryItem)],
    fallbackResourceIds: [],
    $schema: 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json',
  };
  return {
    name: stableId('sentinel-kit workbook', displayName),
    displayName,
    serializedData: JSON.stringify(data),
  };
}

/** The queries of a workbook's serializedData, for tests and for anyone checking a deployed workbook. */
export function workbookQueries(serializedData: string): WorkbookQuery[] {
  const data = JSON.parse(serializedData) as { items: { type: number; content: WorkbookQuery }[] };
  return data.items
    .filter((item) => item.type === 3)
    .map(({ content }) => ({
      title: content.title,
      query: content.query,
      visualization: content.visualization,
    }));
}

const kqlString = (value: string) => JSON.stringify(value);

/** The incident's tier from its owner, as KQL: the model's tiers by owner object id / UPN / email. */
function tierExpression(model: OperationsModel): string {
  const cases = model.tiers.flatMap((tier) => {
    const { objectId, userPrincipalName, email } = tier.owner;
    const tests = [
      objectId && `tostring(Owner.objectId) =~ ${kqlString(objectId)}`,
      userPrincipalName && `tostring(Owner.userPrincipalName) =~ ${kqlString(userPrincipalName)}`,
      email && `tostring(Owner.email) =~ ${kqlString(email)}`,
    ].filter(Boolean);
    return [`${tests.join(' or ')}, ${kqlString(tier.name)}`];
  });
  return `case(${[...cases, '"unassigned"'].join(', ')})`;
}

/** SLA targets in minutes per severity as a KQL datatable. */
function slaTable(model: OperationsModel): string {
  const rows = Object.entries(model.sla).map(
    ([severity, t]) =>
      `${kqlString(severity)}, ${(parseDuration(t.acknowledge) ?? 0) / 60_000}, ${(parseDuration(t.close) ?? 0) / 60_000}`,
  );
  return `datatable(Severity: string, AckTargetMinutes: real, CloseTargetMinutes: real)[${rows.join(', ')}]`;
}

/** The latest state of each incident of the lookback, with its tier (from the owner) and SLA targets. */
function latestIncidents(model: OperationsModel): string {
  return `let targets = ${slaTable(model)};
let incidents = SecurityIncident
  | where CreatedTime >= ago(${LOOKBACK_DAYS}d)
  | summarize CreatedTime = min(CreatedTime),
              AckTime = min(iff(Status != "New", TimeGenerated, datetime(null))),
              arg_max(TimeGenerated, Status, Severity, ClosedTime, Owner, Labels) by IncidentName
  | extend Tier = ${tierExpression(model)}
  | join kind=leftouter targets on Severity;`;
}

/** Each incident's breaches: past a target now, or labelled by the SLA timer when it escalated. */
const breachColumns = `| extend AckBreached = (isnotnull(AckTime) and (AckTime - CreatedTime) / 1m > AckTargetMinutes)
                       or (isnull(AckTime) and (now() - CreatedTime) / 1m > AckTargetMinutes)
                       or tostring(Labels) contains ${kqlString(breachLabel('acknowledge'))},
         CloseBreached = (Status == "Closed" and (ClosedTime - CreatedTime) / 1m > CloseTargetMinutes)
                         or (Status != "Closed" and (now() - CreatedTime) / 1m > CloseTargetMinutes)
                         or tostring(Labels) contains ${kqlString(breachLabel('close'))}`;

/**
 * Per tier and period of creation: incidents whose SLA is decided (closed, or breached), how many
 * breached, and the share met. Open incidents still within their targets are not counted yet.
 */
export function slaByTierQuery(model: OperationsModel, period: '1h' | '1d'): string {
  return `${latestIncidents(model)}
incidents
${breachColumns}
| extend Breached = AckBreached or CloseBreached
| where Status == "Closed" or Breached
| summarize Breaches = countif(Breached), Met = countif(not(Breached)) by Tier, Period = bin(CreatedTime, ${period})
| extend AttainmentPercent = round(100.0 * Met / (Met + Breaches), 1)
| order by Period asc, Tier asc`;
}

export function slaQueries(model: OperationsModel): WorkbookQuery[] {
  const latest = latestIncidents(model);
  return [
    {
      title: 'MTTA and MTTR (minutes) per tier and severity',
      visualization: 'table',
      query: `${latest}
incidents
| summarize Incidents = count(),
            MttaMinutes = round(avg((AckTime - CreatedTime) / 1m), 1),
            MttrMinutes = round(avg(iff(Status == "Closed", (ClosedTime - CreatedTime) / 1m, real(null))), 1)
  by Tier, Severity
| order by Tier asc, Severity asc`,
    },
    {
      title: 'SLA breaches per tier and severity',
      visualization: 'barchart',
      query: `${latest}
incidents
${breachColumns}
| summarize AcknowledgeBreaches = countif(AckBreached), CloseBreaches = countif(CloseBreached) by Tier, Severity
| order by Tier asc, Severity asc`,
    },
    {
      title: 'SLA attainment per day (share of closed incidents closed within target)',
      visualization: 'timechart',
      query: `${latest}
incidents
| where Status == "Closed"
| summarize Closed = count(), WithinSla = countif((ClosedTime - CreatedTime) / 1m <= CloseTargetMinutes) by Day = bin(ClosedTime, 1d)
| extend AttainmentPercent = round(100.0 * WithinSla / Closed, 1)
| project Day, AttainmentPercent
| order by Day asc`,
    },
    {
      title: 'SLA breaches and attainment per tier, by day of creation',
      visualization: 'table',
      query: slaByTierQuery(model, '1d'),
    },
  ];
}

export function ruleHealthQueries(): WorkbookQuery[] {
  return [
    {
      title: 'Alerts per rule per day',
      visualization: 'timechart',
      query: `SecurityAlert
| where TimeGenerated >= ago(${LOOKBACK_DAYS}d)
| summarize Alerts = count() by AlertName, Day = bin(TimeGenerated, 1d)
| order by Day asc, AlertName asc`,
    },
    { title: 'Closures per rule', visualization: 'table', query: ruleClosuresQuery(LOOKBACK_DAYS) },
    {
      title: 'Entities most often closed as benign',
      visualization: 'table',
      query: benignEntitiesQuery(LOOKBACK_DAYS),
    },
  ];
}

/** MITRE coverage: the enabled rules' tactics and techniques (from content), and alerts per tactic. */
export function mitreQueries(rules: readonly AnalyticsRule[]): WorkbookQuery[] {
  const rows = rules
    .filter((rule) => rule.enabled !== false)
    .flatMap((rule) => {
      const techniques = rule.relevantTechniques?.length ? rule.relevantTechniques : [''];
      return (rule.tactics ?? []).flatMap((tactic) =>
        techniques.map((t) => `${kqlString(tactic)}, ${kqlString(t)}, ${kqlString(rule.name)}`),
      );
    })
    .sort();
  return [
    {
      title: 'Rules per ATT&CK tactic',
      visualization: 'barchart',
      query: `datatable(Tactic: string, Technique: string, Rule: string)[${rows.join(',\n  ')}]
| summarize Rules = dcount(Rule), Techniques = dcountif(Technique, isnotempty(Technique)) by Tactic
| order by Rules desc, Tactic asc`,
    },
    {
      title: 'Alerts per ATT&CK tactic',
      visualization: 'piechart',
      query: `SecurityAlert
| where TimeGenerated >= ago(${LOOKBACK_DAYS}d)
| mv-expand Tactic = split(Tactics, ",") to typeof(string)
| extend Tactic = trim(" ", Tactic)
| where isnotempty(Tactic)
| summarize Alerts = count() by Tactic
| order by Alerts desc, Tactic asc`,
    },
  ];
}

export function generateWorkbooks(
  model: OperationsModel | undefined,
  rules: readonly AnalyticsRule[],
): Workbook[] {
  return [
    ...(model
      ? [
          workbook(
            'SOC SLA',
            `MTTA/MTTR and SLA breaches per tier and severity over ${LOOKBACK_DAYS} days.`,
            slaQueries(model),
          ),
        ]
      : []),
    workbook(
      'Rule health and noise',
      'Alert volume and closure feedback per analytics rule.',
      ruleHealthQueries(),
    ),
    workbook(
      'MITRE ATT&CK coverage',
      'What the enabled rules cover, and where alerts come from.',
      mitreQueries(rules),
    ),
  ];
}
