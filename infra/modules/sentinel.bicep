// Turns the workspace into a Microsoft Sentinel workspace.

@description('Name of the existing Log Analytics workspace.')
param workspaceName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

resource onboarding 'Microsoft.SecurityInsights/onboardingStates@2025-09-01' = {
  scope: workspace
  name: 'default'
  properties: {}
}

@description('Resource id of the Sentinel onboarding state.')
output id string = onboarding.id
