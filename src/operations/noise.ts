import type { AnalyticsRule } from '../rules/model.js';

/**
 * The rule-noise report: per analytics rule over a period, what its incidents were closed as, and which
 * entities keep being closed as benign. Computed in KQL over SecurityIncident and SecurityAlert so the
 * same queries run in Log Analytics (`--workspace`), on the embedded engine (`--data`, tests) and in the
 * local SOC.
 */

/** Runs KQL somewhere and returns the first table as records. */
export type RunKql = (kql: string) => Promise<Record<string, unknown>[]>;

// SecurityIncident holds one row per change of an incident; the latest row is its current state.
// RelatedAnalyticRuleIds holds rule ids, as full resource ids or bare GUIDs depending on the source,
// so the GUID at the end is the rule's id either way.
const latestIncidents = (days: number) => `let since = ago(${days}d);
let incidents = SecurityIncident
  | where CreatedTime >= since
  | summarize arg_max(TimeGenerated, Status, Classification, CreatedTime, ClosedTime, RelatedAnalyticRuleIds, AlertIds) by IncidentName
  | mv-expand RuleRef = RelatedAnalyticRuleIds to typeof(string)
  | extend RuleId = tolower(extract(@"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", 1, RuleRef));`;

/** Incidents and closure classifications per rule. */
export function ruleClosuresQuery(days: number): string {
  return `${latestIncidents(days)}
incidents
| summarize Incidents = count(),
            Closed = countif(Status == "Closed"),
            TruePositive = countif(Status == "Closed" and Classification == "TruePositive"),
            BenignPositive = countif(Status == "Closed" and Classification == "BenignPositive"),
            FalsePositive = countif(Status == "Closed" and Classification == "FalsePositive"),
            Undetermined = countif(Status == "Closed" and Classification == "Undetermined"),
            MedianHoursToClose = percentile(iff(Status == "Closed", (ClosedTime - CreatedTime) / 1h, real(null)), 50)
  by RuleId
| extend FalsePositiveRate = iff(Closed > 0, round(todouble(FalsePositive) / Closed, 3), real(null))
| order by Incidents desc, RuleId asc`;
}

/**
 * Entities of the alerts of incidents closed as BenignPositive or FalsePositive, per rule. SecurityAlert's
 * Entities is a JSON string of `{"$id", "Type": "account"|"ip"|"host"|..., identifiers}`; repeated entities
 * appear as `{"$ref"}` and carry no Type, so they drop out.
 */
export function benignEntitiesQuery(days: number): string {
  return `${latestIncidents(days)}
let benign = incidents
  | where Status == "Closed" and Classification in ("BenignPositive", "FalsePositive")
  | mv-expand AlertId = AlertIds to typeof(string)
  | project IncidentName, RuleId, AlertId;
SecurityAlert
| where TimeGenerated >= since
| summarize arg_max(TimeGenerated, Entities) by SystemAlertId
| join kind=inner benign on $left.SystemAlertId == $right.AlertId
| mv-expand Entity = parse_json(Entities)
| extend EntityType = tolower(tostring(Entity.Type))
| extend Value = case(
    EntityType == "account", iff(isnotempty(tostring(Entity.UPNSuffix)), strcat(tostring(Entity.Name), "@", tostring(Entity.UPNSuffix)), tostring(Entity.Name)),
    EntityType == "ip", tostring(Entity.Address),
    EntityType == "host", tostring(Entity.HostName),
    EntityType == "url", tostring(Entity.Url),
    "")
| where isnotempty(Value)
| summarize BenignClosures = dcount(IncidentName) by RuleId, EntityType, Value
| order by RuleId asc, BenignClosures desc, Value asc`;
}

export interface BenignEntity {
  type: string;
  value: string;
  closures: number;
}

export interface RuleNoise {
  ruleId: string;
  name: string;
  incidents: number;
  closed: number;
  classifications: {
    TruePositive: number;
    BenignPositive: number;
    FalsePositive: number;
    Undetermined: number;
  };
  falsePositiveRate: number | null;
  medianHoursToClose: number | null;
  incidentsPerDay: number;
  maxAlertsPerDay?: number;
  benignEntities: BenignEntity[];
  suggestions: string[];
}

/** Below this many closures a rate says little; no suggestion is made. */
export const MIN_CLOSURES = 5;

export async function ruleNoiseReport(
  run: RunKql,
  rules: readonly AnalyticsRule[],
  days: number,
): Promise<RuleNoise[]> {
  const [closures, entities] = await Promise.all([
    run(ruleClosuresQuery(days)),
    run(benignEntitiesQuery(days)),
  ]);
  const byId = new Map(rules.map((rule) => [rule.id.toLowerCase(), rule]));
  return closures.map((row) => {
    const ruleId = String(row.RuleId ?? '');
    const rule = byId.get(ruleId);
    const count = (name: string) => Number(row[name] ?? 0);
    const nullable = (name: string) =>
      row[name] === null || row[name] === undefined ? null : Number(row[name]);
    const noise: RuleNoise = {
      ruleId,
      name: rule?.name ?? '(not in kql/rules)',
      incidents: count('Incidents'),
      closed: count('Closed'),
      classifications: {
        TruePositive: count('TruePositive'),
        BenignPositive: count('BenignPositive'),
        FalsePositive: count('FalsePositive'),
        Undetermined: count('Undetermined'),
      },
      falsePositiveRate: nullable('FalsePositiveRate'),
      medianHoursToClose: nullable('MedianHoursToClose'),
      incidentsPerDay: Math.round((count('Incidents') / days) * 100) / 100,
      maxAlertsPerDay: rule?.maxAlertsPerDay,
      benignEntities: entities
        .filter((e) => e.RuleId === ruleId)
        .slice(0, 3)
        .map((e) => ({
          type: String(e.EntityType),
          value: String(e.Value),
          closures: Number(e.BenignClosures),
        })),
      suggestions: [],
    };
    noise.suggestions = suggestions(noise, rule);
    return noise;
  });
}

/**
 * Tuning suggestions, from the most targeted to the bluntest: one entity behind most benign closures is
 * better excluded (a watchlist the query filters on) than the whole rule made less sensitive; repeated
 * benign closures of expected activity call for suppression; a high false-positive rate for a threshold.
 */
function suggestions(noise: RuleNoise, rule: AnalyticsRule | undefined): string[] {
  const found: string[] = [];
  const { BenignPositive, FalsePositive } = noise.classifications;
  const benign = BenignPositive + FalsePositive;
  if (noise.maxAlertsPerDay !== undefined && noise.incidentsPerDay > noise.maxAlertsPerDay) {
    found.push(
      `over budget: ${noise.incidentsPerDay} incidents/day against maxAlertsPerDay ${noise.maxAlertsPerDay}`,
    );
  }
  if (noise.closed < MIN_CLOSURES || benign === 0) return found;
  const top = noise.benignEntities[0];
  if (top && top.closures >= 3 && top.closures * 2 >= benign) {
    found.push(
      `add an exclusion for ${top.type} ${top.value} (behind ${top.closures} of ${benign} benign closures) to a watchlist the query excludes`,
    );
  }
  if (BenignPositive * 2 >= noise.closed && rule && !rule.suppressionEnabled) {
    found.push(
      `suppress after an alert: most closures are expected activity; set suppressionEnabled with suppressionDuration ${rule.queryPeriod ?? '5h'}`,
    );
  }
  if ((noise.falsePositiveRate ?? 0) >= 0.5) {
    found.push(
      `raise the threshold: ${Math.round((noise.falsePositiveRate ?? 0) * 100)}% of closures are false positives (triggerThreshold ${rule?.triggerThreshold ?? '?'} or the query's own limit)`,
    );
  }
  return found;
}
