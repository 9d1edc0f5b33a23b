// Analytics rules compiled from kql/rules by `sentinel-kit build`. Resource names are the rule
// ids, so renaming a rule's display name updates it in place.

@description('Name of the Sentinel workspace.')
param workspaceName string

@description('Rules from infra/generated/analyticsRules.json: [{ name, kind: Scheduled | NRT, properties }].')
param rules array

var scheduledRules = filter(rules, r => r.kind == 'Scheduled')
var nrtRules = filter(rules, r => r.kind == 'NRT')

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

// Newest GA version (src/rules/compile/alertRule.ts keeps the same versions for the ARM output).
resource scheduled 'Microsoft.SecurityInsights/alertRules@2025-09-01' = [
  for rule in scheduledRules: {
    scope: workspace
    name: rule.name
    kind: 'Scheduled'
    properties: rule.properties
  }
]

// No GA version defines the NRT kind; this is the newest preview that does.
resource nrt 'Microsoft.SecurityInsights/alertRules@2025-10-01-preview' = [
  for rule in nrtRules: {
    scope: workspace
    name: rule.name
    kind: 'NRT'
    properties: rule.properties
  }
]

@description('Resource ids of the Scheduled rules.')
output scheduledIds array = [for (rule, i) in scheduledRules: scheduled[i].id]

@description('Resource ids of the NRT rules.')
output nrtIds array = [for (rule, i) in nrtRules: nrt[i].id]
