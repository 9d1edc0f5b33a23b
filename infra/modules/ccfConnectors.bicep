// Codeless Connector Framework connectors from connectors/*/ccf/connector.yaml via `sentinel-kit build`:
// a data connector definition (the connector page) for each, and a RestApiPoller data connector for
// those listed in `enabled`, sending to the connector's DCR.
// https://learn.microsoft.com/azure/sentinel/create-codeless-connector

@description('Name of the existing Log Analytics workspace (Sentinel onboarded).')
param workspaceName string

@description('CCF connectors from infra/generated/ccfConnectors.json: [{ connector, dcr, parameters, definition, poller }].')
param connectors array

@description('Connector folder names whose RestApiPoller is deployed, e.g. [\'okta\'].')
param enabled array

@description('Per enabled connector, the values of its declared parameters, e.g. { okta: { orgUrl: \'https://contoso.okta.com\', apiToken: \'...\' } }.')
@secure()
param parameters object

@description('Logs Ingestion endpoint of the data collection endpoint.')
param dataCollectionEndpoint string

@description('The DCRs of dataCollection.bicep: [{ connector, immutableId, ... }].')
param dcrs array

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

resource definition 'Microsoft.SecurityInsights/dataConnectorDefinitions@2025-09-01' = [
  for c in connectors: {
    scope: workspace
    name: c.definition.name
    kind: 'Customizable'
    properties: c.definition.properties
  }
]

// `{{name}}` in the poller is replaced by the parameter's value, JSON-escaped the way string() writes
// a one-element array ('["v"]' minus its brackets and quotes), so any value keeps the JSON valid. A
// declared parameter missing from `parameters` fails the deployment naming it.
resource poller 'Microsoft.SecurityInsights/dataConnectors@2025-09-01' = [
  for c in filter(connectors, c => contains(enabled, c.connector)): {
    scope: workspace
    name: c.poller.name
    kind: 'RestApiPoller'
    properties: union(
      json(reduce(
        map(c.parameters, p => p.name),
        string(c.poller.properties),
        (text, name) => replace(
          text,
          '{{${name}}}',
          substring(string([parameters[c.connector][name]]), 2, max(0, length(string([parameters[c.connector][name]])) - 4))
        )
      )),
      {
        dcrConfig: {
          streamName: c.poller.properties.dcrConfig.streamName
          dataCollectionEndpoint: dataCollectionEndpoint
          dataCollectionRuleImmutableId: filter(dcrs, d => d.connector == c.dcr)[0].immutableId
        }
      }
    )
    dependsOn: [definition]
  }
]

@description('Resource ids of the data connector definitions, in input order.')
output definitionIds array = [for (c, i) in connectors: definition[i].id]
