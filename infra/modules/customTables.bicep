// Custom tables (<Name>_CL) for the connectors, from connectors/*/table.json via `sentinel-kit build`.

@description('Name of the existing Log Analytics workspace.')
param workspaceName string

@description('Tables from infra/generated/tables.json: [{ name, properties: { plan, schema } }].')
param tables array

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

resource table 'Microsoft.OperationalInsights/workspaces/tables@2025-07-01' = [
  for t in tables: {
    parent: workspace
    name: t.name
    properties: t.properties
  }
]

@description('Resource ids of the tables, in input order.')
output ids array = [for (t, i) in tables: table[i].id]
