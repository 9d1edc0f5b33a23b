// Log Analytics workspace that holds every table Sentinel reads.

@description('Workspace name (4-63 characters: letters, digits, hyphens).')
param name string

@description('Azure region.')
param location string

@description('Interactive retention in days. Sentinel includes 90 days at no extra retention cost.')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('Daily ingestion cap in GB; -1 means no cap.')
param dailyQuotaGb int

@description('Tags applied to the workspace.')
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    workspaceCapping: {
      dailyQuotaGb: dailyQuotaGb
    }
  }
}

@description('Resource id of the workspace.')
output id string = workspace.id

@description('Workspace name.')
output name string = workspace.name

@description('Workspace (customer) id used by the Log Analytics query API.')
output customerId string = workspace.properties.customerId
