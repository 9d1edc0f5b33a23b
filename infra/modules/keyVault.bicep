// Key Vault for third-party API keys. Access is Azure RBAC only (no access policies); operators
// add secrets after deployment, the Function App reads them through Key Vault references.

@description('Vault name (3-24 characters, globally unique).')
param name string

@description('Azure region.')
param location string

@description('Tags applied to the vault.')
param tags object

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

@description('Resource id of the vault.')
output id string = vault.id

@description('Vault name.')
output name string = vault.name

@description('Vault URI, e.g. https://<name>.vault.azure.net/.')
output uri string = vault.properties.vaultUri
