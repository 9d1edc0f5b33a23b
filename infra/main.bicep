// sentinel-kit: Microsoft Sentinel detection and response as code.
// Deploy: az deployment group create -g <rg> -f infra/main.bicep -p infra/main.parameters.json
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

@description('App setting name -> Key Vault secret name for third-party API keys and webhook URLs, e.g. { OKTA_API_TOKEN: \'okta-api-token\' }. Create the secrets in the vault after the first deployment.')
param secretSettings object = {}

@description('Plain (non-secret) app settings, e.g. OKTA_ORG_URL, GITHUB_AUDIT_ORG, BLOCK_IP_NAMED_LOCATION_ID.')
param appSettings object = {}

@description('Object id of the "Azure Security Insights" service principal (app id 98785600-1bb7-4fb9-b9fa-19afe2c8a360); lets automation rules run the relay playbooks. Empty: grant "Microsoft Sentinel Automation Contributor" by hand.')
param sentinelAutomationPrincipalId string = ''

@description('Tags applied to every resource.')
param tags object = {}

var suffix = uniqueString(resourceGroup().id)
var analyticsRules = loadJsonContent('generated/analyticsRules.json')
var tables = loadJsonContent('generated/tables.json')
var dataCollectionRules = loadJsonContent('generated/dataCollectionRules.json')
var watchlists = loadJsonContent('generated/watchlists.json')
var relays = loadJsonContent('generated/relays.json')

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
    workspaceName: workspace.outputs.name
  }
}

module customTables 'modules/customTables.bicep' = {
  name: 'custom-tables'
  params: {
    workspaceName: workspace.outputs.name
    tables: tables
  }
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

module keyVault 'modules/keyVault.bicep' = {
  name: 'key-vault'
  params: {
    name: '${namePrefix}kv${suffix}'
    location: location
    tags: tags
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'function-app'
  params: {
    name: '${namePrefix}-func-${suffix}'
    location: location
    storageAccountName: '${namePrefix}st${suffix}'
    workspaceId: workspace.outputs.id
    keyVaultUri: keyVault.outputs.uri
    secretSettings: secretSettings
    // Setting names are those src/connectors/settings.ts and functions/responders/shared.ts read.
    settings: union(
      appSettings,
      {
        LOG_ANALYTICS_WORKSPACE_ID: workspace.outputs.customerId
        LOGS_INGESTION_ENDPOINT: dataCollection.outputs.logsIngestionEndpoint
      },
      toObject(dataCollection.outputs.rules, r => '${toUpper(replace(r.connector, '-', '_'))}_DCR_IMMUTABLE_ID', r => r.immutableId)
    )
    tags: tags
  }
}

module functionRoles 'modules/functionRoles.bicep' = {
  name: 'function-roles'
  params: {
    principalId: functionApp.outputs.principalId
    dcrNames: [for d in dataCollectionRules: 'dcr-${d.connector}']
    workspaceName: workspace.outputs.name
    storageAccountName: functionApp.outputs.storageAccountName
    keyVaultName: keyVault.outputs.name
  }
  dependsOn: [dataCollection]
}

module watchlistContent 'modules/watchlists.bicep' = {
  name: 'watchlists'
  params: {
    workspaceName: workspace.outputs.name
    watchlists: watchlists
  }
  dependsOn: [sentinel]
}

// Sentinel validates a rule's query on save, so the tables and watchlists it reads come first.
module analytics 'modules/analyticsRules.bicep' = {
  name: 'analytics-rules'
  params: {
    workspaceName: workspace.outputs.name
    scheduledRules: analyticsRules.scheduled
    nrtRules: analyticsRules.nrt
  }
  dependsOn: [sentinel, customTables, watchlistContent]
}

module relayPlaybooks 'modules/relays.bicep' = {
  name: 'relay-playbooks'
  params: {
    location: location
    responders: relays
    functionAppName: functionApp.outputs.name
    sentinelAutomationPrincipalId: sentinelAutomationPrincipalId
    tags: tags
  }
}

// Automation rules reference analytics rules and relays by resource id; the build leaves
// placeholders for the parts only known at deployment time.
var automationRules = json(replace(replace(replace(
  loadTextContent('generated/automationRules.json'),
  '{{workspaceResourceId}}', resourceId('Microsoft.OperationalInsights/workspaces', workspaceName)),
  '{{resourceGroupId}}', resourceGroup().id),
  '{{tenantId}}', tenant().tenantId))

module automation 'modules/automationRules.bicep' = {
  name: 'automation-rules'
  params: {
    workspaceName: workspace.outputs.name
    rules: automationRules
  }
  dependsOn: [analytics, relayPlaybooks]
}

@description('Resource id of the Sentinel workspace.')
output workspaceResourceId string = workspace.outputs.id

@description('Logs Ingestion API endpoint.')
output logsIngestionEndpoint string = dataCollection.outputs.logsIngestionEndpoint

@description('Function App name, for `func azure functionapp publish`.')
output functionAppName string = functionApp.outputs.name

@description('Key Vault name, for adding third-party API keys.')
output keyVaultName string = keyVault.outputs.name

// --- SOC operations (issue 16): workbooks generated from kql/operations.yaml and kql/rules. ---
module socWorkbooks 'modules/workbooks.bicep' = {
  name: 'socWorkbooks'
  params: {
    workspaceResourceId: workspace.outputs.id
    location: location
    workbooks: loadJsonContent('generated/workbooks.json')
  }
}
