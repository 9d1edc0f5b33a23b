import { generateKeyPairSync, sign } from 'node:crypto';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineResponder } from '../../functions/responders/shared.js';
import { RelayAuthenticator } from '../../src/responders/relayAuth.js';

const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const scope = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-sentinel';
const relay = `${scope}/providers/Microsoft.Logic/workflows/relay-disable-user`;
const audience = 'https://management.azure.com/';
// OpenID Connect signing keys of the tenant (Entra ID "discovery/v2.0/keys", a JWKS).
const keysUrl = `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`;

const signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = 'test-key-1';

function token(claims: Record<string, unknown>, options: { alg?: string; key?: typeof signer } = {}): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = b64({ typ: 'JWT', alg: options.alg ?? 'RS256', kid });
  const now = Math.floor(Date.now() / 1000);
  // The claims of a managed identity's token for Azure Resource Manager (v1 issuer).
  const payload = b64({
    aud: audience,
    iss: `https://sts.windows.net/${tenantId}/`,
    tid: tenantId,
    nbf: now - 60,
    exp: now + 3600,
    oid: '5e0f3b0e-0000-4000-8000-000000000001',
    xms_mirid: relay.toLowerCase().replace('/providers/microsoft.logic/', '/providers/Microsoft.Logic/'),
    ...claims,
  });
  const signature = sign(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    (options.key ?? signer).privateKey,
  );
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

const server = setupServer();
let keyFetches = 0;
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  keyFetches = 0;
  server.resetHandlers(
    http.get(keysUrl, () => {
      keyFetches++;
      return HttpResponse.json({
        keys: [{ ...signer.publicKey.export({ format: 'jwk' }), kid, use: 'sig' }],
      });
    }),
  );
});

const relays = ['relay-disable-user', 'relay-disable-user-alert'];
const authenticator = () => new RelayAuthenticator({ tenantId, relayScope: scope, audience });

describe("relay → responder authentication (Entra ID token of the relay's managed identity)", () => {
  it("accepts its own relay's token (resource ids compare case-insensitively)", async () => {
    expect(await authenticator().authenticate(`Bearer ${token({})}`, relays)).toMatchObject({ ok: true });
  });

  it.each([
    [
      'another relay',
      { xms_mirid: `${scope}/providers/Microsoft.Logic/workflows/relay-enrich` },
      /not this responder/,
    ],
    [
      'a relay in another resource group',
      { xms_mirid: relay.replace('rg-sentinel', 'rg-other') },
      /not this responder/,
    ],
    ['a user or app token without xms_mirid', { xms_mirid: undefined }, /not this responder/],
    ['another audience', { aud: 'https://graph.microsoft.com' }, /audience/],
    ['another tenant', { iss: 'https://sts.windows.net/11111111-1111-1111-1111-111111111111/' }, /issuer/],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 3600 }, /expired/],
    ['a token not valid yet', { nbf: Math.floor(Date.now() / 1000) + 3600 }, /not yet valid/],
  ])('refuses %s', async (_name, claims, reason) => {
    const result = await authenticator().authenticate(`Bearer ${token(claims)}`, relays);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it.each([
    ['no header', undefined],
    ['a function key', 'not-a-jwt'],
    ['alg none', `Bearer ${token({}, { alg: 'none' }).replace(/\.[^.]+$/, '.AA')}`],
    ['a token signed by someone else', `Bearer ${token({}, { key: stranger })}`],
    ['garbage', 'Bearer a.b.c'],
  ])('refuses %s', async (_name, header) => {
    expect((await authenticator().authenticate(header, relays)).ok).toBe(false);
  });

  it('fetches the signing keys once, not per request', async () => {
    const auth = authenticator();
    for (let i = 0; i < 3; i++) await auth.authenticate(`Bearer ${token({})}`, relays);
    await auth.authenticate(`Bearer ${token({}, { key: stranger })}`, relays);
    expect(keyFetches).toBe(1);
  });
});

describe('defineResponder in Azure (RESPONDER_RELAY_SCOPE set by main.bicep)', () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it('needs no function key but answers 401, before reading the body, without its relay token', async () => {
    Object.assign(process.env, { RESPONDER_RELAY_SCOPE: scope, RESPONDER_TENANT_ID: tenantId });
    let called = false;
    const options = defineResponder('disable-user', async () => {
      called = true;
      return [];
    });
    expect(options.authLevel).toBe('anonymous');
    const request = (authorization?: string) =>
      new HttpRequest({
        url: 'https://func.example/api/responders/disable-user',
        method: 'POST',
        headers: authorization ? { authorization } : {},
        body: { string: '{}' },
      });
    const refused = await options.handler(request(), new InvocationContext());
    expect(refused).toMatchObject({ status: 401 });
    const other = await options.handler(
      request(`Bearer ${token({ xms_mirid: `${scope}/providers/Microsoft.Logic/workflows/relay-enrich` })}`),
      new InvocationContext(),
    );
    expect(other).toMatchObject({ status: 401 });
    expect(called).toBe(false);
    // Its own relay gets through to body parsing (this body is not an incident: 400).
    const own = await options.handler(request(`Bearer ${token({})}`), new InvocationContext());
    expect(own).toMatchObject({ status: 400 });
  });

  it('keeps the function key when not deployed by main.bicep (local SOC)', () => {
    delete process.env.RESPONDER_RELAY_SCOPE;
    expect(defineResponder('notify', async () => []).authLevel).toBe('function');
  });
});
