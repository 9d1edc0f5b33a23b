// Compile-time values from the SOC operations model (`sentinel-kit build` writes generated/operations.json
// from kql/operations.yaml), imported by main.bicep. Not a deployable module: it declares no resource.

var operations = loadJsonContent('../generated/operations.json')

@export()
@description('App setting name -> Key Vault secret name of each tier\'s Teams webhook (`teams.webhookSetting` in kql/operations.yaml), e.g. { TEAMS_WEBHOOK_L1: \'teams-webhook-l1\' }. A webhook URL carries its own credential, so it is a secret; the soc-operations timer reads the setting by this name.')
var tierWebhookSecrets = toObject(
  filter(operations.model.tiers, t => !empty(t.?teams.?webhookSetting ?? '')),
  t => t.teams.webhookSetting,
  t => toLower(replace(t.teams.webhookSetting, '_', '-'))
)

@export()
@description('Where the packaged Functions app holds the operations model (scripts/package.ts puts it there), relative to the app root.')
var operationsFile = 'infra/generated/operations.json'
