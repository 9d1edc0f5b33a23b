// Relay playbooks: an automation rule can only run a Logic App, so each responder gets a
// workflow that starts on the Microsoft Sentinel incident trigger and POSTs the incident to the
// responder's HTTP function. The Sentinel API connection authenticates with the workflow's
// managed identity; the function key is passed as a secure workflow parameter, never stored in
// the definition.

@description('Azure region.')
param location string

@description('Responder names (defineResponder(\'<name>\') in functions/responders) that automation rules run.')
param responders array

@description('Name of the Function App hosting the responders.')
param functionAppName string

@description('Object id of the "Azure Security Insights" service principal in this tenant (app id 98785600-1bb7-4fb9-b9fa-19afe2c8a360). Empty: skip the role assignment and grant it by hand.')
param sentinelAutomationPrincipalId string

@description('Tags applied to every resource.')
param tags object

// Microsoft Sentinel Automation Contributor: lets Sentinel run playbooks in this resource group.
var automationContributor = 'f4c81013-99ee-4d62-a7ee-b3f1f648599a'

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

var sentinelApiId = subscriptionResourceId('Microsoft.Web/locations/managedApis', location, 'azuresentinel')

resource sentinelConnection 'Microsoft.Web/connections@2016-06-01' = if (!empty(responders)) {
  name: 'azuresentinel-relay'
  location: location
  tags: tags
  kind: 'V1'
  properties: {
    displayName: 'Microsoft Sentinel (managed identity)'
    parameterValueType: 'Alternative'
    api: {
      id: sentinelApiId
    }
  }
}

resource relay 'Microsoft.Logic/workflows@2019-05-01' = [
  for responder in responders: {
    name: 'relay-${responder}'
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
          functionKey: {
            type: 'SecureString'
          }
        }
        triggers: {
          Microsoft_Sentinel_incident: {
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
              path: '/incident-creation'
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
              uri: 'https://${functionApp.properties.defaultHostName}/api/responders/${responder}'
              headers: {
                'Content-Type': 'application/json'
                'x-functions-key': '@parameters(\'functionKey\')'
              }
              body: '@triggerBody()'
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
        functionKey: {
          value: listKeys('${functionApp.id}/host/default', '2024-04-01').functionKeys.default
        }
      }
    }
  }
]

resource sentinelRunsPlaybooks 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(sentinelAutomationPrincipalId) && !empty(responders)) {
  name: guid(resourceGroup().id, sentinelAutomationPrincipalId, automationContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', automationContributor)
    principalId: sentinelAutomationPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('Resource ids of the relay workflows, in responder order.')
output ids array = [for (responder, i) in responders: relay[i].id]
