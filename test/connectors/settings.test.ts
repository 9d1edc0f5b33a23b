import { describe, expect, it } from 'vitest';
import {
  runConnectorFromSettings,
  SettingsError,
  scheduleFromSettings,
} from '../../src/connectors/settings.js';
import { DCE, DCR_ID, staticCredential } from '../ingest/mockLogsIngestion.js';
import { connectorTestEnvironment } from './harness.js';
import { MockOkta, OKTA_ORG, OKTA_TOKEN, oktaEvents } from './vendorMocks.js';

const okta = new MockOkta();
const { azurite } = connectorTestEnvironment([okta]);

const silent = { info: () => {}, warn: () => {}, error: () => {} };

describe('connectors from app settings', () => {
  it('runs the Okta connector end to end from settings: Azurite connection string, DCE, DCR id', async () => {
    okta.events = oktaEvents(20, Date.now() - 600_000);
    const env = {
      OKTA_ORG_URL: OKTA_ORG,
      OKTA_API_TOKEN: OKTA_TOKEN,
      OKTA_DCR_IMMUTABLE_ID: DCR_ID,
      LOGS_INGESTION_ENDPOINT: DCE,
      CONNECTOR_STORAGE_CONNECTION_STRING: azurite().connectionString,
    };
    const result = await runConnectorFromSettings('okta', env, silent, staticCredential);
    expect(result).toMatchObject({ outcome: 'completed', sent: 20 });
    const checkpoint = await azurite()
      .tableClient('connectorcheckpoints')
      .getEntity('okta', 'contoso.okta.com');
    expect(JSON.parse(String(checkpoint.cursor))).toEqual({
      next: expect.stringMatching(/^https:\/\/contoso\.okta\.com\/api\/v1\/logs\?/),
    });
  });

  it('lists every missing setting by name, never by value', async () => {
    const error = await runConnectorFromSettings(
      'github-audit',
      { GITHUB_AUDIT_TOKEN: 'ghp_SECRET', CONNECTOR_RUN_BUDGET_SECONDS: 'soon' },
      silent,
      staticCredential,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(SettingsError);
    const names = error.message.replace('missing or invalid app settings: ', '').split(', ');
    expect(names.sort()).toEqual(
      [
        'CONNECTOR_RUN_BUDGET_SECONDS (a positive number)',
        'CONNECTOR_STORAGE_TABLE_URL',
        'GITHUB_AUDIT_DCR_IMMUTABLE_ID',
        'GITHUB_AUDIT_ORG',
        'LOGS_INGESTION_ENDPOINT',
      ].sort(),
    );
    expect(error.message).not.toContain('ghp_SECRET');
  });

  it('takes the schedule from <PREFIX>_SCHEDULE with a per-connector default', () => {
    expect(scheduleFromSettings('okta', {})).toBe('0 */5 * * * *');
    expect(scheduleFromSettings('threatfox', {})).toBe('0 7 * * * *');
    expect(scheduleFromSettings('github-audit', { GITHUB_AUDIT_SCHEDULE: '0 */15 * * * *' })).toBe(
      '0 */15 * * * *',
    );
  });
});
