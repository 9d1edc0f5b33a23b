// Token audiences in sovereign clouds: each API is its own app ID URI there ("National cloud deployments",
// https://learn.microsoft.com/graph/deployments; Azure Government endpoint mappings,
// https://learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure), and the
// Logs Ingestion / Logs Query SDKs take their sovereign audiences from KnownMonitorAudience /
// KnownMonitorLogsQueryAudience.
import type { GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitIntoBatches } from '../../src/ingest/batches.js';
import { createAzureLogsSink, ingestionAudience } from '../../src/ingest/logsIngestion.js';
import { createLogsQuery } from '../../src/query/logs.js';
import { DefenderClient } from '../../src/responders/defender.js';
import { GraphClient } from '../../src/responders/graph.js';
import { SentinelClient } from '../../src/sentinel/client.js';
import { audienceOf } from '../../src/sentinel/rest.js';

const server = setupServer(
  http.all('https://*/*', ({ request }) =>
    new URL(request.url).pathname.includes('/streams/')
      ? new HttpResponse(null, { status: 204 })
      : HttpResponse.json({ id: 'x', properties: {}, value: [], tables: [] }),
  ),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

function recordingCredential(): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken: async (requested: string | string[], _options?: GetTokenOptions) => {
      scopes.push(...(Array.isArray(requested) ? requested : [requested]));
      return { token: 't', expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

const retry = { maxRetries: 0 };

describe('token audiences follow the endpoint cloud', () => {
  it.each([
    ['https://graph.microsoft.us', 'https://graph.microsoft.us/.default'],
    ['https://microsoftgraph.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn/.default'],
    [undefined, 'https://graph.microsoft.com/.default'],
  ])('Graph at %s asks for %s', async (endpoint, scope) => {
    const credential = recordingCredential();
    await new GraphClient({ endpoint, credential, retry }).revokeSignInSessions('alice@contoso.com');
    expect(credential.scopes).toEqual([scope]);
  });

  it('SecurityInsights in Azure Government asks for the usgovcloudapi audience', async () => {
    const credential = recordingCredential();
    const client = new SentinelClient({
      endpoint: 'https://management.usgovcloudapi.net',
      credential,
      retry,
    });
    await client.getIncident({
      subscriptionId: '00000000-1111-2222-3333-444444444444',
      resourceGroup: 'rg',
      workspaceName: 'law',
      incidentId: 'i1',
    });
    expect(credential.scopes).toEqual(['https://management.usgovcloudapi.net/.default']);
  });

  it.each([
    ['https://api-gov.securitycenter.microsoft.us', 'https://api-gov.securitycenter.microsoft.us/.default'],
    ['https://api-eu.securitycenter.microsoft.com', 'https://api.securitycenter.microsoft.com/.default'],
  ])('Defender at %s asks for %s', async (endpoint, scope) => {
    const credential = recordingCredential();
    await new DefenderClient({ endpoint, credential, retry }).openIsolations('m-1');
    expect(credential.scopes).toEqual([scope]);
  });

  it('Logs Query in Azure Government asks for api.loganalytics.us', async () => {
    const credential = recordingCredential();
    const logs = createLogsQuery({ endpoint: 'https://api.loganalytics.us/v1', credential, retry });
    await logs.query('11111111-2222-3333-4444-555555555555', 'print 1', 'P1D');
    expect(credential.scopes).toEqual(['https://api.loganalytics.us/.default']);
  });

  it.each([
    ['https://dce-1.usgovvirginia-1.ingest.monitor.azure.us', 'https://monitor.azure.us/.default'],
    ['https://dce-1.chinanorth3-1.ingest.monitor.azure.cn', 'https://monitor.azure.cn/.default'],
    ['https://dce-1.westeurope-1.ingest.monitor.azure.com', 'https://monitor.azure.com/.default'],
  ])('Logs Ingestion to %s asks for %s', async (endpoint, scope) => {
    const credential = recordingCredential();
    const sink = createAzureLogsSink({ endpoint, ruleId: 'dcr-1', credential, maxRetries: 0 });
    await sink.upload('Custom-Okta', splitIntoBatches([{ a: 1 }]).batches[0]);
    expect(credential.scopes).toEqual([scope]);
    expect(`${ingestionAudience(endpoint)}/.default`).toBe(scope);
  });

  it('local stand-ins on loopback keep the public audience', () => {
    expect(audienceOf('http://127.0.0.1:7071', 'https://graph.microsoft.com')).toBe(
      'https://graph.microsoft.com',
    );
  });
});
