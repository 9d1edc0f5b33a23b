// Summary rules (Log Analytics summaryLogs) from kql/summary via `sentinel-kit build`. Azure Monitor
// creates each destination table (<Name>_CL) from the rule's query on its first bin.

@description('Name of the existing Log Analytics workspace.')
param workspaceName string

@description('Rules from infra/generated/summaryRules.json: [{ name, properties: { ruleType, description, ruleDefinition } }].')
param rules array

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

resource summaryRule 'Microsoft.OperationalInsights/workspaces/summaryLogs@2025-07-01' = [
  for r in rules: {
    parent: workspace
    name: r.name
    properties: r.properties
  }
]

@description('Resource ids of the summary rules, in input order.')
output ids array = [for (r, i) in rules: summaryRule[i].id]
