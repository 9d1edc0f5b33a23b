import { type AutomationRuleResource, automationRuleApiVersion } from '../automation/compile.js';
import { type AlertRuleResource, alertRuleApiVersions } from '../rules/compile/alertRule.js';
import type { ConnectorDcr, CustomTable } from './connectors.js';
import type { ParserResource } from './parsers.js';
import type { SummaryRuleResource } from './summary.js';
import type { WatchlistResource } from './watchlists.js';

/** API versions of the other resource types in the standalone template; main.bicep uses the same. */
export const apiVersions = {
  workspaces: '2025-07-01',
  tables: '2025-07-01',
  savedSearches: '2025-07-01',
  /** The first stable version (azure-rest-api-specs stable/2025-07-01/SummaryLogs.json). */
  summaryLogs: '2025-07-01',
  onboardingStates: '2025-09-01',
  watchlists: '2025-09-01',
  dataCollectionEndpoints: '2024-03-11',
  dataCollectionRules: '2024-03-11',
} as const;

export interface ArmContent {
  /** Rules with the connector groups they need (one connector of each; see dataSources.ts). */
  alertRules: { resource: AlertRuleResource; requires: string[][] }[];
  parsers: ParserResource[];
  /** Only rules that run no responder: the relay playbooks and the Function App are Bicep-only. */
  automationRules: AutomationRuleResource[];
  watchlists: WatchlistResource[];
  tables: CustomTable[];
  dcrs: ConnectorDcr[];
  summaryRules: SummaryRuleResource[];
}

const workspaceId = "[variables('workspaceId')]";
const onWorkspace = "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspaceName'))]";
const onboardingId =
  "[extensionResourceId(variables('workspaceId'), 'Microsoft.SecurityInsights/onboardingStates', 'default')]";

export function extensionId(type: string, name: string): string {
  return `[extensionResourceId(variables('workspaceId'), '${type}', '${name}')]`;
}
const tableId = (name: string) =>
  `[resourceId('Microsoft.OperationalInsights/workspaces/tables', parameters('workspaceName'), '${name}')]`;
const dceName = "[format('dce-{0}', parameters('workspaceName'))]";
const dceId =
  "[resourceId('Microsoft.Insights/dataCollectionEndpoints', format('dce-{0}', parameters('workspaceName')))]";

/** The ARM equivalent of the content part of main.bicep: workspace, Sentinel, tables, DCRs, rules, watchlists. */
export function armTemplate(content: ArmContent): Record<string, unknown> {
  const requirement = new Map(
    content.alertRules.map(({ resource, requires }) => [resource.name, needs(requires)]),
  );
  const tableIds = content.tables.map((t) => tableId(t.name));
  const parserIds = content.parsers.map(
    (p) =>
      `[resourceId('Microsoft.OperationalInsights/workspaces/savedSearches', parameters('workspaceName'), '${p.name}')]`,
  );
  const watchlistIds = content.watchlists.map((w) =>
    extensionId('Microsoft.SecurityInsights/watchlists', w.name),
  );
  const resources: Record<string, unknown>[] = [
    {
      type: 'Microsoft.OperationalInsights/workspaces',
      apiVersion: apiVersions.workspaces,
      name: "[parameters('workspaceName')]",
      location: "[parameters('location')]",
      properties: {
        sku: { name: 'PerGB2018' },
        retentionInDays: "[parameters('retentionInDays')]",
        workspaceCapping: { dailyQuotaGb: "[parameters('dailyQuotaGb')]" },
      },
    },
    {
      type: 'Microsoft.SecurityInsights/onboardingStates',
      apiVersion: apiVersions.onboardingStates,
      scope: onWorkspace,
      name: 'default',
      properties: {},
      dependsOn: [workspaceId],
    },
    ...content.tables.map((table) => ({
      type: 'Microsoft.OperationalInsights/workspaces/tables',
      apiVersion: apiVersions.tables,
      name: `[format('{0}/{1}', parameters('workspaceName'), '${table.name}')]`,
      properties: table.properties,
      dependsOn: [workspaceId],
    })),
    ...(content.dcrs.length > 0
      ? [
          {
            type: 'Microsoft.Insights/dataCollectionEndpoints',
            apiVersion: apiVersions.dataCollectionEndpoints,
            name: dceName,
            location: "[parameters('location')]",
            properties: { networkAcls: { publicNetworkAccess: 'Enabled' } },
          },
        ]
      : []),
    ...content.dcrs.map((dcr) => ({
      type: 'Microsoft.Insights/dataCollectionRules',
      apiVersion: apiVersions.dataCollectionRules,
      name: `[format('dcr-{0}', '${dcr.connector}')]`,
      location: "[parameters('location')]",
      kind: 'Direct',
      properties: {
        dataCollectionEndpointId: dceId,
        streamDeclarations: dcr.streamDeclarations,
        destinations: { logAnalytics: [{ name: 'workspace', workspaceResourceId: workspaceId }] },
        dataFlows: dcr.dataFlows.map((flow) => ({ ...flow, destinations: ['workspace'] })),
      },
      dependsOn: [dceId, ...tableIds],
    })),
    // A summary rule's query is checked when it is saved, so the custom tables it may read come first.
    ...content.summaryRules.map((rule) => ({
      type: 'Microsoft.OperationalInsights/workspaces/summaryLogs',
      apiVersion: apiVersions.summaryLogs,
      name: `[format('{0}/{1}', parameters('workspaceName'), '${rule.name}')]`,
      properties: rule.properties,
      dependsOn: [workspaceId, ...tableIds],
    })),
    ...content.watchlists.map((watchlist) => ({
      type: 'Microsoft.SecurityInsights/watchlists',
      apiVersion: apiVersions.watchlists,
      scope: onWorkspace,
      name: watchlist.name,
      properties: watchlist.properties,
      dependsOn: [onboardingId],
    })),
    // A parser is deployed when a rule that calls it is (that rule needs the parser's tables).
    ...content.parsers.map((parser) => ({
      type: 'Microsoft.OperationalInsights/workspaces/savedSearches',
      apiVersion: apiVersions.savedSearches,
      name: `[format('{0}/{1}', parameters('workspaceName'), '${parser.name}')]`,
      ...condition(anyOf(parser.usedBy.map((id) => requirement.get(id)))),
      properties: parser.properties,
      dependsOn: [workspaceId, ...tableIds],
    })),
    // Sentinel validates a rule's query when it is saved, so tables, parsers and watchlists come
    // first, and a rule whose tables the workspace lacks is not deployed at all.
    ...content.alertRules.map(({ resource: rule }) => ({
      type: 'Microsoft.SecurityInsights/alertRules',
      apiVersion: alertRuleApiVersions[rule.kind],
      scope: onWorkspace,
      name: rule.name,
      kind: rule.kind,
      ...condition(requirement.get(rule.name)),
      properties: rule.properties,
      dependsOn: [onboardingId, ...tableIds, ...parserIds, ...watchlistIds],
    })),
    ...content.automationRules.map((resource) => ({
      type: 'Microsoft.SecurityInsights/automationRules',
      apiVersion: automationRuleApiVersion,
      scope: onWorkspace,
      name: resource.name,
      ...condition(allOf(resource.analyticRules.map((id) => requirement.get(id)))),
      properties: resource.properties,
      dependsOn: [
        onboardingId,
        ...resource.analyticRules.map((id) => extensionId('Microsoft.SecurityInsights/alertRules', id)),
      ],
    })),
  ];
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: {
      description:
        'Generated by `sentinel-kit build` from kql/ and connectors/. Log Analytics workspace, Microsoft Sentinel, custom tables, data collection endpoint and rules, summary rules, analytics rules, watchlists and automation rules that run no responder. The Function App, Key Vault, relay playbooks and role assignments are deployed by infra/main.bicep only.',
    },
    parameters: {
      workspaceName: { type: 'string', metadata: { description: 'Name of the Log Analytics workspace.' } },
      location: {
        type: 'string',
        defaultValue: '[resourceGroup().location]',
        metadata: { description: 'Azure region for every resource.' },
      },
      retentionInDays: {
        type: 'int',
        defaultValue: 90,
        minValue: 30,
        maxValue: 730,
        metadata: { description: 'Interactive retention of the workspace, in days.' },
      },
      dailyQuotaGb: {
        type: 'int',
        defaultValue: -1,
        metadata: { description: 'Daily ingestion cap in GB; -1 means no cap.' },
      },
      enabledDataConnectors: {
        type: 'array',
        defaultValue: [],
        metadata: {
          description:
            'Sentinel data connectors (requiredDataConnectors connectorId values) whose tables exist in the workspace. A rule is deployed only when, for each table it reads, one connector that supplies it is listed (or this template creates the table).',
        },
      },
    },
    variables: {
      workspaceId: "[resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspaceName'))]",
    },
    resources,
    outputs: {
      workspaceResourceId: { type: 'string', value: workspaceId },
      ...(content.dcrs.length > 0
        ? {
            logsIngestionEndpoint: {
              type: 'string',
              value: `[reference(${dceId.slice(1, -1)}).logsIngestion.endpoint]`,
            },
          }
        : {}),
    },
  };
}

/** ARM condition (without brackets): one connector of every group is enabled; undefined = always. */
function needs(requires: string[][]): string | undefined {
  if (requires.length === 0) return undefined;
  const groups = requires.map(
    (group) =>
      `not(empty(intersection(createArray(${group.map((id) => `'${id}'`).join(', ')}), parameters('enabledDataConnectors'))))`,
  );
  return groups.length === 1 ? groups[0] : `and(${groups.join(', ')})`;
}

/** Deployed when any of the conditions holds; an unconditional one makes the whole unconditional. */
function anyOf(conditions: (string | undefined)[]): string | undefined {
  if (conditions.length === 0 || conditions.some((c) => c === undefined)) return undefined;
  return conditions.length === 1 ? conditions[0] : `or(${conditions.join(', ')})`;
}

/** Deployed when every condition holds (unconditional ones drop out). */
function allOf(conditions: (string | undefined)[]): string | undefined {
  const real = conditions.filter((c): c is string => c !== undefined);
  if (real.length === 0) return undefined;
  return real.length === 1 ? real[0] : `and(${real.join(', ')})`;
}

function condition(expression: string | undefined): { condition?: string } {
  return expression === undefined ? {} : { condition: `[${expression}]` };
}
