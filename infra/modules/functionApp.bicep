// The Functions app (connectors and responders) on Linux Flex Consumption, Node 20, with its
// storage account, Application Insights and a system-assigned identity. Storage is reached with
// the identity (no account keys in settings); third-party API keys are Key Vault references.

@description('Function App name (globally unique host name).')
param name string

@description('Azure region (must offer Flex Consumption).')
param location string

@description('Storage account name: 3-24 lowercase letters and digits, globally unique.')
param storageAccountName string

@description('Resource id of the Log Analytics workspace Application Insights writes to.')
param workspaceId string

@description('Plain app settings (no secrets): endpoint URLs, DCR ids, workspace ids.')
param settings object

@description('App setting name -> Key Vault secret name, e.g. { OKTA_API_TOKEN: \'okta-api-token\' }.')
param keyVaultReferences object

@description('Vault URI the secret settings point into.')
param keyVaultUri string

@description('Maximum instances Flex Consumption may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Tags applied to every resource.')
param tags object

var deploymentContainer = 'app-package'
// Tables the app writes: connector checkpoints and dead letters (src/connectors), responder action
// ledger (functions/responders). Created here so the identity needs no table-creation rights at run time.
var tableNames = ['connectorcheckpoints', 'connectordeadletters', 'responderactions']

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: deploymentContainer
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource appTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = [
  for table in tableNames: {
    parent: tableService
    name: table
  }
]

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspaceId
  }
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

// Flex Consumption sets the worker runtime in functionAppConfig.runtime and rejects
// FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION app settings.
var baseSettings = {
  AzureWebJobsStorage__accountName: storage.name
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  CONNECTOR_STORAGE_TABLE_URL: storage.properties.primaryEndpoints.table
  RESPONDER_LEDGER_ACCOUNT_URL: storage.properties.primaryEndpoints.table
}
var secretReferences = toObject(
  items(keyVaultReferences),
  s => s.key,
  s => '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${s.value}/)'
)
var allSettings = union(baseSettings, settings, secretReferences)

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      // map() rather than a for-expression: the settings hold runtime values (connection string,
      // endpoints), and a for-expression's input must be known at the start of the deployment.
      appSettings: map(items(allSettings), s => { name: s.key, value: s.value })
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'node'
        version: '20'
      }
    }
  }
  dependsOn: [packageContainer, appTables]
}

@description('Resource id of the Function App.')
output id string = site.id

@description('Function App name.')
output name string = site.name

@description('Default host name, e.g. <name>.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName

@description('Object id of the system-assigned identity.')
output principalId string = site.identity.principalId

@description('Storage account name (host storage, package container, connector and responder tables).')
output storageAccountName string = storage.name
