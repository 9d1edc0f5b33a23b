// Watchlists from kql/watchlists, uploaded as inline CSV (rawContent).

@description('Name of the Sentinel workspace.')
param workspaceName string

@description('Watchlists from infra/generated/watchlists.json: [{ name, properties }].')
param watchlists array

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

resource watchlist 'Microsoft.SecurityInsights/watchlists@2025-09-01' = [
  for w in watchlists: {
    scope: workspace
    name: w.name
    properties: w.properties
  }
]

@description('Watchlist aliases.')
output aliases array = [for w in watchlists: w.name]
