// sentinel-kit: Microsoft Sentinel detection and response as code.
// Deploy: see README.md "Deploy" (az deployment group create -g <rg> -f infra/main.bicep -p ...).
// The generated/*.json files come from `sentinel-kit build` and are committed with the sources.

targetScope = 'resourceGroup'

@description('Short prefix for resource names: lowercase letters and digits, starting with a letter (storage account and Key Vault names are <prefix>st/kv + 13 characters, at most 24).')
@minLength(2)
@maxLength(9)
param namePrefix string = 'sk'

@description('Azure region for every resource; must offer Flex Consumption Function Apps.')
param location string = resourceGroup().location

@description('Log Analytics workspace name.')
param workspaceName string = '${namePrefix}-sentinel'

@description('Interactive retention of the workspace in days.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 90

@description('Daily ingestion cap in GB; -1 means no cap.')
param dailyQuotaGb int = -1

@description('App setting name -> Key Vault secret name for third-party API keys and webhook URLs, e.g. { OKTA_API_TOKEN: \'okta-api-token\' }. Only names: create the secrets in the vault after the first deployment.')
param keyVaultReferences object = {}

@description('Plain (non-secret) app settings, e.g. OKTA_ORG_URL, GITHUB_AUDIT_ORG, BLOCK_IP_NAMED_LOCATION_ID.')
param appSettings object = {}

@description('Sentinel data connectors (requiredDataConnectors connectorId values) whose tables exist in the workspace, e.g. [\'AzureActiveDirectory\', \'Office365\']. Sentinel rejects a rule whose tables are missing, so only rules whose every required connector is listed here (or is one of this deployment\'s own connectors) are deployed. See docs/deploy.md for the connectors each rule set needs.')
param enabledDataConnectors array = []

@description('Connectors (folder names under connectors/) that Sentinel polls with the Codeless Connector Framework instead of the Function App, e.g. [\'okta\']. Each needs a ccf/connector.yaml and its parameters in ccfParameters; its Function App timer is disabled (app setting AzureWebJobs.<name>.Disabled) so events are not ingested twice.')
param ccfConnectors array = []

@description('Per CCF connector, the values of the parameters its ccf/connector.yaml declares, e.g. { okta: { orgUrl: \'https://contoso.okta.com\', apiToken: \'<token>\' } }.')
@secure()
param ccfParameters object = {}

@description('Object id of the "Azure Security Insights" service principal in this tenant (app id 98785600-1bb7-4fb9-b9fa-19afe2c8a360): az ad sp show --id 98785600-1bb7-4fb9-b9fa-19afe2c8a360 --query id -o tsv. It gets "Microsoft Sentinel Automation Contributor" on this resource group so automation rules can run the relay playbooks.')
@minLength(36)
@maxLength(36)
param sentinelAutomationPrincipalId string

@description('Tags applied to every resource.')
param tags object = {}

var suffix = uniqueString(resourceGroup().id)
var functionAppName = '${namePrefix}-func-${suffix}'
var keyVaultName = '${namePrefix}kv${suffix}'
var storageAccountName = '${namePrefix}st${suffix}'
var tables = loadJsonContent('generated/tables.json')
var dataCollectionRules = loadJsonContent('generated/dataCollectionRules.json')
var watchlists = loadJsonContent('generated/watchlists.json')
var relays = loadJsonContent('generated/relays.json')
var ccfDefinitions = loadJsonContent('generated/ccfConnectors.json')

// App setting name -> Key Vault secret name of each SOC tier's Teams webhook (`teams.webhookSetting` in
// kql/operations.yaml, compiled by `build`), e.g. TEAMS_WEBHOOK_L1 -> teams-webhook-l1. A webhook URL
// carries its own credential, so it is a secret; the soc-operations timer reads the setting by name.
var tierWebhookSecrets = toObject(
  filter(loadJsonContent('generated/operations.json').model.tiers, t => !empty(t.?teams.?webhookSetting ?? '')),
  t => t.teams.webhookSetting,
  t => toLower(replace(t.teams.webhookSetting, '_', '-'))
)

// A rule is deployed when, for every table it reads through a data connector, one of the
// connectors that supply the table is enabled (`requires`: one group of alternatives per table;
// the build leaves out the tables this deployment creates itself).
var allRules = loadJsonContent('generated/analyticsRules.json')
var deployable = filter(allRules, r => empty(filter(r.requires, g => empty(intersection(g, enabledDataConnectors)))))
var deployedRuleIds = map(deployable, r => r.name)
// A parser is deployed when a deployed rule calls it (the rule requires the parser's tables).
var parsers = filter(
  loadJsonContent('generated/parsers.json'),
  p => length(intersection(p.usedBy, deployedRuleIds)) > 0
)

module workspace 'modules/workspace.bicep' = {
  name: 'workspace'
  params: {
    name: workspaceName
    location: location
    retentionInDays: retentionInDays
    dailyQuotaGb: dailyQuotaGb
    tags: tags
  }
}

module sentinel 'modules/sentinel.bicep' = {
  name: 'sentinel'
  params: {
    workspaceName: workspaceName
  }
  dependsOn: [workspace]
}

module customTables 'modules/customTables.bicep' = {
  name: 'custom-tables'
  params: {
    workspaceName: workspaceName
    tables: tables
  }
  dependsOn: [workspace]
}

module parserFunctions 'modules/parsers.bicep' = {
  name: 'parsers'
  params: {
    workspaceName: workspaceName
    parsers: parsers
  }
  // A function's query is checked against the workspace's tables when it is saved.
  dependsOn: [customTables]
}

module dataCollection 'modules/dataCollection.bicep' = {
  name: 'data-collection'
  params: {
    location: location
    namePrefix: namePrefix
    workspaceId: workspace.outputs.id
    dcrs: dataCollectionRules
    tags: tags
  }
  // A DCR's outputStream must name an existing table.
  dependsOn: [customTables]
}

module ccf 'modules/ccfConnectors.bicep' = {
  name: 'ccf-connectors'
  params: {
    workspaceName: workspaceName
    connectors: ccfDefinitions
    enabled: ccfConnectors
    parameters: ccfParameters
    dataCollectionEndpoint: dataCollection.outputs.logsIngestionEndpoint
    dcrs: dataCollection.outputs.rules
  }
  dependsOn: [sentinel]
}

module summaryRules 'modules/summaryRules.bicep' = {
  name: 'summary-rules'
  params: {
    workspaceName: workspaceName
    rules: loadJsonContent('generated/summaryRules.json')
  }
  // A summary rule's query is checked against the workspace's tables when it is saved.
  dependsOn: [customTables]
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    tags: tags
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'function-app'
  params: {
    name: functionAppName
    location: location
    storageAccountName: storageAccountName
    workspaceId: workspace.outputs.id
    keyVaultUri: keyVault.outputs.uri
    // The tiers' Teams webhooks by default; a name given in keyVaultReferences wins.
    keyVaultReferences: union(tierWebhookSecrets, keyVaultReferences)
    // Setting names are those src/connectors/settings.ts, functions/responders/shared.ts and
    // functions/operations/ read.
    settings: union(
      appSettings,
      {
        LOG_ANALYTICS_WORKSPACE_ID: workspace.outputs.customerId
        LOGS_INGESTION_ENDPOINT: dataCollection.outputs.logsIngestionEndpoint
        // Responders accept only Entra ID tokens of their own relay's managed identity
        // (functions/responders/shared.ts); the relays live in this resource group.
        RESPONDER_RELAY_SCOPE: resourceGroup().id
        RESPONDER_TENANT_ID: tenant().tenantId
        RESPONDER_TOKEN_AUDIENCE: environment().resourceManager
        RESPONDER_AUTHORITY_HOST: environment().authentication.loginEndpoint
        // The soc-operations timer: the workspace whose incidents it escalates, and its model.
        SENTINEL_WORKSPACE_RESOURCE_ID: workspace.outputs.id
        // Where scripts/package.ts puts the model in the package, relative to the app root.
        SOC_OPERATIONS_FILE: 'infra/generated/operations.json'
      },
      toObject(dataCollection.outputs.rules, r => '${toUpper(replace(r.connector, '-', '_'))}_DCR_IMMUTABLE_ID', r => r.immutableId),
      // "How to disable functions in Azure Functions": a connector polled by the CCF is not also run here.
      toObject(ccfConnectors, c => 'AzureWebJobs.${c}.Disabled', c => 'true')
    )
    tags: tags
  }
}

module functionRoles 'modules/functionRoles.bicep' = {
  name: 'function-roles'
  params: {
    functionAppName: functionAppName
    dcrNames: [for d in dataCollectionRules: 'dcr-${d.connector}']
    workspaceName: workspaceName
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
  }
  dependsOn: [functionApp, dataCollection, keyVault]
}

module watchlistContent 'modules/watchlists.bicep' = {
  name: 'watchlists'
  params: {
    workspaceName: workspaceName
    watchlists: watchlists
  }
  dependsOn: [sentinel]
}

// Sentinel validates a rule's query on save, so the tables, parsers and watchlists it reads come first.
module analytics 'modules/analyticsRules.bicep' = {
  name: 'analytics-rules'
  params: {
    workspaceName: workspaceName
    rules: deployable
  }
  dependsOn: [sentinel, customTables, parserFunctions, watchlistContent]
}

module relayPlaybooks 'modules/relays.bicep' = {
  name: 'relay-playbooks'
  params: {
    location: location
    relays: relays
    functionAppName: functionAppName
    workspaceName: workspaceName
    sentinelAutomationPrincipalId: sentinelAutomationPrincipalId
    tags: tags
  }
  dependsOn: [functionApp, sentinel]
}

// Automation rules reference analytics rules and relays by resource id; the build leaves
// placeholders for the parts only known at deployment time. A rule is left out unless every
// analytics rule its conditions name is deployed: otherwise it has nothing to act on.
var automationRules = filter(
  json(replace(replace(replace(
    loadTextContent('generated/automationRules.json'),
    '{{workspaceResourceId}}', resourceId('Microsoft.OperationalInsights/workspaces', workspaceName)),
    '{{resourceGroupId}}', resourceGroup().id),
    '{{tenantId}}', tenant().tenantId)),
  a => length(intersection(a.analyticRules, deployedRuleIds)) == length(a.analyticRules)
)

module automation 'modules/automationRules.bicep' = {
  name: 'automation-rules'
  params: {
    workspaceName: workspaceName
    rules: automationRules
  }
  dependsOn: [analytics, relayPlaybooks]
}

@description('Resource id of the Sentinel workspace.')
output workspaceResourceId string = workspace.outputs.id

@description('Logs Ingestion API endpoint.')
output logsIngestionEndpoint string = dataCollection.outputs.logsIngestionEndpoint

@description('Function App name, for the zip deployment of the Functions package.')
output functionAppName string = functionAppName

@description('Object id of the Function App identity, for the Graph and Defender app role assignments (README, Deploy).')
output functionAppPrincipalId string = functionApp.outputs.principalId

@description('Key Vault name, for adding third-party API keys.')
output keyVaultName string = keyVaultName

@description('Analytics rules deployed (their required data connectors are enabled).')
output deployedRuleIds array = deployedRuleIds

@description('Analytics rules left out, with the connectors they still need.')
output skippedRules array = map(
  filter(allRules, r => !contains(deployedRuleIds, r.name)),
  r => { name: r.name, displayName: r.properties.displayName, requires: r.requires }
)

// --- SOC operations (issue 16): workbooks generated from kql/operations.yaml and kql/rules. ---
module socWorkbooks 'modules/workbooks.bicep' = {
  name: 'socWorkbooks'
  params: {
    workspaceResourceId: workspace.outputs.id
    location: location
    workbooks: loadJsonContent('generated/workbooks.json')
  }
}
