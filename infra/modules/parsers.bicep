// Parsers from kql/parsers as workspace functions (saved searches with a function alias), so
// rules can call them: Sentinel rejects a rule whose query calls a function the workspace lacks.

@description('Name of the Log Analytics workspace.')
param workspaceName string

@description('Parsers from infra/generated/parsers.json: [{ name, usedBy, properties }].')
param parsers array

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

resource parser 'Microsoft.OperationalInsights/workspaces/savedSearches@2025-07-01' = [
  for p in parsers: {
    parent: workspace
    name: p.name
    properties: p.properties
  }
]

@description('Function aliases of the deployed parsers.')
output aliases array = [for (p, i) in parsers: parser[i].properties.functionAlias]
