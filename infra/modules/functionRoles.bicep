// What the Function App identity may do, and nothing more: publish to its DCRs, act on Sentinel
// incidents, use its storage account (host state, package, connector and responder tables), and
// read Key Vault secrets.

@description('Name of the Function App whose system-assigned identity gets the roles.')
param functionAppName string

@description('Names of the data collection rules the connectors send to.')
param dcrNames array

@description('Name of the Sentinel workspace the responders act on.')
param workspaceName string

@description('Storage account holding host state, the package container and the app tables.')
param storageAccountName string

@description('Key Vault holding third-party API keys.')
param keyVaultName string

// Built-in role definition ids (same in every tenant; "Azure built-in roles" reference).
var roles = {
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  sentinelResponder: '3e150937-b8fe-4cfb-8069-0eaf05ecd056'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

// Role assignment names derive from the app's resource id (known at the start of the deployment);
// the principal id is only known once the app exists.
var principalId = site.identity.principalId

resource dcr 'Microsoft.Insights/dataCollectionRules@2024-03-11' existing = [
  for name in dcrNames: {
    name: name
  }
]

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: keyVaultName
}

// Logs Ingestion API: the caller needs Monitoring Metrics Publisher on the DCR itself.
resource dcrPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (name, i) in dcrNames: {
    name: guid(dcr[i].id, site.id, roles.monitoringMetricsPublisher)
    scope: dcr[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource responder 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, site.id, roles.sentinelResponder)
  scope: workspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.sentinelResponder)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Connector checkpoints and dead letters, responder action ledger.
resource tableWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, site.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Identity-based AzureWebJobsStorage and the Flex Consumption package container need blob data owner.
resource hostStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, site.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, site.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
