// SOC operations workbooks (SLA, rule health and noise, MITRE ATT&CK coverage) generated from
// kql/operations.yaml and kql/rules by `sentinel-kit build` into infra/generated/workbooks.json.

@description('Resource id of the Sentinel workspace the workbooks query.')
param workspaceResourceId string

@description('Location of the workbook resources.')
param location string = resourceGroup().location

@description('Workbooks from infra/generated/workbooks.json: [{ name (GUID), displayName, serializedData }].')
param workbooks array

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = [
  for w in workbooks: {
    name: w.name
    location: location
    kind: 'shared'
    properties: {
      displayName: w.displayName
      serializedData: w.serializedData
      category: 'sentinel'
      sourceId: workspaceResourceId
      version: 'Notebook/1.0'
    }
  }
]

@description('Resource ids of the workbooks.')
output ids array = [for (w, i) in workbooks: workbook[i].id]
