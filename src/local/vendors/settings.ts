import { CONNECTOR_SETTINGS, type ConnectorName } from '../../connectors/settings.js';
import { localConnectorDcrId } from './dcrs.js';

type Env = Record<string, string | undefined>;

/** The settings that say where a connector pulls from; any of them set by the user means the real API. */
const sourceSettings: Record<ConnectorName, string[]> = {
  okta: ['OKTA_ORG_URL', 'OKTA_API_TOKEN'],
  'github-audit': [
    'GITHUB_AUDIT_ORG',
    'GITHUB_AUDIT_ENTERPRISE',
    'GITHUB_AUDIT_TOKEN',
    'GITHUB_AUDIT_API_URL',
  ],
  threatfox: ['THREATFOX_AUTH_KEY', 'THREATFOX_API_URL'],
};

// Taken when the module loads, before the local SOC assigns app settings to process.env: a second
// start in the same process must not mistake the first start's replay settings for the user's.
const environmentAtStartup: Env = { ...process.env };

export interface ConnectorAppSettings {
  settings: Record<string, string>;
  /** Connectors left on the real API the user configured in the environment. */
  realApis: ConnectorName[];
  /** One line for the log: where each connector pulls from. */
  summary: string;
}

/**
 * App settings for the connectors in the local SOC. Each connector pulls from its local replay
 * unless the user set any of its source settings (e.g. OKTA_ORG_URL) before starting: those are kept
 * untouched and the connector pulls from the real API. Either way rows go to the local workspace
 * through the connector's local DCR, and checkpoints to the SOC's Azurite.
 */
export function connectorAppSettings(
  replays: Record<ConnectorName, Record<string, string>>,
  storage: string,
  env: Env = environmentAtStartup,
): ConnectorAppSettings {
  const settings: Record<string, string> = { CONNECTOR_STORAGE_CONNECTION_STRING: storage };
  const realApis: ConnectorName[] = [];
  const names = Object.keys(CONNECTOR_SETTINGS) as ConnectorName[];
  for (const name of names) {
    settings[`${CONNECTOR_SETTINGS[name].prefix}_DCR_IMMUTABLE_ID`] = localConnectorDcrId(name);
    if (sourceSettings[name].some((setting) => env[setting]?.trim())) realApis.push(name);
    else Object.assign(settings, replays[name]);
  }
  const summary = `connectors: ${names
    .map(
      (name) =>
        `${name} ← ${realApis.includes(name) ? 'real API (settings from the environment)' : 'sample replay'}`,
    )
    .join(', ')}`;
  return { settings, realApis, summary };
}
