// Automation rules compiled from kql/automation by `sentinel-kit build`.

@description('Name of the Sentinel workspace.')
param workspaceName string

@description('Automation rules with resource ids filled in: [{ name, properties }].')
param rules array

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

resource automationRule 'Microsoft.SecurityInsights/automationRules@2025-09-01' = [
  for rule in rules: {
    scope: workspace
    name: rule.name
    properties: rule.properties
  }
]

@description('Resource ids of the automation rules.')
output ids array = [for (rule, i) in rules: automationRule[i].id]
