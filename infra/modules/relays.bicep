// Relay playbooks: an automation rule can only run a Logic App, so each responder an automation
// rule runs gets a workflow that starts on a Microsoft Sentinel trigger and POSTs the trigger body
// to the responder's HTTP function. Incident-triggered rules run `relay-<responder>` (incident
// trigger); alert-created rules run `relay-<responder>-alert` (alert trigger): Sentinel runs only
// playbooks whose trigger matches the automation rule's.
//
// Authentication, with no shared secret: the Sentinel connection and the HTTP call both use the
// workflow's system-assigned identity. The responder accepts only an Entra ID token whose managed
// identity is its own relay (functions/responders/shared.ts checks the token's xms_mirid claim).

@description('Azure region.')
param location string

@description('Relays from infra/generated/relays.json: [{ name, responder, trigger: incident | alert }].')
param relays array

@description('Name of the Function App hosting the responders.')
param functionAppName string

@description('Name of the Sentinel workspace whose incidents and alerts the relays receive.')
param workspaceName string

@description('Object id of the "Azure Security Insights" service principal in this tenant (app id 98785600-1bb7-4fb9-b9fa-19afe2c8a360).')
param sentinelAutomationPrincipalId string

@description('Tags applied to every resource.')
param tags object

// Built-in role definition ids (same in every tenant; "Azure built-in roles" reference).
var roles = {
  // Lets Sentinel run playbooks in this resource group.
  sentinelAutomationContributor: 'f4c81013-99ee-4d62-a7ee-b3f1f648599a'
  // The Sentinel connector's triggers read the incident or alert with the workflow's identity.
  sentinelResponder: '3e150937-b8fe-4cfb-8069-0eaf05ecd056'
}

// Audience of the token each relay sends: Azure Resource Manager, which every managed identity
// can get a token for without an app registration. environment() keeps sovereign clouds right.
var tokenAudience = environment().resourceManager

// Trigger definitions of the Microsoft Sentinel connector (azuresentinel), per trigger kind.
var triggers = {
  incident: {
    name: 'Microsoft_Sentinel_incident'
    path: '/incident-creation'
  }
  alert: {
    name: 'Microsoft_Sentinel_alert'
    path: '/subscribe'
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

var sentinelApiId = subscriptionResourceId('Microsoft.Web/locations/managedApis', location, 'azuresentinel')

// A managed-identity API connection of a Consumption logic app: kind V1 and parameterValueType
// Alternative, as in "Authenticate access with managed identities" (learn.microsoft.com/azure/
// logic-apps/authenticate-with-managed-identity, "Microsoft.Web/connections" template). The
// Microsoft.Web/connections@2016-06-01 type definition lacks both properties.
resource sentinelConnection 'Microsoft.Web/connections@2016-06-01' = if (!empty(relays)) {
  name: 'azuresentinel-relay'
  location: location
  tags: tags
  #disable-next-line BCP187
  kind: 'V1'
  properties: {
    displayName: 'Microsoft Sentinel (managed identity)'
    #disable-next-line BCP037
    parameterValueType: 'Alternative'
    api: {
      id: sentinelApiId
    }
  }
}

resource relay 'Microsoft.Logic/workflows@2019-05-01' = [
  for r in relays: {
    name: r.name
    location: location
    tags: tags
    identity: {
      type: 'SystemAssigned'
    }
    properties: {
      state: 'Enabled'
      definition: {
        '$schema': 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#'
        contentVersion: '1.0.0.0'
        parameters: {
          '$connections': {
            type: 'Object'
            defaultValue: {}
          }
        }
        triggers: {
          '${triggers[r.trigger].name}': {
            type: 'ApiConnectionWebhook'
            inputs: {
              host: {
                connection: {
                  name: '@parameters(\'$connections\')[\'azuresentinel\'][\'connectionId\']'
                }
              }
              body: {
                callback_url: '@{listCallbackUrl()}'
              }
              path: triggers[r.trigger].path
            }
          }
        }
        actions: {
          Call_responder: {
            type: 'Http'
            runAfter: {}
            inputs: {
              method: 'POST'
              // functions/responders/shared.ts registers each responder at route responders/<name>.
              uri: 'https://${functionApp.properties.defaultHostName}/api/responders/${r.responder}'
              headers: {
                'Content-Type': 'application/json'
              }
              body: '@triggerBody()'
              authentication: {
                type: 'ManagedServiceIdentity'
                audience: tokenAudience
              }
            }
            // Responders answer 503 when a downstream was throttled; their actions are idempotent.
            retryPolicy: {
              type: 'exponential'
              count: 4
              interval: 'PT30S'
            }
          }
        }
        outputs: {}
      }
      parameters: {
        '$connections': {
          value: {
            azuresentinel: {
              connectionId: sentinelConnection.id
              connectionName: sentinelConnection.name
              id: sentinelApiId
              connectionProperties: {
                authentication: {
                  type: 'ManagedServiceIdentity'
                }
              }
            }
          }
        }
      }
    }
  }
]

resource relayReadsSentinel 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (r, i) in relays: {
    name: guid(workspace.id, relay[i].id, roles.sentinelResponder)
    scope: workspace
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.sentinelResponder)
      principalId: relay[i].identity.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource sentinelRunsPlaybooks 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(relays)) {
  name: guid(resourceGroup().id, sentinelAutomationPrincipalId, roles.sentinelAutomationContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.sentinelAutomationContributor)
    principalId: sentinelAutomationPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('Resource ids of the relay workflows, in input order.')
output ids array = [for (r, i) in relays: relay[i].id]
