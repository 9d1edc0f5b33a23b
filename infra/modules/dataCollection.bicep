// Logs Ingestion API path: one data collection endpoint, one data collection rule per connector.

@description('Azure region.')
param location string

@description('Prefix for the endpoint and rule names.')
param namePrefix string

@description('Resource id of the destination Log Analytics workspace.')
param workspaceId string

@description('DCRs from infra/generated/dataCollectionRules.json: [{ connector, streamDeclarations, dataFlows }].')
param dcrs array

@description('Tags applied to every resource.')
param tags object

resource endpoint 'Microsoft.Insights/dataCollectionEndpoints@2024-03-11' = {
  name: '${namePrefix}-dce'
  location: location
  tags: tags
  properties: {
    networkAcls: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource rule 'Microsoft.Insights/dataCollectionRules@2024-03-11' = [
  for d in dcrs: {
    name: 'dcr-${d.connector}'
    location: location
    tags: tags
    kind: 'Direct'
    properties: {
      dataCollectionEndpointId: endpoint.id
      streamDeclarations: d.streamDeclarations
      destinations: {
        logAnalytics: [
          {
            name: 'workspace'
            workspaceResourceId: workspaceId
          }
        ]
      }
      dataFlows: [
        for flow in d.dataFlows: {
          streams: flow.streams
          destinations: ['workspace']
          transformKql: flow.transformKql
          outputStream: flow.outputStream
        }
      ]
    }
  }
]

@description('Resource id of the data collection endpoint.')
output endpointId string = endpoint.id

@description('Logs Ingestion API endpoint the connectors send to.')
output logsIngestionEndpoint string = endpoint.properties.logsIngestion.endpoint

@description('Per connector: DCR name, resource id, immutable id and input stream.')
output rules array = [
  for (d, i) in dcrs: {
    connector: d.connector
    name: rule[i].name
    id: rule[i].id
    immutableId: rule[i].properties.immutableId
    stream: d.dataFlows[0].streams[0]
  }
]
