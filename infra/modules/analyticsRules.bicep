// Analytics rules compiled from kql/rules by `sentinel-kit build`. Resource names are the rule
// ids, so renaming a rule's display name updates it in place.

@description('Name of the Sentinel workspace.')
param workspaceName string

@description('Scheduled rules from infra/generated/analyticsRules.json: [{ name, properties }].')
param scheduledRules array

@description('NRT rules from infra/generated/analyticsRules.json: [{ name, properties }].')
param nrtRules array

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource scheduled 'Microsoft.SecurityInsights/alertRules@2024-09-01' = [
  for rule in scheduledRules: {
    scope: workspace
    name: rule.name
    kind: 'Scheduled'
    properties: rule.properties
  }
]

// NRT rules exist only in preview API versions of alertRules.
resource nrt 'Microsoft.SecurityInsights/alertRules@2023-02-01-preview' = [
  for rule in nrtRules: {
    scope: workspace
    name: rule.name
    kind: 'NRT'
    properties: rule.properties
  }
]

@description('Resource ids of the deployed rules (scheduled first, then NRT).')
output ids array = concat(
  [for (rule, i) in scheduledRules: scheduled[i].id],
  [for (rule, i) in nrtRules: nrt[i].id]
)
